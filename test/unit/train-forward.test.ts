import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blockForward, embed, logitsOf } from '../../src/engine/functional/transformer';
import type { ForwardContext } from '../../src/engine/functional/transformer';
import { matmul } from '../../src/engine/functional/linalg';
import { softmaxAttention } from '../../src/engine/functional/gainCellAttention';
import { Rng } from '../../src/engine/functional/rng';
import { syntheticWeights } from '../../src/engine/functional/weights';
import type { ModelWeights } from '../../src/engine/functional/weights';
import { softmaxAttentionOp } from '../../src/engine/train/attentionOp';
import { forward } from '../../src/engine/train/gpt2Network';
import { gpt2Layout, gpt2Shape, modelWeightsToParams, paramsToModelWeights } from '../../src/engine/train/gpt2Params';

const shape = gpt2Shape({ layers: 3, dModel: 16, heads: 4, dFf: 40, vocab: 11, context: 9 });

/** Weights with non-zero biases and gains away from 1, so every parameter shows in the output. */
function weights(seed: number): ModelWeights {
  const w = syntheticWeights(shape, shape.layers, shape.vocab, seed, shape.context);
  const rng = new Rng(seed + 1);
  const jitter = (a: Float32Array | null, base: number) => {
    if (a) for (let i = 0; i < a.length; i++) a[i] = base + 0.2 * rng.normal();
  };
  const scale = (a: Float32Array) => {
    for (let i = 0; i < a.length; i++) a[i] *= 15;
  };
  for (const b of w.blocks) {
    for (const lin of [b.q, b.k, b.v, b.o, b.up, b.down]) {
      scale(lin.w);
      jitter(lin.bias, 0);
    }
    jitter(b.norm1.weight, 1);
    jitter(b.norm1.bias, 0);
    jitter(b.norm2.weight, 1);
    jitter(b.norm2.bias, 0);
  }
  scale(w.embedding);
  scale(w.positions!);
  jitter(w.finalNorm.weight, 1);
  jitter(w.finalNorm.bias, 0);
  // Tied head: the functional model reads lmHead, kept equal to the embedding's transpose.
  const d = shape.dModel;
  for (let v = 0; v < shape.vocab; v++)
    for (let c = 0; c < d; c++) w.lmHead.w[c * shape.vocab + v] = w.embedding[v * d + c];
  return w;
}

function simulatorLogits(w: ModelWeights, seqs: Int32Array[], window: number): Float32Array {
  const T = seqs[0].length;
  const ctx: ForwardContext = {
    shape,
    tokens: T,
    samples: seqs.length,
    matmul: (_layer, _m, x, rows, lw) => matmul(x, rows, lw.w, lw.inFeatures, lw.outFeatures, lw.bias),
    attention: (_layer, _head, samples) => samples.map((s) => softmaxAttention(s, window).out),
  };
  let x = embed(w, shape, seqs);
  w.blocks.forEach((b, l) => {
    x = blockForward(ctx, l, b, x);
  });
  return logitsOf(ctx, w, x);
}

describe('training forward pass', () => {
  for (const window of [shape.context, 3]) {
    it(`gives the functional simulator's float logits (window ${window})`, () => {
      const w = weights(5);
      const rng = new Rng(6);
      const seqs = [0, 1].map(() => Int32Array.from({ length: 9 }, () => rng.int(shape.vocab)));
      const params = modelWeightsToParams(w, gpt2Layout(shape));
      // The trainer takes L + 1 tokens and predicts L: the simulator sees the first L.
      const ours = forward(params, shape, seqs, { attention: softmaxAttentionOp(window), keepCache: false }).logits;
      const theirs = simulatorLogits(
        w,
        seqs.map((s) => s.subarray(0, s.length - 1)),
        window,
      );
      assert.equal(ours.length, theirs.length);
      let maxAbs = 0;
      for (let i = 0; i < theirs.length; i++) maxAbs = Math.max(maxAbs, Math.abs(theirs[i]));
      assert.ok(maxAbs > 1, `logits should be O(1) or more to be a real comparison, max ${maxAbs}`);
      for (let i = 0; i < ours.length; i++) {
        assert.ok(Math.abs(ours[i] - theirs[i]) <= 1e-4 * maxAbs, `logit ${i}: ${ours[i]} vs ${theirs[i]}`);
      }
    });
  }

  it('round-trips weights through the training layout unchanged', () => {
    const w = weights(7);
    const back = paramsToModelWeights(modelWeightsToParams(w, gpt2Layout(shape)), shape, 'x');
    assert.deepEqual(back.blocks[1].k.w, w.blocks[1].k.w);
    assert.deepEqual(back.blocks[2].v.bias, w.blocks[2].v.bias);
    assert.deepEqual(back.lmHead.w, w.lmHead.w);
    assert.deepEqual(back.positions, w.positions);
  });
});
