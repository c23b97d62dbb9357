import type { ModelShape } from '../../shared/modelShape';
import { blockMatrices, lmHeadMatrix } from '../model/blockMatrices';
import type { Operation, Workload } from './operations';

export interface WorkloadSettings {
  readonly mode: 'decode' | 'prefill';
  readonly batch: number;
  /** Decode: tokens already in the KV cache. Prefill: prompt length. */
  readonly contextTokens: number;
  readonly generateTokens: number;
  readonly window: number;
}

/** Σ_{t=from}^{to} min(t, window): keys attended by queries at positions from..to (1-based, self included). */
function windowedKeySum(from: number, to: number, window: number): number {
  if (to < from) return 0;
  const growEnd = Math.min(to, window);
  let sum = 0;
  if (from <= growEnd) sum += ((from + growEnd) * (growEnd - from + 1)) / 2;
  const flatStart = Math.max(from, window + 1);
  if (flatStart <= to) sum += (to - flatStart + 1) * window;
  return sum;
}

/**
 * Turns a transformer and a workload into the operations of one step.
 * Decode: each of `batch` sequences produces one token; its query attends to min(position, window)
 * keys, averaged over the `generateTokens` positions after `contextTokens`.
 * Prefill: `contextTokens` prompt tokens per sequence, causal attention bounded by the window.
 */
export function buildWorkload(s: ModelShape, w: WorkloadSettings): Workload {
  const tokensPerSequence = w.mode === 'decode' ? 1 : w.contextTokens;
  const vectors = w.batch * tokensPerSequence;
  let keysPerSequence: number;
  let maxKeys: number;
  if (w.mode === 'decode') {
    const first = w.contextTokens + 1;
    const last = w.contextTokens + w.generateTokens;
    keysPerSequence = windowedKeySum(first, last, w.window) / w.generateTokens;
    maxKeys = Math.min(last, w.window);
  } else {
    keysPerSequence = windowedKeySum(1, w.contextTokens, w.window);
    maxKeys = Math.min(w.contextTokens, w.window);
  }
  const ops: Operation[] = [{ kind: 'vector', layer: -1, fn: 'embedding', elements: vectors * s.dModel }];
  const normFn = s.norm;
  for (let layer = 0; layer < s.layers; layer++) {
    ops.push({ kind: 'vector', layer, fn: normFn, elements: vectors * s.dModel });
    for (const { matrix, inFeatures, outFeatures, group } of blockMatrices(s)) {
      if (matrix === 'o_proj') {
        ops.push({
          kind: 'attention',
          layer,
          heads: s.heads,
          kvHeads: s.kvHeads,
          headDim: s.headDim,
          queries: vectors,
          attendedKeys: w.batch * keysPerSequence,
          maxAttendedKeys: maxKeys,
          kvWrites: vectors,
        });
      }
      if (matrix === 'ffn_gate' || (matrix === 'ffn_up' && s.ffn === 'gelu')) {
        ops.push({ kind: 'vector', layer, fn: 'residual', elements: vectors * s.dModel });
        ops.push({ kind: 'vector', layer, fn: normFn, elements: vectors * s.dModel });
      }
      ops.push({ kind: 'matrix', group, matrix, layer, inFeatures, outFeatures, vectors });
      if (matrix === 'ffn_up') ops.push({ kind: 'vector', layer, fn: s.ffn, elements: vectors * s.dFf });
    }
    ops.push({ kind: 'vector', layer, fn: 'residual', elements: vectors * s.dModel });
  }
  ops.push({ kind: 'vector', layer: -1, fn: normFn, elements: vectors * s.dModel });
  // Prefill needs logits only at the last prompt position of each sequence.
  const headVectors = w.mode === 'prefill' ? w.batch : vectors;
  ops.push({ kind: 'matrix', ...lmHeadMatrix(s), layer: -1, vectors: headVectors });
  return {
    mode: w.mode,
    batch: w.batch,
    tokensPerStep: vectors,
    contextTokens: w.contextTokens,
    window: w.window,
    operations: ops,
  };
}

export { windowedKeySum };
