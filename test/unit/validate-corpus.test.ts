/**
 * The corpus of real-looking broken configs in test/fixtures/invalid/. Each YAML file states its
 * diagnostics in `# expect: LINE:COL-LINE:COL severity code` comments (one-based, as the CLI
 * prints them; the end is just past the underlined text); a JSON file in a sibling
 * `.expect.json`. The validator must report exactly those, no more and no fewer.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { analyzeConfig } from '../../src/engine/analyze';
import type { Diagnostic } from '../../src/shared/diagnostics';

const DIR = join(import.meta.dirname, '../fixtures/invalid');
const files = readdirSync(DIR)
  .filter((f) => /\.aimc\.(ya?ml|json)$/.test(f))
  .sort();

function expected(file: string, text: string): string[] {
  if (file.endsWith('.json'))
    return JSON.parse(readFileSync(file.replace(/\.aimc\.json$/, '.expect.json'), 'utf8')) as string[];
  return text.split('\n').flatMap((l) => (l.startsWith('# expect: ') ? [l.slice('# expect: '.length).trim()] : []));
}

function format(d: Diagnostic): string {
  const r = d.range;
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1} ${d.severity} ${d.code}`;
}

test('the corpus covers the kinds of mistakes people make', () => {
  assert.ok(files.length >= 12, `only ${files.length} fixtures`);
  const codes = new Set(
    files.flatMap((f) => expected(join(DIR, f), readFileSync(join(DIR, f), 'utf8')).map((e) => e.split(' ')[2])),
  );
  for (const code of [
    'syntax',
    'unknown-key',
    'wrong-type',
    'out-of-range',
    'unknown-value',
    'heads-divide-d-model',
    'kv-heads-divide-heads',
    'huggingface-unreadable',
    'window-exceeds-context',
    'unknown-layer',
    'unknown-matrix',
  ]) {
    assert.ok(codes.has(code), `no fixture for ${code}`);
  }
});

for (const name of files) {
  test(`fixtures/invalid/${name}`, () => {
    const file = join(DIR, name);
    const text = readFileSync(file, 'utf8');
    const want = expected(file, text);
    assert.ok(want.length > 0, 'a fixture must state what it expects');
    const readFile = (p: string) => {
      const target = resolve(dirname(file), p);
      return existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    };
    const got = analyzeConfig(text, { readFile }).diagnostics;
    assert.deepEqual(got.map(format), want);
    assert.ok(
      got.some((d) => d.severity === 'error'),
      'every fixture here is invalid',
    );
  });
}
