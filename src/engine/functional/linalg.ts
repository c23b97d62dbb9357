/** Float kernels of the reference model and of the digital parts of the analog one. */
import { checkStop } from './cancel';

const MACS_PER_CHUNK = 1 << 22;

/** Y (rows × N) = X (rows × K) · W (K × N) + bias, all row-major; polls `shouldStop` every few ms. */
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
  const acc = [new Float64Array(N), new Float64Array(N), new Float64Array(N), new Float64Array(N)];
  const chunk = Math.max(4, Math.floor(MACS_PER_CHUNK / Math.max(1, K * N)) & ~3);
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    checkStop(shouldStop);
    const r1 = Math.min(rows, r0 + chunk);
    for (let r = r0; r < r1; r += 4) {
      const block = Math.min(4, r1 - r);
      for (let b = 0; b < 4; b++) acc[b].fill(0);
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
      for (let b = 0; b < block; b++) {
        const out = (r + b) * N;
        for (let n = 0; n < N; n++) y[out + n] = acc[b][n] + (bias ? bias[n] : 0);
      }
    }
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
