/**
 * The functional (accuracy) simulation of a design: the model runs three ways on the same tokens
 * and weights, block by block, and the analog run is compared with the other two.
 *
 *   float softmax model      the original model in float arithmetic
 *   float algorithm model    the model as the hardware means to compute it, in float: gain-cell
 *                            layers use HardSigmoid attention (or softmax, for softmax designs)
 *                            with the checkpoint's adapted scalers, or scalers calibrated here
 *   analog model             crossbar matrices (crossbar.ts) and gain-cell attention
 *                            (gainCellAttention.ts) with the configured non-idealities, once per
 *                            Monte-Carlo run (`functional.seeds`), each run with its own noise
 *
 * The three advance together one block at a time, so only one block's weights are held (a
 * checkpoint is read tensor by tensor as its blocks are reached) and the whole model fits in the
 * memory of one block plus the hidden states. The logits are computed in row chunks, so a 50k-token
 * vocabulary over thousands of tokens is never held at once.
 *
 * Reported: next-token figures on the text (perplexity, bits per token, top-1 accuracy, agreement
 * with and KL divergence from the float softmax model) for every model, the analog ones as a mean
 * and 95 % interval over the runs; and, from the first run, each matrix's and attention's own error
 * on the analog model's inputs and each block output against both float models (diagnostics).
 */
import type { MatrixName } from '../../shared/matrices';
import type { ModelShape } from '../../shared/modelShape';
import { checkStop } from './cancel';
import { openCheckpoint, bytesFile, type CheckpointTensors } from './checkpoint';
import {
  crossbarProduct,
  programCrossbar,
  type CrossbarInput,
  type CrossbarSettings,
  type CrossbarStats,
} from './crossbar';
import {
  calibrateHeadScalers,
  gainCellAttention,
  hardSigmoidAttention,
  softmaxAttention,
  windowStart,
  type GainCellAttentionSettings,
  type GainCellScaling,
  type HeadInput,
  type HeadScalers,
} from './gainCellAttention';
import { matmul } from './linalg';
import { MetricAccumulator } from './metrics';
import type {
  CrossbarSummary,
  ErrorMetrics,
  FunctionalProgress,
  FunctionalResult,
  LayerMetrics,
  MatrixMetrics,
  NextTokenFigures,
  TaskMetrics,
} from '../../shared/functionalResult';
import { scalersFromTensor } from './headScalers';
import { Rng } from './rng';
import { SafetensorsError } from './safetensors';
import type { FunctionalSettings, RunSettings } from './settings';
import type { TileGemmBackend } from './tileGemmReference';
import {
  blockForward,
  embed,
  finalHidden,
  type AttentionHook,
  type ForwardContext,
  type MatmulHook,
} from './transformer';
import {
  checkpointWeightsFrom,
  syntheticWeights,
  type BlockWeights,
  type LinearWeights,
  type ModelWeights,
} from './weights';
import { meanInterval, NextTokenAccumulator } from '../text/metrics';
import { TextTooShortError, tokenWindows } from '../text/sequences';

export interface FunctionalWeightSettings extends CrossbarSettings {
  readonly implementation: 'analog' | 'digital';
}

export interface FunctionalAttentionSettings extends GainCellAttentionSettings {
  readonly implementation: 'gain-cell' | 'digital';
}

/** The parts of a resolved design the functional run reads; a `ResolvedDesign` fits. */
export interface FunctionalDesign {
  readonly shape: ModelShape;
  readonly weights: FunctionalWeightSettings;
  readonly attention: FunctionalAttentionSettings;
  /** Per-layer overrides; the LM head is layer −1. */
  weightsFor?(layer: number, matrix: MatrixName): FunctionalWeightSettings;
  attentionFor?(layer: number): 'gain-cell' | 'digital';
}

export type WeightFiles =
  ReadonlyMap<string, Uint8Array | ArrayBufferLike> | Readonly<Record<string, Uint8Array | ArrayBufferLike>>;

/** An evaluation text, tokenized. */
export interface EvaluationText {
  /** Token ids of the text (of its beginning, at least what the run needs), without special tokens. */
  readonly ids: Int32Array;
  /** The beginning-of-sequence token put before every window, for models trained with one; null: none. */
  readonly bos: number | null;
  /** The tokenizer's unknown token, whose share of the scored text is reported; null: none. */
  readonly unk?: number | null;
  /** The text file and tokenizer, as the config names them (for the report). */
  readonly file: string;
  readonly tokenizer: string;
}

export interface FunctionalRunInput {
  readonly design: FunctionalDesign;
  readonly settings: FunctionalSettings;
  /** The checkpoint, opened: its tensors are read block by block as the run reaches them. */
  readonly checkpoint?: CheckpointTensors;
  /** Bytes of a one-file safetensors checkpoint (ignored when `checkpoint` is given). */
  readonly weightFiles?: WeightFiles;
  /** The evaluation text; without it, tokens are drawn at random from the seed. */
  readonly text?: EvaluationText;
  /** Where tile products run; the plain-JavaScript tileGemm by default. */
  readonly backend?: TileGemmBackend;
  readonly onProgress?: (progress: FunctionalProgress) => void;
  /** Polled between kernel calls of a few milliseconds each; true stops the run (FunctionalRunCancelled). */
  readonly shouldStop?: () => boolean;
}

/** Vocabulary rows drawn or read when `functional.logits_vocab` is not set and there is no text. */
export const DEFAULT_LOGITS_VOCAB = 8192;

/** Logit values computed at once: rows of the LM head's output per chunk × vocabulary ≤ this. */
const LOGIT_CHUNK_VALUES = 1 << 21;

/**
 * The model's weights: the opened checkpoint, a one-file checkpoint passed as bytes, or seeded
 * synthetic weights of the model's shape. Blocks are read (or drawn) when the run reaches them.
 */
function openWeights(input: FunctionalRunInput, dims: RunDimensions): ModelWeights {
  const { shape } = input.design;
  let tensors = input.checkpoint;
  if (!tensors) {
    const files =
      input.weightFiles instanceof Map
        ? [...input.weightFiles.values()]
        : Object.values((input.weightFiles ?? {}) as Record<string, Uint8Array | ArrayBufferLike>);
    if (files.length > 1) throw new RangeError('pass a sharded checkpoint opened, as `checkpoint`, not as bytes');
    if (files.length === 1) {
      const bytes = files[0] instanceof Uint8Array ? files[0] : new Uint8Array(files[0]);
      tensors = openCheckpoint('model.safetensors', () => bytesFile(bytes));
    }
  }
  if (tensors) return checkpointWeightsFrom(tensors, shape, dims.vocab, dims.tokens, dims.blocks);
  if (input.settings.run.checkpoint) {
    throw new Error(
      `functional.checkpoint is "${input.settings.run.checkpoint}" but no checkpoint bytes were passed to the simulation`,
    );
  }
  return syntheticWeights(shape, dims.blocks, dims.vocab, input.settings.run.seed, dims.tokens);
}

/** Matrix products of the float models: plain float arithmetic, no crossbars. */
function floatMatmul(shouldStop?: () => boolean): MatmulHook {
  return (_layer, _matrix, x, rows, w) => matmul(x, rows, w.w, w.inFeatures, w.outFeatures, w.bias, shouldStop);
}

export async function runFunctionalSimulation(input: FunctionalRunInput): Promise<FunctionalResult> {
  return runFunctionalSimulationSync(input);
}

/**
 * The same run without yielding to the event loop (workers call this). Steps: run dimensions →
 * tokens and targets → weights (opened, not read) → per block: float softmax, float algorithm (it
 * calibrates the gain-cell scalers unless the checkpoint carries adapted ones) and each analog
 * run, compared as they go → logits in row chunks → result.
 */
export function runFunctionalSimulationSync(input: FunctionalRunInput): FunctionalResult {
  const { design, settings, shouldStop } = input;
  const { shape } = design;
  const dims = runDimensions(shape, settings.run, input.text !== undefined);
  const warnings = new Set<string>();
  if (input.text && settings.run.logitsVocab !== null)
    warnings.add(
      `functional.logits_vocab is ignored with an evaluation text: perplexity needs the whole vocabulary (${dims.vocab} tokens).`,
    );
  reportProgress(input, 0, 'weights');
  const tokens = runTokens(input, dims);
  const unknown = unknownShare(input.text, tokens.targets);
  if (unknown)
    warnings.add(
      `${unknown.count} of the ${unknown.of} tokens scored (${(100 * unknown.share).toFixed(1)} %) are the tokenizer's unknown token: the text holds characters its vocabulary cannot spell, and every model is scored on predicting them. Check that the text and the tokenizer belong together.`,
    );
  const model = openWeights(input, dims);
  checkStop(shouldStop);
  const x0 = embed(model, shape, tokens.inputs);

  const plan = planAttention(design, settings.run, dims.blocks);
  const seeds = monteCarloSeeds(settings.run);
  const step = progressSteps(input, dims.blocks * (1 + (plan.algorithmDiffers ? 1 : 0) + seeds.length) + 1);
  const baseCtx: BaseContext = { shape, tokens: dims.tokens, samples: dims.samples, shouldStop };
  const scalers = new HeadScalerTable(plan);
  const record: AnalogRecord = { crossbars: [], matrixMetrics: new Map(), attention: new Map() };
  const softCtx = softmaxModelContext(baseCtx, plan, scalers);
  const algCtx = plan.algorithmDiffers ? algorithmModelContext(baseCtx, plan, scalers) : softCtx;
  const analogCtx = seeds.map((seed, i) =>
    analogContext(input, baseCtx, plan, scalers, seed, i === 0 ? record : null, warnings),
  );

  let soft = x0;
  let alg = x0;
  const analog = seeds.map(() => x0);
  const layers: LayerMetrics[] = [];
  let adapted = false;
  for (let l = 0; l < dims.blocks; l++) {
    checkStop(shouldStop);
    const w = model.block(l);
    adapted = scalers.adopt(l, w, shape) || adapted;
    soft = blockForward(softCtx, l, w, soft);
    step(`float softmax model, block ${l}`);
    if (plan.algorithmDiffers) {
      alg = blockForward(algCtx, l, w, alg);
      step(`float algorithm model, block ${l}`);
    } else alg = soft;
    for (let i = 0; i < seeds.length; i++) {
      analog[i] = blockForward(analogCtx[i], l, w, analog[i]);
      step(`analog model${seeds.length > 1 ? ` (run ${i + 1} of ${seeds.length})` : ''}, block ${l}`);
    }
    layers.push(layerMetrics(l, analog[0], record, plan, soft, alg));
  }
  if (plan.usesGainCell.some((g) => g) && settings.nonidealities.gainCell.nonlinearity && !adapted)
    warnings.add(NONLINEARITY_WARNING);

  const logits = logitStage(
    input,
    model,
    { dims, plan, seeds, baseCtx, targets: tokens.targets, warnings, record, textTokens: tokens.used },
    {
      soft,
      alg,
      analog,
    },
  );
  step('logits');

  return {
    model: shape.name,
    blocks: dims.blocks,
    tokens: dims.tokens,
    samples: dims.samples,
    seed: settings.run.seed,
    seeds: seeds.length,
    tInferenceS: settings.nonidealities.tInferenceS,
    task: logits.task,
    topK: settings.run.topK,
    vocab: dims.vocab,
    weights: { source: model.source, description: model.description },
    layers,
    lmHead: logits.lmHead,
    endToEnd: {
      ...logits.endToEnd,
      hiddenVsSoftmaxModel: compareOutputs(analog[0], soft),
      hiddenVsAlgorithmModel: compareOutputs(analog[0], alg),
    },
    crossbars: record.crossbars,
    warnings: [...warnings],
  };
}

const NONLINEARITY_WARNING =
  'The fitted gain-cell read non-linearity (Leroux et al. 2025, Eq. 4) dominates the attention error of a model that was not adapted to it; the paper fine-tunes the model to the hardware (`aimc adapt`). Set `nonidealities.gain_cell.nonlinearity: false` to see the other effects alone.';

/** How much of the model a run covers. */
interface RunDimensions {
  readonly blocks: number;
  /** Vocabulary rows drawn or read, for embeddings and logits. */
  readonly vocab: number;
  /** T: tokens per sample. */
  readonly tokens: number;
  /** S: samples. */
  readonly samples: number;
}

/** Which attention each layer runs, and whether the algorithm model differs from the softmax model. */
interface AttentionPlan {
  readonly attention: FunctionalAttentionSettings;
  readonly scaling: GainCellScaling;
  readonly usesGainCell: readonly boolean[];
  /** Gain-cell HardSigmoid attention somewhere: the float algorithm model is a run of its own. */
  readonly algorithmDiffers: boolean;
}

type BaseContext = Omit<ForwardContext, 'matmul' | 'attention'>;
type ProgressStep = (stage: string) => void;

/** Per-layer accumulators of the analog attention's error against both float attentions. */
interface AttentionAccumulators {
  readonly hardware: MetricAccumulator;
  readonly algorithm: MetricAccumulator;
  readonly total: MetricAccumulator;
}

/** What the first analog run's hooks record while the model runs, read per layer afterwards. */
interface AnalogRecord {
  readonly crossbars: CrossbarSummary[];
  readonly matrixMetrics: Map<number, MatrixMetrics[]>;
  readonly attention: Map<number, AttentionAccumulators>;
}

/**
 * Clamps the run to the model (blocks, vocabulary) and rejects token counts the model cannot
 * position, before any work is done. With a text the whole vocabulary is scored.
 */
function runDimensions(shape: ModelShape, run: RunSettings, withText: boolean): RunDimensions {
  const blocks = Math.min(shape.layers, run.blocks ?? shape.layers);
  const vocab = withText ? shape.vocab : Math.min(shape.vocab, run.logitsVocab ?? DEFAULT_LOGITS_VOCAB);
  const tokens = run.tokens;
  if (shape.positional === 'learned' && tokens > shape.context) {
    throw new RangeError(`functional.tokens ${tokens} exceeds the model context ${shape.context} (learned positions)`);
  }
  return { blocks, vocab, tokens, samples: run.samples };
}

/** Passes progress to the caller, clamped to 1. */
function reportProgress(input: FunctionalRunInput, fraction: number, stage: string): void {
  input.onProgress?.({ fraction: Math.min(1, fraction), stage });
}

/** Reports one finished pass (a block of one model, or the logits) of `passes` in all. */
function progressSteps(input: FunctionalRunInput, passes: number): ProgressStep {
  let done = 0;
  return (stage) => reportProgress(input, ++done / passes, stage);
}

/** The seeds of the Monte-Carlo runs: the configured seed first, then seeds derived from it. */
function monteCarloSeeds(run: RunSettings): number[] {
  return Array.from({ length: run.seeds }, (_, i) =>
    i === 0 ? run.seed : Rng.derive(run.seed, `monte-carlo/${i}`).int(0x7fffffff),
  );
}

/** Thrown when the text's tokens do not fit the model (the caller positions it on the key at fault). */
export class EvaluationTextError extends RangeError {
  override readonly name = 'EvaluationTextError';
  /** The config key at fault. */
  constructor(
    message: string,
    readonly key: readonly string[] = ['functional', 'text'],
  ) {
    super(message);
  }
}

/**
 * The tokens of every sample and the next token each position predicts (−1: none). From the text:
 * `samples` consecutive windows of `tokens` tokens from its start. Without one: seeded random
 * tokens, one stream per sample, each predicting the next of its own sample.
 */
function runTokens(
  input: FunctionalRunInput,
  dims: RunDimensions,
): { readonly inputs: Int32Array[]; readonly targets: Int32Array; readonly used: number } {
  const { tokens: T, samples: S, vocab } = dims;
  const targets = new Int32Array(S * T).fill(-1);
  if (input.text) {
    const { ids, bos } = input.text;
    // A model trained with a beginning-of-sequence token sees one before every window; the window
    // then holds T − 1 tokens of text, and the BOS position predicts the first of them.
    const textTokens = bos === null ? T : T - 1;
    if (textTokens < 1)
      throw new EvaluationTextError(
        'with a beginning-of-sequence token, a window of 1 token holds no text; set functional.tokens to at least 2',
        ['functional', 'tokens'],
      );
    let windows;
    try {
      windows = tokenWindows(ids, S, textTokens);
    } catch (e) {
      if (e instanceof TextTooShortError) throw new EvaluationTextError(e.message);
      throw e;
    }
    const used = Math.min(ids.length, S * textTokens + 1);
    for (const id of [...(bos === null ? [] : [bos]), ...ids.subarray(0, used)])
      if (id < 0 || id >= vocab)
        throw new EvaluationTextError(
          `the tokenizer gives token id ${id}, outside the model's vocabulary of ${vocab}; the tokenizer does not belong to this model`,
        );
    if (bos === null) {
      windows.targets.forEach((t, s) => targets.set(t, s * T));
      return { inputs: windows.inputs, targets, used };
    }
    const inputs = windows.inputs.map((w, s) => {
      targets[s * T] = w[0];
      targets.set(windows.targets[s], s * T + 1);
      return Int32Array.of(bos, ...w);
    });
    return { inputs, targets, used };
  }
  const inputs = Array.from({ length: S }, (_, sample) => {
    const rng = Rng.derive(input.settings.run.seed, `tokens/${sample}`);
    return Int32Array.from({ length: T }, () => rng.int(vocab));
  });
  for (let s = 0; s < S; s++) for (let t = 0; t + 1 < T; t++) targets[s * T + t] = inputs[s][t + 1];
  if (!targets.some((t) => t >= 0))
    throw new EvaluationTextError(
      `with ${T} token per sample and no text, no position has a next token to predict; set functional.tokens to at least 2`,
      ['functional', 'tokens'],
    );
  return { inputs, targets, used: 0 };
}

/** How many scored next tokens are the tokenizer's unknown token, if any are. */
function unknownShare(
  text: EvaluationText | undefined,
  targets: Int32Array,
): { readonly count: number; readonly of: number; readonly share: number } | null {
  const unk = text?.unk;
  if (unk === undefined || unk === null) return null;
  let count = 0;
  let of = 0;
  for (const t of targets) {
    if (t < 0) continue;
    of++;
    if (t === unk) count++;
  }
  return count > 0 ? { count, of, share: count / of } : null;
}

/**
 * Decides per layer whether attention is gain-cell or digital (per-layer overrides included), and
 * so whether a separate float algorithm model must run: only HardSigmoid gain-cell attention makes
 * the algorithm differ from softmax.
 */
function planAttention(design: FunctionalDesign, run: RunSettings, blocks: number): AttentionPlan {
  const attentionFor = (layer: number) => design.attentionFor?.(layer) ?? design.attention.implementation;
  const usesGainCell = Array.from({ length: blocks }, (_, l) => attentionFor(l) === 'gain-cell');
  const algorithmDiffers = usesGainCell.some((g) => g) && design.attention.activation === 'hardsigmoid';
  return { attention: design.attention, scaling: run.gainCell, usesGainCell, algorithmDiffers };
}

/**
 * The gain-cell scalers per (layer, head): a checkpoint's adapted scalers when it has them (`aimc
 * adapt`), else calibrated on the float algorithm model's own q, k, v and then frozen, so that the
 * analog model is scaled as deployed hardware would be.
 */
class HeadScalerTable {
  private readonly scalers = new Map<string, HeadScalers>();
  private readonly fixed = new Set<number>();

  constructor(private readonly plan: AttentionPlan) {}

  /** Takes a block's adapted scalers, if it has them; true when it did. */
  adopt(layer: number, w: BlockWeights, shape: ModelShape): boolean {
    if (!w.scalers || !this.plan.usesGainCell[layer]) return false;
    let heads: HeadScalers[];
    try {
      heads = scalersFromTensor(w.scalers, shape.heads);
    } catch (e) {
      throw new SafetensorsError(`layer ${layer}'s adapted gain-cell scalers: ${(e as Error).message}`);
    }
    heads.forEach((s, h) => this.scalers.set(`${layer}/${h}`, s));
    this.fixed.add(layer);
    return true;
  }

  calibrate(layer: number, head: number, samples: readonly HeadInput[]): HeadScalers {
    if (this.fixed.has(layer)) return this.get(layer, head);
    const scalers = calibrateHeadScalers(samples, this.plan.attention.window, this.plan.scaling);
    this.scalers.set(`${layer}/${head}`, scalers);
    return scalers;
  }

  get(layer: number, head: number): HeadScalers {
    return this.scalers.get(`${layer}/${head}`)!;
  }
}

/** The float softmax model; it calibrates the scalers when it is also the algorithm model. */
function softmaxModelContext(baseCtx: BaseContext, plan: AttentionPlan, scalers: HeadScalerTable): ForwardContext {
  return {
    ...baseCtx,
    matmul: floatMatmul(baseCtx.shouldStop),
    attention: (layer, head, samples) => {
      if (plan.usesGainCell[layer] && !plan.algorithmDiffers) scalers.calibrate(layer, head, samples);
      return samples.map((h) => softmaxAttention(h, plan.attention.window).out);
    },
  };
}

/** The float HardSigmoid model: the algorithm the hardware means to compute, in float. */
function algorithmModelContext(baseCtx: BaseContext, plan: AttentionPlan, scalers: HeadScalerTable): ForwardContext {
  return {
    ...baseCtx,
    matmul: floatMatmul(baseCtx.shouldStop),
    attention: (layer, head, samples) => {
      if (!plan.usesGainCell[layer]) return samples.map((h) => softmaxAttention(h, plan.attention.window).out);
      const headScalers = scalers.calibrate(layer, head, samples);
      return samples.map((h) => hardSigmoidAttention(h, plan.attention.window, headScalers, plan.scaling).out);
    },
  };
}

/** One analog run's hooks; `record` (the first run only) collects the per-layer diagnostics. */
function analogContext(
  input: FunctionalRunInput,
  baseCtx: BaseContext,
  plan: AttentionPlan,
  scalers: HeadScalerTable,
  seed: number,
  record: AnalogRecord | null,
  warnings: Set<string>,
): ForwardContext {
  return {
    ...baseCtx,
    matmul: analogMatmulHook(input, seed, record, warnings),
    attention: analogAttentionHook(input.settings, plan, scalers, record),
  };
}

/** The weight settings of one matrix, per-layer overrides included (the LM head is layer −1). */
function weightSettings(design: FunctionalDesign, layer: number, matrix: MatrixName): FunctionalWeightSettings {
  return design.weightsFor?.(layer, matrix) ?? design.weights;
}

/** The crossbar input of one analog matrix of one run. */
function crossbarInput(
  input: FunctionalRunInput,
  ws: FunctionalWeightSettings,
  layer: number,
  matrix: MatrixName,
  w: LinearWeights,
  seed: number,
): CrossbarInput {
  return {
    weights: w.w,
    inFeatures: w.inFeatures,
    outFeatures: w.outFeatures,
    bias: w.bias,
    settings: ws,
    nonidealities: input.settings.nonidealities,
    seed,
    label: `${layer}/${matrix}`,
    backend: input.backend,
    shouldStop: input.shouldStop,
  };
}

/** What a product on crossbars reports besides its output. */
interface ProductReport {
  readonly summary: Omit<CrossbarSummary, 'layer' | 'matrix'> | null;
  readonly warnings: readonly string[];
}

function report(stats: CrossbarStats): ProductReport {
  const { warnings, ...summary } = stats;
  return { summary, warnings };
}

const DIGITAL: ProductReport = { summary: null, warnings: [] };

/**
 * One product of a matrix in one analog run: on crossbars programmed array by array and released
 * as they go (`crossbarProduct`, so a whole matrix's cells are never held at once) when the matrix
 * is analog, else the float product.
 */
function productOnce(
  input: FunctionalRunInput,
  layer: number,
  matrix: MatrixName,
  w: LinearWeights,
  seed: number,
  x: Float32Array,
  rows: number,
): { readonly y: Float32Array } & ProductReport {
  const ws = weightSettings(input.design, layer, matrix);
  if (ws.implementation !== 'analog')
    return { y: matmul(x, rows, w.w, w.inFeatures, w.outFeatures, w.bias, input.shouldStop), ...DIGITAL };
  const { y, stats } = crossbarProduct(crossbarInput(input, ws, layer, matrix, w, seed), x, rows);
  return { y, ...report(stats) };
}

/** A matrix programmed once for many products (the LM head over chunks of rows). */
interface MatrixProduct extends ProductReport {
  multiply(x: Float32Array, rows: number): Float32Array;
  dispose(): void;
}

function programmedProduct(
  input: FunctionalRunInput,
  layer: number,
  matrix: MatrixName,
  w: LinearWeights,
  seed: number,
): MatrixProduct {
  const ws = weightSettings(input.design, layer, matrix);
  if (ws.implementation !== 'analog')
    return {
      multiply: (x, rows) => matmul(x, rows, w.w, w.inFeatures, w.outFeatures, w.bias, input.shouldStop),
      dispose: () => undefined,
      ...DIGITAL,
    };
  const xbar = programCrossbar(crossbarInput(input, ws, layer, matrix, w, seed));
  return { multiply: (x, rows) => xbar.gemm(x, rows), dispose: () => xbar.dispose(), ...report(xbar.stats) };
}

/**
 * Each matrix product of an analog run: programmed onto crossbars (fresh for each product, and
 * released after it) when the matrix is analog. The first run also compares each product with the
 * float product on the same inputs: the matrix's own error.
 */
function analogMatmulHook(
  input: FunctionalRunInput,
  seed: number,
  record: AnalogRecord | null,
  warnings: Set<string>,
): MatmulHook {
  return (layer, matrix, xIn, rows, w) => {
    const product = productOnce(input, layer, matrix, w, seed, xIn, rows);
    const { y } = product;
    for (const warning of product.warnings) warnings.add(warning);
    if (record) {
      if (product.summary) record.crossbars.push({ layer, matrix, ...product.summary });
      const reference = product.summary
        ? matmul(xIn, rows, w.w, w.inFeatures, w.outFeatures, w.bias, input.shouldStop)
        : y;
      const list = record.matrixMetrics.get(layer) ?? [];
      list.push({
        matrix,
        implementation: product.summary ? 'analog' : 'digital',
        metrics: compareOutputs(y, reference),
      });
      record.matrixMetrics.set(layer, list);
    }
    return y;
  };
}

/**
 * Each attention head of an analog run: gain-cell attention with the frozen scalers where the
 * layer uses it. The first run also compares it, on the same q, k, v, with the float algorithm
 * (hardware error), the algorithm with softmax (algorithm error), and the analog with softmax (total).
 */
function analogAttentionHook(
  settings: FunctionalSettings,
  plan: AttentionPlan,
  scalers: HeadScalerTable,
  record: AnalogRecord | null,
): AttentionHook {
  const { attention, scaling } = plan;
  const { topK } = settings.run;
  const T = settings.run.tokens;
  const range = (i: number): [number, number] => [windowStart(i, attention.window), i + 1];
  return (layer, head, samples) => {
    if (!plan.usesGainCell[layer]) return samples.map((h) => softmaxAttention(h, attention.window).out);
    const headScalers = scalers.get(layer, head);
    const analog = samples.map((h) =>
      gainCellAttention(h, attention, settings.nonidealities.gainCell, headScalers, scaling),
    );
    if (!record) return analog.map((a) => a.out);
    let acc = record.attention.get(layer);
    if (!acc) {
      acc = { hardware: new MetricAccumulator(), algorithm: new MetricAccumulator(), total: new MetricAccumulator() };
      record.attention.set(layer, acc);
    }
    samples.forEach((h, s) => {
      const soft = softmaxAttention(h, attention.window);
      const algorithm =
        attention.activation === 'hardsigmoid' ? hardSigmoidAttention(h, attention.window, headScalers, scaling) : soft;
      acc.hardware.add(analog[s].out, algorithm.out);
      acc.hardware.addTopK(analog[s].weights, algorithm.weights, T, T, topK, range);
      acc.algorithm.add(algorithm.out, soft.out);
      acc.algorithm.addTopK(algorithm.weights, soft.weights, T, T, topK, range);
      acc.total.add(analog[s].out, soft.out);
      acc.total.addTopK(analog[s].weights, soft.weights, T, T, topK, range);
    });
    return analog.map((a) => a.out);
  };
}

/** One block's metrics (first analog run): its matrices and attention as recorded, and its output against both float models. */
function layerMetrics(
  layer: number,
  output: Float32Array,
  record: AnalogRecord,
  plan: AttentionPlan,
  soft: Float32Array,
  alg: Float32Array,
): LayerMetrics {
  const a = record.attention.get(layer);
  return {
    layer,
    matrices: record.matrixMetrics.get(layer) ?? [],
    attention: a
      ? {
          implementation: 'gain-cell',
          activation: plan.attention.activation,
          hardware: a.hardware.result(),
          algorithm: a.algorithm.result(),
          total: a.total.result(),
        }
      : null,
    output: { vsSoftmaxModel: compareOutputs(output, soft), vsAlgorithmModel: compareOutputs(output, alg) },
  };
}

/** What the logit stage reads besides the weights and the final hidden states. */
interface LogitSetup {
  readonly dims: RunDimensions;
  readonly plan: AttentionPlan;
  readonly seeds: readonly number[];
  readonly baseCtx: BaseContext;
  readonly targets: Int32Array;
  readonly warnings: Set<string>;
  readonly record: AnalogRecord;
  /** Tokens of the text the run read (its windows and the token after the last). */
  readonly textTokens: number;
}

/**
 * Final norms and the LM head for every model, in chunks of rows: next-token figures for each
 * model (the analog runs against the float softmax model's predictions too), and the first analog
 * run's logit errors and LM-head error.
 */
function logitStage(
  input: FunctionalRunInput,
  model: ModelWeights,
  setup: LogitSetup,
  hidden: { readonly soft: Float32Array; readonly alg: Float32Array; readonly analog: readonly Float32Array[] },
): { task: TaskMetrics; lmHead: MatrixMetrics; endToEnd: Omit<FunctionalResult['endToEnd'], `hidden${string}`> } {
  const { dims, plan, seeds, baseCtx, targets } = setup;
  const ctx: ForwardContext = { ...baseCtx, matmul: floatMatmul(baseCtx.shouldStop), attention: () => [] };
  const V = dims.vocab;
  const d = input.design.shape.dModel;
  const rows = dims.samples * dims.tokens;
  const head = model.lmHead;
  const hSoft = finalHidden(ctx, model, hidden.soft);
  const hAlg = plan.algorithmDiffers ? finalHidden(ctx, model, hidden.alg) : hSoft;
  const hAnalog = hidden.analog.map((x) => finalHidden(ctx, model, x));
  const floatHead = (h: Float32Array) => matmul(h, h.length / d, head.w, head.inFeatures, head.outFeatures, head.bias);

  const softTask = new NextTokenAccumulator();
  const algTask = new NextTokenAccumulator();
  const analogTask = seeds.map(() => new NextTokenAccumulator());
  const vsSoft = new MetricAccumulator();
  const vsAlg = new MetricAccumulator();
  const algVsSoft = new MetricAccumulator();
  const lmHeadOwn = new MetricAccumulator();
  const { topK } = input.settings.run;

  // One chunk of rows: each run's LM head is programmed array by array as it multiplies. More:
  // programmed once per run and kept for every chunk.
  const chunk = Math.max(1, Math.floor(LOGIT_CHUNK_VALUES / V));
  const programmed = rows > chunk ? seeds.map((seed) => programmedProduct(input, -1, 'lm_head', head, seed)) : null;
  let first: ProductReport | undefined = programmed?.[0];
  const analogLogits = (i: number, x: Float32Array, n: number): Float32Array => {
    if (programmed) return programmed[i].multiply(x, n);
    const once = productOnce(input, -1, 'lm_head', head, seeds[i], x, n);
    if (i === 0) first = once;
    return once.y;
  };
  try {
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      checkStop(input.shouldStop);
      const n = Math.min(chunk, rows - r0);
      const slice = (h: Float32Array) => h.subarray(r0 * d, (r0 + n) * d);
      const tg = targets.subarray(r0, r0 + n);
      const softL = floatHead(slice(hSoft));
      const algL = plan.algorithmDiffers ? floatHead(slice(hAlg)) : softL;
      softTask.add(softL, n, V, tg);
      if (plan.algorithmDiffers) algTask.add(algL, n, V, tg, softL);
      algVsSoft.add(algL, softL);
      algVsSoft.addTopK(algL, softL, n, V, topK);
      for (let i = 0; i < seeds.length; i++) {
        const logits = analogLogits(i, slice(hAnalog[i]), n);
        analogTask[i].add(logits, n, V, tg, softL);
        if (i !== 0) continue;
        vsSoft.add(logits, softL);
        vsSoft.addTopK(logits, softL, n, V, topK);
        vsAlg.add(logits, algL);
        vsAlg.addTopK(logits, algL, n, V, topK);
        lmHeadOwn.add(logits, first?.summary ? floatHead(slice(hAnalog[0])) : logits);
      }
    }
  } finally {
    for (const p of programmed ?? []) p.dispose();
  }
  const lmHeadReport = first ?? DIGITAL;
  for (const w of lmHeadReport.warnings) setup.warnings.add(w);
  if (lmHeadReport.summary) setup.record.crossbars.push({ layer: -1, matrix: 'lm_head', ...lmHeadReport.summary });
  const runs: NextTokenFigures[] = analogTask.map((a) => a.result());
  const over = (pick: (r: NextTokenFigures) => number | null) => meanInterval(runs.map((r) => pick(r) ?? Number.NaN));
  const text = input.text;
  return {
    task: {
      text: text ? { file: text.file, tokenizer: text.tokenizer, tokens: setup.textTokens } : null,
      floatSoftmax: softTask.result(),
      floatAlgorithm: plan.algorithmDiffers ? algTask.result() : null,
      analog: {
        perplexity: over((r) => r.perplexity),
        bitsPerToken: over((r) => r.bitsPerToken),
        top1Accuracy: over((r) => r.top1Accuracy),
        agreement: over((r) => r.agreement),
        kl: over((r) => r.kl),
        runs,
      },
    },
    lmHead: {
      matrix: 'lm_head',
      implementation: lmHeadReport.summary ? 'analog' : 'digital',
      metrics: lmHeadOwn.result(),
    },
    endToEnd: {
      logitsVsSoftmaxModel: vsSoft.result(),
      logitsVsAlgorithmModel: vsAlg.result(),
      algorithmLogits: algVsSoft.result(),
    },
  };
}

/** Error metrics of `test` against `ref`, without top-k (hidden states have no natural ranking). */
function compareOutputs(test: Float32Array, ref: Float32Array): ErrorMetrics {
  const acc = new MetricAccumulator();
  acc.add(test, ref);
  return acc.result();
}
