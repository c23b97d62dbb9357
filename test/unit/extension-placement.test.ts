/**
 * The config lines that put a matrix on its arrays (src/extension/configText/placement.ts), held
 * to the engine's resolver: the overrides it names are the ones that decide the matrix's mapping.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { matchingOverrides, placementLines, selectedLayers } from '../../src/extension/configText/placement';
import { MATRIX_NAMES } from '../../src/shared/matrices';
import { simulateText } from '../helpers/design';

const ROOT = join(import.meta.dirname, '../..');
const example = (f: string) => readFileSync(join(ROOT, 'examples', f), 'utf8');

const lineOf = (text: string, n: number) => text.split('\n')[n].trim();

test('layer selectors as the resolver reads them: indices, negative from the end, ranges', () => {
  assert.deepEqual([...selectedLayers([0, -1], 12)], [0, 11]);
  assert.deepEqual([...selectedLayers(['2-4'], 12)], [2, 3, 4]);
  assert.deepEqual([...selectedLayers(['4-2', 40], 12)], [2, 3, 4]);
  assert.equal(selectedLayers(undefined, 5).size, 5);
});

test("the overrides named are the resolver's: analog exactly where the hybrid's overrides leave weights analog", () => {
  const text = example('gpt2-hybrid.aimc.yaml');
  const config = parse(text) as {
    layers: Array<{ weights?: { implementation?: string } }>;
    weights: { implementation?: string };
  };
  const r = simulateText(text);
  const layers = r.model.layers;
  const analog = new Set(r.mapping.tileGroups.filter((g) => g.kind === 'weight').map((g) => `${g.layer}:${g.matrix}`));
  const matrices = MATRIX_NAMES.filter((m) => m !== 'lm_head' && m !== 'ffn_gate');
  const cases: [number, (typeof MATRIX_NAMES)[number]][] = [
    ...Array.from({ length: layers }, (_, l) =>
      matrices.map((m) => [l, m] as [number, (typeof MATRIX_NAMES)[number]]),
    ).flat(),
    [-1, 'lm_head'],
  ];
  for (const [layer, matrix] of cases) {
    // The last override that sets an implementation wins, else the top-level `weights:`.
    const setting = matchingOverrides(config, layers, layer, matrix)
      .map((i) => config.layers[i].weights?.implementation)
      .filter((x) => x !== undefined);
    const implementation = setting.at(-1) ?? config.weights.implementation ?? 'analog';
    assert.equal(analog.has(`${layer}:${matrix}`), implementation === 'analog', `layer ${layer} ${matrix}`);
  }
  // Attention: layer 0's override makes its cache digital; the others hold theirs in gain cells.
  const kvLayers = new Set(r.mapping.tileGroups.filter((g) => g.kind === 'kv').map((g) => g.layer));
  for (let l = 0; l < layers; l++)
    assert.equal(matchingOverrides(config, layers, l, 'k_cache').length > 0, !kvLayers.has(l), `layer ${l} KV`);
});

test('lines for a weight matrix: the overrides that apply, then the weights keys, then the chip size', () => {
  const text = example('llama2-7b-pcm.aimc.yaml');
  const lines = placementLines(text, 32, 17, 'ffn_up');
  assert.deepEqual(
    lines.map((l) => l.path),
    [
      'weights.implementation',
      'weights.device',
      'weights.array',
      'weights.bits_per_cell',
      'weights.weight_bits',
      'weights.mapping',
      'chip.arrays_per_chip',
    ],
  );
  assert.equal(lineOf(text, lines[2].range.start.line), 'array: { rows: 512, cols: 512 }');
  assert.equal(lineOf(text, lines.at(-1)!.range.start.line), 'arrays_per_chip: 4096');
  // A range covers the key and its value, for a flow map as for a scalar.
  const array = lines[2].range;
  assert.equal(array.start.line, array.end.line);
  assert.equal(
    text.split('\n')[array.start.line].slice(array.start.character, array.end.character),
    'array: { rows: 512, cols: 512 }',
  );
});

test('lines for a KV cache: the attention overrides of its layer and the attention keys', () => {
  const text = example('gpt2-hybrid.aimc.yaml');
  const l0 = placementLines(text, 12, 0, 'v_cache');
  assert.deepEqual(
    l0.map((l) => l.path),
    ['layers[2]', 'attention.implementation', 'attention.window'],
  );
  assert.equal(lineOf(text, l0[0].range.start.line), '- layers: [0]');
  assert.deepEqual(
    placementLines(text, 12, 5, 'k_cache').map((l) => l.path),
    ['attention.implementation', 'attention.window'],
  );
});

test('a config that sets nothing about weights points at its model; text that does not parse, at nothing', () => {
  const text = 'version: 1\nmodel:\n  preset: gpt2\n';
  assert.deepEqual(
    placementLines(text, 12, 3, 'q_proj').map((l) => [l.path, l.range.start.line]),
    [['model', 1]],
  );
  assert.deepEqual(placementLines('version: [1\n', 12, 3, 'q_proj'), []);
});
