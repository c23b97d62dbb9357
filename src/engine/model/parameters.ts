import type { ModelShape } from '../../shared/modelShape';

/** Weights of each kind, counted as in the released checkpoints (biases and norm gains included). */
export interface ParameterCount {
  readonly embeddings: number;
  readonly attention: number;
  readonly ffn: number;
  readonly norms: number;
  readonly lmHead: number;
  readonly total: number;
}

export function countParameters(s: ModelShape): ParameterCount {
  const qDim = s.heads * s.headDim;
  const kvDim = s.kvHeads * s.headDim;
  const embeddings = s.vocab * s.dModel + (s.positional === 'learned' ? s.context * s.dModel : 0);
  const attnWeights = s.dModel * qDim + 2 * s.dModel * kvDim + qDim * s.dModel;
  const attnBias = s.bias ? qDim + 2 * kvDim + s.dModel : 0;
  const ffnMatrices = s.ffn === 'swiglu' ? 3 : 2;
  const ffnWeights = ffnMatrices * s.dModel * s.dFf;
  const ffnBias = s.bias ? (ffnMatrices - 1) * s.dFf + s.dModel : 0;
  const normSize = s.norm === 'layernorm' ? 2 * s.dModel : s.dModel;
  const attention = s.layers * (attnWeights + attnBias);
  const ffn = s.layers * (ffnWeights + ffnBias);
  const norms = (2 * s.layers + 1) * normSize;
  const lmHead = s.tiedEmbeddings ? 0 : s.vocab * s.dModel;
  return { embeddings, attention, ffn, norms, lmHead, total: embeddings + attention + ffn + norms + lmHead };
}
