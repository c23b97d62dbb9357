/** Document symbols (outline, breadcrumbs), the CodeLens row, quick fixes and reading referenced files. */
import type { DesignFileReader } from '../../src/engine';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeConfig } from '../../src/engine/analyze';
import {
  analyzeWithFiles,
  codeActions,
  codeLenses,
  documentSymbols,
  type DocumentSymbol,
} from '../../src/engine/language/index';
import { gpt2, spanOf } from './language-text';

const tree = (symbols: readonly DocumentSymbol[]): unknown[] =>
  symbols.map((s) => (s.children.length ? [s.name, s.kind, s.detail, tree(s.children)] : [s.name, s.kind, s.detail]));

test('symbols follow the nesting of the file, with values as details', () => {
  const text = gpt2(
    'weights:',
    '  array: { rows: 256, cols: 256 }',
    '  device: pcm',
    'baselines: [h100, a100]',
    'layers:',
    '  - layers: [0, -1]',
    '    weights:',
    '      implementation: digital',
  );
  assert.deepEqual(tree(documentSymbols(text)), [
    ['version', 'number', '1'],
    ['model', 'section', '', [['preset', 'string', 'gpt2']]],
    [
      'weights',
      'section',
      '',
      [
        [
          'array',
          'section',
          '',
          [
            ['rows', 'number', '256'],
            ['cols', 'number', '256'],
          ],
        ],
        ['device', 'string', 'pcm'],
      ],
    ],
    ['baselines', 'list', 'h100, a100'],
    [
      'layers',
      'list',
      '1 item',
      [
        [
          '[0]',
          'item',
          'layers 0, -1 · weights',
          [
            ['layers', 'list', '0, -1'],
            ['weights', 'section', '', [['implementation', 'string', 'digital']]],
          ],
        ],
      ],
    ],
  ]);
});

test('a symbol spans its key to the end of its value and selects its key', () => {
  const text = gpt2('weights:', '  device: pcm', '  adc:', '    bits: 8', '', 'chip: {}');
  const weights = documentSymbols(text).find((s) => s.name === 'weights')!;
  assert.deepEqual(weights.range, { start: { line: 3, character: 0 }, end: { line: 6, character: 11 } });
  assert.deepEqual(weights.selectionRange, spanOf(text, 3, 'weights'));
  const item = documentSymbols(gpt2('layers:', '  - matrices: [qkv]', '    weights: { implementation: digital }')).find(
    (s) => s.name === 'layers',
  )!.children[0];
  assert.deepEqual(item.range, { start: { line: 4, character: 4 }, end: { line: 5, character: 40 } });
  assert.deepEqual(item.selectionRange, { start: { line: 4, character: 4 }, end: { line: 4, character: 19 } });
});

test('symbols of a broken file are whatever parsed', () => {
  assert.deepEqual(
    documentSymbols('version: 1\nmodel: [\n').map((s) => s.name),
    ['version', 'model'],
  );
  assert.deepEqual(documentSymbols(''), []);
});

test("CodeLens: Simulate · Sweep · Compare with GPUs on the first key's line", () => {
  const lenses = codeLenses(`# GPT-2\n# with gain cells\n\n${gpt2()}`);
  assert.deepEqual(
    lenses.map((l) => [l.title, l.command]),
    [
      ['Simulate', 'aimc.simulate'],
      ['Sweep', 'aimc.runSweep'],
      ['Compare with GPUs', 'aimc.compareBaselines'],
    ],
  );
  for (const l of lenses)
    assert.deepEqual(l.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } });
  assert.equal(codeLenses('')[0].range.start.line, 0);
});

test('quick fixes are the fixes of the diagnostics at the cursor', () => {
  const text = gpt2('weights:', '  bits_per_cel: 4', 'technology:', '  clock_ghz: 50', 'chip:', '  zebra: 1');
  const { diagnostics } = analyzeConfig(text);
  const onKey = codeActions(diagnostics, { start: { line: 4, character: 5 }, end: { line: 4, character: 5 } });
  assert.deepEqual(
    onKey.map((a) => [a.title, a.edits[0].newText, a.diagnostic.code, a.isPreferred]),
    [['Rename to `bits_per_cell`', 'bits_per_cell', 'unknown-key', true]],
  );
  const acrossTheFile = codeActions(diagnostics, { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } });
  assert.deepEqual(
    acrossTheFile.map((a) => a.title),
    ['Rename to `bits_per_cell`', 'Clamp to 10 GHz'],
  );
  assert.deepEqual(
    codeActions(diagnostics, { start: { line: 8, character: 3 }, end: { line: 8, character: 3 } }),
    [],
    'no fix for a key with no likely intent',
  );
});

test('a cursor just after the underlined text still gets its fix', () => {
  const text = gpt2('technology:', '  clock_ghz: 50');
  const { diagnostics } = analyzeConfig(text);
  assert.equal(
    codeActions(diagnostics, { start: { line: 4, character: 15 }, end: { line: 4, character: 15 } }).length,
    1,
  );
});

/** A reader of text files only. */
function textReader(readText: (path: string) => Promise<string | undefined>): DesignFileReader {
  return { readText, readBytes: async () => undefined };
}

test('analyzeWithFiles reads the Hugging Face file a config names, once, and analyzes with it', async () => {
  const reads: string[] = [];
  const hf = JSON.stringify({
    model_type: 'gpt2',
    n_layer: 3,
    n_embd: 64,
    n_head: 4,
    vocab_size: 100,
    n_positions: 128,
  });
  const a = await analyzeWithFiles(
    'version: 1\nmodel:\n  huggingface: hf/config.json\n',
    textReader(async (p) => {
      reads.push(p);
      return p === 'hf/config.json' ? hf : undefined;
    }),
  );
  assert.deepEqual(reads, ['hf/config.json']);
  assert.equal(a.design?.shape.layers, 3);
  assert.ok(a.result);
  const missing = await analyzeWithFiles(
    'version: 1\nmodel:\n  huggingface: nope.json\n',
    textReader(async () => undefined),
  );
  assert.deepEqual(
    missing.diagnostics.map((d) => d.code),
    ['huggingface-unreadable'],
  );
  const failing = await analyzeWithFiles(
    'version: 1\nmodel:\n  huggingface: x.json\n',
    textReader(() => Promise.reject(new Error('EACCES'))),
  );
  assert.deepEqual(
    failing.diagnostics.map((d) => d.code),
    ['huggingface-unreadable'],
  );
});
