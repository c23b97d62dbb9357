/** docs/language-features.md documents every diagnostic code the validator can report. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const CHECK_FILES = [
  'config/schemaCheck',
  'config/semanticChecks',
  'config/physicsChecks',
  'config/document',
  'design/loadDesign',
  'design/functionalFiles',
  'analyze',
  'accuracy',
];

/** Codes as the checks write them: `'warning', 'adc-bits-lossy'`, `code: 'syntax'`, `'unknown-key', \`…`. */
function codesInSources(): Set<string> {
  const codes = new Set<string>();
  const patterns = [
    /'(?:error|warning|information)',\s*'([a-z]+(?:-[a-z]+)*)'/g,
    /code: '([a-z]+(?:-[a-z]+)*)'/g,
    /'([a-z]+(?:-[a-z]+)+)',\s*[`']/g,
    /err\([^;]*?,\s*'([a-z]+(?:-[a-z]+)*)',/g,
  ];
  for (const f of CHECK_FILES) {
    const source = readFileSync(join(ROOT, 'src/engine', `${f}.ts`), 'utf8');
    for (const p of patterns) for (const m of source.matchAll(p)) codes.add(m[1]);
  }
  return codes;
}

test('every diagnostic code has a row in docs/language-features.md', () => {
  const docs = readFileSync(join(ROOT, 'docs/language-features.md'), 'utf8');
  const documented = new Set(
    [...docs.matchAll(/^\| `([a-z-]+)` \| (?:error|warning|information) \|/gm)].map((m) => m[1]),
  );
  const codes = codesInSources();
  for (const code of ['syntax', 'unknown-key', 'duplicate-item', 'adc-bits-lossy', 'model-source'])
    assert.ok(codes.has(code), `the scan missed ${code}`);
  assert.deepEqual([...codes].filter((c) => !documented.has(c)).sort(), []);
  assert.deepEqual([...documented].filter((c) => !codes.has(c)).sort(), [], 'documented codes no check reports');
});
