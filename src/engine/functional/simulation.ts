/**
 * The functional (accuracy) simulation of a design: the first blocks of the model run three ways on
 * the same tokens and weights, and the analog run is compared with the other two.
 *
 *   float softmax model      the original model in float arithmetic
 *   float algorithm model    the model as the hardware means to compute it, in float: gain-cell
 *                            layers use HardSigmoid attention (or softmax, for softmax designs)
 *                            with scalers calibrated here and then frozen
 *   analog model             crossbar matrices (crossbar.ts) and gain-cell attention
 *                            (gainCellAttention.ts) with the configured non-idealities
 *
 * Per layer, each matrix and each attention is also compared with its float counterpart on the
 * analog model's own inputs (the layer's own error), and each block output with both float models
 * (the error carried so far). Algorithm and hardware error are reported apart.
 */
import type { MatrixName } from '../../shared/matrices';
import type { ModelShape } from '../../shared/modelShape';
import { checkStop } from './cancel';
import { programCrossbar, type CrossbarSettings } from './crossbar';
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
} from '../../shared/functionalResult';
import { Rng } from './rng';
import { mergeSafetensors, parseSafetensors } from './safetensors';
import type { FunctionalSettings, RunSettings } from './settings';
import type { TileGemmBackend } from './tileGemmReference';
import { blockForward, embed, logitsOf, type AttentionHook, type ForwardContext, type MatmulHook } from './transformer';
import { checkpointWeights, syntheticWeights, type ModelWeights } from './weights';

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

export interface FunctionalRunInput {
  readonly design: FunctionalDesign;
  readonly settings: FunctionalSettings;
  /** Bytes of the checkpoint's safetensors file(s) by file name; reading them is the caller's job. */
  readonly weightFiles?: WeightFiles;
  /** Where tile products run; the plain-JavaScript tileGemm by default. */
  readonly backend?: TileGemmBackend;
  readonly onProgress?: (progress: FunctionalProgress) => void;
  /** Polled between kernel calls of a few milliseconds each; true stops the run (FunctionalRunCancelled). */
  readonly shouldStop?: () => boolean;
}

/** Vocabulary rows drawn or read when `functional.logits_vocab` is not set. */
export const DEFAULT_LOGITS_VOCAB = 8192;

/**
 * The checkpoint's weights when bytes were passed, else seeded synthetic weights of the model's
 * shape; learned positions for the run's `tokens` only, not the whole context.
 */
function loadWeights(input: FunctionalRunInput, { blocks, vocab, tokens }: RunDimensions): ModelWeights {
  const { shape } = input.design;
  const files =
    input.weightFiles instanceof Map
      ? [...input.weightFiles.values()]
      : Object.values((input.weightFiles ?? {}) as Record<string, Uint8Array | ArrayBufferLike>);
  if (files.length > 0)
    return checkpointWeights(mergeSafetensors(files.map((f) => parseSafetensors(f))), shape, blocks, vocab, tokens);
  if (input.settings.run.checkpoint) {
    throw new Error(
      `functional.checkpoint is "${input.settings.run.checkpoint}" but no checkpoint bytes were passed to the simulation`,
    );
  }
  return syntheticWeights(shape, blocks, vocab, input.settings.run.seed, tokens);
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
 * weights and embedded tokens → attention plan → float softmax model (→ float algorithm model,
 * which calibrates the gain-cell scalers) → analog model, compared as it runs → result.
 */
export function runFunctionalSimulationSync(input: FunctionalRunInput): FunctionalResult {
  const { design, settings, shouldStop } = input;
  const { shape } = design;
  const dims = runDimensions(shape, settings.run);
  const warnings = new Set<string>();
  reportProgress(input, 0, 'weights');
  const model = loadWeights(input, dims);
  checkStop(shouldStop);
  const x0 = embed(model, shape, sampleTokenIds(settings.run, dims));

  const plan = planAttention(design, settings.run, dims.blocks);
  if (plan.usesGainCell.some((g) => g) && settings.nonidealities.gainCell.nonlinearity)
    warnings.add(NONLINEARITY_WARNING);
  const step = progressSteps(input, (plan.algorithmDiffers ? 3 : 2) * (dims.blocks + 1));
  const baseCtx = { shape, tokens: dims.tokens, samples: dims.samples, shouldStop };
  const scalers = new HeadScalerTable(plan);

  const softmax = runModel(
    softmaxModelContext(baseCtx, plan, scalers),
    model,
    x0,
    dims.blocks,
    step,
    'float softmax model',
  );
  // For softmax designs the softmax model is also the algorithm model.
  const algorithm = plan.algorithmDiffers
    ? runModel(algorithmModelContext(baseCtx, plan, scalers), model, x0, dims.blocks, step, 'float algorithm model')
    : softmax;
  const analog = runAnalogModel(input, model, x0, { dims, plan, scalers, baseCtx, warnings, step, softmax, algorithm });

  return {
    model: shape.name,
    blocks: dims.blocks,
    tokens: dims.tokens,
    samples: dims.samples,
    seed: settings.run.seed,
    topK: settings.run.topK,
    vocab: dims.vocab,
    weights: { source: model.source, description: model.description },
    layers: analog.layers,
    lmHead: analog.lmHead,
    endToEnd: endToEndMetrics(analog, softmax, algorithm, dims, settings.run.topK),
    crossbars: analog.crossbars,
    warnings: [...warnings],
  };
}

const NONLINEARITY_WARNING =
  'The fitted gain-cell read non-linearity (Leroux et al. 2025, Eq. 4) dominates the attention error of a model that was not adapted to it; the paper fine-tunes the model to the hardware. Set `nonidealities.gain_cell.nonlinearity: false` to see the other effects alone.';

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

/** The outputs of one model run: each block's hidden state and the logits. */
interface ModelRun {
  readonly outputs: readonly Float32Array[];
  readonly logits: Float32Array;
}

/** The analog run: its metrics and what the end-to-end comparison needs. */
interface AnalogRun {
  /** The last block's output (the embeddings when no block runs). */
  readonly hidden: Float32Array;
  readonly logits: Float32Array;
  readonly layers: LayerMetrics[];
  readonly lmHead: MatrixMetrics;
  readonly crossbars: CrossbarSummary[];
}

type BaseContext = Omit<ForwardContext, 'matmul' | 'attention'>;
type ProgressStep = (stage: string) => void;

/** Everything of the run the analog model reads besides the weights. */
interface AnalogRunSetup {
  readonly dims: RunDimensions;
  readonly plan: AttentionPlan;
  readonly scalers: HeadScalerTable;
  readonly baseCtx: BaseContext;
  readonly warnings: Set<string>;
  readonly step: ProgressStep;
  readonly softmax: ModelRun;
  readonly algorithm: ModelRun;
}

/** Per-layer accumulators of the analog attention's error against both float attentions. */
interface AttentionAccumulators {
  readonly hardware: MetricAccumulator;
  readonly algorithm: MetricAccumulator;
  readonly total: MetricAccumulator;
}

/** What the analog hooks record while the model runs, read per layer afterwards. */
interface AnalogRecord {
  readonly crossbars: CrossbarSummary[];
  readonly matrixMetrics: Map<number, MatrixMetrics[]>;
  readonly attention: Map<number, AttentionAccumulators>;
}

/**
 * Clamps the run to the model (blocks, vocabulary) and rejects token counts the model cannot
 * position, before any work is done.
 */
function runDimensions(shape: ModelShape, run: RunSettings): RunDimensions {
  const blocks = Math.min(shape.layers, run.blocks);
  const vocab = Math.min(shape.vocab, run.logitsVocab ?? DEFAULT_LOGITS_VOCAB);
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

/** Reports one finished pass (a block or the logits of one model) of `passes` in all. */
function progressSteps(input: FunctionalRunInput, passes: number): ProgressStep {
  let done = 0;
  return (stage) => reportProgress(input, ++done / passes, stage);
}

/** The same random tokens for all three models: one seeded stream per sample. */
function sampleTokenIds(run: RunSettings, dims: RunDimensions): Int32Array[] {
  return Array.from({ length: dims.samples }, (_, sample) => {
    const rng = Rng.derive(run.seed, `tokens/${sample}`);
    return Int32Array.from({ length: dims.tokens }, () => rng.int(dims.vocab));
  });
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
 * The gain-cell scalers per (layer, head), calibrated on the float algorithm model's own q, k, v
 * and then frozen, so that the analog model is scaled as deployed hardware would be.
 */
class HeadScalerTable {
  private readonly scalers = new Map<string, HeadScalers>();

  constructor(private readonly plan: AttentionPlan) {}

  calibrate(layer: number, head: number, samples: readonly HeadInput[]): HeadScalers {
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

/** Runs one float model over every block and the logits, keeping each block's output. */
function runModel(
  ctx: ForwardContext,
  model: ModelWeights,
  x0: Float32Array,
  blocks: number,
  step: ProgressStep,
  name: string,
): ModelRun {
  const outputs: Float32Array[] = [];
  let x = x0;
  for (let l = 0; l < blocks; l++) {
    x = blockForward(ctx, l, model.blocks[l], x);
    outputs.push(x);
    step(`${name}, block ${l}`);
  }
  const logits = logitsOf(ctx, model, x);
  step(`${name}, logits`);
  return { outputs, logits };
}

/**
 * Runs the analog model, comparing each block's output with both float models as it goes (the
 * error carried so far), while the hooks record each matrix's and attention's own error.
 */
function runAnalogModel(
  input: FunctionalRunInput,
  model: ModelWeights,
  x0: Float32Array,
  setup: AnalogRunSetup,
): AnalogRun {
  const { dims, step } = setup;
  const record: AnalogRecord = { crossbars: [], matrixMetrics: new Map(), attention: new Map() };
  const ctx: ForwardContext = {
    ...setup.baseCtx,
    matmul: analogMatmulHook(input, record, setup.warnings),
    attention: analogAttentionHook(input.settings, setup, record),
  };
  const layers: LayerMetrics[] = [];
  let x = x0;
  for (let l = 0; l < dims.blocks; l++) {
    x = blockForward(ctx, l, model.blocks[l], x);
    layers.push(layerMetrics(l, x, record, setup));
    step(`analog model, block ${l}`);
  }
  const logits = logitsOf(ctx, model, x);
  step('analog model, logits');
  return { hidden: x, logits, layers, lmHead: (record.matrixMetrics.get(-1) ?? [])[0], crossbars: record.crossbars };
}

/**
 * Each matrix product of the analog model: programmed onto crossbars (fresh for each product, and
 * released after it) when the matrix is analog, and always compared with the float product on the
 * same inputs — the matrix's own error.
 */
function analogMatmulHook(input: FunctionalRunInput, record: AnalogRecord, warnings: Set<string>): MatmulHook {
  const { design, settings, shouldStop } = input;
  const weightsFor = (layer: number, matrix: MatrixName) => design.weightsFor?.(layer, matrix) ?? design.weights;
  return (layer, matrix, xIn, rows, w) => {
    const ws = weightsFor(layer, matrix);
    const reference = matmul(xIn, rows, w.w, w.inFeatures, w.outFeatures, w.bias, shouldStop);
    let y = reference;
    if (ws.implementation === 'analog') {
      const xbar = programCrossbar({
        weights: w.w,
        inFeatures: w.inFeatures,
        outFeatures: w.outFeatures,
        bias: w.bias,
        settings: ws,
        nonidealities: settings.nonidealities,
        seed: settings.run.seed,
        label: `${layer}/${matrix}`,
        backend: input.backend,
        shouldStop,
      });
      try {
        y = xbar.gemm(xIn, rows);
        record.crossbars.push({ layer, matrix, ...xbar.stats });
        for (const warning of xbar.stats.warnings) warnings.add(warning);
      } finally {
        xbar.dispose();
      }
    }
    const list = record.matrixMetrics.get(layer) ?? [];
    list.push({ matrix, implementation: ws.implementation, metrics: compareOutputs(y, reference) });
    record.matrixMetrics.set(layer, list);
    return y;
  };
}

/**
 * Each attention head of the analog model: gain-cell attention with the frozen scalers where the
 * layer uses it, compared on the same q, k, v with the float algorithm (hardware error), and the
 * algorithm with softmax (algorithm error), and the analog with softmax (total).
 */
function analogAttentionHook(settings: FunctionalSettings, setup: AnalogRunSetup, record: AnalogRecord): AttentionHook {
  const { plan, scalers, dims } = setup;
  const { attention, scaling } = plan;
  const { topK } = settings.run;
  const T = dims.tokens;
  const range = (i: number): [number, number] => [windowStart(i, attention.window), i + 1];
  return (layer, head, samples) => {
    if (!plan.usesGainCell[layer]) return samples.map((h) => softmaxAttention(h, attention.window).out);
    const headScalers = scalers.get(layer, head);
    let acc = record.attention.get(layer);
    if (!acc) {
      acc = { hardware: new MetricAccumulator(), algorithm: new MetricAccumulator(), total: new MetricAccumulator() };
      record.attention.set(layer, acc);
    }
    return samples.map((h: HeadInput) => {
      const analog = gainCellAttention(h, attention, settings.nonidealities.gainCell, headScalers, scaling);
      const soft = softmaxAttention(h, attention.window);
      const algorithm =
        attention.activation === 'hardsigmoid' ? hardSigmoidAttention(h, attention.window, headScalers, scaling) : soft;
      acc.hardware.add(analog.out, algorithm.out);
      acc.hardware.addTopK(analog.weights, algorithm.weights, T, T, topK, range);
      acc.algorithm.add(algorithm.out, soft.out);
      acc.algorithm.addTopK(algorithm.weights, soft.weights, T, T, topK, range);
      acc.total.add(analog.out, soft.out);
      acc.total.addTopK(analog.weights, soft.weights, T, T, topK, range);
      return analog.out;
    });
  };
}

/** One block's metrics: its matrices and attention as recorded, and its output against both float models. */
function layerMetrics(layer: number, output: Float32Array, record: AnalogRecord, setup: AnalogRunSetup): LayerMetrics {
  const vsSoftmaxModel = compareOutputs(output, setup.softmax.outputs[layer]);
  const vsAlgorithmModel = compareOutputs(output, setup.algorithm.outputs[layer]);
  const a = record.attention.get(layer);
  return {
    layer,
    matrices: record.matrixMetrics.get(layer) ?? [],
    attention: a
      ? {
          implementation: 'gain-cell',
          activation: setup.plan.attention.activation,
          hardware: a.hardware.result(),
          algorithm: a.algorithm.result(),
          total: a.total.result(),
        }
      : null,
    output: { vsSoftmaxModel, vsAlgorithmModel },
  };
}

/** The analog model's final hidden state and logits against both float models, and the algorithm's own cost. */
function endToEndMetrics(
  analog: AnalogRun,
  softmax: ModelRun,
  algorithm: ModelRun,
  dims: RunDimensions,
  topK: number,
): FunctionalResult['endToEnd'] {
  const rows = dims.samples * dims.tokens;
  const logitMetrics = (test: Float32Array, ref: Float32Array) => {
    const acc = new MetricAccumulator();
    acc.add(test, ref);
    acc.addTopK(test, ref, rows, dims.vocab, topK);
    return acc.result();
  };
  const last = dims.blocks - 1;
  return {
    logitsVsSoftmaxModel: logitMetrics(analog.logits, softmax.logits),
    logitsVsAlgorithmModel: logitMetrics(analog.logits, algorithm.logits),
    hiddenVsSoftmaxModel: compareOutputs(analog.hidden, softmax.outputs[last]),
    hiddenVsAlgorithmModel: compareOutputs(analog.hidden, algorithm.outputs[last]),
    algorithmLogits: logitMetrics(algorithm.logits, softmax.logits),
  };
}

/** Error metrics of `test` against `ref`, without top-k (hidden states have no natural ranking). */
function compareOutputs(test: Float32Array, ref: Float32Array): ErrorMetrics {
  const acc = new MetricAccumulator();
  acc.add(test, ref);
  return acc.result();
}
