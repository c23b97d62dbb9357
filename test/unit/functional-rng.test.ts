import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, deriveSeed } from '../../src/engine/functional/rng';
import { meanStd } from '../fixtures/functional/helpers';

test('the same seed gives the same stream, another seed another stream', () => {
  const a = new Rng(42).normals(1000);
  const b = new Rng(42).normals(1000);
  const c = new Rng(43).normals(1000);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('derived streams depend on their label and seed only', () => {
  assert.equal(deriveSeed(7, 'weights/0/q'), deriveSeed(7, 'weights/0/q'));
  assert.notEqual(deriveSeed(7, 'weights/0/q'), deriveSeed(7, 'weights/0/k'));
  assert.notEqual(deriveSeed(7, 'weights/0/q'), deriveSeed(8, 'weights/0/q'));
  // Seeds past 2^32 stay distinct.
  assert.notEqual(deriveSeed(1, 'x'), deriveSeed(1 + 2 ** 32, 'x'));
});

test('normals have mean 0, variance 1 and Gaussian tails', () => {
  const n = 200_000;
  const z = new Rng(5).normals(n);
  const { mean, std } = meanStd(z);
  // Standard errors: 1/√n for the mean, 1/√(2n) for σ.
  assert.ok(Math.abs(mean) < 5 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 5 / Math.sqrt(2 * n), `std ${std}`);
  let beyond2 = 0;
  let beyond3 = 0;
  let fourth = 0;
  for (const v of z) {
    if (Math.abs(v) > 2) beyond2++;
    if (Math.abs(v) > 3) beyond3++;
    fourth += v ** 4;
  }
  // P(|z| > 2) = 0.0455, P(|z| > 3) = 0.0027, E[z⁴] = 3.
  assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.003, `P(|z|>2) ${beyond2 / n}`);
  assert.ok(Math.abs(beyond3 / n - 0.0027) < 0.0006, `P(|z|>3) ${beyond3 / n}`);
  assert.ok(Math.abs(fourth / n - 3) < 0.1, `kurtosis ${fourth / n}`);
});

test('uniforms lie in the open interval (0, 1) and are flat', () => {
  const r = new Rng(9);
  const bins = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const u = r.uniform();
    assert.ok(u > 0 && u < 1);
    bins[Math.floor(u * 10)]++;
  }
  for (const b of bins) assert.ok(Math.abs(b - 10_000) < 500, `bin ${b}`);
});
