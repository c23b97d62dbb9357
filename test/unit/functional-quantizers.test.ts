import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adcQuantize,
  dacQuantize,
  dacQuantizeAll,
  jsTileGemmBackend,
  quantizerLevels,
  quantizerStep,
  roundHalfEven,
  tileGemm,
} from '../../src/engine/functional/tileGemmReference';
import { Rng } from '../../src/engine/functional/rng';
import { matmul64, meanStd, relativeError } from '../fixtures/functional/helpers';

test('ties round to the even neighbour, as f32.nearest does', () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -3.5].map(roundHalfEven), [0, 2, 2, -0, -2, -2, 2, -4]);
});

test('a b-bit quantiser has 2^(b−1) − 1 levels each side and a float32 step', () => {
  assert.equal(quantizerLevels(8), 127);
  assert.equal(quantizerLevels(2), 1);
  assert.equal(quantizerStep({ bits: 8, bound: 1 }), Math.fround(1 / 127));
});

test('the DAC clips at ±bound and lands on its grid', () => {
  const spec = { bits: 4, bound: 2 };
  const L = quantizerLevels(spec.bits);
  const s = quantizerStep(spec);
  const x = Float32Array.from([-5, -2, -1.9, -0.01, 0, 0.1, 0.2142857, 1.99, 2, 7]);
  const q = dacQuantizeAll(x, spec);
  assert.equal(q[0], Math.fround(-L * s));
  assert.equal(q[9], Math.fround(L * s));
  assert.equal(q[4], 0);
  assert.equal(q[3], -0);
  for (const v of q) {
    const level = v / s;
    assert.ok(Math.abs(level - Math.round(level)) < 1e-6 && Math.abs(level) <= L, `${v} is off the grid`);
  }
  // Nearest level (step 2/7): 0.1 is 0.35 steps → 0; 0.2142857 is 0.75 steps → 1; a tie goes to the even level.
  assert.equal(q[5], 0);
  assert.equal(q[6], Math.fround(s));
  assert.equal(dacQuantize(Math.fround(1.5 * s), L, s), Math.fround(2 * s));
});

test('a 2-bit ADC outputs −s, 0 or +s', () => {
  const s = quantizerStep({ bits: 2, bound: 1 });
  assert.deepEqual(
    [-3, -0.6, -0.4, 0.49, 0.51, 9].map((v) => adcQuantize(v, 1, s)),
    [-1, -1, -0, 0, 1, 1],
  );
});

test('without converters or noise the tile product is the float product', () => {
  const r = new Rng(1);
  const [T, K, N] = [5, 37, 11];
  const x = r.normals(T * K);
  const w = r.normals(K * N);
  const y = tileGemm(x, T, w, K, N, { tileRows: 8, tileCols: 4, inputDac: null, outputAdc: null, outputNoise: null });
  assert.ok(relativeError(y, matmul64(x, T, w, K, N)) < 1e-6);
});

test('partial sums are digitised per tile row block, then added', () => {
  const r = new Rng(2);
  const [T, K, N] = [3, 20, 6];
  const x = r.normals(T * K);
  const w = r.normals(K * N);
  const adc = { bits: 4, bound: 6 };
  const y = tileGemm(x, T, w, K, N, { tileRows: 8, tileCols: N, inputDac: null, outputAdc: adc, outputNoise: null });
  const L = quantizerLevels(adc.bits);
  const s = quantizerStep(adc);
  const expected = new Float64Array(T * N);
  for (const [k0, k1] of [
    [0, 8],
    [8, 16],
    [16, 20],
  ]) {
    for (let t = 0; t < T; t++)
      for (let n = 0; n < N; n++) {
        let p = 0;
        for (let k = k0; k < k1; k++) p += x[t * K + k] * w[k * N + n];
        expected[t * N + n] += adcQuantize(p, L, s);
      }
  }
  assert.ok(relativeError(y, expected) < 1e-6);
  // Digitising the whole column at once would give another answer.
  const oneBlock = tileGemm(x, T, w, K, N, {
    tileRows: K,
    tileCols: N,
    inputDac: null,
    outputAdc: adc,
    outputNoise: null,
  });
  assert.ok(relativeError(oneBlock, expected) > 1e-3);
});

test('output noise has σ·bound per row block and repeats with its seed', () => {
  const [T, K, N] = [50, 30, 40];
  const x = new Float32Array(T * K);
  const w = new Float32Array(K * N);
  const adc = { bits: 24, bound: 100 };
  const spec = (seed: number) => ({
    tileRows: 10,
    tileCols: N,
    inputDac: null,
    outputAdc: adc,
    outputNoise: { sigma: 0.01, normals: new Rng(seed) },
  });
  const y = tileGemm(x, T, w, K, N, spec(3));
  // Three row blocks of independent noise: σ = 0.01·100·√3.
  const { mean, std } = meanStd(y);
  assert.ok(Math.abs(mean) < 0.1, `mean ${mean}`);
  assert.ok(Math.abs(std / Math.sqrt(3) - 1) < 0.05, `std ${std}`);
  assert.deepEqual(tileGemm(x, T, w, K, N, spec(3)), y);
  assert.notDeepEqual(tileGemm(x, T, w, K, N, spec(4)), y);
});

test('the DAC runs before the product, and shape errors are caught', () => {
  const x = Float32Array.from([0.3, -0.7]);
  const w = Float32Array.from([1, 1]);
  const dac = { bits: 2, bound: 1 };
  // 2-bit DAC: 0.3 → 0, −0.7 → −1.
  assert.deepEqual(
    [...tileGemm(x, 1, w, 2, 1, { tileRows: 2, tileCols: 1, inputDac: dac, outputAdc: null, outputNoise: null })],
    [-1],
  );
  assert.throws(
    () => tileGemm(x, 2, w, 2, 1, { tileRows: 2, tileCols: 1, inputDac: null, outputAdc: null, outputNoise: null }),
    RangeError,
  );
  assert.throws(
    () =>
      tileGemm(x, 1, w, 2, 1, {
        tileRows: 2,
        tileCols: 1,
        inputDac: null,
        outputAdc: null,
        outputNoise: { sigma: 1, normals: new Rng(1) },
      }),
    /needs outputAdc/,
  );
  const held = jsTileGemmBackend.program(w, 2, 1, { tileRows: 2, tileCols: 1 });
  held.dispose();
  assert.throws(() => held.multiply(x, 1, { inputDac: null, outputAdc: null, outputNoise: null }), /after dispose/);
});
