/**
 * Throughput of the float32 GEMM (src/engine/kernels/floatGemm.ts) against plain JavaScript, on the
 * shapes of training a small GPT-2 (tokens × d_model × d_ff). Columns: `sgemm` (WebAssembly SIMD),
 * `sgemm-js` (its plain-JavaScript fallback) and `plain-js` (a 4-row-blocked loop with float64
 * accumulators, the plain-JavaScript matmul linalg.ts ran before it called sgemm).
 *
 * Run: node --import tsx test/bench/floatGemm.bench.ts [--quick]
 * (add --experimental-wasm-relaxed-simd before --import on Node 20 to measure the fused path)
 *
 * Time is CPU time of this process (process.cpuUsage, user + system), not wall time, so other
 * work on a shared machine does not count against it. FLOPs are counted as 2 · m · n · k.
 */
import { forceSgemmPath, sgemm, sgemmPath } from '../../src/engine/kernels/floatGemm';
import { Rng } from '../../src/engine/functional/rng';

const QUICK = process.argv.includes('--quick');
const ROUND_SECONDS = QUICK ? 0.05 : 0.3;
const ROUNDS = QUICK ? 2 : 3;

const SHAPES = [
  { name: 'fwd  X·W     2048×512×128', m: 2048, n: 512, k: 128, transA: false, transB: false },
  { name: 'bwd  dY·Wᵀ   2048×128×512', m: 2048, n: 128, k: 512, transA: false, transB: true },
  { name: 'grad Xᵀ·dY   128×512×2048', m: 128, n: 512, k: 2048, transA: true, transB: false },
  { name: 'attn Q·Kᵀ    128×128×32', m: 128, n: 128, k: 32, transA: false, transB: true },
];

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** Best GFLOP/s over several rounds, each long enough to dwarf the timer's resolution. */
function gflops(flops: number, run: () => void): number {
  let reps = 1;
  for (;;) {
    const t = process.cpuUsage();
    for (let i = 0; i < reps; i++) run();
    const s = cpuSeconds(t);
    if (s >= ROUND_SECONDS / 4) {
      reps = Math.max(1, Math.ceil((reps * ROUND_SECONDS) / s));
      break;
    }
    reps *= 4;
  }
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.cpuUsage();
    for (let i = 0; i < reps; i++) run();
    best = Math.max(best, (flops * reps) / cpuSeconds(t) / 1e9);
  }
  return best;
}

/** Y = X·W, X rows × K, W K × N: four rows at a time, float64 accumulators. */
function plainMatmul(x: Float32Array, rows: number, w: Float32Array, K: number, N: number): Float32Array {
  const y = new Float32Array(rows * N);
  const acc = [new Float64Array(N), new Float64Array(N), new Float64Array(N), new Float64Array(N)];
  for (let r = 0; r < rows; r += 4) {
    const block = Math.min(4, rows - r);
    for (const a of acc) a.fill(0);
    const [p0, p1, p2, p3] = acc;
    for (let k = 0; k < K; k++) {
      const a0 = x[r * K + k];
      const a1 = block > 1 ? x[(r + 1) * K + k] : 0;
      const a2 = block > 2 ? x[(r + 2) * K + k] : 0;
      const a3 = block > 3 ? x[(r + 3) * K + k] : 0;
      const row = k * N;
      for (let n = 0; n < N; n++) {
        const wv = w[row + n];
        p0[n] += a0 * wv;
        p1[n] += a1 * wv;
        p2[n] += a2 * wv;
        p3[n] += a3 * wv;
      }
    }
    for (let b = 0; b < block; b++) for (let n = 0; n < N; n++) y[(r + b) * N + n] = acc[b][n];
  }
  return y;
}

function uniform(length: number, rng: Rng): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.uniform() * 2 - 1;
  return out;
}

const rng = new Rng(1);
console.log(`sgemm path: ${sgemmPath()}; GFLOP/s per CPU second (process.cpuUsage)`);
console.log(['shape'.padEnd(28), 'sgemm'.padStart(8), 'sgemm-js'.padStart(9), 'plain-js'.padStart(8)].join(' '));
for (const s of SHAPES) {
  const a = uniform(s.m * s.k, rng);
  const b = uniform(s.k * s.n, rng);
  const c = new Float32Array(s.m * s.n);
  const flops = 2 * s.m * s.n * s.k;
  const run = (): void => sgemm({ transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, a, b, c });
  const wasm = gflops(flops, run);
  forceSgemmPath('js');
  const js = gflops(flops, run);
  forceSgemmPath(null);
  // The plain loop has no transposes: it runs the same m×k by k×n product on untransposed data.
  const plain = gflops(flops, () => plainMatmul(a, s.m, b, s.k, s.n));
  console.log(
    [s.name.padEnd(28), wasm.toFixed(2).padStart(8), js.toFixed(2).padStart(9), plain.toFixed(2).padStart(8)].join(' '),
  );
}
