/** The weight matrices of a transformer block, and the LM head, by the names configs and results use. */
export const MATRIX_NAMES = [
  'q_proj',
  'k_proj',
  'v_proj',
  'o_proj',
  'ffn_up',
  'ffn_gate',
  'ffn_down',
  'lm_head',
] as const;
export type MatrixName = (typeof MATRIX_NAMES)[number];
