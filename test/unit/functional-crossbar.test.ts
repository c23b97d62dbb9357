import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossbarProduct, programCrossbar, type CrossbarSettings } from '../../src/engine/functional/crossbar';
import { createCrossbarCache } from '../../src/engine/functional/crossbarCache';
import {
  idealNonidealities,
  resolveNonidealities,
  type NonidealitySettings,
} from '../../src/engine/functional/settings';
import { FunctionalRunCancelled } from '../../src/engine/functional/cancel';
import { jsTileGemmBackend, type TileGemmBackend } from '../../src/engine/functional/tileGemmReference';
import { weightEncoding } from '../../src/engine/functional/weightEncoding';
import { Rng } from '../../src/engine/functional/rng';
import { CROSSBAR, matmul64, relativeError } from '../fixtures/functional/helpers';

const OFF = idealNonidealities();
const [T, K, N] = [6, 40, 24];

/** Weights already on the weight_bits grid, with a code of ±Q present so w_max is known. */
function gridWeights(weightBits: number, seed: number): { w: Float32Array; codes: Int32Array; step: number } {
  const Q = 2 ** (weightBits - 1) - 1;
  const r = new Rng(seed);
  const codes = Int32Array.from({ length: K * N }, () => r.int(2 * Q + 1) - Q);
  codes[0] = Q;
  const step = 0.01;
  return { w: Float32Array.from(codes, (c) => c * step), codes, step };
}

function run(settings: Partial<CrossbarSettings>, n: NonidealitySettings, w: Float32Array, x: Float32Array, seed = 1) {
  const xbar = programCrossbar({
    weights: w,
    inFeatures: K,
    outFeatures: N,
    settings: { ...CROSSBAR, ...settings },
    nonidealities: n,
    seed,
    label: 'm',
  });
  const y = xbar.gemm(x, T);
  xbar.dispose();
  return y;
}

const inputs = (seed: number) => new Rng(seed).normals(T * K);

test('slicing and recombination are exact with noise and converters off', () => {
  const x = inputs(1);
  for (const mapping of ['differential', 'offset', 'bit-sliced'] as const) {
    for (const [weightBits, bitsPerCell] of [
      [8, 4],
      [8, 3],
      [6, 2],
      [5, 8],
      [4, 1],
    ]) {
      for (const device of mapping === 'offset' ? (['pcm'] as const) : (['pcm', 'rram'] as const)) {
        const { w } = gridWeights(weightBits, weightBits * 10 + bitsPerCell);
        const y = run({ mapping, weightBits, bitsPerCell, device }, OFF, w, x);
        const err = relativeError(y, matmul64(x, T, w, K, N));
        assert.ok(err < 1e-6, `${mapping} ${device} ${weightBits}b/${bitsPerCell}b per cell: error ${err}`);
      }
    }
  }
  // The layouts the cost model counts.
  assert.deepEqual(
    [weightEncoding('differential', 8, 4).slices, weightEncoding('differential', 8, 4).polarities],
    [2, 2],
  );
  assert.equal(weightEncoding('bit-sliced', 8, 3).slices, 3);
  assert.equal(weightEncoding('offset', 8, 2).slices, 1);
});

test('bit-serial inputs with full-scale ADCs of enough bits recombine exactly, fewer bits do not', () => {
  const weightBits = 6;
  const { w, codes, step } = gridWeights(weightBits, 3);
  const dacBits = 5;
  const L = 2 ** (dacBits - 1) - 1;
  const x = inputs(2);
  // Exact integer reference: per-token abs-max scaling, DAC codes, weight codes.
  const expected = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    let m = 0;
    for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(x[t * K + k]));
    for (let k = 0; k < K; k++) {
      const code = Math.round(Math.fround(x[t * K + k] / m) * L);
      for (let n = 0; n < N; n++) expected[t * N + n] += (m * code * codes[k * N + n] * step) / L;
    }
  }
  const n: NonidealitySettings = { ...OFF, adc: { ...OFF.adc, quantization: true, range: 'full-scale' } };
  for (const mapping of ['differential', 'bit-sliced'] as const) {
    const settings = { mapping, weightBits, bitsPerCell: 2, dacBits, bitSerial: true, rows: 8 };
    // 8 rows × code ≤ 3: partial sums are integers ≤ 24, which a 7-bit ADC (63 levels) holds exactly.
    const exact = run({ ...settings, adcBits: 7 }, n, w, x);
    assert.ok(relativeError(exact, expected) < 1e-6, `${mapping}: ${relativeError(exact, expected)}`);
    const coarse = run({ ...settings, adcBits: 4 }, n, w, x);
    assert.ok(relativeError(coarse, expected) > 1e-3, `${mapping} with a 4-bit ADC`);
  }
});

test('error grows monotonically as ADC bits fall', () => {
  const r = new Rng(11);
  const w = r.normals(K * N, 0.02);
  const x = inputs(12);
  const ref = matmul64(x, T, w, K, N);
  for (const range of ['calibrated', 'fixed'] as const) {
    // Unsliced, unrounded weights: the ADC is the only source of error.
    const n: NonidealitySettings = { ...OFF, adc: { ...OFF.adc, quantization: true, range, bound: 2 } };
    const errors = [12, 10, 8, 7, 6, 5, 4, 3].map((adcBits) =>
      relativeError(run({ adcBits, bitsPerCell: 8 }, n, w, x), ref),
    );
    for (let i = 1; i < errors.length; i++) {
      assert.ok(errors[i] > errors[i - 1], `${range}: ${errors.map((e) => e.toExponential(2)).join(' ')}`);
    }
  }
});

test('a PCM crossbar is reproducible from its seed', () => {
  const w = new Rng(3).normals(K * N, 0.02);
  const x = inputs(4);
  const n = resolveNonidealities({ stuck_at: { on_fraction: 0.01, off_fraction: 0.01 } });
  const a = run({}, n, w, x, 5);
  assert.deepEqual(run({}, n, w, x, 5), a);
  assert.notDeepEqual(run({}, n, w, x, 6), a);
  assert.ok(relativeError(a, matmul64(x, T, w, K, N)) > 0.01, 'noise is on');
});

test('global drift compensation restores the output scale lost to drift', () => {
  const w = new Rng(8).normals(K * N, 0.02);
  const x = inputs(9);
  const ref = matmul64(x, T, w, K, N);
  const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
  const driftOnly = (compensate: boolean): NonidealitySettings => ({
    ...OFF,
    drift: true,
    driftCompensation: compensate,
    tInferenceS: 1e6,
  });
  const raw = run({}, driftOnly(false), w, x);
  const fixed = run({}, driftOnly(true), w, x);
  // ν ≥ 0.049 over ln((1e6 + 20)/20) ≈ 10.8: at least 40 % conductance loss.
  assert.ok(norm(raw) / norm(ref) < 0.65, `uncompensated scale ${norm(raw) / norm(ref)}`);
  assert.ok(Math.abs(norm(fixed) / norm(ref) - 1) < 0.15, `compensated scale ${norm(fixed) / norm(ref)}`);
  assert.ok(relativeError(fixed, ref) < relativeError(raw, ref) / 2);
});

test('all cells stuck on erase a differential weight; IR drop costs accuracy that grows with wire resistance', () => {
  const w = new Rng(10).normals(K * N, 0.02);
  const x = inputs(13);
  const stuck = run({}, { ...OFF, stuckAt: { onFraction: 1, offFraction: 0 } }, w, x);
  assert.ok(stuck.every((v) => Math.abs(v) < 1e-9));
  const ref = matmul64(x, T, w, K, N);
  const withWire = (ohm: number) =>
    relativeError(
      run({ rows: 40, bitsPerCell: 8 }, { ...OFF, irDrop: { enabled: true, wireResistanceOhm: ohm } }, w, x),
      ref,
    );
  assert.ok(withWire(0) < 1e-6);
  assert.ok(withWire(5) > withWire(1) && withWire(1) > 1e-5);
});

test('GEMV, both weight layouts and an injected backend give the same numbers', () => {
  const w = new Rng(14).normals(K * N, 0.02);
  const x = inputs(15);
  const n = resolveNonidealities({ output_noise: { enabled: false } });
  const xbar = programCrossbar({
    weights: w,
    inFeatures: K,
    outFeatures: N,
    settings: CROSSBAR,
    nonidealities: n,
    seed: 1,
    label: 'm',
  });
  const y = xbar.gemm(x, T);
  assert.deepEqual(xbar.gemv(x.subarray(0, K)), y.subarray(0, N));
  const wt = new Float32Array(K * N);
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) wt[j * K + k] = w[k * N + j];
  const transposed = programCrossbar({
    weights: wt,
    layout: 'out-in',
    inFeatures: K,
    outFeatures: N,
    settings: CROSSBAR,
    nonidealities: n,
    seed: 1,
    label: 'm',
  });
  assert.deepEqual(transposed.gemm(x, T), y);
  let calls = 0;
  const counting: TileGemmBackend = {
    program(weights, rows, cols, geometry) {
      const inner = jsTileGemmBackend.program(weights, rows, cols, geometry);
      return { multiply: (...a) => (calls++, inner.multiply(...a)), dispose: () => inner.dispose() };
    },
  };
  const viaBackend = programCrossbar({
    weights: w,
    inFeatures: K,
    outFeatures: N,
    settings: CROSSBAR,
    nonidealities: n,
    seed: 1,
    label: 'm',
    backend: counting,
  });
  assert.deepEqual(viaBackend.gemm(x, T), y);
  // 3 row blocks × 2 column blocks × 2 slices × 2 polarities.
  assert.equal(calls, 24);
});

test('a stop request ends programming and multiplication', () => {
  const w = new Rng(16).normals(K * N, 0.02);
  const base = {
    weights: w,
    inFeatures: K,
    outFeatures: N,
    settings: CROSSBAR,
    nonidealities: OFF,
    seed: 1,
    label: 'm',
  };
  assert.throws(() => programCrossbar({ ...base, shouldStop: () => true }), FunctionalRunCancelled);
  let stop = false;
  const xbar = programCrossbar({ ...base, shouldStop: () => stop });
  stop = true;
  assert.throws(() => xbar.gemm(inputs(1), T), FunctionalRunCancelled);
});

test('a crossbar cache reprograms nothing it holds, and changes no number', () => {
  const w = new Rng(31).normals(K * N, 0.1);
  const x = new Rng(32).normals(T * K);
  const cache = createCrossbarCache(64 << 20);
  const at = (tInferenceS: number, seed: number, withCache: boolean) => {
    const xbar = programCrossbar({
      weights: w,
      inFeatures: K,
      outFeatures: N,
      settings: CROSSBAR,
      nonidealities: { ...resolveNonidealities(), tInferenceS },
      seed,
      label: 'm',
      cache: withCache ? cache : undefined,
    });
    const y = xbar.gemm(x, T);
    xbar.dispose();
    return y;
  };
  // A drift sweep: each point is the uncached result, the first programs, the others hit.
  for (const t of [1, 3600, 3.15e7]) assert.deepEqual(at(t, 1, true), at(t, 1, false), `t = ${t} s`);
  assert.equal(cache.misses, 1);
  assert.equal(cache.hits, 2);
  assert.notDeepEqual(at(1, 1, true), at(3.15e7, 1, true), 'drift still acts');
  // Another seed is other devices.
  assert.deepEqual(at(3600, 2, true), at(3600, 2, false));
  assert.equal(cache.misses, 2);
  assert.equal(cache.entries, 2);
  // Programming noise off programs other conductances: a miss, not the noisy entry.
  const quiet = programCrossbar({
    weights: w,
    inFeatures: K,
    outFeatures: N,
    settings: CROSSBAR,
    nonidealities: { ...resolveNonidealities(), programmingNoise: false },
    seed: 1,
    label: 'm',
    cache,
  });
  quiet.dispose();
  assert.equal(cache.misses, 3);
  // Stuck-at faults act after programming: the same faulty cells with and without the cache.
  const faulty = resolveNonidealities({ stuck_at: { on_fraction: 0.05, off_fraction: 0.05 } });
  const withFaults = (withCache: boolean) => {
    const xbar = programCrossbar({
      weights: w,
      inFeatures: K,
      outFeatures: N,
      settings: CROSSBAR,
      nonidealities: faulty,
      seed: 1,
      label: 'm',
      cache: withCache ? cache : undefined,
    });
    const y = xbar.gemm(x, T);
    assert.ok(xbar.stats.stuckOn > 0);
    xbar.dispose();
    return y;
  };
  const hits = cache.hits;
  assert.deepEqual(withFaults(true), withFaults(false));
  assert.equal(cache.hits, hits + 1, 'faults are not part of the key');
});

test('a crossbar cache stays within its bytes, dropping the least recently used matrix', () => {
  const n = resolveNonidealities();
  // 40 × 24 weights, 16 × 16 arrays, differential 8-bit weights in two 4-bit slices: 4 planes.
  const bytesPerMatrix = K * N * 4 * 4;
  const cache = createCrossbarCache(2.5 * bytesPerMatrix);
  const program = (label: string) =>
    programCrossbar({
      weights: gridWeights(8, 1).w,
      inFeatures: K,
      outFeatures: N,
      settings: CROSSBAR,
      nonidealities: n,
      seed: 1,
      label,
      cache,
    }).dispose();
  const weightsA = new Rng(1).normals(K * N);
  const programA = () =>
    programCrossbar({
      weights: weightsA,
      inFeatures: K,
      outFeatures: N,
      settings: CROSSBAR,
      nonidealities: n,
      seed: 1,
      label: 'a',
      cache,
    }).dispose();
  programA();
  assert.equal(cache.bytes, bytesPerMatrix);
  program('b');
  programA(); // a is now the most recent
  program('c'); // over the bound: b goes
  assert.ok(cache.bytes <= cache.maxBytes);
  assert.equal(cache.entries, 2);
  const hits = cache.hits;
  programA();
  assert.equal(cache.hits, hits + 1, 'the recently used matrix stayed');
  assert.throws(() => createCrossbarCache(-1), RangeError);
});

test('a one-shot product holding one array at a time gives the numbers of program-then-multiply', () => {
  const w = new Rng(41).normals(K * N, 0.05);
  const x = new Rng(42).normals(T * K);
  const bias = new Rng(43).normals(N);
  const cases: Array<[string, Partial<CrossbarSettings>, NonidealitySettings]> = [
    ['defaults', {}, resolveNonidealities()],
    [
      'calibrated ADCs, IR drop, faults',
      { mapping: 'offset' },
      resolveNonidealities({
        adc: { range: 'calibrated' },
        ir_drop: { enabled: true },
        stuck_at: { on_fraction: 0.02, off_fraction: 0.02 },
      }),
    ],
    ['bit-sliced', { mapping: 'bit-sliced', bitsPerCell: 2 }, resolveNonidealities()],
  ];
  for (const [name, over, n] of cases) {
    const input = {
      weights: w,
      inFeatures: K,
      outFeatures: N,
      bias,
      settings: { ...CROSSBAR, ...over },
      nonidealities: n,
      seed: 3,
      label: 'm',
    };
    const xbar = programCrossbar(input);
    const expected = xbar.gemm(x, T);
    xbar.dispose();
    const { y, stats } = crossbarProduct(input, x, T);
    assert.deepEqual(y, expected, name);
    assert.deepEqual(stats, xbar.stats, name);
  }
  // Bit-serial cycles are summed in another order: equal to float64 rounding.
  const serial = {
    weights: w,
    inFeatures: K,
    outFeatures: N,
    settings: { ...CROSSBAR, bitSerial: true },
    nonidealities: resolveNonidealities(),
    seed: 3,
    label: 'm',
  };
  const xbar = programCrossbar(serial);
  const expected = xbar.gemm(x, T);
  xbar.dispose();
  assert.ok(relativeError(crossbarProduct(serial, x, T).y, expected) < 1e-6);
});

test('a second multiply of a programmed crossbar draws fresh output noise', () => {
  const w = new Rng(51).normals(K * N, 0.05);
  const x = new Rng(52).normals(T * K);
  const xbar = programCrossbar({
    weights: w,
    inFeatures: K,
    outFeatures: N,
    settings: CROSSBAR,
    nonidealities: resolveNonidealities(),
    seed: 1,
    label: 'm',
  });
  const a = xbar.gemm(x, T);
  const b = xbar.gemm(x, T);
  xbar.dispose();
  assert.notDeepEqual(a, b);
});

test('a crossbar cache entry serves other converter settings, not other arrays', () => {
  const w = new Rng(61).normals(K * N, 0.05);
  const x = new Rng(62).normals(T * K);
  const cache = createCrossbarCache(64 << 20);
  const product = (over: Partial<CrossbarSettings>, withCache: boolean) =>
    crossbarProduct(
      {
        weights: w,
        inFeatures: K,
        outFeatures: N,
        settings: { ...CROSSBAR, ...over },
        nonidealities: resolveNonidealities(),
        seed: 1,
        label: 'm',
        cache: withCache ? cache : undefined,
      },
      x,
      T,
    ).y;
  product({}, true);
  assert.deepEqual(product({ adcBits: 6, dacBits: 5 }, true), product({ adcBits: 6, dacBits: 5 }, false));
  assert.equal(cache.hits, 1, 'converters act after programming');
  assert.deepEqual(product({ rows: 8 }, true), product({ rows: 8 }, false));
  assert.equal(cache.misses, 2, 'another array size is other cells');
});
