/**
 * The attention of one head of one sequence as a differentiable operation, so that training can
 * swap float softmax for the hardware's algorithm (HardSigmoid, gain-cell read model) without
 * touching the rest of the model.
 */
import { sgemm } from '../kernels/floatGemm';

/** One head of one sequence: q, k, v are T×dim row-major (after any positional transform). */
export interface AttentionOpInput {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly tokens: number;
  readonly dim: number;
}
export interface AttentionOpOutput {
  readonly out: Float32Array;
  backward(dOut: Float32Array): { dq: Float32Array; dk: Float32Array; dv: Float32Array };
}
export interface AttentionOp {
  forward(x: AttentionOpInput, layer: number, head: number): AttentionOpOutput;
}

/**
 * Causal softmax attention over a sliding window of `window` tokens (query i sees keys
 * max(0, i − window + 1)..i), scores scaled by 1/√dim: the float reference of
 * functional/gainCellAttention.ts `softmaxAttention`.
 *
 * Backward, with P the attention weights and S the scaled scores:
 *   dV = Pᵀ·dO,  dP = dO·Vᵀ,  dS_ij = P_ij·(dP_ij − Σ_l P_il·dP_il),  dQ = dS·K/√d,  dK = dSᵀ·Q/√d.
 */
export function softmaxAttentionOp(window: number): AttentionOp {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  return {
    forward(x: AttentionOpInput): AttentionOpOutput {
      const { q, k, v, tokens: T, dim: d } = x;
      const scale = 1 / Math.sqrt(d);
      const p = new Float32Array(T * T);
      sgemm({ transA: false, transB: true, m: T, n: T, k: d, a: q, b: k, c: p });
      for (let i = 0; i < T; i++) {
        const row = i * T;
        const lo = Math.max(0, i - window + 1);
        let max = -Infinity;
        for (let j = lo; j <= i; j++) {
          const s = p[row + j] * scale;
          p[row + j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = lo; j <= i; j++) {
          const e = Math.exp(p[row + j] - max);
          p[row + j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let j = 0; j < lo; j++) p[row + j] = 0;
        for (let j = lo; j <= i; j++) p[row + j] *= inv;
        for (let j = i + 1; j < T; j++) p[row + j] = 0;
      }
      const out = new Float32Array(T * d);
      sgemm({ transA: false, transB: false, m: T, n: d, k: T, a: p, b: v, c: out });
      return {
        out,
        backward(dOut: Float32Array) {
          const dv = new Float32Array(T * d);
          sgemm({ transA: true, transB: false, m: T, n: d, k: T, a: p, b: dOut, c: dv });
          const ds = new Float32Array(T * T);
          sgemm({ transA: false, transB: true, m: T, n: T, k: d, a: dOut, b: v, c: ds });
          for (let i = 0; i < T; i++) {
            const row = i * T;
            const lo = Math.max(0, i - window + 1);
            let dot = 0;
            for (let j = lo; j <= i; j++) dot += p[row + j] * ds[row + j];
            for (let j = 0; j < lo; j++) ds[row + j] = 0;
            for (let j = lo; j <= i; j++) ds[row + j] = p[row + j] * (ds[row + j] - dot) * scale;
            for (let j = i + 1; j < T; j++) ds[row + j] = 0;
          }
          const dq = new Float32Array(T * d);
          sgemm({ transA: false, transB: false, m: T, n: d, k: T, a: ds, b: k, c: dq });
          const dk = new Float32Array(T * d);
          sgemm({ transA: true, transB: false, m: T, n: d, k: T, a: ds, b: q, c: dk });
          return { dq, dk, dv };
        },
      };
    },
  };
}
