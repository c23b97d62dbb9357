import type { MatrixName } from '../../shared/matrices';
import type { MatrixGroup } from '../model/blockMatrices';

/** The operation groups energy and latency are broken down by. */
export const OPERATION_GROUPS = [
  'qkv',
  'attention_scores',
  'attention_values',
  'output_projection',
  'ffn',
  'lm_head',
  'digital',
] as const;
export type OperationGroup = (typeof OPERATION_GROUPS)[number];

/** A matrix-vector (decode) or matrix-matrix (prefill) product with a static weight matrix. */
export interface MatrixOp {
  readonly kind: 'matrix';
  readonly group: MatrixGroup;
  readonly matrix: MatrixName;
  /** Transformer block index; -1 for the LM head, which follows the last block. */
  readonly layer: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Input vectors that pass through the matrix in one step (batch × tokens). */
  readonly vectors: number;
}

/** Q·Kᵀ, the activation and A·V of one layer, over a KV cache bounded by the window. */
export interface AttentionOp {
  readonly kind: 'attention';
  readonly layer: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Queries processed in one step (batch × tokens). */
  readonly queries: number;
  /** Σ over queries of the keys each attends to (window-bounded); MACs per head per stage = this × headDim. */
  readonly attendedKeys: number;
  /** Largest number of keys one query attends to (sets the KV arrays needed). */
  readonly maxAttendedKeys: number;
  /** Token positions written into the KV cache in one step (per KV head). */
  readonly kvWrites: number;
}

/** Elementwise or reduction work that always stays digital. */
export interface VectorOp {
  readonly kind: 'vector';
  readonly layer: number;
  readonly fn: 'layernorm' | 'rmsnorm' | 'residual' | 'gelu' | 'swiglu' | 'embedding';
  readonly elements: number;
}

export type Operation = MatrixOp | AttentionOp | VectorOp;

/** What one step of the workload does. Decode: one token per sequence; prefill: the whole prompt. */
export interface Workload {
  readonly mode: 'decode' | 'prefill';
  readonly batch: number;
  /** Tokens produced (decode) or consumed (prefill) per step, over the whole batch. */
  readonly tokensPerStep: number;
  readonly contextTokens: number;
  readonly window: number;
  readonly operations: readonly Operation[];
}
