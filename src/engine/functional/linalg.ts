/** Float kernels of the reference model and of the digital parts of the analog one. */
import { sgemm } from '../kernels/floatGemm';
import { checkStop } from './cancel';

/**
 * Work per sgemm call: each call packs all of W, so calls take many rows at once (at least
 * MIN_ROWS_PER_CALL), and a stop request is still seen within tens of milliseconds.
 */
const MACS_PER_CHUNK = 1 << 27;
const MIN_ROWS_PER_CALL = 64;

/**
 * Y (rows × N) = X (rows × K) · W (K × N) + bias, all row-major; polls `shouldStop` between blocks
 * of rows. The product runs on the WebAssembly SIMD GEMM (kernels/floatGemm.ts), float32 with
 * float32 accumulation.
 */
export function matmul(
  x: Float32Array,
  rows: number,
  w: Float32Array,
  K: number,
  N: number,
  bias: Float32Array | null = null,
  shouldStop?: () => boolean,
): Float32Array {
  const y = new Float32Array(rows * N);
  if (bias) for (let r = 0; r < rows; r++) y.set(bias.subarray(0, N), r * N);
  const chunk = Math.max(MIN_ROWS_PER_CALL, Math.floor(MACS_PER_CHUNK / Math.max(1, K * N)));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    checkStop(shouldStop);
    const r1 = Math.min(rows, r0 + chunk);
    sgemm({
      transA: false,
      transB: false,
      m: r1 - r0,
      n: N,
      k: K,
      a: x.subarray(r0 * K, r1 * K),
      b: w,
      c: y.subarray(r0 * N, r1 * N),
      accumulate: bias !== null,
    });
  }
  return y;
}

/** LayerNorm over each row (eps 1e-5: GPT-2 layer_norm_epsilon). */
export function layerNorm(
  x: Float32Array,
  rows: number,
  d: number,
  weight: Float32Array,
  bias: Float32Array | null,
  eps = 1e-5,
): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let c = 0; c < d; c++) mean += x[r * d + c];
    mean /= d;
    let v = 0;
    for (let c = 0; c < d; c++) v += (x[r * d + c] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + eps);
    for (let c = 0; c < d; c++) y[r * d + c] = (x[r * d + c] - mean) * inv * weight[c] + (bias ? bias[c] : 0);
  }
  return y;
}

/** RMSNorm over each row (eps 1e-5: Llama 2 rms_norm_eps). */
export function rmsNorm(x: Float32Array, rows: number, d: number, weight: Float32Array, eps = 1e-5): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    let ms = 0;
    for (let c = 0; c < d; c++) ms += x[r * d + c] ** 2;
    const inv = 1 / Math.sqrt(ms / d + eps);
    for (let c = 0; c < d; c++) y[r * d + c] = x[r * d + c] * inv * weight[c];
  }
  return y;
}

/** GPT-2's gelu_new: the tanh approximation. */
export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/**
 * Rotary position embedding (rotate-half form of Hugging Face Llama) on one head's T × d
 * vectors, in place, for positions 0..T−1. θ = 10000 (Llama 2 rope_theta).
 */
export function applyRope(x: Float32Array, tokens: number, d: number, theta = 10000): void {
  const half = d >> 1;
  for (let t = 0; t < tokens; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * theta ** (-(2 * i) / d);
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      const a = x[t * d + i];
      const b = x[t * d + i + half];
      x[t * d + i] = a * cos - b * sin;
      x[t * d + i + half] = b * cos + a * sin;
    }
  }
}
