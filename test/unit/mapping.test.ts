import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeConfig } from '../../src/engine/analyze';
import { mapDesign } from '../../src/engine/mapping/map';
import { arrayAt, groupUsedCells } from '../../src/shared/tileMap';
import { makeGroup, weightLayout } from '../../src/engine/mapping/tiles';
import { config } from '../helpers/design';

function designOf(text: string) {
  const a = analyzeConfig(text, { simulate: false });
  assert.ok(a.design, a.diagnostics.map((d) => d.message).join('\n'));
  return a.design!;
}

test('cells per weight follow the mapping scheme', () => {
  assert.deepEqual(weightLayout('differential', 8, 4), { slices: 2, polarities: 2, referenceColumns: 0 });
  assert.deepEqual(weightLayout('differential', 5, 4), { slices: 1, polarities: 2, referenceColumns: 0 });
  assert.deepEqual(weightLayout('offset', 8, 4), { slices: 1, polarities: 1, referenceColumns: 1 });
  assert.deepEqual(weightLayout('bit-sliced', 8, 2), { slices: 4, polarities: 1, referenceColumns: 1 });
});

test('a 768 × 3072 matrix on 256 × 256 differential arrays', () => {
  const g = makeGroup(
    {
      kind: 'weight',
      layer: 0,
      matrix: 'ffn_up',
      copies: 1,
      kvHeads: 1,
      rows: 256,
      cols: 256,
      slices: 2,
      polarities: 2,
      logicalRows: 768,
      logicalCols: 3072,
    },
    0,
    0,
  );
  assert.equal(g.blockRows, 3);
  assert.equal(g.blockCols, 12);
  assert.equal(g.arrayCount, 3 * 12 * 4);
  assert.equal(groupUsedCells(g), 768 * 3072 * 4);
});

test('edge tiles report partial utilisation; reference columns count as used', () => {
  const g = makeGroup(
    {
      kind: 'weight',
      layer: 2,
      matrix: 'q_proj',
      copies: 1,
      kvHeads: 1,
      rows: 512,
      cols: 512,
      slices: 1,
      polarities: 1,
      logicalRows: 600,
      logicalCols: 1000,
    },
    1,
    100,
  );
  assert.equal(g.usableCols, 511);
  assert.equal(g.blockRows, 2);
  assert.equal(g.blockCols, 2);
  const last = arrayAt([g], 100 + g.arrayCount - 1)!;
  assert.equal(last.blockRow, 1);
  assert.equal(last.blockCol, 1);
  assert.equal(last.usedRows, 600 - 512);
  assert.equal(last.usedCols, 1000 - 511 + 1);
  assert.equal(last.utilization, ((600 - 512) * (1000 - 511 + 1)) / (512 * 512));
  assert.equal(arrayAt([g], 99), undefined);
  assert.equal(arrayAt([g], 100 + g.arrayCount), undefined);
});

test('arrayAt decodes every array of a design and agrees with the totals', () => {
  const m = mapDesign(
    designOf(config('gpt2', 'weights: { array: { rows: 256, cols: 256 } }\nattention: { window: 1024 }\n')),
  );
  assert.equal(m.arrays, m.weightArrays + m.kvArrays);
  let used = 0;
  for (let i = 0; i < m.arrays; i++) {
    const a = arrayAt(m.groups, i)!;
    assert.equal(a.index, i);
    used += a.usedRows * a.usedCols;
  }
  const present = m.groups.reduce((n, g) => n + g.arrayCount * g.rows * g.cols, 0);
  assert.ok(Math.abs(used / present - m.utilization) < 1e-12);
});

test('the KV cache takes window × head_dim gain-cell arrays per KV head, layer and sequence', () => {
  const m = mapDesign(
    designOf(config('gpt2', 'workload: { batch: 3 }\nattention: { window: 1024, array: { rows: 64, cols: 64 } }\n')),
  );
  // K and V: 1024/64 sub-tiles each, 12 heads, 12 layers, 3 sequences.
  assert.equal(m.kvArrays, 2 * 16 * 12 * 12 * 3);
  // The last array of layer 0's V cache belongs to the last KV head of the last sequence.
  const v0 = m.kv[0].groups[1];
  const last = arrayAt(m.groups, v0.firstArray + v0.arrayCount - 1)!;
  assert.deepEqual([last.matrix, last.layer, last.head, last.sequence, last.blockRow], ['v_cache', 0, 11, 2, 15]);
  const gqa = mapDesign(designOf(config('llama-2-70b', 'attention: { window: 512, array: { rows: 64, cols: 64 } }\n')));
  assert.equal(gqa.kvArrays, 2 * 8 * (128 / 64) * 8 * 80);
});

test('digital layers and digital attention take no arrays', () => {
  const all = mapDesign(designOf(config('gpt2')));
  const hybrid = mapDesign(
    designOf(
      config(
        'gpt2',
        'layers:\n  - layers: [0, -1]\n    weights: { implementation: digital }\n    attention: { implementation: digital }\n',
      ),
    ),
  );
  const perLayerWeights = all.matrices.filter((m) => m.layer === 0).reduce((n, m) => n + (m.group?.arrayCount ?? 0), 0);
  const perLayerKv = all.kv[0].groups.reduce((n, g) => n + g.arrayCount, 0);
  assert.equal(hybrid.arrays, all.arrays - 2 * (perLayerWeights + perLayerKv));
  assert.equal(hybrid.matrices.filter((m) => m.group === null).length, 2 * 6);
});

test('chips follow the per-chip array budget', () => {
  const m = mapDesign(designOf(config('gpt2', 'chip: { arrays_per_chip: 1000 }\n')));
  assert.equal(m.chips, Math.ceil(m.arrays / 1000));
});
