import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { forceSgemmPath, sgemm, sgemmPath } from '../../src/engine/kernels/floatGemm';
import { Rng } from '../../src/engine/functional/rng';

function uniform(length: number, rng: Rng): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.uniform() * 2 - 1;
  return out;
}

/** op(A)·op(B) (+ C) in float64, the yardstick. */
function naive(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array | null,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c0 ? c0[i * n + j] : 0;
      for (let kk = 0; kk < k; kk++) {
        s += (transA ? a[kk * m + i] : a[i * k + kk]) * (transB ? b[j * k + kk] : b[kk * n + j]);
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

// Odd on purpose: off the 4×8 register block, below one vector, and past the 256-deep depth block.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [17, 3, 65],
  [65, 17, 3],
  [4, 8, 16],
  [33, 65, 300],
  [1, 129, 513],
];

function check(label: string): void {
  const rng = new Rng(20261127);
  for (const [m, n, k] of SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const accumulate of [false, true]) {
          const a = uniform(m * k, rng);
          const b = uniform(k * n, rng);
          const c = uniform(m * n, rng);
          const c0 = c.slice();
          sgemm({ transA, transB, m, n, k, a, b, c, accumulate });
          const want = naive(transA, transB, m, n, k, a, b, accumulate ? c0 : null);
          // float32 accumulation of k products of magnitude ≤ 1: error grows like k·2⁻²⁴.
          const tol = 4 * k * 2 ** -24 + 1e-6;
          for (let i = 0; i < m * n; i++) {
            const err = Math.abs(c[i] - want[i]);
            assert.ok(
              err <= tol,
              `${label} ${m}×${n}×${k} transA=${transA} transB=${transB} acc=${accumulate}: [${i}] ${c[i]} vs ${want[i]}`,
            );
          }
        }
      }
    }
  }
}

describe('sgemm', () => {
  afterEach(() => forceSgemmPath(null));

  it('runs on WebAssembly SIMD in Node', () => {
    assert.notEqual(sgemmPath(), 'js');
  });

  it('matches a float64 triple loop for every transpose, odd sizes, with and without accumulate', () => {
    check(sgemmPath());
  });

  it('matches on the plain-JavaScript fallback too', () => {
    forceSgemmPath('js');
    assert.equal(sgemmPath(), 'js');
    check('js');
  });

  it('leaves C past m·n untouched and reads only the first m·k and k·n values', () => {
    const a = new Float32Array([1, 2, 3, 4, 99]);
    const b = new Float32Array([1, 0, 0, 1, 99]);
    const c = new Float32Array([0, 0, 0, 0, 7]);
    sgemm({ transA: false, transB: false, m: 2, n: 2, k: 2, a, b, c });
    assert.deepEqual(Array.from(c), [1, 2, 3, 4, 7]);
  });

  it('grows its memory for a product larger than the initial pages', () => {
    const rng = new Rng(3);
    const [m, n, k] = [300, 260, 270];
    const a = uniform(m * k, rng);
    const b = uniform(k * n, rng);
    const c = new Float32Array(m * n);
    sgemm({ transA: true, transB: true, m, n, k, a, b, c });
    const want = naive(true, true, m, n, k, a, b, null);
    for (let i = 0; i < m * n; i += 97) assert.ok(Math.abs(c[i] - want[i]) < 1e-4);
  });

  it('rejects buffers too small for the shape', () => {
    const x = new Float32Array(3);
    assert.throws(() => sgemm({ transA: false, transB: false, m: 2, n: 2, k: 2, a: x, b: x, c: x }), RangeError);
  });
});
