import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expF32, logF32, vectorMath } from '../../src/engine/kernels/vectorMath';
import { Rng } from '../../src/engine/functional/rng';
import { meanStd } from '../fixtures/functional/helpers';

const wasm = vectorMath();
const js = vectorMath('js');

function seedState(seed: number): Uint32Array {
  const r = new Rng(seed);
  return Uint32Array.from({ length: 16 }, () => r.nextUint32());
}

test('the WebAssembly and JavaScript paths give the same bits', () => {
  assert.equal(wasm.path, 'wasm-simd', 'Node 20 validates WebAssembly SIMD');
  const a = new Float32Array(4096);
  const b = new Float32Array(4096);
  const sa = seedState(3);
  const sb = sa.slice();
  wasm.normals(sa, a);
  js.normals(sb, b);
  assert.deepEqual(a, b);
  assert.deepEqual(sa, sb, 'both advance the stream state alike');
  const xs = Float32Array.from({ length: 2000 }, (_, i) => -86 + i * 0.087);
  const e1 = xs.slice();
  const e2 = xs.slice();
  wasm.exp(e1);
  js.exp(e2);
  assert.deepEqual(e1, e2);
  const ys = Float32Array.from({ length: 2000 }, (_, i) => Math.exp(-85 + i * 0.087));
  const l1 = ys.slice();
  const l2 = ys.slice();
  wasm.log(l1);
  js.log(l2);
  assert.deepEqual(l1, l2);
});

test('exp and log are within a few float32 roundings of Math.exp and Math.log', () => {
  for (let x = -80; x <= 80; x += 0.0137) {
    const rel = Math.abs(expF32(x) / Math.exp(Math.fround(x)) - 1);
    assert.ok(rel < 3e-7, `exp(${x}): relative error ${rel}`);
  }
  for (let e = -80; e <= 80; e += 0.0137) {
    const y = Math.fround(Math.exp(e));
    const err = Math.abs(logF32(y) - Math.log(y));
    assert.ok(err < 3e-7 * Math.max(1, Math.abs(Math.log(y))), `log(${y}): error ${err}`);
  }
  assert.equal(logF32(1), 0);
  assert.ok(Number.isFinite(logF32(0)) && logF32(0) < -87, 'log(0) is ln of the smallest normal float32');
});

test('normals have mean 0, variance 1, Gaussian tails, and no correlation between neighbours', () => {
  const n = 1 << 19;
  const z = new Float32Array(n);
  wasm.normals(seedState(11), z);
  const { mean, std } = meanStd(z);
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 5 / Math.sqrt(2 * n), `std ${std}`);
  let beyond2 = 0;
  let beyond3 = 0;
  let beyond4 = 0;
  let fourth = 0;
  let lag1 = 0;
  let lag4 = 0;
  for (let i = 0; i < n; i++) {
    const v = z[i];
    if (Math.abs(v) > 2) beyond2++;
    if (Math.abs(v) > 3) beyond3++;
    if (Math.abs(v) > 4) beyond4++;
    fourth += v ** 4;
    if (i + 1 < n) lag1 += v * z[i + 1];
    if (i + 4 < n) lag4 += v * z[i + 4];
  }
  // P(|z| > 2) = 0.0455, P(|z| > 3) = 0.0027, P(|z| > 4) = 6.3e-5, E[z⁴] = 3.
  assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.0015, `P(|z|>2) ${beyond2 / n}`);
  assert.ok(Math.abs(beyond3 / n - 0.0027) < 0.0004, `P(|z|>3) ${beyond3 / n}`);
  assert.ok(beyond4 > 10 && beyond4 < 70, `|z| > 4: ${beyond4} of ${n} (expected 33)`);
  assert.ok(Math.abs(fourth / n - 3) < 0.06, `kurtosis ${fourth / n}`);
  // z₁ and z₂ of one Box–Muller pair sit 4 apart; both lags must look independent.
  assert.ok(Math.abs(lag1 / n) < 5 / Math.sqrt(n), `lag-1 correlation ${lag1 / n}`);
  assert.ok(Math.abs(lag4 / n) < 5 / Math.sqrt(n), `lag-4 correlation ${lag4 / n}`);
});

test('a bulk normal stream does not depend on how it is requested', () => {
  const whole = new Rng(21).normals(1000);
  const r = new Rng(21);
  const parts: number[] = [];
  for (const size of [1, 7, 8, 3, 500, 13, 468]) parts.push(...r.normals(size));
  assert.deepEqual(Float32Array.from(parts), whole);
});

test('normals() and fill() reject a misuse of the stream state', () => {
  assert.throws(() => wasm.normals(new Uint32Array(4), new Float32Array(8)), RangeError);
  assert.throws(() => wasm.normals(seedState(1), new Float32Array(5)), RangeError);
});
