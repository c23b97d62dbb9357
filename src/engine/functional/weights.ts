/**
 * Weights of the simulated blocks: from a safetensors checkpoint with Hugging Face GPT-2 or Llama
 * tensor names, or synthetic.
 *
 * Synthetic weights follow Hugging Face's initialisation of these models (GPT2PreTrainedModel and
 * LlamaPreTrainedModel `_init_weights`, initializer_range 0.02): every linear and embedding weight
 * N(0, 0.02²); GPT-2's residual projections (attn.c_proj, mlp.c_proj) N(0, (0.02/√(2·n_layer))²)
 * (GPT-2 paper §2.3, "scaled initialisation"); biases 0; norm gains 1. These are the statistics of
 * a freshly initialised model, not of a trained one: trained weights have heavier tails (larger
 * max/σ), which costs more precision when weights are scaled to the conductance range, so
 * synthetic runs understate weight-mapping error.
 */
import type { MatrixName } from '../../shared/matrices';
import { matrixShape } from '../model/blockMatrices';
import type { ModelShape } from '../../shared/modelShape';
import { Rng } from './rng';
import { quoteTensorName, SafetensorsError, type SafetensorsFile } from './safetensors';

export interface LinearWeights {
  /** inFeatures × outFeatures, row-major (Y = X W). */
  readonly w: Float32Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: Float32Array | null;
}

export interface NormWeights {
  readonly weight: Float32Array;
  readonly bias: Float32Array | null;
}

export interface BlockWeights {
  readonly norm1: NormWeights;
  readonly q: LinearWeights;
  readonly k: LinearWeights;
  readonly v: LinearWeights;
  readonly o: LinearWeights;
  readonly norm2: NormWeights;
  readonly up: LinearWeights;
  /** SwiGLU only. */
  readonly gate: LinearWeights | null;
  readonly down: LinearWeights;
}

export interface ModelWeights {
  readonly source: 'synthetic' | 'checkpoint';
  /** What the weights are, in words, for the report. */
  readonly description: string;
  /** vocab × d_model rows of the first `vocab` tokens. */
  readonly embedding: Float32Array;
  /**
   * Learned positions (GPT-2), d_model per position for the positions a run uses (its tokens, not
   * the whole context: a context of 10⁷ would be gigabytes); null with RoPE.
   */
  readonly positions: Float32Array | null;
  readonly blocks: readonly BlockWeights[];
  readonly finalNorm: NormWeights;
  /** d_model × vocab. */
  readonly lmHead: LinearWeights;
  readonly vocab: number;
}

export const SYNTHETIC_INIT_STD = 0.02;

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

const ones = (n: number) => new Float32Array(n).fill(1);

/**
 * `positions`: rows of learned positions to draw (the run's tokens; at most the context). The
 * rows are the first ones of the context's stream, so a run draws the same values whatever the
 * context is.
 */
export function syntheticWeights(
  shape: ModelShape,
  blocks: number,
  vocab: number,
  seed: number,
  positions: number = shape.context,
): ModelWeights {
  const d = shape.dModel;
  const gpt2 = shape.family === 'gpt2';
  const residualStd = gpt2 ? SYNTHETIC_INIT_STD / Math.sqrt(2 * shape.layers) : SYNTHETIC_INIT_STD;
  const linear = (label: string, matrix: MatrixName, std: number): LinearWeights => {
    const { inFeatures, outFeatures } = matrixShape(shape, matrix);
    return {
      w: Rng.derive(seed, `weights/${label}`).normals(inFeatures * outFeatures, std),
      inFeatures,
      outFeatures,
      bias: shape.bias ? new Float32Array(outFeatures) : null,
    };
  };
  const norm = (): NormWeights => ({ weight: ones(d), bias: shape.norm === 'layernorm' ? new Float32Array(d) : null });
  const list: BlockWeights[] = [];
  for (let b = 0; b < blocks; b++) {
    list.push({
      norm1: norm(),
      q: linear(`${b}/q`, 'q_proj', SYNTHETIC_INIT_STD),
      k: linear(`${b}/k`, 'k_proj', SYNTHETIC_INIT_STD),
      v: linear(`${b}/v`, 'v_proj', SYNTHETIC_INIT_STD),
      o: linear(`${b}/o`, 'o_proj', residualStd),
      norm2: norm(),
      up: linear(`${b}/up`, 'ffn_up', SYNTHETIC_INIT_STD),
      gate: shape.ffn === 'swiglu' ? linear(`${b}/gate`, 'ffn_gate', SYNTHETIC_INIT_STD) : null,
      down: linear(`${b}/down`, 'ffn_down', residualStd),
    });
  }
  const embedding = Rng.derive(seed, 'weights/embedding').normals(vocab * d, SYNTHETIC_INIT_STD);
  const lmHead = shape.tiedEmbeddings
    ? transpose(embedding, vocab, d)
    : Rng.derive(seed, 'weights/lm_head').normals(d * vocab, SYNTHETIC_INIT_STD);
  return {
    source: 'synthetic',
    description: `synthetic: Hugging Face initialisation of ${gpt2 ? 'GPT-2' : 'Llama'} (N(0, 0.02²) weights${gpt2 ? ', residual projections 0.02/√(2·n_layer)' : ''}, zero biases, unit norm gains)`,
    embedding,
    positions:
      shape.positional === 'learned'
        ? Rng.derive(seed, 'weights/positions').normals(Math.min(positions, shape.context) * d, SYNTHETIC_INIT_STD)
        : null,
    blocks: list,
    finalNorm: norm(),
    lmHead: { w: lmHead, inFeatures: d, outFeatures: vocab, bias: null },
    vocab,
  };
}

/** Reads tensors by name, checking shapes, with GPT-2's optional "transformer." prefix. */
class TensorReader {
  constructor(
    private readonly file: SafetensorsFile,
    private readonly prefixes: readonly string[],
  ) {}

  has(name: string): boolean {
    return this.prefixes.some((p) => this.file.tensors.has(p + name));
  }

  /**
   * The tensor `name` of `shape`; with `firstRows`, a tensor with more rows is read in part (the
   * first rows of a vocabulary or of the positions), otherwise the shape must match exactly.
   */
  read(name: string, shape: readonly number[], firstRows = false): Float32Array {
    const full = this.prefixes.map((p) => p + name).find((n) => this.file.tensors.has(n));
    if (!full) throw new SafetensorsError(`it has no tensor ${quoteTensorName(name)}, which the model config needs`);
    const info = this.file.tensors.get(full)!;
    const count = shape.reduce((a, n) => a * n, 1);
    if (
      info.shape.length !== shape.length ||
      info.shape.slice(1).join() !== shape.slice(1).join() ||
      (firstRows ? info.shape[0] < shape[0] : info.shape[0] !== shape[0])
    ) {
      throw new SafetensorsError(
        `tensor ${quoteTensorName(full)} has shape [${info.shape.join(', ')}], the model config needs [${shape.join(', ')}]`,
      );
    }
    const values = this.file.read(full, count);
    // NaN or ±Inf would run through every product and compare as "no error" (NaN > 0 is false).
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        const at = info.shape.length > 1 ? `row ${Math.floor(i / (count / shape[0]))}` : `index ${i}`;
        throw new SafetensorsError(
          `tensor ${quoteTensorName(full)} holds ${values[i]} at ${at}; weights must be finite numbers`,
        );
      }
    }
    return values;
  }
}

function columns(w: Float32Array, rows: number, cols: number, from: number, to: number): Float32Array {
  const out = new Float32Array(rows * (to - from));
  for (let r = 0; r < rows; r++) out.set(w.subarray(r * cols + from, r * cols + to), r * (to - from));
  return out;
}

/** GPT-2 (Hugging Face `GPT2Model` names; Conv1D weights are stored in × out). */
function gpt2Checkpoint(
  file: SafetensorsFile,
  shape: ModelShape,
  blocks: number,
  vocab: number,
  positions: number,
): ModelWeights {
  const t = new TensorReader(file, ['', 'transformer.']);
  const d = shape.dModel;
  const f = shape.dFf;
  const norm = (name: string): NormWeights => ({
    weight: t.read(`${name}.weight`, [d]),
    bias: t.read(`${name}.bias`, [d]),
  });
  const list: BlockWeights[] = [];
  for (let b = 0; b < blocks; b++) {
    const p = `h.${b}.`;
    const qkv = t.read(`${p}attn.c_attn.weight`, [d, 3 * d]);
    const qkvBias = t.read(`${p}attn.c_attn.bias`, [3 * d]);
    const part = (i: number): LinearWeights => ({
      w: columns(qkv, d, 3 * d, i * d, (i + 1) * d),
      inFeatures: d,
      outFeatures: d,
      bias: qkvBias.slice(i * d, (i + 1) * d),
    });
    const lin = (name: string, inF: number, outF: number): LinearWeights => ({
      w: t.read(`${p}${name}.weight`, [inF, outF]),
      inFeatures: inF,
      outFeatures: outF,
      bias: t.read(`${p}${name}.bias`, [outF]),
    });
    list.push({
      norm1: norm(`${p}ln_1`),
      q: part(0),
      k: part(1),
      v: part(2),
      o: lin('attn.c_proj', d, d),
      norm2: norm(`${p}ln_2`),
      up: lin('mlp.c_fc', d, f),
      gate: null,
      down: lin('mlp.c_proj', f, d),
    });
  }
  const embedding = t.read('wte.weight', [vocab, d], true);
  return {
    source: 'checkpoint',
    description: `checkpoint (Hugging Face GPT-2 names), first ${blocks} blocks, first ${vocab} vocabulary rows`,
    embedding,
    positions: t.read('wpe.weight', [Math.min(positions, shape.context), d], true),
    blocks: list,
    finalNorm: norm('ln_f'),
    lmHead: { w: transpose(embedding, vocab, d), inFeatures: d, outFeatures: vocab, bias: null },
    vocab,
  };
}

/** Llama / Mistral (Hugging Face `LlamaForCausalLM` names; nn.Linear weights are stored out × in). */
function llamaCheckpoint(file: SafetensorsFile, shape: ModelShape, blocks: number, vocab: number): ModelWeights {
  const t = new TensorReader(file, ['']);
  const d = shape.dModel;
  const f = shape.dFf;
  const qOut = shape.heads * shape.headDim;
  const kvOut = shape.kvHeads * shape.headDim;
  const lin = (name: string, inF: number, outF: number): LinearWeights => ({
    w: transpose(t.read(`${name}.weight`, [outF, inF]), outF, inF),
    inFeatures: inF,
    outFeatures: outF,
    bias: t.has(`${name}.bias`) ? t.read(`${name}.bias`, [outF]) : null,
  });
  const norm = (name: string): NormWeights => ({ weight: t.read(`${name}.weight`, [d]), bias: null });
  const list: BlockWeights[] = [];
  for (let b = 0; b < blocks; b++) {
    const p = `model.layers.${b}.`;
    list.push({
      norm1: norm(`${p}input_layernorm`),
      q: lin(`${p}self_attn.q_proj`, d, qOut),
      k: lin(`${p}self_attn.k_proj`, d, kvOut),
      v: lin(`${p}self_attn.v_proj`, d, kvOut),
      o: lin(`${p}self_attn.o_proj`, qOut, d),
      norm2: norm(`${p}post_attention_layernorm`),
      up: lin(`${p}mlp.up_proj`, d, f),
      gate: lin(`${p}mlp.gate_proj`, d, f),
      down: lin(`${p}mlp.down_proj`, f, d),
    });
  }
  const embedding = t.read('model.embed_tokens.weight', [vocab, d], true);
  const head =
    t.has('lm_head.weight') && !shape.tiedEmbeddings ? t.read('lm_head.weight', [vocab, d], true) : embedding;
  return {
    source: 'checkpoint',
    description: `checkpoint (Hugging Face Llama names), first ${blocks} blocks, first ${vocab} vocabulary rows`,
    embedding,
    positions: null,
    blocks: list,
    finalNorm: norm('model.norm'),
    lmHead: { w: transpose(head, vocab, d), inFeatures: d, outFeatures: vocab, bias: null },
    vocab,
  };
}

/** Which naming scheme a checkpoint uses, from its tensor names. */
export function checkpointFamily(file: SafetensorsFile): 'gpt2' | 'llama' | null {
  const names = [...file.tensors.keys()];
  if (names.some((n) => /^(transformer\.)?h\.\d+\.attn\.c_attn\.weight$/.test(n))) return 'gpt2';
  if (names.some((n) => /^model\.layers\.\d+\.self_attn\.q_proj\.weight$/.test(n))) return 'llama';
  return null;
}

/** `positions`: rows of learned positions to read (the run's tokens), as for `syntheticWeights`. */
export function checkpointWeights(
  file: SafetensorsFile,
  shape: ModelShape,
  blocks: number,
  vocab: number,
  positions: number = shape.context,
): ModelWeights {
  const family = checkpointFamily(file);
  if (family === null) {
    throw new SafetensorsError(
      'it has neither Hugging Face GPT-2 names (h.N.attn.c_attn.weight) nor Llama names (model.layers.N.self_attn.q_proj.weight)',
    );
  }
  const wantGpt2 = shape.family === 'gpt2';
  if ((family === 'gpt2') !== wantGpt2) {
    throw new SafetensorsError(
      `it uses ${family === 'gpt2' ? 'GPT-2' : 'Llama'} tensor names but the model config is ${shape.family}`,
    );
  }
  return family === 'gpt2'
    ? gpt2Checkpoint(file, shape, blocks, vocab, positions)
    : llamaCheckpoint(file, shape, blocks, vocab);
}
