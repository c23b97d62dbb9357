import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GAIN_CELL_COEFFICIENTS,
  calibrateHeadScalers,
  gainCellAttention,
  hardSigmoidAttention,
  quantizeLevels,
  softmaxAttention,
  type GainCellAttentionSettings,
  type GainCellEffects,
  type HeadInput,
} from '../../src/engine/functional/gainCellAttention';
import { Rng } from '../../src/engine/functional/rng';
import { relativeError } from '../fixtures/functional/helpers';

const SCALING = { scoreSaturation: 80, outputSaturation: 40, linearGain: 19.3 };
const SETTINGS: GainCellAttentionSettings = {
  window: 48,
  rows: 16,
  activation: 'hardsigmoid',
  levels: { query: 16, kv: 8, output: 32 },
  nonlinearity: 'leroux-cubic',
  decayPerStep: 1.6e-4,
};
const OFF: GainCellEffects = {
  inputQuantization: false,
  kvQuantization: false,
  outputQuantization: false,
  nonlinearity: false,
  decay: false,
};

function head(tokens: number, dim: number, seed: number): HeadInput {
  const r = new Rng(seed);
  return { q: r.normals(tokens * dim), k: r.normals(tokens * dim), v: r.normals(tokens * dim), tokens, dim };
}

test('with every effect off, gain-cell attention equals float HardSigmoid attention', () => {
  // 80 tokens, window 48, sub-tiles of 16: the window slides and outputs sum over several sub-tiles.
  const h = head(80, 16, 1);
  // A low S_sat so that φ covers its whole range, saturation included, at this small head size.
  const scaling = { ...SCALING, scoreSaturation: 8 };
  const s = calibrateHeadScalers([h], SETTINGS.window, scaling);
  const analog = gainCellAttention(h, SETTINGS, OFF, s, scaling);
  const float = hardSigmoidAttention(h, SETTINGS.window, s, scaling);
  assert.ok(relativeError(analog.out, float.out) < 1e-6, `${relativeError(analog.out, float.out)}`);
  assert.ok(relativeError(analog.weights, float.weights) < 1e-6);
  // Not trivially so: φ spans its range, and each effect alone moves the result.
  const phis = Array.from(float.weights).filter((p) => p > 0);
  assert.ok(phis.some((p) => p === 1) && phis.some((p) => p < 0.5));
  for (const effect of Object.keys(OFF) as (keyof GainCellEffects)[]) {
    const one = gainCellAttention(h, SETTINGS, { ...OFF, [effect]: true }, s, scaling);
    assert.ok(relativeError(one.out, float.out) > 1e-4, `${effect} changes nothing`);
  }
});

test("the score follows Eq. 4 with the authors' (i, j) coefficient order", () => {
  // One token: S = Σ_d q'_d Σ_i Σ_{j≤3−i} C_ij (k'_d − 0.45)^i 0.9^j, coefficients in loop order i, then j.
  const expectedOrder = [
    [0, 0],
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 0],
    [1, 1],
    [1, 2],
    [2, 0],
    [2, 1],
    [3, 0],
  ];
  assert.deepEqual(
    GAIN_CELL_COEFFICIENTS.map(([i, j]) => [i, j]),
    expectedOrder,
  );
  const c = [
    0.17393044, 0.15653739, 0.14088365, 0.12679529, 5.51975209, 4.96777688, 4.4709992, -1.44776001, -1.30298401,
    46.05483778,
  ];
  const h = head(1, 8, 2);
  const s = { aQ: 0.1, bQ: 0.5, aK: 0.15, aV: 0.15, outputGain: 1 };
  const result = gainCellAttention(h, SETTINGS, { ...OFF, nonlinearity: true }, s, SCALING);
  let score = 0;
  for (let d = 0; d < 8; d++) {
    const q = Math.min(1, Math.max(0, s.aQ * h.q[d] + s.bQ));
    const dk = Math.min(0.9, Math.max(0, s.aK * h.k[d] + 0.45)) - 0.45;
    let idx = 0;
    for (let i = 0; i <= 3; i++) for (let j = 0; j <= 3 - i; j++) score += q * c[idx++] * dk ** i * 0.9 ** j;
  }
  assert.ok(Math.abs(result.weights[0] - Math.min(1, Math.max(0, score / 80))) < 1e-6);
});

test('leakage shrinks a stored value by exp(−λ) per step of age', () => {
  // Positive keys keep every score positive, so φ > 0 and ratios are defined.
  const h = { ...head(30, 4, 3), k: new Float32Array(120).fill(1) };
  const s = { aQ: 0.05, bQ: 0.5, aK: 0.05, aV: 0.05, outputGain: 1 };
  const settings = { ...SETTINGS, decayPerStep: 0.02 };
  const decayed = gainCellAttention(h, settings, { ...OFF, decay: true }, s, SCALING);
  const fresh = gainCellAttention(h, settings, OFF, s, SCALING);
  // Linear read: S_ij scales by exp(−λ·(i − j)) exactly (φ stays below saturation here).
  const i = 29;
  for (const j of [29, 20, 6]) {
    const ratio = decayed.weights[i * 30 + j] / fresh.weights[i * 30 + j];
    assert.ok(Math.abs(ratio - Math.exp(-0.02 * (i - j))) < 1e-5, `age ${i - j}: ratio ${ratio}`);
  }
});

test('refresh restarts the leakage: a value read k steps after its last rewrite has leaked k steps', () => {
  const h = { ...head(30, 4, 3), k: new Float32Array(120).fill(1) };
  const s = { aQ: 0.05, bQ: 0.5, aK: 0.05, aV: 0.05, outputGain: 1 };
  const refreshed = gainCellAttention(
    h,
    { ...SETTINGS, decayPerStep: 0.02, refreshSteps: 8 },
    { ...OFF, decay: true },
    s,
    SCALING,
  );
  const fresh = gainCellAttention(h, SETTINGS, OFF, s, SCALING);
  const i = 29;
  for (const j of [29, 20, 6]) {
    const ratio = refreshed.weights[i * 30 + j] / fresh.weights[i * 30 + j];
    assert.ok(Math.abs(ratio - Math.exp(-0.02 * ((i - j) % 8))) < 1e-5, `age ${i - j}: ratio ${ratio}`);
  }
  // Refreshed every step, nothing leaks.
  const always = gainCellAttention(
    h,
    { ...SETTINGS, decayPerStep: 0.02, refreshSteps: 1 },
    { ...OFF, decay: true },
    s,
    SCALING,
  );
  assert.deepEqual(always.out, fresh.out);
});

test('the sliding window hides older tokens entirely', () => {
  const h = head(40, 8, 4);
  const s = calibrateHeadScalers([h], 16, SCALING);
  const settings = { ...SETTINGS, window: 16 };
  const all = {
    inputQuantization: true,
    kvQuantization: true,
    outputQuantization: true,
    nonlinearity: true,
    decay: true,
  };
  const a = gainCellAttention(h, settings, all, s, SCALING);
  // Change token 5: queries at 21 and later (window 16) must not notice.
  const k = h.k.slice();
  const v = h.v.slice();
  for (let d = 0; d < 8; d++) {
    k[5 * 8 + d] += 3;
    v[5 * 8 + d] -= 3;
  }
  const b = gainCellAttention({ ...h, k, v }, settings, all, s, SCALING);
  assert.deepEqual(a.out.subarray(21 * 8), b.out.subarray(21 * 8));
  assert.notDeepEqual(a.out.subarray(5 * 8, 21 * 8), b.out.subarray(5 * 8, 21 * 8));
  for (let j = 0; j < 40 - 16 + 1 - 1; j++) assert.equal(a.weights[39 * 40 + j], 0);
});

test('sub-tile outputs are clipped and quantised one by one, then summed', () => {
  const h = head(32, 4, 5);
  const s = calibrateHeadScalers([h], SETTINGS.window, SCALING);
  const settings = { ...SETTINGS, rows: 8, levels: { ...SETTINGS.levels, output: 6 } };
  const result = gainCellAttention(h, settings, { ...OFF, outputQuantization: true }, s, SCALING);
  const phi = hardSigmoidAttention(h, settings.window, s, SCALING).weights;
  const i = 31;
  for (let d = 0; d < 4; d++) {
    let sum = 0;
    for (let tile = 0; tile < 4; tile++) {
      let p = 0;
      for (let j = tile * 8; j < tile * 8 + 8; j++) {
        const dv = Math.min(0.9, Math.max(0, s.aV * h.v[j * 4 + d] + 0.45)) - 0.45;
        p += (phi[i * 32 + j] * 19.3 * Math.fround(dv)) / 40;
      }
      sum += quantizeLevels(p, -1, 1, 6);
    }
    const expected = (sum * 40 * s.outputGain) / (19.3 * s.aV);
    assert.ok(Math.abs(result.out[i * 4 + d] - expected) < 1e-5 * Math.max(1, Math.abs(expected)), `d=${d}`);
  }
});

test("the quantiser follows the authors' zero-anchored grid with clipping", () => {
  assert.equal(quantizeLevels(0.5, 0, 0.9, 8), (0.9 / 7) * 4);
  assert.equal(quantizeLevels(-3, 0, 0.9, 8), 0);
  assert.ok(Math.abs(quantizeLevels(2, 0, 0.9, 8) - 0.9) < 1e-12);
  const grid = new Set(Array.from({ length: 200 }, (_, i) => quantizeLevels(i / 199, 0, 1, 16).toFixed(9)));
  assert.equal(grid.size, 16);
});

test('softmax reference rows sum to one; algorithm and hardware errors separate', () => {
  const h = head(24, 8, 6);
  const soft = softmaxAttention(h, 10);
  for (let i = 0; i < 24; i++) {
    let sum = 0;
    for (let j = 0; j < 24; j++) sum += soft.weights[i * 24 + j];
    assert.ok(Math.abs(sum - 1) < 1e-6);
  }
  const s = calibrateHeadScalers([h], 10, SCALING);
  const hs = hardSigmoidAttention(h, 10, s, SCALING);
  // The output gain matches the RMS of softmax attention.
  const rms = (a: Float32Array) => Math.sqrt(a.reduce((x, v) => x + v * v, 0) / a.length);
  assert.ok(Math.abs(rms(hs.out) / rms(soft.out) - 1) < 1e-5);
  assert.ok(relativeError(hs.out, soft.out) > 0.05, 'HardSigmoid is another algorithm');
  const settings = { ...SETTINGS, window: 10, activation: 'softmax' as const };
  const analogSoftmax = gainCellAttention(h, settings, OFF, s, SCALING);
  assert.ok(relativeError(analogSoftmax.out, soft.out) < 1e-5, 'a softmax design with effects off is softmax');
});
