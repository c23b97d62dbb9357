import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/functional/rng';
import { softmaxAttentionOp } from '../../src/engine/train/attentionOp';
import type { AttentionOp } from '../../src/engine/train/attentionOp';
import { backward, forward } from '../../src/engine/train/gpt2Network';
import { gpt2Layout, gpt2Shape, gpt2Views } from '../../src/engine/train/gpt2Params';

/**
 * Directional finite differences: for a random direction u over one tensor, the analytic
 * ∇L·u must match (L(p + εu) − L(p − εu)) / 2ε. The network runs in float32, so ε is large
 * enough that rounding stays far below the tolerance and the test still fails on a wrong term.
 */
const EPS = 1e-2;
const REL_TOL = 2e-3;

const shape = gpt2Shape({ layers: 2, dModel: 8, heads: 2, dFf: 12, vocab: 7, context: 6 });
const layout = gpt2Layout(shape);

function randomParams(seed: number) {
  const rng = new Rng(seed);
  const p = gpt2Views(layout);
  for (const t of layout.tensors) {
    const view = p.data.subarray(t.offset, t.offset + t.size);
    // Gains around 1, everything else O(0.3): large enough activations for every term to matter.
    const gain = t.name.endsWith('ln_1.weight') || t.name.endsWith('ln_2.weight') || t.name === 'ln_f.weight';
    for (let i = 0; i < view.length; i++) view[i] = (gain ? 1 : 0) + 0.3 * rng.normal();
  }
  return p;
}

function batch(seed: number, samples: number, length: number): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: samples }, () => Int32Array.from({ length }, () => rng.int(shape.vocab)));
}

function checkTensors(attention: AttentionOp, seqs: Int32Array[]): void {
  const params = randomParams(11);
  const grads = gpt2Views(layout);
  const result = forward(params, shape, seqs, { attention, keepCache: true });
  backward(params, shape, result.cache!, grads);
  const loss = (): number => forward(params, shape, seqs, { attention, keepCache: false }).nllSum / result.predictions;
  const rng = new Rng(99);
  for (const t of layout.tensors) {
    const p = params.data.subarray(t.offset, t.offset + t.size);
    const g = grads.data.subarray(t.offset, t.offset + t.size);
    const u = new Float64Array(t.size);
    for (let i = 0; i < u.length; i++) u[i] = rng.normal();
    let analytic = 0;
    for (let i = 0; i < u.length; i++) analytic += g[i] * u[i];
    const base = Float32Array.from(p);
    for (let i = 0; i < p.length; i++) p[i] = base[i] + EPS * u[i];
    const up = loss();
    for (let i = 0; i < p.length; i++) p[i] = base[i] - EPS * u[i];
    const down = loss();
    p.set(base);
    const numeric = (up - down) / (2 * EPS);
    let norm = 0;
    for (let i = 0; i < g.length; i++) norm += g[i] * g[i];
    // The scale of a directional derivative of a tensor: |∇L| (|u| ≈ √size, but only ∇L·u matters).
    const scale = Math.max(Math.sqrt(norm), 1e-3);
    assert.ok(
      Math.abs(analytic - numeric) <= REL_TOL * scale * Math.sqrt(t.size) + 1e-5,
      `${t.name}: analytic ${analytic}, numeric ${numeric}`,
    );
  }
}

describe('GPT-2 training gradients', () => {
  it('match finite differences for every tensor (full causal attention)', () => {
    checkTensors(softmaxAttentionOp(shape.context), batch(1, 2, 6));
  });

  it('match finite differences with a sliding window shorter than the sequence', () => {
    checkTensors(softmaxAttentionOp(2), batch(2, 2, 6));
  });

  it('reach every position row a batch uses and no other', () => {
    const params = randomParams(3);
    const grads = gpt2Views(layout);
    const seqs = batch(4, 1, 4); // 3 inputs: positions 0..2
    const r = forward(params, shape, seqs, { attention: softmaxAttentionOp(6), keepCache: true });
    backward(params, shape, r.cache!, grads);
    const d = shape.dModel;
    const rowNorm = (t: number) => grads.positionEmbedding.subarray(t * d, (t + 1) * d).reduce((a, x) => a + x * x, 0);
    for (let t = 0; t < 3; t++) assert.ok(rowNorm(t) > 0, `row ${t}`);
    for (let t = 3; t < shape.context; t++) assert.equal(rowNorm(t), 0, `row ${t}`);
  });
});

describe('softmax attention op', () => {
  it('has input gradients that match finite differences in q, k and v', () => {
    const T = 5;
    const d = 4;
    const rng = new Rng(8);
    const q = Float32Array.from({ length: T * d }, () => rng.normal());
    const k = Float32Array.from({ length: T * d }, () => rng.normal());
    const v = Float32Array.from({ length: T * d }, () => rng.normal());
    const w = Float32Array.from({ length: T * d }, () => rng.normal());
    const op = softmaxAttentionOp(3);
    // Scalar objective Σ w ⊙ out, whose gradient in out is w.
    const objective = (): number => {
      const out = op.forward({ q, k, v, tokens: T, dim: d }, 0, 0).out;
      let s = 0;
      for (let i = 0; i < out.length; i++) s += w[i] * out[i];
      return s;
    };
    const grads = op.forward({ q, k, v, tokens: T, dim: d }, 0, 0).backward(w);
    const h = 1e-2;
    for (const [name, x, g] of [
      ['q', q, grads.dq],
      ['k', k, grads.dk],
      ['v', v, grads.dv],
    ] as const) {
      for (let i = 0; i < x.length; i++) {
        const keep = x[i];
        x[i] = keep + h;
        const up = objective();
        x[i] = keep - h;
        const down = objective();
        x[i] = keep;
        const numeric = (up - down) / (2 * h);
        assert.ok(Math.abs(numeric - g[i]) < 2e-3 + 1e-2 * Math.abs(numeric), `d${name}[${i}]: ${g[i]} vs ${numeric}`);
      }
    }
  });
});
