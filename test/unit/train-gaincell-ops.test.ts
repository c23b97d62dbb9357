import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibrateHeadScalers,
  gainCellAttention,
  hardSigmoidAttention,
  type GainCellAttentionSettings,
  type GainCellEffects,
  type GainCellScaling,
  type HeadInput,
  type HeadScalers,
} from '../../src/engine/functional/gainCellAttention';
import { Rng } from '../../src/engine/functional/rng';
import {
  gainCellAttentionOp,
  hardSigmoidAttentionOp,
  HeadScalerParameters,
  scalersFromTensor,
  scalersToTensor,
  scalerTensorName,
  SCALER_COLUMNS,
} from '../../src/engine/train/gainCellOps';
import type { AttentionOp } from '../../src/engine/train/attentionOp';

const SCALING: GainCellScaling = { scoreSaturation: 80, outputSaturation: 40, linearGain: 19.3 };
const SETTINGS: GainCellAttentionSettings = {
  window: 16,
  rows: 4,
  activation: 'hardsigmoid',
  levels: { query: 16, kv: 8, output: 32 },
  nonlinearity: 'leroux-cubic',
  decayPerStep: 0.05,
};
const OFF: GainCellEffects = {
  inputQuantization: false,
  kvQuantization: false,
  outputQuantization: false,
  nonlinearity: false,
  decay: false,
};
const EFFECTS = Object.keys(OFF) as (keyof GainCellEffects)[];

function head(tokens: number, dim: number, seed: number): HeadInput {
  const r = new Rng(seed);
  return { q: r.normals(tokens * dim), k: r.normals(tokens * dim), v: r.normals(tokens * dim), tokens, dim };
}

function table(s: HeadScalers): HeadScalerParameters {
  const t = new HeadScalerParameters(1, 1);
  t.set(0, 0, s);
  return t;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** Every combination of the five effects. */
function allEffects(): GainCellEffects[] {
  return Array.from({ length: 1 << EFFECTS.length }, (_, mask) =>
    Object.fromEntries(EFFECTS.map((e, b) => [e, (mask & (1 << b)) !== 0])),
  ) as unknown as GainCellEffects[];
}

test('the HardSigmoid op computes what the simulator computes', () => {
  const h = head(40, 8, 1);
  // A low S_sat: φ reaches both clips at this small head size.
  const scaling = { ...SCALING, scoreSaturation: 6 };
  const s = calibrateHeadScalers([h], 16, scaling);
  const ref = hardSigmoidAttention(h, 16, s, scaling);
  const phis = Array.from(ref.weights).filter((p) => p > 0);
  assert.ok(phis.some((p) => p === 1) && phis.some((p) => p < 0.5), 'φ spans its range');
  const out = hardSigmoidAttentionOp({ scalers: table(s), window: 16, scaling }).forward(h, 0, 0).out;
  assert.equal(maxAbsDiff(out, ref.out), 0);
});

test('the gain-cell op computes what the simulator computes, with every effect on and off', () => {
  const h = head(40, 8, 2);
  const scaling = { ...SCALING, scoreSaturation: 6, outputSaturation: 3 };
  const s = calibrateHeadScalers([h], SETTINGS.window, scaling);
  for (const [tiling, refreshSteps] of [
    ['ring', null],
    ['absolute', null],
    ['ring', 7],
  ] as const) {
    const settings = { ...SETTINGS, tiling, refreshSteps };
    for (const effects of allEffects()) {
      const ref = gainCellAttention(h, settings, effects, s, scaling);
      const out = gainCellAttentionOp({ scalers: table(s), settings, effects, scaling }).forward(h, 0, 0).out;
      assert.ok(maxAbsDiff(out, ref.out) === 0, `${tiling} refresh ${refreshSteps} ${JSON.stringify(effects)}`);
    }
  }
});

/** Σ w·out, the scalar whose gradient the tests check. */
function lossOf(op: AttentionOp, h: HeadInput, w: Float32Array): number {
  const out = op.forward(h, 0, 0).out;
  let s = 0;
  for (let i = 0; i < out.length; i++) s += w[i] * out[i];
  return s;
}

/** Which clip every value, φ and pulse sits in: a finite difference is only valid when none changes. */
function clipPattern(h: HeadInput, s: HeadScalers, weights: Float32Array): string {
  const side = (x: number, lo: number, hi: number) => (x <= lo ? 'l' : x >= hi ? 'h' : 'm');
  return [
    ...Array.from(h.q, (x) => side(s.aQ * x + s.bQ, 0, 1)),
    ...Array.from(h.k, (x) => side(s.aK * x + 0.45, 0, 0.9)),
    ...Array.from(h.v, (x) => side(s.aV * x + 0.45, 0, 0.9)),
    ...Array.from(weights, (p) => side(p, 0, 1)),
  ].join('');
}

interface GradCase {
  readonly make: (t: HeadScalerParameters) => AttentionOp;
  readonly weights: (h: HeadInput, s: HeadScalers) => Float32Array;
}

/**
 * Central differences against the backward pass, for 24 entries each of q, k, v and for every
 * scaler, skipping the entries whose step crosses a clip.
 */
function checkGradients(c: GradCase, h: HeadInput, s: HeadScalers, seed: number): { checked: number } {
  const rng = new Rng(seed);
  const n = h.tokens * h.dim;
  const w = rng.normals(n);
  const t = table(s);
  const fwd = c.make(t).forward(h, 0, 0);
  const grads = fwd.backward(w);
  const gScalers = t.gradient(0, 0);
  let checked = 0;
  const compare = (fd: number, an: number, what: string, scale: number) => {
    assert.ok(Math.abs(fd - an) <= 2e-3 * scale + 1e-3, `${what}: finite difference ${fd}, backward ${an}`);
    checked++;
  };
  const scale = Math.max(maxAbs(grads.dq), maxAbs(grads.dk), maxAbs(grads.dv));
  assert.ok(scale > 0, 'some gradient is not zero');
  for (const name of ['q', 'k', 'v'] as const) {
    const an = { q: grads.dq, k: grads.dk, v: grads.dv }[name];
    for (let trial = 0; trial < 24; trial++) {
      const i = rng.int(n);
      const step = 1e-3 * Math.max(1, Math.abs(h[name][i]));
      const moved = (delta: number) => {
        const x = Float32Array.from(h[name]);
        x[i] += delta;
        return { ...h, [name]: x };
      };
      const plus = moved(step);
      const minus = moved(-step);
      // The step as float32 stores it.
      const dx = plus[name][i] - minus[name][i];
      if (clipPattern(plus, s, c.weights(plus, s)) !== clipPattern(minus, s, c.weights(minus, s))) continue;
      const fd = (lossOf(c.make(table(s)), plus, w) - lossOf(c.make(table(s)), minus, w)) / dx;
      compare(fd, an[i], `d${name}[${i}]`, scale);
    }
  }
  for (const name of SCALER_COLUMNS) {
    const step = 1e-4 * Math.max(1, Math.abs(s[name]));
    const plus = { ...s, [name]: s[name] + step };
    const minus = { ...s, [name]: s[name] - step };
    if (clipPattern(h, plus, c.weights(h, plus)) !== clipPattern(h, minus, c.weights(h, minus))) continue;
    const fd = (lossOf(c.make(table(plus)), h, w) - lossOf(c.make(table(minus)), h, w)) / (2 * step);
    compare(fd, gScalers[name], `d${name}`, Math.max(Math.abs(fd), Math.abs(gScalers[name])));
  }
  return { checked };
}

test('HardSigmoid op gradients match finite differences, clips included', () => {
  const h = head(24, 8, 3);
  const scaling = { ...SCALING, scoreSaturation: 6 };
  const base = calibrateHeadScalers([h], 16, scaling);
  // Scalers that push some pulses and stored values into their clips.
  const s = { ...base, aQ: base.aQ * 1.6, aK: base.aK * 1.4, aV: base.aV * 1.3, outputGain: 0.7 };
  const { checked } = checkGradients(
    {
      make: (t) => hardSigmoidAttentionOp({ scalers: t, window: 16, scaling }),
      weights: (x, sc) => hardSigmoidAttention(x, 16, sc, scaling).weights,
    },
    h,
    s,
    11,
  );
  assert.ok(checked >= 60, `only ${checked} entries checked`);
});

test('gain-cell op gradients match finite differences: cubic read, leakage, sub-tiles, no quantisers', () => {
  const h = head(24, 8, 4);
  const scaling = { ...SCALING, scoreSaturation: 6, outputSaturation: 8 };
  const s = calibrateHeadScalers([h], SETTINGS.window, scaling);
  for (const effects of [
    { ...OFF, nonlinearity: true, decay: true },
    { ...OFF, decay: true },
    { ...OFF, nonlinearity: true },
  ]) {
    for (const tiling of ['ring', 'absolute'] as const) {
      const settings = { ...SETTINGS, tiling };
      const { checked } = checkGradients(
        {
          make: (t) => gainCellAttentionOp({ scalers: t, settings, effects, scaling }),
          weights: (x, sc) => gainCellAttention(x, settings, effects, sc, scaling).weights,
        },
        h,
        s,
        12,
      );
      assert.ok(checked >= 60, `only ${checked} entries checked`);
    }
  }
});

test('the quantisers pass gradients straight through', () => {
  // With levels fine enough that rounding is far below the finite-difference step, the quantised
  // function's slope is the unquantised one, which the straight-through gradient must give.
  const h = head(24, 8, 5);
  const scaling = { ...SCALING, scoreSaturation: 6, outputSaturation: 8 };
  const s = calibrateHeadScalers([h], SETTINGS.window, scaling);
  const fine = { ...SETTINGS, levels: { query: 2 ** 22 + 1, kv: 2 ** 22 + 1, output: 2 ** 22 + 1 } };
  const effects = {
    inputQuantization: true,
    kvQuantization: true,
    outputQuantization: true,
    nonlinearity: true,
    decay: true,
  };
  const { checked } = checkGradients(
    {
      make: (t) => gainCellAttentionOp({ scalers: t, settings: fine, effects, scaling }),
      weights: (x, sc) => gainCellAttention(x, fine, effects, sc, scaling).weights,
    },
    h,
    s,
    13,
  );
  assert.ok(checked >= 60);
  // At the design's coarse levels the gradient is the same surrogate: the unquantised function's
  // backward at the quantised values, so it is not zero although the rounding's slope is.
  const coarse = gainCellAttentionOp({ scalers: table(s), settings: SETTINGS, effects, scaling }).forward(h, 0, 0);
  const g = coarse.backward(new Rng(1).normals(h.tokens * h.dim));
  assert.ok(maxAbs(g.dq) > 0 && maxAbs(g.dk) > 0 && maxAbs(g.dv) > 0);
});

test('a saturated sub-tile read-out passes no gradient to q, k, v', () => {
  const h = head(24, 8, 6);
  // Every sub-tile output far beyond ±1: y = ±c·S_out/(g·a_v) per tile, whatever q, k, v are.
  const scaling = { ...SCALING, scoreSaturation: 6, outputSaturation: 1e-6 };
  const s = calibrateHeadScalers([h], SETTINGS.window, scaling);
  const t = table(s);
  const effects = { ...OFF, nonlinearity: true };
  const fwd = gainCellAttentionOp({ scalers: t, settings: SETTINGS, effects, scaling }).forward(h, 0, 0);
  const dOut = new Rng(2).normals(h.tokens * h.dim);
  const g = fwd.backward(dOut);
  assert.equal(maxAbs(g.dq) + maxAbs(g.dk) + maxAbs(g.dv), 0);
  // The output gain still has a gradient: Σ dOut·out / c.
  let dot = 0;
  for (let i = 0; i < dOut.length; i++) dot += dOut[i] * fwd.out[i];
  assert.ok(Math.abs(t.gradient(0, 0).outputGain - dot / s.outputGain) <= 1e-9 * Math.abs(dot / s.outputGain));
});

test('scalers round-trip through the checkpoint tensor, and bad tensors are refused', () => {
  const heads: HeadScalers[] = [
    { aQ: 0.25, bQ: 0.5, aK: 0.125, aV: 0.0625, outputGain: 1.5 },
    { aQ: 2, bQ: 0.25, aK: 4, aV: 8, outputGain: 0.75 },
  ];
  const tensor = scalersToTensor(heads);
  assert.deepEqual(Array.from(tensor.subarray(5, 10)), [2, 0.25, 4, 8, 0.75]);
  assert.deepEqual(scalersFromTensor(tensor, 2), heads);
  assert.equal(scalerTensorName(3), 'transformer.h.3.attn.aimc_scalers');
  assert.throws(() => scalersFromTensor(tensor, 3), /3 heads need 15/);
  const bad = Float32Array.from(tensor);
  bad[3] = 0;
  assert.throws(() => scalersFromTensor(bad, 2), /aV is 0/);
  bad[3] = Number.NaN;
  assert.throws(() => scalersFromTensor(bad, 2), /aV is NaN/);
});

test('the scaler table trains its columns by Adam on their logarithms and leaves b_q alone', () => {
  const t = new HeadScalerParameters(2, 1);
  const s = { aQ: 0.5, bQ: 0.5, aK: 0.25, aV: 0.25, outputGain: 2 };
  t.set(0, 0, s);
  t.set(1, 0, s);
  t.accumulate(0, 0, [1, 1, -1, 0, 1]);
  t.step({ lr: 0.1 });
  const a = t.get(0, 0);
  // A first Adam step moves each parameter by lr against its gradient's sign: here on log s.
  assert.ok(Math.abs(a.aQ - 0.5 * Math.exp(-0.1)) < 1e-7);
  assert.ok(Math.abs(a.aK - 0.25 * Math.exp(0.1)) < 1e-7);
  assert.equal(a.aV, 0.25);
  assert.equal(a.bQ, 0.5);
  assert.deepEqual(t.get(1, 0), s);
  assert.throws(() => new HeadScalerParameters(1, 1).get(0, 0), /calibrate first/);
});
