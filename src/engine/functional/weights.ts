/**
 * Weights of the simulated blocks: from a safetensors checkpoint with Hugging Face GPT-2 or Llama
 * tensor names, or synthetic. Blocks are read (or drawn) one at a time when a run reaches them
 * (`block(layer)`), so a model of any depth is never held whole: memory is one block, the LM head
 * and the embedding rows a run uses.
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
import type { CheckpointTensors } from './checkpoint';
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
  /**
   * Adapted gain-cell scalers of the layer's heads, heads × 5 (aQ, bQ, aK, aV, outputGain), from a
   * checkpoint's `…attn.aimc_scalers` tensor; null (or absent) when it has none (synthetic weights
   * never do).
   */
  readonly scalers?: Float32Array | null;
}

export interface ModelWeights {
  readonly source: 'synthetic' | 'checkpoint';
  /** What the weights are, in words, for the report. */
  readonly description: string;
  /**
   * vocab × d_model rows of the first `vocab` tokens. A checkpoint's table is built on first use;
   * `embeddingRows` reads only the rows a run needs.
   */
  readonly embedding: Float32Array;
  /** The embedding rows of `ids`, ids.length × d_model, without building the whole table. */
  embeddingRows(ids: ArrayLike<number>): Float32Array;
  /**
   * Learned positions (GPT-2), d_model per position for the positions a run uses (its tokens, not
   * the whole context: a context of 10⁷ would be gigabytes); null with RoPE.
   */
  readonly positions: Float32Array | null;
  /** Blocks available: `block(layer)` takes 0 ≤ layer < layers. */
  readonly layers: number;
  /** Block `layer`'s weights, read (or drawn) when asked for; the last block asked for is kept. */
  block(layer: number): BlockWeights;
  /** Every block at once (read on first use): for callers not yet block by block. */
  readonly blocks: readonly BlockWeights[];
  readonly finalNorm: NormWeights;
  /** d_model × vocab, the whole vocabulary a run scores (read on first use for a checkpoint). */
  readonly lmHead: LinearWeights;
  readonly vocab: number;
}

export const SYNTHETIC_INIT_STD = 0.02;

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

/** Rows `ids` of a d × vocab matrix's columns: the embedding rows of a tied LM head. */
function columnsOf(w: Float32Array, d: number, vocab: number, ids: ArrayLike<number>): Float32Array {
  const out = new Float32Array(ids.length * d);
  for (let i = 0; i < ids.length; i++) {
    const id = checkedId(ids[i], vocab);
    for (let c = 0; c < d; c++) out[i * d + c] = w[c * vocab + id];
  }
  return out;
}

function checkedId(id: number, vocab: number): number {
  if (!Number.isInteger(id) || id < 0 || id >= vocab)
    throw new RangeError(`token id ${id} is outside the ${vocab} vocabulary rows of the weights`);
  return id;
}

function gatherRows(table: Float32Array, d: number, vocab: number, ids: ArrayLike<number>): Float32Array {
  const out = new Float32Array(ids.length * d);
  for (let i = 0; i < ids.length; i++) {
    const id = checkedId(ids[i], vocab);
    out.set(table.subarray(id * d, (id + 1) * d), i * d);
  }
  return out;
}

const ones = (n: number) => new Float32Array(n).fill(1);

/** Weights held in memory whole (a model trained here, a test's): the block-by-block view of them. */
export function weightsInMemory(
  w: Omit<ModelWeights, 'block' | 'layers' | 'embeddingRows' | 'blocks'> & { readonly blocks: readonly BlockWeights[] },
): ModelWeights {
  const d = w.lmHead.inFeatures;
  return {
    ...w,
    layers: w.blocks.length,
    block(layer) {
      if (!Number.isInteger(layer) || layer < 0 || layer >= w.blocks.length)
        throw new RangeError(`block ${layer} does not exist: the weights have blocks 0 to ${w.blocks.length - 1}`);
      return w.blocks[layer];
    },
    embeddingRows: (ids) => gatherRows(w.embedding, d, w.vocab, ids),
  };
}

/** One block kept: a run asks for each block in turn, and may ask again for the same one. */
class BlockCache {
  private layer = -1;
  private weights: BlockWeights | undefined;
  private all: BlockWeights[] | undefined;

  constructor(
    private readonly layers: number,
    private readonly load: (layer: number) => BlockWeights,
  ) {}

  block(layer: number): BlockWeights {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.layers)
      throw new RangeError(`block ${layer} does not exist: the weights have blocks 0 to ${this.layers - 1}`);
    if (this.all) return this.all[layer];
    if (layer !== this.layer || this.weights === undefined) {
      this.weights = undefined; // let the previous block go before the next is read
      this.weights = this.load(layer);
      this.layer = layer;
    }
    return this.weights;
  }

  blocks(): readonly BlockWeights[] {
    this.all ??= Array.from({ length: this.layers }, (_, l) => (l === this.layer && this.weights) || this.load(l));
    return this.all;
  }
}

/**
 * `positions`: rows of learned positions to draw (the run's tokens; at most the context). The
 * rows are the first ones of the context's stream, so a run draws the same values whatever the
 * context is. `blocks`: how many blocks `block` draws (at most the model's layers). Each block is
 * drawn from its own streams (seed, "weights/<layer>/<matrix>"), so a block has the same values
 * whenever, and however often, it is drawn.
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
  const cache = new BlockCache(Math.min(blocks, shape.layers), (b) => ({
    norm1: norm(),
    q: linear(`${b}/q`, 'q_proj', SYNTHETIC_INIT_STD),
    k: linear(`${b}/k`, 'k_proj', SYNTHETIC_INIT_STD),
    v: linear(`${b}/v`, 'v_proj', SYNTHETIC_INIT_STD),
    o: linear(`${b}/o`, 'o_proj', residualStd),
    norm2: norm(),
    up: linear(`${b}/up`, 'ffn_up', SYNTHETIC_INIT_STD),
    gate: shape.ffn === 'swiglu' ? linear(`${b}/gate`, 'ffn_gate', SYNTHETIC_INIT_STD) : null,
    down: linear(`${b}/down`, 'ffn_down', residualStd),
    scalers: null,
  }));
  const embedding = Rng.derive(seed, 'weights/embedding').normals(vocab * d, SYNTHETIC_INIT_STD);
  const lmHead = shape.tiedEmbeddings
    ? transpose(embedding, vocab, d)
    : Rng.derive(seed, 'weights/lm_head').normals(d * vocab, SYNTHETIC_INIT_STD);
  return {
    source: 'synthetic',
    description: `synthetic: Hugging Face initialisation of ${gpt2 ? 'GPT-2' : 'Llama'} (N(0, 0.02²) weights${gpt2 ? ', residual projections 0.02/√(2·n_layer)' : ''}, zero biases, unit norm gains)`,
    embedding,
    embeddingRows: (ids) => gatherRows(embedding, d, vocab, ids),
    positions:
      shape.positional === 'learned'
        ? Rng.derive(seed, 'weights/positions').normals(Math.min(positions, shape.context) * d, SYNTHETIC_INIT_STD)
        : null,
    layers: Math.min(blocks, shape.layers),
    block: (layer) => cache.block(layer),
    get blocks() {
      return cache.blocks();
    },
    finalNorm: norm(),
    lmHead: { w: lmHead, inFeatures: d, outFeatures: vocab, bias: null },
    vocab,
  };
}

/** dtypes a weight may have: the float types of the format. */
const FLOAT_DTYPES = ['F32', 'F16', 'BF16', 'F64'];

/** Values read at once when a large matrix is transposed: a chunk, not a second copy. */
const TRANSPOSE_CHUNK_VALUES = 1 << 22;

/**
 * Reads tensors by name from a checkpoint, checking shapes and values, with GPT-2's optional
 * "transformer." prefix. Errors name the shard for a sharded checkpoint.
 */
class TensorReader {
  private readonly names: ReadonlySet<string>;

  constructor(
    private readonly file: CheckpointTensors,
    private readonly prefixes: readonly string[],
  ) {
    this.names = new Set(file.names());
  }

  has(name: string): boolean {
    return this.prefixes.some((p) => this.names.has(p + name));
  }

  private where(full: string): string {
    const file = this.file.fileOf(full);
    return file === undefined ? '' : ` (in ${JSON.stringify(file)})`;
  }

  /**
   * The stored name of `name`, checked against `shape`: with `firstRows`, a tensor with more rows
   * fits (the first rows of a vocabulary or of the positions), otherwise the shape must match.
   */
  check(name: string, shape: readonly number[], firstRows = false): string {
    const full = this.prefixes.map((p) => p + name).find((n) => this.names.has(n));
    if (!full) throw new SafetensorsError(`it has no tensor ${quoteTensorName(name)}, which the model config needs`);
    const info = this.file.info(full);
    if (info === undefined) throw new SafetensorsError(`it has no tensor ${quoteTensorName(full)}`);
    if (
      info.shape.length !== shape.length ||
      info.shape.slice(1).join() !== shape.slice(1).join() ||
      (firstRows ? info.shape[0] < shape[0] : info.shape[0] !== shape[0])
    ) {
      throw new SafetensorsError(
        `tensor ${quoteTensorName(full)}${this.where(full)} has shape [${info.shape.join(', ')}], the model config needs [${shape.join(', ')}]`,
      );
    }
    if (!FLOAT_DTYPES.includes(info.dtype))
      throw new SafetensorsError(
        `tensor ${quoteTensorName(full)}${this.where(full)} has dtype ${info.dtype}; weights must be ${FLOAT_DTYPES.join(', ')}`,
      );
    return full;
  }

  /** The tensor `name` of `shape` (its first rows, with `firstRows`), all values finite. */
  read(name: string, shape: readonly number[], firstRows = false): Float32Array {
    const full = this.check(name, shape, firstRows);
    const info = this.file.info(full)!;
    const values = info.shape[0] === shape[0] ? this.file.read(full) : this.file.readRows(full, 0, shape[0]);
    this.checkFinite(full, values, shape, 0);
    return values;
  }

  /** Rows [start, start + count) of a tensor checked before (`check`). */
  rows(full: string, start: number, count: number, cols: number): Float32Array {
    const values = this.file.readRows(full, start, count);
    this.checkFinite(full, values, [count, cols], start);
    return values;
  }

  /**
   * The first `rows` rows of a rows × cols tensor, transposed to cols × rows, read a chunk at a
   * time so that the stored matrix is never held next to its transpose.
   */
  transposed(name: string, rows: number, cols: number): Float32Array {
    const full = this.check(name, [rows, cols], true);
    const out = new Float32Array(rows * cols);
    const step = Math.max(1, Math.floor(TRANSPOSE_CHUNK_VALUES / cols));
    for (let start = 0; start < rows; start += step) {
      const n = Math.min(step, rows - start);
      const chunk = this.rows(full, start, n, cols);
      for (let r = 0; r < n; r++) {
        const from = r * cols;
        const to = start + r;
        for (let c = 0; c < cols; c++) out[c * rows + to] = chunk[from + c];
      }
    }
    return out;
  }

  // NaN or ±Inf would run through every product and compare as "no error" (NaN > 0 is false).
  private checkFinite(full: string, values: Float32Array, shape: readonly number[], firstRow: number): void {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        const perRow = values.length / (shape[0] || 1);
        const at = shape.length > 1 ? `row ${firstRow + Math.floor(i / perRow)}` : `index ${i}`;
        throw new SafetensorsError(
          `tensor ${quoteTensorName(full)}${this.where(full)} holds ${values[i]} at ${at}; weights must be finite numbers`,
        );
      }
    }
  }
}

function columns(w: Float32Array, rows: number, cols: number, from: number, to: number): Float32Array {
  const out = new Float32Array(rows * (to - from));
  for (let r = 0; r < rows; r++) out.set(w.subarray(r * cols + from, r * cols + to), r * (to - from));
  return out;
}

/**
 * A tensor the model config needs: its name (without GPT-2's prefix) and shape; `firstRows`: a
 * tensor with more rows fits (a vocabulary or positions read in part).
 */
type TensorSpec = readonly [name: string, shape: readonly number[], firstRows?: boolean];

/** How one naming scheme reads a model. */
interface Family {
  readonly label: string;
  /** Prefixes a stored name may carry. */
  readonly prefixes: readonly string[];
  /** Tensors a block needs. */
  blockTensors(layer: number): readonly TensorSpec[];
  /** Optional tensors of a block, checked when present. */
  optionalBlockTensors(layer: number): readonly TensorSpec[];
  loadBlock(t: TensorReader, layer: number): BlockWeights;
  /** Tensors outside the blocks the model needs (the embedding's first `vocab` rows at least). */
  globalTensors(vocab: number): readonly TensorSpec[];
}

/** The adapted scalers of a layer, when the checkpoint has them. */
function scalersOf(t: TensorReader, name: string, shape: ModelShape): Float32Array | null {
  return t.has(name) ? t.read(name, [shape.heads, SCALER_COLUMNS]) : null;
}

/** Columns of an `aimc_scalers` tensor: aQ, bQ, aK, aV, outputGain. */
const SCALER_COLUMNS = 5;

/** GPT-2 (Hugging Face `GPT2Model` names; Conv1D weights are stored in × out). */
function gpt2Family(shape: ModelShape): Family {
  const d = shape.dModel;
  const f = shape.dFf;
  const p = (l: number) => `h.${l}.`;
  return {
    label: 'GPT-2',
    prefixes: ['', 'transformer.'],
    blockTensors: (l) => [
      [`${p(l)}ln_1.weight`, [d]],
      [`${p(l)}ln_1.bias`, [d]],
      [`${p(l)}attn.c_attn.weight`, [d, 3 * d]],
      [`${p(l)}attn.c_attn.bias`, [3 * d]],
      [`${p(l)}attn.c_proj.weight`, [d, d]],
      [`${p(l)}attn.c_proj.bias`, [d]],
      [`${p(l)}ln_2.weight`, [d]],
      [`${p(l)}ln_2.bias`, [d]],
      [`${p(l)}mlp.c_fc.weight`, [d, f]],
      [`${p(l)}mlp.c_fc.bias`, [f]],
      [`${p(l)}mlp.c_proj.weight`, [f, d]],
      [`${p(l)}mlp.c_proj.bias`, [d]],
    ],
    optionalBlockTensors: (l) => [[`${p(l)}attn.aimc_scalers`, [shape.heads, SCALER_COLUMNS]]],
    globalTensors: (vocab) => [
      ['wte.weight', [vocab, d], true],
      ['ln_f.weight', [d]],
      ['ln_f.bias', [d]],
    ],
    loadBlock(t, l) {
      const norm = (name: string): NormWeights => ({
        weight: t.read(`${name}.weight`, [d]),
        bias: t.read(`${name}.bias`, [d]),
      });
      const qkv = t.read(`${p(l)}attn.c_attn.weight`, [d, 3 * d]);
      const qkvBias = t.read(`${p(l)}attn.c_attn.bias`, [3 * d]);
      const part = (i: number): LinearWeights => ({
        w: columns(qkv, d, 3 * d, i * d, (i + 1) * d),
        inFeatures: d,
        outFeatures: d,
        bias: qkvBias.slice(i * d, (i + 1) * d),
      });
      const lin = (name: string, inF: number, outF: number): LinearWeights => ({
        w: t.read(`${p(l)}${name}.weight`, [inF, outF]),
        inFeatures: inF,
        outFeatures: outF,
        bias: t.read(`${p(l)}${name}.bias`, [outF]),
      });
      return {
        norm1: norm(`${p(l)}ln_1`),
        q: part(0),
        k: part(1),
        v: part(2),
        o: lin('attn.c_proj', d, d),
        norm2: norm(`${p(l)}ln_2`),
        up: lin('mlp.c_fc', d, f),
        gate: null,
        down: lin('mlp.c_proj', f, d),
        scalers: scalersOf(t, `${p(l)}attn.aimc_scalers`, shape),
      };
    },
  };
}

/** Llama / Mistral (Hugging Face `LlamaForCausalLM` names; nn.Linear weights are stored out × in). */
function llamaFamily(shape: ModelShape): Family {
  const d = shape.dModel;
  const f = shape.dFf;
  const qOut = shape.heads * shape.headDim;
  const kvOut = shape.kvHeads * shape.headDim;
  const p = (l: number) => `model.layers.${l}.`;
  const linears = (l: number): [string, number, number][] => [
    [`${p(l)}self_attn.q_proj`, d, qOut],
    [`${p(l)}self_attn.k_proj`, d, kvOut],
    [`${p(l)}self_attn.v_proj`, d, kvOut],
    [`${p(l)}self_attn.o_proj`, qOut, d],
    [`${p(l)}mlp.gate_proj`, d, f],
    [`${p(l)}mlp.up_proj`, d, f],
    [`${p(l)}mlp.down_proj`, f, d],
  ];
  return {
    label: 'Llama',
    prefixes: [''],
    blockTensors: (l) => [
      [`${p(l)}input_layernorm.weight`, [d]],
      [`${p(l)}post_attention_layernorm.weight`, [d]],
      ...linears(l).map(([name, inF, outF]): TensorSpec => [`${name}.weight`, [outF, inF]]),
    ],
    optionalBlockTensors: (l) => [
      ...linears(l).map(([name, , outF]): TensorSpec => [`${name}.bias`, [outF]]),
      [`${p(l)}self_attn.aimc_scalers`, [shape.heads, SCALER_COLUMNS]],
    ],
    globalTensors: (vocab) => [
      ['model.embed_tokens.weight', [vocab, d], true],
      ['model.norm.weight', [d]],
      ...(shape.tiedEmbeddings ? [] : ([['lm_head.weight', [vocab, d], true]] as const)),
    ],
    loadBlock(t, l) {
      const lin = (name: string, inF: number, outF: number): LinearWeights => ({
        w: transpose(t.read(`${name}.weight`, [outF, inF]), outF, inF),
        inFeatures: inF,
        outFeatures: outF,
        bias: t.has(`${name}.bias`) ? t.read(`${name}.bias`, [outF]) : null,
      });
      const norm = (name: string): NormWeights => ({ weight: t.read(`${name}.weight`, [d]), bias: null });
      return {
        norm1: norm(`${p(l)}input_layernorm`),
        q: lin(`${p(l)}self_attn.q_proj`, d, qOut),
        k: lin(`${p(l)}self_attn.k_proj`, d, kvOut),
        v: lin(`${p(l)}self_attn.v_proj`, d, kvOut),
        o: lin(`${p(l)}self_attn.o_proj`, qOut, d),
        norm2: norm(`${p(l)}post_attention_layernorm`),
        up: lin(`${p(l)}mlp.up_proj`, d, f),
        gate: lin(`${p(l)}mlp.gate_proj`, d, f),
        down: lin(`${p(l)}mlp.down_proj`, f, d),
        scalers: scalersOf(t, `${p(l)}self_attn.aimc_scalers`, shape),
      };
    },
  };
}

/** Which naming scheme a checkpoint uses, from its tensor names. */
export function checkpointFamily(file: SafetensorsFile | CheckpointTensors): 'gpt2' | 'llama' | null {
  const names = 'names' in file ? file.names() : [...file.tensors.keys()];
  if (names.some((n) => /^(transformer\.)?h\.\d+\.attn\.c_attn\.weight$/.test(n))) return 'gpt2';
  if (names.some((n) => /^model\.layers\.\d+\.self_attn\.q_proj\.weight$/.test(n))) return 'llama';
  return null;
}

/**
 * A checkpoint's weights, read as a run asks for them: `vocab` rows of the vocabulary (all of it
 * for perplexity), `positions` rows of learned positions (the run's tokens), blocks 0 to
 * `blocks` − 1 (all the model's layers by default). Names, shapes and dtypes of every tensor those
 * need are checked here, from the headers, so that a wrong checkpoint fails before a long run.
 */
export function checkpointWeightsFrom(
  tensors: CheckpointTensors,
  shape: ModelShape,
  vocab: number,
  positions: number = shape.context,
  blocks: number = shape.layers,
): ModelWeights {
  const family = checkpointFamily(tensors);
  if (family === null) {
    throw new SafetensorsError(
      'it has neither Hugging Face GPT-2 names (h.N.attn.c_attn.weight) nor Llama names (model.layers.N.self_attn.q_proj.weight)',
    );
  }
  if ((family === 'gpt2') !== (shape.family === 'gpt2')) {
    throw new SafetensorsError(
      `it uses ${family === 'gpt2' ? 'GPT-2' : 'Llama'} tensor names but the model config is ${shape.family}`,
    );
  }
  const layers = Math.min(blocks, shape.layers);
  const scheme = family === 'gpt2' ? gpt2Family(shape) : llamaFamily(shape);
  const t = new TensorReader(tensors, scheme.prefixes);
  for (const [name, dims, firstRows] of scheme.globalTensors(vocab))
    if (name !== 'lm_head.weight' || t.has(name)) t.check(name, dims, firstRows);
  for (let l = 0; l < layers; l++) {
    for (const [name, dims] of scheme.blockTensors(l)) t.check(name, dims);
    for (const [name, dims] of scheme.optionalBlockTensors(l)) if (t.has(name)) t.check(name, dims);
  }
  return family === 'gpt2'
    ? gpt2Weights(t, scheme, shape, vocab, positions, layers)
    : llamaWeights(t, scheme, shape, vocab, layers);
}

function vocabWords(shape: ModelShape, vocab: number): string {
  return vocab < shape.vocab ? `, first ${vocab} of ${shape.vocab} vocabulary rows` : '';
}

function gpt2Weights(
  t: TensorReader,
  scheme: Family,
  shape: ModelShape,
  vocab: number,
  positions: number,
  layers: number,
): ModelWeights {
  const d = shape.dModel;
  const cache = new BlockCache(layers, (l) => scheme.loadBlock(t, l));
  // GPT-2 ties the LM head to the token embedding: one copy, held as the head (d × vocab); the
  // embedding rows a run needs are its columns.
  let head: Float32Array | undefined;
  const lmHead = () => (head ??= t.transposed('wte.weight', vocab, d));
  let table: Float32Array | undefined;
  return {
    source: 'checkpoint',
    description: `checkpoint (Hugging Face GPT-2 names), ${layers} of ${shape.layers} blocks${vocabWords(shape, vocab)}`,
    get embedding() {
      return (table ??= transpose(lmHead(), d, vocab));
    },
    embeddingRows: (ids) => columnsOf(lmHead(), d, vocab, ids),
    positions: t.read('wpe.weight', [Math.min(positions, shape.context), d], true),
    layers,
    block: (l) => cache.block(l),
    get blocks() {
      return cache.blocks();
    },
    finalNorm: { weight: t.read('ln_f.weight', [d]), bias: t.read('ln_f.bias', [d]) },
    get lmHead() {
      return { w: lmHead(), inFeatures: d, outFeatures: vocab, bias: null };
    },
    vocab,
  };
}

function llamaWeights(t: TensorReader, scheme: Family, shape: ModelShape, vocab: number, layers: number): ModelWeights {
  const d = shape.dModel;
  const cache = new BlockCache(layers, (l) => scheme.loadBlock(t, l));
  const embedName = t.check('model.embed_tokens.weight', [vocab, d], true);
  const headName = t.has('lm_head.weight') && !shape.tiedEmbeddings ? 'lm_head.weight' : 'model.embed_tokens.weight';
  let head: Float32Array | undefined;
  const lmHead = () => (head ??= t.transposed(headName, vocab, d));
  let table: Float32Array | undefined;
  return {
    source: 'checkpoint',
    description: `checkpoint (Hugging Face Llama names), ${layers} of ${shape.layers} blocks${vocabWords(shape, vocab)}`,
    get embedding() {
      return (table ??= t.read('model.embed_tokens.weight', [vocab, d], true));
    },
    embeddingRows(ids) {
      const out = new Float32Array(ids.length * d);
      const rows = new Map<number, Float32Array>();
      for (let i = 0; i < ids.length; i++) {
        const id = checkedId(ids[i], vocab);
        let row = rows.get(id);
        if (row === undefined) rows.set(id, (row = t.rows(embedName, id, 1, d)));
        out.set(row, i * d);
      }
      return out;
    },
    positions: null,
    layers,
    block: (l) => cache.block(l),
    get blocks() {
      return cache.blocks();
    },
    finalNorm: { weight: t.read('model.norm.weight', [d]), bias: null },
    get lmHead() {
      return { w: lmHead(), inFeatures: d, outFeatures: vocab, bias: null };
    },
    vocab,
  };
}

/** A parsed safetensors file (or several merged) as checkpoint tensors. */
function tensorsOfFile(file: SafetensorsFile): CheckpointTensors {
  const need = (name: string) => {
    const info = file.tensors.get(name);
    if (!info) throw new SafetensorsError(`no tensor ${quoteTensorName(name)}`);
    return info;
  };
  return {
    names: () => [...file.tensors.keys()],
    info(name) {
      const info = file.tensors.get(name);
      return info && { dtype: info.dtype, shape: [...info.shape] };
    },
    read: (name) => file.read(name),
    readRows(name, start, count) {
      const info = need(name);
      const cols = info.shape.slice(1).reduce((a, n) => a * n, 1);
      return file.read(name, (start + count) * cols).slice(start * cols);
    },
    fileOf: () => undefined,
  };
}

/**
 * Weights of the first `blocks` blocks from a parsed safetensors file; `positions`: rows of
 * learned positions to read (the run's tokens), as for `syntheticWeights`.
 */
export function checkpointWeights(
  file: SafetensorsFile,
  shape: ModelShape,
  blocks: number,
  vocab: number,
  positions: number = shape.context,
): ModelWeights {
  return checkpointWeightsFrom(tensorsOfFile(file), shape, vocab, positions, blocks);
}
