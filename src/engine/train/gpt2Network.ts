/**
 * Forward and backward pass of GPT-2 (the architecture of functional/transformer.ts with a GPT-2
 * shape) for training, by hand: every matrix product through `sgemm`, attention heads through an
 * `AttentionOp`.
 *
 *   x₀ = wte[ids] + wpe[t]
 *   per block:  x' = x + c_proj(attn(c_attn(LN₁(x)))),  x'' = x' + mlp.c_proj(gelu(mlp.c_fc(LN₂(x'))))
 *   logits = LN_f(x)·wteᵀ (tied LM head),  loss = mean cross-entropy of the next token
 *
 * LayerNorm eps 1e-5 (GPT-2 layer_norm_epsilon, as linalg.ts); GELU is GPT-2's tanh form (linalg.ts
 * `gelu`). No dropout. Samples are stacked as rows (sample-major), as in transformer.ts.
 */
import type { ModelShape } from '../../shared/modelShape';
import { sgemm } from '../kernels/floatGemm';
import type { AttentionOp, AttentionOpOutput } from './attentionOp';
import type { Gpt2Params } from './gpt2Params';

/** LayerNorm epsilon: GPT-2's layer_norm_epsilon, the value linalg.ts `layerNorm` uses. */
export const LAYER_NORM_EPS = 1e-5;
/** √(2/π) of GPT-2's tanh GELU (gelu_new; linalg.ts `gelu`). */
const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/**
 * Replaces a weight matrix for one forward pass (hardware-aware training: the product runs on a
 * perturbed copy, the gradient is applied to the clean weights). `name` is the Hugging Face tensor
 * name (`h.0.attn.c_attn.weight`, …, `wte.weight` for the tied LM head); return `w` to leave it.
 */
export type WeightNoiseHook = (name: string, w: Float32Array) => Float32Array;

interface NormCache {
  /** Normalised input x̂ (rows × d). */
  readonly xhat: Float32Array;
  /** 1/σ per row. */
  readonly rstd: Float32Array;
  /** Output x̂·γ + β. */
  readonly y: Float32Array;
}

interface BlockCache {
  readonly x: Float32Array;
  readonly ln1: NormCache;
  readonly qkvWeight: Float32Array;
  readonly heads: AttentionOpOutput[];
  readonly att: Float32Array;
  readonly projWeight: Float32Array;
  readonly ln2: NormCache;
  readonly fcWeight: Float32Array;
  /** Pre-activation of the MLP and tanh of GELU's argument, for the derivative. */
  readonly u: Float32Array;
  readonly tanh: Float32Array;
  readonly act: Float32Array;
  readonly downWeight: Float32Array;
}

/** What one forward pass leaves for its backward pass. */
export interface ForwardResult {
  /** Mean cross-entropy of the next token, in nats. */
  readonly loss: number;
  /** Summed cross-entropy over every predicted token, in nats. */
  readonly nllSum: number;
  readonly predictions: number;
  /** rows × vocab logits (before the softmax). */
  readonly logits: Float32Array;
  readonly cache: NetworkCache | null;
}

export interface NetworkCache {
  readonly samples: number;
  readonly tokens: number;
  readonly inputs: readonly Int32Array[];
  readonly blocks: readonly BlockCache[];
  readonly lnF: NormCache;
  readonly headWeight: Float32Array;
  /** Softmax probabilities of every row. */
  readonly probs: Float32Array;
}

function layerNormForward(x: Float32Array, rows: number, d: number, g: Float32Array, b: Float32Array): NormCache {
  const xhat = new Float32Array(rows * d);
  const y = new Float32Array(rows * d);
  const rstd = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mean = 0;
    for (let c = 0; c < d; c++) mean += x[o + c];
    mean /= d;
    let v = 0;
    for (let c = 0; c < d; c++) {
      const e = x[o + c] - mean;
      v += e * e;
    }
    const inv = 1 / Math.sqrt(v / d + LAYER_NORM_EPS);
    rstd[r] = inv;
    for (let c = 0; c < d; c++) {
      const h = (x[o + c] - mean) * inv;
      xhat[o + c] = h;
      y[o + c] = h * g[c] + b[c];
    }
  }
  return { xhat, rstd, y };
}

/**
 * dx = (1/σ)·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dy·γ; adds dγ, dβ; adds dx to `dxOut`.
 */
function layerNormBackward(
  dy: Float32Array,
  cache: NormCache,
  rows: number,
  d: number,
  g: Float32Array,
  dg: Float32Array,
  db: Float32Array,
  dxOut: Float32Array,
): void {
  const { xhat, rstd } = cache;
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let sum = 0;
    let dot = 0;
    for (let c = 0; c < d; c++) {
      const gy = dy[o + c] * g[c];
      sum += gy;
      dot += gy * xhat[o + c];
      dg[c] += dy[o + c] * xhat[o + c];
      db[c] += dy[o + c];
    }
    sum /= d;
    dot /= d;
    const inv = rstd[r];
    for (let c = 0; c < d; c++) dxOut[o + c] += inv * (dy[o + c] * g[c] - sum - xhat[o + c] * dot);
  }
}

/** Y (rows × out) = X·W + b. */
function linear(x: Float32Array, rows: number, w: Float32Array, b: Float32Array, inF: number, outF: number) {
  const y = new Float32Array(rows * outF);
  for (let r = 0; r < rows; r++) y.set(b, r * outF);
  sgemm({ transA: false, transB: false, m: rows, n: outF, k: inF, a: x, b: w, c: y, accumulate: true });
  return y;
}

/** Adds dW += Xᵀ·dY and db += Σ_rows dY; returns dX = dY·Wᵀ. */
function linearBackward(
  x: Float32Array,
  dy: Float32Array,
  rows: number,
  w: Float32Array,
  inF: number,
  outF: number,
  dw: Float32Array,
  db: Float32Array,
): Float32Array {
  sgemm({ transA: true, transB: false, m: inF, n: outF, k: rows, a: x, b: dy, c: dw, accumulate: true });
  for (let r = 0; r < rows; r++) {
    const o = r * outF;
    for (let c = 0; c < outF; c++) db[c] += dy[o + c];
  }
  const dx = new Float32Array(rows * inF);
  sgemm({ transA: false, transB: true, m: rows, n: inF, k: outF, a: dy, b: w, c: dx });
  return dx;
}

export interface ForwardOptions {
  readonly attention: AttentionOp;
  readonly weightNoise?: WeightNoiseHook;
  /** Keep what the backward pass needs (training); false for evaluation. */
  readonly keepCache: boolean;
}

/**
 * Runs the model on sequences of equal length L + 1 (inputs are the first L tokens, targets the
 * last L) and returns the loss.
 */
export function forward(
  params: Gpt2Params,
  shape: ModelShape,
  sequences: readonly Int32Array[],
  o: ForwardOptions,
): ForwardResult {
  const S = sequences.length;
  if (S === 0) throw new RangeError('a batch needs at least one sequence');
  const T = sequences[0].length - 1;
  if (T < 1) throw new RangeError('sequences need at least two tokens (an input and its next token)');
  if (T > shape.context) throw new RangeError(`sequences of ${T} inputs exceed the context of ${shape.context}`);
  for (const s of sequences) {
    if (s.length !== T + 1) throw new RangeError('every sequence of a batch must have the same length');
    for (let i = 0; i < s.length; i++) {
      if (!(s[i] >= 0 && s[i] < shape.vocab)) throw new RangeError(`token id ${s[i]} is outside the vocabulary`);
    }
  }
  const d = shape.dModel;
  const f = shape.dFf;
  const V = shape.vocab;
  const H = shape.heads;
  const hd = shape.headDim;
  const N = S * T;
  const noise = o.weightNoise ?? ((_: string, w: Float32Array) => w);

  let x = new Float32Array(N * d);
  const wte = params.tokenEmbedding;
  const wpe = params.positionEmbedding;
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < T; t++) {
      const row = (s * T + t) * d;
      const id = sequences[s][t];
      for (let c = 0; c < d; c++) x[row + c] = wte[id * d + c] + wpe[t * d + c];
    }
  }

  const blocks: BlockCache[] = [];
  params.blocks.forEach((p, layer) => {
    const prefix = `h.${layer}.`;
    const ln1 = layerNormForward(x, N, d, p.ln1Weight, p.ln1Bias);
    const qkvWeight = noise(`${prefix}attn.c_attn.weight`, p.qkvWeight);
    const qkv = linear(ln1.y, N, qkvWeight, p.qkvBias, d, 3 * d);
    const att = new Float32Array(N * d);
    const heads: AttentionOpOutput[] = [];
    for (let s = 0; s < S; s++) {
      for (let h = 0; h < H; h++) {
        const q = new Float32Array(T * hd);
        const k = new Float32Array(T * hd);
        const v = new Float32Array(T * hd);
        for (let t = 0; t < T; t++) {
          const src = (s * T + t) * 3 * d + h * hd;
          q.set(qkv.subarray(src, src + hd), t * hd);
          k.set(qkv.subarray(src + d, src + d + hd), t * hd);
          v.set(qkv.subarray(src + 2 * d, src + 2 * d + hd), t * hd);
        }
        const out = o.attention.forward({ q, k, v, tokens: T, dim: hd }, layer, h);
        for (let t = 0; t < T; t++) att.set(out.out.subarray(t * hd, (t + 1) * hd), (s * T + t) * d + h * hd);
        if (o.keepCache) heads.push(out);
      }
    }
    const projWeight = noise(`${prefix}attn.c_proj.weight`, p.projWeight);
    const proj = linear(att, N, projWeight, p.projBias, d, d);
    const mid = new Float32Array(N * d);
    for (let i = 0; i < mid.length; i++) mid[i] = x[i] + proj[i];

    const ln2 = layerNormForward(mid, N, d, p.ln2Weight, p.ln2Bias);
    const fcWeight = noise(`${prefix}mlp.c_fc.weight`, p.fcWeight);
    const u = linear(ln2.y, N, fcWeight, p.fcBias, d, f);
    const tanh = new Float32Array(N * f);
    const act = new Float32Array(N * f);
    for (let i = 0; i < u.length; i++) {
      const z = u[i];
      // tanh(y) = 1 − 2/(e^{2y} + 1): one exp, cheaper than Math.tanh; exact at both saturations.
      const th = 1 - 2 / (Math.exp(2 * GELU_C * (z + GELU_A * z * z * z)) + 1);
      tanh[i] = th;
      act[i] = 0.5 * z * (1 + th);
    }
    const downWeight = noise(`${prefix}mlp.c_proj.weight`, p.downWeight);
    const down = linear(act, N, downWeight, p.downBias, f, d);
    const out = new Float32Array(N * d);
    for (let i = 0; i < out.length; i++) out[i] = mid[i] + down[i];
    if (o.keepCache) {
      blocks.push({ x, ln1, qkvWeight, heads, att, projWeight, ln2, fcWeight, u, tanh, act, downWeight });
    }
    x = out;
  });

  const lnF = layerNormForward(x, N, d, params.lnFWeight, params.lnFBias);
  const headWeight = noise('wte.weight', wte);
  const logits = new Float32Array(N * V);
  sgemm({ transA: false, transB: true, m: N, n: V, k: d, a: lnF.y, b: headWeight, c: logits });

  const probs = o.keepCache ? new Float32Array(N * V) : null;
  let nllSum = 0;
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < T; t++) {
      const r = (s * T + t) * V;
      let max = -Infinity;
      for (let c = 0; c < V; c++) if (logits[r + c] > max) max = logits[r + c];
      let sum = 0;
      for (let c = 0; c < V; c++) sum += Math.exp(logits[r + c] - max);
      const logZ = max + Math.log(sum);
      nllSum += logZ - logits[r + sequences[s][t + 1]];
      if (probs) for (let c = 0; c < V; c++) probs[r + c] = Math.exp(logits[r + c] - logZ);
    }
  }
  return {
    loss: nllSum / N,
    nllSum,
    predictions: N,
    logits,
    cache: probs ? { samples: S, tokens: T, inputs: sequences, blocks, lnF, headWeight, probs } : null,
  };
}

/** Adds the gradient of the forward pass's mean loss to `grads` (same layout as the parameters). */
export function backward(params: Gpt2Params, shape: ModelShape, cache: NetworkCache, grads: Gpt2Params): void {
  const { samples: S, tokens: T, inputs } = cache;
  const d = shape.dModel;
  const f = shape.dFf;
  const V = shape.vocab;
  const H = shape.heads;
  const hd = shape.headDim;
  const N = S * T;

  // Cross-entropy of the mean: d loss / d logits = (p − onehot)/N.
  const dLogits = cache.probs;
  for (let s = 0; s < S; s++) for (let t = 0; t < T; t++) dLogits[(s * T + t) * V + inputs[s][t + 1]] -= 1;
  const invN = 1 / N;
  for (let i = 0; i < dLogits.length; i++) dLogits[i] *= invN;
  sgemm({
    transA: true,
    transB: false,
    m: V,
    n: d,
    k: N,
    a: dLogits,
    b: cache.lnF.y,
    c: grads.tokenEmbedding,
    accumulate: true,
  });
  const dHidden = new Float32Array(N * d);
  sgemm({ transA: false, transB: false, m: N, n: d, k: V, a: dLogits, b: cache.headWeight, c: dHidden });
  let dx = new Float32Array(N * d);
  layerNormBackward(dHidden, cache.lnF, N, d, params.lnFWeight, grads.lnFWeight, grads.lnFBias, dx);

  for (let layer = shape.layers - 1; layer >= 0; layer--) {
    const c = cache.blocks[layer];
    const p = params.blocks[layer];
    const g = grads.blocks[layer];
    // x'' = x' + down(gelu(fc(LN₂(x')))): dx' = dx'' + LN₂ᵀ(...).
    const dAct = linearBackward(c.act, dx, N, c.downWeight, f, d, g.downWeight, g.downBias);
    for (let i = 0; i < dAct.length; i++) {
      const z = c.u[i];
      const th = c.tanh[i];
      const dArg = GELU_C * (1 + 3 * GELU_A * z * z);
      dAct[i] *= 0.5 * (1 + th) + 0.5 * z * (1 - th * th) * dArg;
    }
    const dLn2 = linearBackward(c.ln2.y, dAct, N, c.fcWeight, d, f, g.fcWeight, g.fcBias);
    const dMid = dx.slice();
    layerNormBackward(dLn2, c.ln2, N, d, p.ln2Weight, g.ln2Weight, g.ln2Bias, dMid);

    // x' = x + proj(attn(qkv(LN₁(x)))).
    const dAtt = linearBackward(c.att, dMid, N, c.projWeight, d, d, g.projWeight, g.projBias);
    const dQkv = new Float32Array(N * 3 * d);
    const dOut = new Float32Array(T * hd);
    for (let s = 0; s < S; s++) {
      for (let h = 0; h < H; h++) {
        for (let t = 0; t < T; t++) {
          const src = (s * T + t) * d + h * hd;
          dOut.set(dAtt.subarray(src, src + hd), t * hd);
        }
        const { dq, dk, dv } = c.heads[s * H + h].backward(dOut);
        for (let t = 0; t < T; t++) {
          const dst = (s * T + t) * 3 * d + h * hd;
          dQkv.set(dq.subarray(t * hd, (t + 1) * hd), dst);
          dQkv.set(dk.subarray(t * hd, (t + 1) * hd), dst + d);
          dQkv.set(dv.subarray(t * hd, (t + 1) * hd), dst + 2 * d);
        }
      }
    }
    const dLn1 = linearBackward(c.ln1.y, dQkv, N, c.qkvWeight, d, 3 * d, g.qkvWeight, g.qkvBias);
    const dIn = dMid;
    layerNormBackward(dLn1, c.ln1, N, d, p.ln1Weight, g.ln1Weight, g.ln1Bias, dIn);
    dx = dIn;
  }

  for (let s = 0; s < S; s++) {
    for (let t = 0; t < T; t++) {
      const row = (s * T + t) * d;
      const id = inputs[s][t];
      for (let c = 0; c < d; c++) {
        grads.tokenEmbedding[id * d + c] += dx[row + c];
        grads.positionEmbedding[t * d + c] += dx[row + c];
      }
    }
  }
}
