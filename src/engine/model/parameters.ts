import { blockMatrices, lmHeadMatrix, type BlockMatrix } from './blockMatrices';
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
  const matrices = blockMatrices(s);
  const ffn = (b: BlockMatrix) => b.group === 'ffn';
  const weights = (keep: (b: BlockMatrix) => boolean) =>
    matrices.filter(keep).reduce((sum, b) => sum + b.inFeatures * b.outFeatures, 0);
  // One bias per output feature of each linear layer, where the model has biases (GPT-2).
  const biases = (keep: (b: BlockMatrix) => boolean) =>
    s.bias ? matrices.filter(keep).reduce((sum, b) => sum + b.outFeatures, 0) : 0;
  const embeddings = s.vocab * s.dModel + (s.positional === 'learned' ? s.context * s.dModel : 0);
  const normSize = s.norm === 'layernorm' ? 2 * s.dModel : s.dModel;
  const attention = s.layers * (weights((b) => !ffn(b)) + biases((b) => !ffn(b)));
  const ffnCount = s.layers * (weights(ffn) + biases(ffn));
  const norms = (2 * s.layers + 1) * normSize;
  const head = lmHeadMatrix(s);
  const lmHead = s.tiedEmbeddings ? 0 : head.inFeatures * head.outFeatures;
  return {
    embeddings,
    attention,
    ffn: ffnCount,
    norms,
    lmHead,
    total: embeddings + attention + ffnCount + norms + lmHead,
  };
}
