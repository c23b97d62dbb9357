/**
 * A simplified decoder block stack: enough of GPT-2 and Llama to carry error from block to block.
 *
 *   GPT-2  x + o(attn(LN(x))), then x + down(gelu(up(LN(x)))); learned positions at the input
 *   Llama  x + o(attn(RMSNorm(x))), then x + down(silu(gate(n))·up(n)), n = RMSNorm(x); RoPE on q, k
 *
 * Left out: dropout, KV-cache reuse across calls, rope scaling of later Llama versions (θ is fixed
 * at 10000). Every matrix product and every attention head goes through a hook, so one forward
 * pass serves the float references and the analog model alike. Samples are stacked as rows
 * (sample-major), so each matrix is programmed once and multiplied once for all of them.
 */
import type { MatrixName } from '../../shared/matrices';
import type { ModelShape } from '../../shared/modelShape';
import { checkStop } from './cancel';
import type { HeadInput } from './gainCellAttention';
import { applyRope, gelu, layerNorm, rmsNorm, silu } from './linalg';
import type { BlockWeights, LinearWeights, ModelWeights, NormWeights } from './weights';

/** Y = X·W + b for one named matrix, on `rows` rows. */
export type MatmulHook = (
  layer: number,
  matrix: MatrixName,
  x: Float32Array,
  rows: number,
  weights: LinearWeights,
) => Float32Array;

/** Attention of one query head over every sample; returns one T × head_dim output per sample. */
export type AttentionHook = (layer: number, head: number, samples: readonly HeadInput[]) => Float32Array[];

export interface ForwardContext {
  readonly shape: ModelShape;
  readonly tokens: number;
  readonly samples: number;
  readonly matmul: MatmulHook;
  readonly attention: AttentionHook;
  readonly shouldStop?: () => boolean;
}

function norm(ctx: ForwardContext, x: Float32Array, rows: number, w: NormWeights): Float32Array {
  return ctx.shape.norm === 'layernorm'
    ? layerNorm(x, rows, ctx.shape.dModel, w.weight, w.bias)
    : rmsNorm(x, rows, ctx.shape.dModel, w.weight);
}

/** Rows of token embeddings (plus learned positions), sample-major. */
export function embed(model: ModelWeights, shape: ModelShape, tokenIds: readonly Int32Array[]): Float32Array {
  const d = shape.dModel;
  const T = tokenIds[0]?.length ?? 0;
  const all = new Int32Array(tokenIds.length * T);
  tokenIds.forEach((ids, s) => all.set(ids, s * T));
  // Only the rows of the tokens used: a tied LM head of 50k tokens is not copied for the embedding.
  const x = model.embeddingRows(all);
  if (model.positions)
    for (let s = 0; s < tokenIds.length; s++)
      for (let t = 0; t < T; t++) {
        const row = (s * T + t) * d;
        for (let c = 0; c < d; c++) x[row + c] += model.positions[t * d + c];
      }
  return x;
}

/** One head's T × head_dim slice of a rows × width projection, for one sample. */
function headSlice(
  all: Float32Array,
  width: number,
  sample: number,
  tokens: number,
  head: number,
  dim: number,
): Float32Array {
  const out = new Float32Array(tokens * dim);
  for (let t = 0; t < tokens; t++) {
    const src = (sample * tokens + t) * width + head * dim;
    out.set(all.subarray(src, src + dim), t * dim);
  }
  return out;
}

export function blockForward(ctx: ForwardContext, layer: number, w: BlockWeights, x: Float32Array): Float32Array {
  const { shape, tokens: T, samples: S } = ctx;
  const rows = S * T;
  const d = shape.dModel;
  const hd = shape.headDim;
  const qWidth = shape.heads * hd;
  const kvWidth = shape.kvHeads * hd;

  const h = norm(ctx, x, rows, w.norm1);
  const q = ctx.matmul(layer, 'q_proj', h, rows, w.q);
  const k = ctx.matmul(layer, 'k_proj', h, rows, w.k);
  const v = ctx.matmul(layer, 'v_proj', h, rows, w.v);

  const attn = new Float32Array(rows * qWidth);
  const groupSize = shape.heads / shape.kvHeads;
  for (let head = 0; head < shape.heads; head++) {
    checkStop(ctx.shouldStop);
    const kvHead = Math.floor(head / groupSize);
    const inputs: HeadInput[] = [];
    for (let s = 0; s < S; s++) {
      const qh = headSlice(q, qWidth, s, T, head, hd);
      const kh = headSlice(k, kvWidth, s, T, kvHead, hd);
      if (shape.positional === 'rope') {
        applyRope(qh, T, hd);
        applyRope(kh, T, hd);
      }
      inputs.push({ q: qh, k: kh, v: headSlice(v, kvWidth, s, T, kvHead, hd), tokens: T, dim: hd });
    }
    const outs = ctx.attention(layer, head, inputs);
    for (let s = 0; s < S; s++) {
      for (let t = 0; t < T; t++) attn.set(outs[s].subarray(t * hd, (t + 1) * hd), (s * T + t) * qWidth + head * hd);
    }
  }

  const o = ctx.matmul(layer, 'o_proj', attn, rows, w.o);
  const mid = new Float32Array(rows * d);
  for (let i = 0; i < mid.length; i++) mid[i] = x[i] + o[i];

  const h2 = norm(ctx, mid, rows, w.norm2);
  const up = ctx.matmul(layer, 'ffn_up', h2, rows, w.up);
  let act: Float32Array;
  if (w.gate) {
    const gate = ctx.matmul(layer, 'ffn_gate', h2, rows, w.gate);
    act = new Float32Array(up.length);
    for (let i = 0; i < act.length; i++) act[i] = silu(gate[i]) * up[i];
  } else {
    act = up.map(gelu);
  }
  const down = ctx.matmul(layer, 'ffn_down', act, rows, w.down);
  const out = new Float32Array(rows * d);
  for (let i = 0; i < out.length; i++) out[i] = mid[i] + down[i];
  return out;
}

/** The final norm of the last block's output: the LM head's input. */
export function finalHidden(ctx: ForwardContext, model: ModelWeights, x: Float32Array): Float32Array {
  return norm(ctx, x, ctx.samples * ctx.tokens, model.finalNorm);
}

/** Final norm and LM head: rows × vocab logits. The LM head is layer −1. */
export function logitsOf(ctx: ForwardContext, model: ModelWeights, x: Float32Array): Float32Array {
  const rows = ctx.samples * ctx.tokens;
  return ctx.matmul(-1, 'lm_head', finalHidden(ctx, model, x), rows, model.lmHead);
}
