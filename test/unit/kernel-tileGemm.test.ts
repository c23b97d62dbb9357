import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { availableTileGemmPaths, loadTileGemmKernel, noisyTileGemm } from '../../src/engine/kernels/tileGemmKernel';
import type { TileGemmPath } from '../../src/engine/kernels/tileGemmKernel';
import { quantizerStep, tileGemm as referenceTileGemm } from '../../src/engine/functional/tileGemmReference';
import type { TileGemmBackend, TileGemmSpec } from '../../src/engine/functional/tileGemmReference';
import { Rng as SeededNormalSource } from '../../src/engine/functional/rng';

// Node 20 ships relaxed SIMD behind a flag; enabling it here puts that path under test too.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const WASM_PATHS = availableTileGemmPaths().filter((p): p is TileGemmPath => p !== 'js');

function uniform(length: number, scale: number, source: SeededNormalSource): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (source.uniform() * 2 - 1) * scale;
  return out;
}

interface Case {
  tokens: number;
  K: number;
  N: number;
  tileRows: number;
  tileCols: number;
}

// Ragged on purpose: K and N off the vector width and the tile size, token counts off the
// register block, a single row block, and shapes smaller than one vector.
const CASES: Case[] = [
  { tokens: 1, K: 37, N: 29, tileRows: 16, tileCols: 8 },
  { tokens: 5, K: 100, N: 33, tileRows: 64, tileCols: 32 },
  { tokens: 3, K: 7, N: 5, tileRows: 3, tileCols: 2 },
  { tokens: 9, K: 130, N: 17, tileRows: 130, tileCols: 17 },
  { tokens: 2, K: 64, N: 12, tileRows: 1, tileCols: 4 },
  { tokens: 64, K: 768, N: 200, tileRows: 512, tileCols: 512 },
  { tokens: 13, K: 257, N: 71, tileRows: 256, tileCols: 256 },
];

function name(c: Case): string {
  return `${c.tokens}×${c.K}×${c.N}, tiles ${c.tileRows}×${c.tileCols}`;
}

/** Float tolerance for one output: float32 rounding of a sum of |x|·|w| terms. */
function tolerance(x: Float32Array, w: Float32Array, c: Case, t: number, n: number): number {
  let magnitude = 0;
  for (let k = 0; k < c.K; k++) magnitude += Math.abs(x[t * c.K + k] * w[k * c.N + n]);
  return 1e-6 * (magnitude + 1) * Math.sqrt(c.K);
}

describe("tile GEMM kernels against the functional simulation's tileGemm (the contract's reference)", () => {
  it('has a WebAssembly path in this runtime, usable as a functional-simulation backend', async () => {
    assert.ok(WASM_PATHS.includes('wasm-simd'), `paths: ${availableTileGemmPaths().join(', ')}`);
    const backend: TileGemmBackend = await loadTileGemmKernel('auto');
    assert.notEqual(backend.program, undefined);
  });

  for (const path of WASM_PATHS) {
    for (const c of CASES) {
      it(`${path}: equals the reference to float precision without ADC or noise, ${name(c)}`, async () => {
        const source = new SeededNormalSource(c.tokens * 1000 + c.K);
        const x = uniform(c.tokens * c.K, 1, source);
        const w = uniform(c.K * c.N, 0.1, source);
        const spec: TileGemmSpec = { ...c, inputDac: { bits: 6, bound: 0.8 }, outputAdc: null, outputNoise: null };
        const expected = referenceTileGemm(x, c.tokens, w, c.K, c.N, spec);
        const actual = await noisyTileGemm(x, c.tokens, w, c.K, c.N, spec, path);
        for (let t = 0; t < c.tokens; t++) {
          for (let n = 0; n < c.N; n++) {
            const i = t * c.N + n;
            assert.ok(
              Math.abs(actual[i] - expected[i]) <= tolerance(x, w, c, t, n),
              `y[${t}, ${n}]: ${actual[i]} vs ${expected[i]}`,
            );
          }
        }
      });

      it(`${path}: matches the reference with ADC and seeded noise, up to rare one-step rounding ties, ${name(c)}`, async () => {
        const source = new SeededNormalSource(c.N * 7 + c.tokens);
        const x = uniform(c.tokens * c.K, 1, source);
        const w = uniform(c.K * c.N, 0.1, source);
        const adc = { bits: 6, bound: 0.5 };
        const spec = (seed: number): TileGemmSpec => ({
          ...c,
          inputDac: { bits: 8, bound: 1 },
          outputAdc: adc,
          outputNoise: { sigma: 0.05, normals: new SeededNormalSource(seed) },
        });
        const expected = referenceTileGemm(x, c.tokens, w, c.K, c.N, spec(42));
        const actual = await noisyTileGemm(x, c.tokens, w, c.K, c.N, spec(42), path);
        const step = quantizerStep(adc);
        let oneStep = 0;
        for (let i = 0; i < expected.length; i++) {
          const diff = Math.abs(actual[i] - expected[i]);
          if (diff <= 1e-5) continue;
          // A partial sum within float rounding of a step boundary may round either way.
          assert.ok(Math.abs(diff - step) <= 1e-5, `y[${i}] differs by ${diff}, not by one ADC step ${step}`);
          oneStep++;
        }
        assert.ok(
          oneStep <= Math.max(1, expected.length * 0.01),
          `${oneStep} of ${expected.length} outputs one step apart`,
        );
      });
    }
  }
});

describe('tile GEMM quantisers at their edges', () => {
  // Identity weights in one row block make Y = ADC(DAC(x)), so the quantisers show directly.
  const inputs = Float32Array.from([-2, -1.5, -1.25, -0.25, 0, 0.25, 0.5, 0.75, 1.25, 1.5, 7, -7]);
  const K = inputs.length;
  const identity = new Float32Array(K * K);
  for (let i = 0; i < K; i++) identity[i * K + i] = 1;

  for (const path of [...WASM_PATHS, 'js' as const]) {
    it(`${path}: DAC clips to ±bound and rounds half-way values to the even level`, async () => {
      // 3 bits: L = 3 levels each side, step 0.5, bound 1.5.
      const spec: TileGemmSpec = {
        tileRows: K,
        tileCols: K,
        inputDac: { bits: 3, bound: 1.5 },
        outputAdc: null,
        outputNoise: null,
      };
      const y = await noisyTileGemm(inputs, 1, identity, K, K, spec, path);
      assert.deepEqual(Array.from(y), [-1.5, -1.5, -1, 0, 0, 0, 0.5, 1, 1, 1.5, 1.5, -1.5]);
    });

    it(`${path}: ADC clips partial sums to ±bound and rounds to its step`, async () => {
      // 4 bits: L = 7, bound 0.7: step 0.1 (as float32), so 0.25 → 0.2 and 0.75 → 0.7 (clipped).
      const spec: TileGemmSpec = {
        tileRows: K,
        tileCols: K,
        inputDac: null,
        outputAdc: { bits: 4, bound: 0.7 },
        outputNoise: null,
      };
      const y = await noisyTileGemm(inputs, 1, identity, K, K, spec, path);
      const step = Math.fround(0.7 / 7);
      const expected = [-7, -7, -7, -2, 0, 2, 5, 7, 7, 7, 7, -7].map((level) => Math.fround(level * step));
      assert.deepEqual(
        Array.from(y, (v) => Math.fround(v)),
        expected,
      );
    });

    it(`${path}: digitises each row block on its own, then sums the blocks`, async () => {
      // Two row blocks of one row each, both contributing 0.06 to the same column: each rounds to
      // 0.1 on a 0.1 step (ADC per tile), so Y = 0.2, where digitising the sum 0.12 would give 0.1.
      const spec: TileGemmSpec = {
        tileRows: 1,
        tileCols: 1,
        inputDac: null,
        outputAdc: { bits: 4, bound: 0.7 },
        outputNoise: null,
      };
      const y = await noisyTileGemm(Float32Array.from([0.06, 0.06]), 1, Float32Array.from([1, 1]), 2, 1, spec, path);
      assert.equal(y[0], Math.fround(Math.fround(0.7 / 7) * 2));
    });
  }
});

describe('tile GEMM noise and determinism', () => {
  const c: Case = { tokens: 6, K: 96, N: 40, tileRows: 32, tileCols: 16 };
  const source = new SeededNormalSource(3);
  const x = uniform(c.tokens * c.K, 1, source);
  const w = uniform(c.K * c.N, 0.1, source);
  const spec = (seed: number): TileGemmSpec => ({
    ...c,
    inputDac: { bits: 8, bound: 1 },
    outputAdc: { bits: 8, bound: 1 },
    outputNoise: { sigma: 0.1, normals: new SeededNormalSource(seed) },
  });

  for (const path of [...WASM_PATHS, 'js' as const]) {
    it(`${path}: repeats bit for bit with the same seed and changes with another`, async () => {
      const kernel = await loadTileGemmKernel(path);
      const array = kernel.program(w, c.K, c.N, c);
      const first = array.multiply(x, c.tokens, spec(11));
      const again = array.multiply(x, c.tokens, spec(11));
      const other = array.multiply(x, c.tokens, spec(12));
      array.dispose();
      assert.deepEqual(again, first);
      assert.notDeepEqual(other, first);
    });
  }

  it('adds output noise of the configured σ per row block, before the ADC', async () => {
    // Zero weights: Y is the sum over 4 row blocks of digitised noise, σ = 0.1 · bound each.
    const tokens = 64;
    const N = 256;
    const K = 4;
    const zero = new Float32Array(K * N);
    const y = await noisyTileGemm(new Float32Array(tokens * K).fill(1), tokens, zero, K, N, {
      tileRows: 1,
      tileCols: N,
      inputDac: null,
      outputAdc: { bits: 16, bound: 2 },
      outputNoise: { sigma: 0.1, normals: new SeededNormalSource(5) },
    });
    let mean = 0;
    for (const v of y) mean += v / y.length;
    let variance = 0;
    for (const v of y) variance += (v - mean) ** 2 / (y.length - 1);
    const expectedSd = 0.1 * 2 * Math.sqrt(K);
    // 16 384 samples: the sample σ is within 3 % of the truth with overwhelming probability.
    assert.ok(Math.abs(Math.sqrt(variance) / expectedSd - 1) < 0.03, `σ ${Math.sqrt(variance)} vs ${expectedSd}`);
    assert.ok(Math.abs(mean) < (4 * expectedSd) / Math.sqrt(y.length), `mean ${mean}`);
  });
});

describe('programmed tile arrays', () => {
  for (const path of [...WASM_PATHS, 'js' as const]) {
    it(`${path}: serve many multiplies, alongside other arrays, until disposed`, async () => {
      const kernel = await loadTileGemmKernel(path);
      const source = new SeededNormalSource(9);
      const spec: TileGemmSpec = { tileRows: 8, tileCols: 8, inputDac: null, outputAdc: null, outputNoise: null };
      const wA = uniform(20 * 10, 1, source);
      const wB = uniform(20 * 3, 1, source);
      const a = kernel.program(wA, 20, 10, spec);
      const b = kernel.program(wB, 20, 3, spec);
      for (const tokens of [1, 7, 2]) {
        const x = uniform(tokens * 20, 1, source);
        const ya = a.multiply(x, tokens, spec);
        const yb = b.multiply(x, tokens, spec, new Float32Array(tokens * 3));
        const ra = referenceTileGemm(x, tokens, wA, 20, 10, spec);
        const rb = referenceTileGemm(x, tokens, wB, 20, 3, spec);
        ya.forEach((v, i) => assert.ok(Math.abs(v - ra[i]) < 1e-4));
        yb.forEach((v, i) => assert.ok(Math.abs(v - rb[i]) < 1e-4));
      }
      a.dispose();
      assert.throws(() => a.multiply(new Float32Array(20), 1, spec), /after dispose/);
      // Space freed by `a` is reused without disturbing `b`.
      const c = kernel.program(uniform(20 * 10, 1, source), 20, 10, spec);
      const x = uniform(20, 1, source);
      const rb = referenceTileGemm(x, 1, wB, 20, 3, spec);
      b.multiply(x, 1, spec).forEach((v, i) => assert.ok(Math.abs(v - rb[i]) < 1e-4));
      b.dispose();
      c.dispose();
    });
  }

  it('rejects mismatched sizes and noise without an ADC', async () => {
    const kernel = await loadTileGemmKernel('auto');
    const spec: TileGemmSpec = { tileRows: 4, tileCols: 4, inputDac: null, outputAdc: null, outputNoise: null };
    assert.throws(() => kernel.program(new Float32Array(5), 2, 3, spec), /expected rows × cols = 6/);
    const array = kernel.program(new Float32Array(6), 2, 3, spec);
    assert.throws(() => array.multiply(new Float32Array(3), 1, spec), /expected tokens × K = 2/);
    assert.throws(
      () =>
        array.multiply(new Float32Array(2), 1, {
          ...spec,
          outputNoise: { sigma: 0.1, normals: new SeededNormalSource(1) },
        }),
      /needs outputAdc/,
    );
    assert.throws(
      () => array.multiply(new Float32Array(2), 1, { ...spec, inputDac: { bits: 1, bound: 1 } }),
      /bits must be/,
    );
    array.dispose();
  });
});
