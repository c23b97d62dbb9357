/**
 * The weight matrices of a transformer block and the LM head, with their shapes: the one place
 * that says which matrices a model has and how big each is. The workload, the mapping, the
 * parameter count, the area of digital weights and the functional model's synthetic weights all
 * read it.
 */
import type { MatrixName } from '../../shared/matrices';
import type { ModelShape } from '../../shared/modelShape';

/** The operation group a matrix belongs to (breakdowns by operation use it). */
export type MatrixGroup = 'qkv' | 'output_projection' | 'ffn' | 'lm_head';

export interface BlockMatrix {
  readonly matrix: MatrixName;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly group: MatrixGroup;
}

/** The weight matrices of one block, in execution order (the gate only for SwiGLU FFNs). */
export function blockMatrices(s: ModelShape): BlockMatrix[] {
  const qDim = s.heads * s.headDim;
  const kvDim = s.kvHeads * s.headDim;
  const m = (matrix: MatrixName, inFeatures: number, outFeatures: number, group: MatrixGroup): BlockMatrix => ({
    matrix,
    inFeatures,
    outFeatures,
    group,
  });
  return [
    m('q_proj', s.dModel, qDim, 'qkv'),
    m('k_proj', s.dModel, kvDim, 'qkv'),
    m('v_proj', s.dModel, kvDim, 'qkv'),
    m('o_proj', qDim, s.dModel, 'output_projection'),
    ...(s.ffn === 'swiglu' ? [m('ffn_gate', s.dModel, s.dFf, 'ffn')] : []),
    m('ffn_up', s.dModel, s.dFf, 'ffn'),
    m('ffn_down', s.dFf, s.dModel, 'ffn'),
  ];
}

/** The LM head: hidden state → vocabulary logits. */
export function lmHeadMatrix(s: ModelShape): BlockMatrix {
  return { matrix: 'lm_head', inFeatures: s.dModel, outFeatures: s.vocab, group: 'lm_head' };
}

/** Shape of any matrix of the model by name. */
export function matrixShape(s: ModelShape, matrix: MatrixName): BlockMatrix {
  if (matrix === 'lm_head') return lmHeadMatrix(s);
  const found = blockMatrices(s).find((b) => b.matrix === matrix);
  // ffn_gate of a GELU model: the model has no such matrix.
  if (!found) throw new Error(`the model has no ${matrix} matrix (its FFN is ${s.ffn})`);
  return found;
}
