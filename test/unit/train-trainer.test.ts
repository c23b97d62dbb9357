import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/functional/rng';
import { softmaxAttentionOp } from '../../src/engine/train/attentionOp';
import type { AttentionOp } from '../../src/engine/train/attentionOp';
import { gpt2Shape } from '../../src/engine/train/gpt2Params';
import {
  createTrainer,
  evaluate,
  evaluationWindows,
  gaussianWeightNoise,
  initialGpt2Weights,
  scheduledLearningRate,
} from '../../src/engine/train/trainer';

const shape = gpt2Shape({ layers: 2, dModel: 16, heads: 2, dFf: 32, vocab: 6, context: 8 });

function batch(seed: number, samples = 4): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: samples }, () =>
    Int32Array.from({ length: shape.context + 1 }, () => rng.int(shape.vocab)),
  );
}

/** A sequence the model can learn: a repeating cycle through the vocabulary from a random phase. */
function cyclic(seed: number, samples = 4): Int32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: samples }, () => {
    const phase = rng.int(shape.vocab);
    return Int32Array.from({ length: shape.context + 1 }, (_, t) => (phase + t) % shape.vocab);
  });
}

describe('trainer', () => {
  it('lowers the loss of the batch it steps on', () => {
    const weights = initialGpt2Weights(shape, 1);
    const data = batch(2);
    const trainer = createTrainer({ weights, shape, lr: 1e-2 });
    const before = evaluate(weights, shape, softmaxAttentionOp(8), data).nll;
    const stepLoss = trainer.step(data);
    const after = evaluate(trainer.weights(), shape, softmaxAttentionOp(8), data).nll;
    assert.ok(Math.abs(stepLoss - before) < 1e-5, `step reports the loss before its update: ${stepLoss} vs ${before}`);
    assert.ok(after < before, `${after} should be below ${before}`);
  });

  it('learns a cyclic sequence in a few dozen steps', () => {
    const trainer = createTrainer({ weights: initialGpt2Weights(shape, 3), shape, lr: 1e-2, warmupSteps: 5 });
    let loss = Infinity;
    for (let s = 0; s < 40; s++) loss = trainer.step(cyclic(100 + s));
    const held = evaluate(trainer.weights(), shape, softmaxAttentionOp(8), cyclic(999)).nll;
    // ln 6 ≈ 1.79 nats is chance; after the first token the cycle is fully predictable.
    assert.ok(held < 0.5, `held-out loss ${held} (last training loss ${loss})`);
  });

  it('is deterministic and leaves the starting weights untouched', () => {
    const weights = initialGpt2Weights(shape, 4);
    const copy = weights.blocks[0].q.w.slice();
    const run = () => {
      const t = createTrainer({ weights, shape, lr: 3e-3, warmupSteps: 2, totalSteps: 4 });
      for (let s = 0; s < 3; s++) t.step(batch(10 + s));
      return t.params().data.slice();
    };
    assert.deepEqual(run(), run());
    assert.deepEqual(weights.blocks[0].q.w, copy);
  });

  it('sends every attention head through the given AttentionOp, layer and head numbered', () => {
    const seen = new Set<string>();
    const inner = softmaxAttentionOp(8);
    const spy: AttentionOp = {
      forward(x, layer, head) {
        seen.add(`${layer}/${head}`);
        return inner.forward(x, layer, head);
      },
    };
    createTrainer({ weights: initialGpt2Weights(shape, 5), shape, attention: spy, lr: 1e-3 }).step(batch(1, 1));
    assert.deepEqual([...seen].sort(), ['0/0', '0/1', '1/0', '1/1']);
  });

  it('applies weight noise in the forward pass only, updating the clean weights', () => {
    const weights = initialGpt2Weights(shape, 6);
    const names: string[] = [];
    const data = batch(7);
    const clean = createTrainer({ weights, shape, lr: 1e-3 });
    const noisy = createTrainer({
      weights,
      shape,
      lr: 1e-3,
      weightNoise: (name, w) => {
        names.push(name);
        return gaussianWeightNoise(0.05, 1)(name, w);
      },
    });
    const zero = createTrainer({ weights, shape, lr: 1e-3, weightNoise: gaussianWeightNoise(0, 1) });
    const lossClean = clean.step(data);
    const lossNoisy = noisy.step(data);
    assert.equal(zero.step(data), lossClean);
    assert.notEqual(lossNoisy, lossClean);
    assert.deepEqual(names.sort(), [
      'h.0.attn.c_attn.weight',
      'h.0.attn.c_proj.weight',
      'h.0.mlp.c_fc.weight',
      'h.0.mlp.c_proj.weight',
      'h.1.attn.c_attn.weight',
      'h.1.attn.c_proj.weight',
      'h.1.mlp.c_fc.weight',
      'h.1.mlp.c_proj.weight',
      'wte.weight',
    ]);
    // The parameters moved from the clean start by an Adam step (≈ lr per element), not by noise.
    const start = createTrainer({ weights, shape, lr: 1e-3 }).params().data;
    const after = noisy.params().data;
    let maxMove = 0;
    for (let i = 0; i < after.length; i++) maxMove = Math.max(maxMove, Math.abs(after[i] - start[i]));
    assert.ok(maxMove <= 1.01e-3, `largest change ${maxMove}`);
  });
});

describe('learning-rate schedule', () => {
  it('warms up linearly, then decays on a cosine to minLr at totalSteps', () => {
    const o = { lr: 1, minLr: 0.1, warmupSteps: 10, totalSteps: 110 };
    assert.equal(scheduledLearningRate(0, o), 0.1);
    assert.equal(scheduledLearningRate(9, o), 1);
    assert.equal(scheduledLearningRate(10, o), 1);
    assert.ok(Math.abs(scheduledLearningRate(60, o) - 0.55) < 1e-12);
    assert.ok(Math.abs(scheduledLearningRate(110, o) - 0.1) < 1e-12);
    assert.ok(Math.abs(scheduledLearningRate(500, o) - 0.1) < 1e-12);
    assert.equal(scheduledLearningRate(50, { lr: 0.3 }), 0.3);
  });
});

describe('evaluation windows', () => {
  it('predict every token after the first exactly once', () => {
    const ids = Int32Array.from({ length: 23 }, (_, i) => i);
    const windows = evaluationWindows(ids, 5);
    const predicted = windows.flatMap((w) => Array.from(w.subarray(1)));
    assert.deepEqual(
      predicted,
      Array.from({ length: 22 }, (_, i) => i + 1),
    );
    assert.ok(windows.every((w) => w.length <= 5));
  });

  it('give a perplexity equal to exp of the mean loss, over every predicted token', () => {
    const w = initialGpt2Weights(shape, 8);
    const r = evaluate(w, shape, softmaxAttentionOp(8), [...batch(3, 3), batch(4, 1)[0].subarray(0, 5)]);
    assert.equal(r.tokens, 3 * 8 + 4);
    assert.ok(Math.abs(r.perplexity - Math.exp(r.nll)) < 1e-9);
    // Fresh weights predict close to uniformly: ln 6 nats.
    assert.ok(Math.abs(r.nll - Math.log(6)) < 0.05, `${r.nll}`);
  });
});
