/**
 * The parameters of a GPT-2 model for training: one flat float32 array (so the optimiser, the
 * gradient and the clipping norm each run over a single buffer) laid out as the Hugging Face GPT-2
 * tensors, in checkpoint order, with typed views per tensor. Conv1D weights are stored in × out
 * (Y = X·W), as in Hugging Face's `GPT2Model` and functional/weights.ts.
 */
import type { ModelShape } from '../../shared/modelShape';
import type { BlockWeights, LinearWeights, ModelWeights } from '../functional/weights';
import { weightsInMemory } from '../functional/weights';

export interface Gpt2BlockParams {
  readonly ln1Weight: Float32Array;
  readonly ln1Bias: Float32Array;
  /** d × 3d: the q, k and v projections side by side (`attn.c_attn`). */
  readonly qkvWeight: Float32Array;
  readonly qkvBias: Float32Array;
  /** d × d (`attn.c_proj`). */
  readonly projWeight: Float32Array;
  readonly projBias: Float32Array;
  readonly ln2Weight: Float32Array;
  readonly ln2Bias: Float32Array;
  /** d × d_ff (`mlp.c_fc`). */
  readonly fcWeight: Float32Array;
  readonly fcBias: Float32Array;
  /** d_ff × d (`mlp.c_proj`). */
  readonly downWeight: Float32Array;
  readonly downBias: Float32Array;
}

export interface Gpt2Params {
  /** The whole buffer every view below shares. */
  readonly data: Float32Array;
  /** vocab × d; also the LM head (tied embeddings). */
  readonly tokenEmbedding: Float32Array;
  /** context × d. */
  readonly positionEmbedding: Float32Array;
  readonly blocks: readonly Gpt2BlockParams[];
  readonly lnFWeight: Float32Array;
  readonly lnFBias: Float32Array;
}

/** One tensor of the layout: its Hugging Face name, shape and place in the flat buffer. */
export interface Gpt2Tensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
  /** Matrices and embeddings take weight decay; biases and norm gains do not (GPT-2 practice). */
  readonly decay: boolean;
}

export interface Gpt2Layout {
  readonly shape: ModelShape;
  readonly tensors: readonly Gpt2Tensor[];
  /** Floats in the flat buffer: the parameter count. */
  readonly size: number;
}

/** The shape of a GPT-2 model as the functional simulator and the Hugging Face importer read it. */
export function gpt2Shape(o: {
  name?: string;
  layers: number;
  dModel: number;
  heads: number;
  dFf: number;
  vocab: number;
  context: number;
}): ModelShape {
  if (o.dModel % o.heads !== 0) throw new RangeError(`heads (${o.heads}) must divide d_model (${o.dModel})`);
  return {
    name: o.name ?? 'gpt2',
    family: 'gpt2',
    layers: o.layers,
    dModel: o.dModel,
    heads: o.heads,
    kvHeads: o.heads,
    headDim: o.dModel / o.heads,
    dFf: o.dFf,
    ffn: 'gelu',
    vocab: o.vocab,
    context: o.context,
    tiedEmbeddings: true,
    slidingWindow: null,
    norm: 'layernorm',
    bias: true,
    positional: 'learned',
  };
}

/** Checks that a shape is the GPT-2 architecture this trainer implements. */
export function checkGpt2Shape(shape: ModelShape): void {
  const problems: string[] = [];
  if (shape.family !== 'gpt2') problems.push(`family is ${shape.family}`);
  if (shape.norm !== 'layernorm') problems.push(`norm is ${shape.norm}`);
  if (shape.ffn !== 'gelu') problems.push(`ffn is ${shape.ffn}`);
  if (shape.positional !== 'learned') problems.push(`positions are ${shape.positional}`);
  if (!shape.bias) problems.push('it has no biases');
  if (!shape.tiedEmbeddings) problems.push('its LM head is not tied to the embedding');
  if (shape.kvHeads !== shape.heads) problems.push('it groups key/value heads');
  if (shape.heads * shape.headDim !== shape.dModel) problems.push('heads × head_dim ≠ d_model');
  if (problems.length > 0) throw new RangeError(`the trainer runs GPT-2 models only: ${problems.join('; ')}`);
}

export function gpt2Layout(shape: ModelShape): Gpt2Layout {
  checkGpt2Shape(shape);
  const d = shape.dModel;
  const f = shape.dFf;
  const tensors: Gpt2Tensor[] = [];
  let offset = 0;
  const add = (name: string, dims: number[], decay: boolean): void => {
    const size = dims.reduce((a, n) => a * n, 1);
    tensors.push({ name, shape: dims, offset, size, decay });
    offset += size;
  };
  add('wte.weight', [shape.vocab, d], true);
  add('wpe.weight', [shape.context, d], true);
  for (let l = 0; l < shape.layers; l++) {
    const p = `h.${l}.`;
    add(`${p}ln_1.weight`, [d], false);
    add(`${p}ln_1.bias`, [d], false);
    add(`${p}attn.c_attn.weight`, [d, 3 * d], true);
    add(`${p}attn.c_attn.bias`, [3 * d], false);
    add(`${p}attn.c_proj.weight`, [d, d], true);
    add(`${p}attn.c_proj.bias`, [d], false);
    add(`${p}ln_2.weight`, [d], false);
    add(`${p}ln_2.bias`, [d], false);
    add(`${p}mlp.c_fc.weight`, [d, f], true);
    add(`${p}mlp.c_fc.bias`, [f], false);
    add(`${p}mlp.c_proj.weight`, [f, d], true);
    add(`${p}mlp.c_proj.bias`, [d], false);
  }
  add('ln_f.weight', [d], false);
  add('ln_f.bias', [d], false);
  return { shape, tensors, size: offset };
}

/** Typed views over a flat buffer of the layout (parameters, gradients or optimiser moments alike). */
export function gpt2Views(layout: Gpt2Layout, data: Float32Array = new Float32Array(layout.size)): Gpt2Params {
  if (data.length !== layout.size)
    throw new RangeError(`buffer holds ${data.length} floats, layout needs ${layout.size}`);
  const byName = new Map(layout.tensors.map((t) => [t.name, t]));
  const view = (name: string): Float32Array => {
    const t = byName.get(name)!;
    return data.subarray(t.offset, t.offset + t.size);
  };
  const blocks: Gpt2BlockParams[] = [];
  for (let l = 0; l < layout.shape.layers; l++) {
    const p = `h.${l}.`;
    blocks.push({
      ln1Weight: view(`${p}ln_1.weight`),
      ln1Bias: view(`${p}ln_1.bias`),
      qkvWeight: view(`${p}attn.c_attn.weight`),
      qkvBias: view(`${p}attn.c_attn.bias`),
      projWeight: view(`${p}attn.c_proj.weight`),
      projBias: view(`${p}attn.c_proj.bias`),
      ln2Weight: view(`${p}ln_2.weight`),
      ln2Bias: view(`${p}ln_2.bias`),
      fcWeight: view(`${p}mlp.c_fc.weight`),
      fcBias: view(`${p}mlp.c_fc.bias`),
      downWeight: view(`${p}mlp.c_proj.weight`),
      downBias: view(`${p}mlp.c_proj.bias`),
    });
  }
  return {
    data,
    tokenEmbedding: view('wte.weight'),
    positionEmbedding: view('wpe.weight'),
    blocks,
    lnFWeight: view('ln_f.weight'),
    lnFBias: view('ln_f.bias'),
  };
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

function columns(w: Float32Array, rows: number, cols: number, from: number, to: number): Float32Array {
  const out = new Float32Array(rows * (to - from));
  for (let r = 0; r < rows; r++) out.set(w.subarray(r * cols + from, r * cols + to), r * (to - from));
  return out;
}

/** Trained parameters as the functional simulator's weights (copies; q, k, v split). */
export function paramsToModelWeights(params: Gpt2Params, shape: ModelShape, description: string): ModelWeights {
  const d = shape.dModel;
  const f = shape.dFf;
  const lin = (w: Float32Array, b: Float32Array, inF: number, outF: number): LinearWeights => ({
    w: w.slice(),
    inFeatures: inF,
    outFeatures: outF,
    bias: b.slice(),
  });
  const blocks: BlockWeights[] = params.blocks.map((b) => {
    const part = (i: number): LinearWeights => ({
      w: columns(b.qkvWeight, d, 3 * d, i * d, (i + 1) * d),
      inFeatures: d,
      outFeatures: d,
      bias: b.qkvBias.slice(i * d, (i + 1) * d),
    });
    return {
      norm1: { weight: b.ln1Weight.slice(), bias: b.ln1Bias.slice() },
      q: part(0),
      k: part(1),
      v: part(2),
      o: lin(b.projWeight, b.projBias, d, d),
      norm2: { weight: b.ln2Weight.slice(), bias: b.ln2Bias.slice() },
      up: lin(b.fcWeight, b.fcBias, d, f),
      gate: null,
      down: lin(b.downWeight, b.downBias, f, d),
    };
  });
  const embedding = params.tokenEmbedding.slice();
  return weightsInMemory({
    source: 'checkpoint',
    description,
    embedding,
    positions: params.positionEmbedding.slice(),
    blocks,
    finalNorm: { weight: params.lnFWeight.slice(), bias: params.lnFBias.slice() },
    lmHead: { w: transpose(embedding, shape.vocab, d), inFeatures: d, outFeatures: shape.vocab, bias: null },
    vocab: shape.vocab,
  });
}

/**
 * The functional simulator's weights packed into a parameter buffer. Position rows the weights do
 * not hold (they carry only the rows a run used) stay zero; the LM head is taken to be the tied
 * embedding.
 */
export function modelWeightsToParams(weights: ModelWeights, layout: Gpt2Layout): Gpt2Params {
  const shape = layout.shape;
  const d = shape.dModel;
  const params = gpt2Views(layout);
  if (weights.vocab !== shape.vocab || weights.embedding.length !== shape.vocab * d) {
    throw new RangeError(`weights have ${weights.vocab} vocabulary rows, the shape ${shape.vocab}`);
  }
  if (weights.blocks.length !== shape.layers) {
    throw new RangeError(`weights have ${weights.blocks.length} blocks, the shape ${shape.layers}`);
  }
  if (!weights.positions) throw new RangeError('GPT-2 weights need learned positions');
  params.tokenEmbedding.set(weights.embedding);
  params.positionEmbedding.set(weights.positions.subarray(0, Math.min(weights.positions.length, shape.context * d)));
  const bias = (b: Float32Array | null, n: number): Float32Array => b ?? new Float32Array(n);
  weights.blocks.forEach((w, l) => {
    const p = params.blocks[l];
    p.ln1Weight.set(w.norm1.weight);
    p.ln1Bias.set(bias(w.norm1.bias, d));
    for (let r = 0; r < d; r++) {
      p.qkvWeight.set(w.q.w.subarray(r * d, (r + 1) * d), r * 3 * d);
      p.qkvWeight.set(w.k.w.subarray(r * d, (r + 1) * d), r * 3 * d + d);
      p.qkvWeight.set(w.v.w.subarray(r * d, (r + 1) * d), r * 3 * d + 2 * d);
    }
    p.qkvBias.set(bias(w.q.bias, d), 0);
    p.qkvBias.set(bias(w.k.bias, d), d);
    p.qkvBias.set(bias(w.v.bias, d), 2 * d);
    p.projWeight.set(w.o.w);
    p.projBias.set(bias(w.o.bias, d));
    p.ln2Weight.set(w.norm2.weight);
    p.ln2Bias.set(bias(w.norm2.bias, d));
    p.fcWeight.set(w.up.w);
    p.fcBias.set(bias(w.up.bias, shape.dFf));
    p.downWeight.set(w.down.w);
    p.downBias.set(bias(w.down.bias, d));
  });
  params.lnFWeight.set(weights.finalNorm.weight);
  params.lnFBias.set(bias(weights.finalNorm.bias, d));
  return params;
}
