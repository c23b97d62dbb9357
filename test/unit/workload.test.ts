import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODEL_PRESETS } from '../../src/engine/model/presets';
import { countParameters } from '../../src/engine/model/parameters';
import { buildWorkload, windowedKeySum } from '../../src/engine/workload/build';
import type { MatrixOp } from '../../src/engine/workload/operations';

test('windowed key sums grow then saturate at the window', () => {
  assert.equal(windowedKeySum(1, 4, 100), 1 + 2 + 3 + 4);
  assert.equal(windowedKeySum(1, 6, 4), 1 + 2 + 3 + 4 + 4 + 4);
  assert.equal(windowedKeySum(10, 12, 4), 12);
  assert.equal(windowedKeySum(5, 4, 4), 0);
});

test('decode matrices hold every attention and FFN weight once, plus the LM head', () => {
  for (const name of ['llama-2-7b', 'llama-2-70b', 'mistral-7b'] as const) {
    const s = MODEL_PRESETS[name].shape;
    const w = buildWorkload(s, { mode: 'decode', batch: 1, contextTokens: 100, generateTokens: 1, window: 4096 });
    const weights = w.operations
      .filter((o): o is MatrixOp => o.kind === 'matrix')
      .reduce((n, o) => n + o.inFeatures * o.outFeatures, 0);
    const p = countParameters(s);
    // Llama-family blocks have no biases, so attention + FFN parameters are exactly the matrices.
    assert.equal(weights, p.attention + p.ffn + s.vocab * s.dModel, name);
  }
});

test('grouped-query attention shrinks K and V projections', () => {
  const s = MODEL_PRESETS['llama-2-70b'].shape;
  const w = buildWorkload(s, { mode: 'decode', batch: 1, contextTokens: 10, generateTokens: 1, window: 4096 });
  const k = w.operations.find((o): o is MatrixOp => o.kind === 'matrix' && o.matrix === 'k_proj')!;
  const q = w.operations.find((o): o is MatrixOp => o.kind === 'matrix' && o.matrix === 'q_proj')!;
  assert.equal(q.outFeatures, 8192);
  assert.equal(k.outFeatures, 8 * 128);
});

test('decode attention is bounded by the window; prefill is causal', () => {
  const s = MODEL_PRESETS.gpt2.shape;
  const d = buildWorkload(s, { mode: 'decode', batch: 2, contextTokens: 5000, generateTokens: 1, window: 1024 });
  const att = d.operations.find((o) => o.kind === 'attention')!;
  assert.ok(att.kind === 'attention');
  if (att.kind !== 'attention') return;
  assert.equal(att.attendedKeys / att.queries, 1024);
  assert.equal(att.queries, 2);
  const p = buildWorkload(s, { mode: 'prefill', batch: 1, contextTokens: 8, generateTokens: 1, window: 1024 });
  const patt = p.operations.find((o) => o.kind === 'attention');
  assert.ok(patt && patt.kind === 'attention');
  if (patt?.kind === 'attention') assert.equal(patt.attendedKeys, 36);
  const head = p.operations.find((o): o is MatrixOp => o.kind === 'matrix' && o.matrix === 'lm_head')!;
  assert.equal(head.vectors, 1, 'prefill computes logits only for the last prompt token');
});

test('SwiGLU blocks have three FFN matrices, GELU blocks two', () => {
  const count = (n: 'gpt2' | 'llama-2-7b') =>
    buildWorkload(MODEL_PRESETS[n].shape, {
      mode: 'decode',
      batch: 1,
      contextTokens: 1,
      generateTokens: 1,
      window: 10,
    }).operations.filter((o) => o.kind === 'matrix' && o.group === 'ffn' && o.layer === 0).length;
  assert.equal(count('gpt2'), 2);
  assert.equal(count('llama-2-7b'), 3);
});
