/**
 * Adaptation of a pretrained GPT-2 checkpoint to gain-cell attention (Leroux et al., Nature
 * Computational Science 5, 813–824, 2025: a model adapted to the HardSigmoid, sliding-window,
 * non-linear gain-cell attention keeps its quality where the unadapted one does not).
 *
 *   before        the unadapted weights under gain-cell attention with the scalers the functional
 *                 simulator would calibrate (`calibrateHeadScalers`, layer by layer on the float
 *                 HardSigmoid model's own q, k, v)
 *   calibrate     no gradients: per head, a_q, a_k, a_v by a coordinate search on a log grid and the
 *                 output gain c in closed form (the output is linear in c), minimising the squared
 *                 error of gain-cell attention against float softmax attention on the calibration
 *                 sequences, layer by layer on the hardware model's own q, k, v. For checkpoints too
 *                 big to fine-tune.
 *   finetune      the calibrated scalers as a start, then every weight and the scalers a_q, a_k,
 *                 a_v, c trained through the differentiable gain-cell attention (gainCellOps.ts:
 *                 exact gradients, straight-through quantisers) with AdamW (trainer.ts), optionally
 *                 with weight noise in each forward pass (hardware-aware training).
 *
 * The adapted checkpoint holds the weights and, per layer, the scalers as the float32 tensor
 * `transformer.h.{l}.attn.aimc_scalers` [heads, 5] (a_q, b_q, a_k, a_v, c), which the functional
 * simulator uses instead of calibrating.
 */
import type { ModelShape } from '../../shared/modelShape';
import { gainCellTiming } from '../accuracy';
import { requireDesign } from '../design/errors';
import type { LoadedDesign } from '../design/loadDesign';
import {
  calibrateHeadScalers,
  gainCellAttention,
  softmaxAttention,
  type GainCellAttentionSettings,
  type GainCellEffects,
  type GainCellScaling,
  type HeadInput,
  type HeadScalers,
} from '../functional/gainCellAttention';
import { Rng } from '../functional/rng';
import { resolveFunctionalSettings } from '../functional/settings';
import type { AttentionOp, AttentionOpInput } from './attentionOp';
import { softmaxAttentionOp } from './attentionOp';
import { loadGpt2Checkpoint, saveGpt2Checkpoint, type ExtraTensor } from './checkpoint';
import {
  gainCellAttentionOp,
  hardSigmoidAttentionOp,
  HeadScalerParameters,
  scalersToTensor,
  scalerTensorName,
  SCALER_COLUMNS,
} from './gainCellOps';
import { forward } from './gpt2Network';
import { gpt2Layout, modelWeightsToParams, type Gpt2Params } from './gpt2Params';
import { createTrainer, evaluateParams, evaluationWindows, gaussianWeightNoise } from './trainer';

export type AdaptMode = 'finetune' | 'calibrate';

export interface AdaptProgress {
  readonly stage: string;
  /** 0…1 over the whole adaptation. */
  readonly fraction: number;
  /** Training loss of the step just taken (finetune), nats per token. */
  readonly loss?: number;
}

export interface AdaptOptions {
  /** The safetensors bytes of a GPT-2 checkpoint (Hugging Face tensor names). */
  readonly checkpoint: Uint8Array;
  readonly shape: ModelShape;
  /** The design's gain-cell attention (HardSigmoid): window, sub-tile rows, levels, read model, leakage. */
  readonly attention: GainCellAttentionSettings;
  /** Which hardware effects the adapted model sees (quantisers, read non-linearity, leakage). */
  readonly effects: GainCellEffects;
  readonly scaling: GainCellScaling;
  /**
   * Token sequences, each read as inputs (all but the last token) and next-token targets (all
   * but the first); at most context + 1 tokens each, equal lengths within a set.
   */
  readonly calibration: readonly Int32Array[];
  readonly training: readonly Int32Array[];
  /** Held-out sequences for the perplexities; lengths may differ. */
  readonly evaluation: readonly Int32Array[];
  readonly mode: AdaptMode;
  /** Optimiser steps (finetune). */
  readonly steps: number;
  /** Peak learning rate of the weights (finetune). */
  readonly lr: number;
  /** Learning rate of log a_q, log a_k, log a_v, log c; default 10 × lr. */
  readonly scalerLr?: number;
  /** Training sequences per step; default 8. */
  readonly batch?: number;
  /** Relative std of Gaussian weight noise in each training forward pass (trainer.ts `gaussianWeightNoise`); 0 or absent: none. */
  readonly weightNoise?: number;
  /** Which layers compute attention in gain cells (per-layer overrides); the others keep softmax. Default: all. */
  readonly gainCellLayers?: readonly boolean[];
  /** Train a_q, a_k, a_v and c with the weights (finetune); false holds them at their calibrated values. Default true. */
  readonly trainScalers?: boolean;
  /** Seed of batch sampling and weight noise; default 1. */
  readonly seed?: number;
  readonly onProgress?: (p: AdaptProgress) => void;
}

export interface AdaptPerplexities {
  /** Unadapted weights, float softmax attention over the design's window: the original model. */
  readonly floatSoftmax: number;
  /** Unadapted weights, float HardSigmoid attention, the simulator's calibrated scalers. */
  readonly beforeHardSigmoid: number;
  /** Unadapted weights, gain-cell attention, the simulator's calibrated scalers. */
  readonly before: number;
  /** Unadapted weights, gain-cell attention, scalers fitted against softmax attention (`calibrate`). */
  readonly calibrated: number;
  /** The adapted checkpoint under gain-cell attention with its stored scalers. */
  readonly after: number;
  /** The adapted weights under float softmax attention (what adaptation did to the original algorithm). */
  readonly afterFloatSoftmax: number;
}

export interface AdaptReport {
  readonly mode: AdaptMode;
  readonly steps: number;
  /** Predicted tokens each perplexity averages over. */
  readonly evaluationTokens: number;
  /** Next-token perplexities on the evaluation sequences (exp of the mean cross-entropy). */
  readonly perplexity: AdaptPerplexities;
  /** Mean training cross-entropy of each step, nats per token (before that step's update). */
  readonly trainingLoss: readonly number[];
  /** The stored scalers, [layer][head]; null for a layer whose attention is digital. */
  readonly scalers: readonly (readonly HeadScalers[] | null)[];
}

export interface AdaptResult {
  /** The adapted safetensors file. */
  readonly checkpoint: Uint8Array;
  readonly report: AdaptReport;
}

/** Trainer and evaluation batch: sequences per forward pass. */
const DEFAULT_BATCH = 8;

export function adaptCheckpoint(o: AdaptOptions): AdaptResult {
  checkOptions(o);
  const loaded = loadGpt2Checkpoint(o.checkpoint, asGpt2(o.shape));
  const { shape } = loaded;
  const params = modelWeightsToParams(loaded.weights, gpt2Layout(shape));
  const window = o.attention.window;
  const progress = progressOf(o);
  const evaluate = (p: Gpt2Params, op: AttentionOp) => evaluateParams(p, shape, op, o.evaluation, DEFAULT_BATCH);

  progress('float softmax model', 0);
  const soft = evaluate(params, softmaxAttentionOp(window));

  progress('calibrating the scalers as the simulator does', 0.05);
  const fresh = simulatorScalers(params, shape, o);
  const beforeHardSigmoid = evaluate(
    params,
    perLayer(o, hardSigmoidAttentionOp({ scalers: fresh, window, scaling: o.scaling })),
  );
  const before = evaluate(params, hardwareOp(fresh, o));

  progress('fitting the scalers to softmax attention', 0.1);
  const fitted = fittedScalers(params, shape, o);
  const calibrated = evaluate(params, hardwareOp(fitted, o));

  let adaptedParams = params;
  let adaptedWeights = loaded.weights;
  const trainingLoss: number[] = [];
  if (o.mode === 'finetune') {
    const trainer = createTrainer({
      weights: loaded.weights,
      shape,
      attention: hardwareOp(fitted, o),
      lr: o.lr,
      warmupSteps: Math.min(20, Math.floor(o.steps / 10)),
      totalSteps: o.steps,
      // A pretrained model is adapted, not regularised towards zero.
      weightDecay: 0,
      weightNoise: o.weightNoise ? gaussianWeightNoise(o.weightNoise, o.seed ?? 1) : undefined,
    });
    const rng = Rng.derive(o.seed ?? 1, 'adapt/batches');
    const batch = Math.min(o.batch ?? DEFAULT_BATCH, o.training.length);
    const scalerLr = o.scalerLr ?? 10 * o.lr;
    for (let step = 0; step < o.steps; step++) {
      const picks = Array.from({ length: batch }, () => o.training[rng.int(o.training.length)]);
      fitted.zeroGrad();
      const loss = trainer.step(picks);
      if (o.trainScalers !== false) fitted.step({ lr: (scalerLr * trainer.learningRate(step)) / o.lr });
      trainingLoss.push(loss);
      progress(`fine-tuning, step ${step + 1} of ${o.steps}`, 0.15 + (0.8 * (step + 1)) / o.steps, loss);
    }
    adaptedParams = trainer.params();
    adaptedWeights = trainer.weights();
  }

  progress('evaluating the adapted model', 0.95);
  const after =
    o.mode === 'finetune' ? evaluate(adaptedParams, hardwareOp(fitted, o)).perplexity : calibrated.perplexity;
  const afterFloatSoftmax =
    o.mode === 'finetune' ? evaluate(adaptedParams, softmaxAttentionOp(window)).perplexity : soft.perplexity;
  const scalers = Array.from({ length: shape.layers }, (_, l) => (gainCellAt(o, l) ? fitted.layer(l) : null));
  const checkpoint = saveGpt2Checkpoint(
    adaptedWeights,
    shape,
    { ...loaded.metadata, aimc_adaptation: adaptationMetadata(o) },
    [
      ...loaded.extra.filter((t) => !/(^|\.)attn\.aimc_scalers$/.test(t.name)),
      ...scalers.flatMap((heads, l): ExtraTensor[] =>
        heads
          ? [{ name: scalerTensorName(l), shape: [shape.heads, SCALER_COLUMNS.length], data: scalersToTensor(heads) }]
          : [],
      ),
    ],
  );
  progress('done', 1);
  return {
    checkpoint,
    report: {
      mode: o.mode,
      steps: o.mode === 'finetune' ? o.steps : 0,
      evaluationTokens: soft.tokens,
      perplexity: {
        floatSoftmax: soft.perplexity,
        beforeHardSigmoid: beforeHardSigmoid.perplexity,
        before: before.perplexity,
        calibrated: calibrated.perplexity,
        after,
        afterFloatSoftmax,
      },
      trainingLoss,
      scalers,
    },
  };
}

/** A shape given by its dimensions (`model.shape`, family custom) is trained as GPT-2 when it has GPT-2's structure. */
function asGpt2(shape: ModelShape): ModelShape {
  return shape.family === 'custom' ? { ...shape, family: 'gpt2' } : shape;
}

function checkOptions(o: AdaptOptions): void {
  if (o.attention.activation !== 'hardsigmoid')
    throw new RangeError('the design computes softmax attention: there is nothing to adapt to');
  if (o.evaluation.length === 0) throw new RangeError('no evaluation sequences');
  if (o.calibration.length === 0) throw new RangeError('no calibration sequences');
  if (o.mode === 'finetune') {
    if (o.training.length === 0) throw new RangeError('no training sequences');
    if (!Number.isInteger(o.steps) || o.steps < 1)
      throw new RangeError(`steps must be a whole number ≥ 1, got ${o.steps}`);
    if (!(o.lr > 0)) throw new RangeError(`the learning rate must be > 0, got ${o.lr}`);
    if (o.weightNoise !== undefined && !(o.weightNoise >= 0))
      throw new RangeError(`the weight noise must be ≥ 0, got ${o.weightNoise}`);
  }
}

function progressOf(o: AdaptOptions): (stage: string, fraction: number, loss?: number) => void {
  return (stage, fraction, loss) => o.onProgress?.({ stage, fraction, ...(loss === undefined ? {} : { loss }) });
}

const gainCellAt = (o: AdaptOptions, layer: number) => o.gainCellLayers?.[layer] ?? true;

/** `gainCell` in the layers that compute attention in gain cells, softmax over the window in the others. */
function perLayer(o: AdaptOptions, gainCell: AttentionOp): AttentionOp {
  if (!o.gainCellLayers) return gainCell;
  const softmax = softmaxAttentionOp(o.attention.window);
  return { forward: (x, l, h) => (gainCellAt(o, l) ? gainCell : softmax).forward(x, l, h) };
}

function hardwareOp(scalers: HeadScalerParameters, o: AdaptOptions): AttentionOp {
  return perLayer(o, gainCellAttentionOp({ scalers, settings: o.attention, effects: o.effects, scaling: o.scaling }));
}

/** What the checkpoint's `__metadata__` records of the adaptation (safetensors metadata are strings). */
function adaptationMetadata(o: AdaptOptions): string {
  return JSON.stringify({
    mode: o.mode,
    steps: o.mode === 'finetune' ? o.steps : 0,
    lr: o.mode === 'finetune' ? o.lr : null,
    weightNoise: o.weightNoise ?? 0,
    attention: o.attention,
    effects: o.effects,
    scaling: o.scaling,
  });
}

// ---------------------------------------------------------------------------------------------
// Calibration, layer by layer

/**
 * Runs the model on `sequences` with `earlier` as the attention of layers before `layer`, and
 * returns the q, k, v every head of `layer` sees (one entry per sequence).
 */
function headInputsAt(
  params: Gpt2Params,
  shape: ModelShape,
  sequences: readonly Int32Array[],
  layer: number,
  earlier: AttentionOp,
  window: number,
): HeadInput[][] {
  const recorded: HeadInput[][] = Array.from({ length: shape.heads }, () => []);
  const softmax = softmaxAttentionOp(window);
  const op: AttentionOp = {
    forward(x: AttentionOpInput, l: number, h: number) {
      if (l < layer) return earlier.forward(x, l, h);
      if (l === layer) recorded[h].push({ q: x.q, k: x.k, v: x.v, tokens: x.tokens, dim: x.dim });
      return softmax.forward(x, l, h);
    },
  };
  for (const group of equalLengthBatches(sequences, DEFAULT_BATCH))
    forward(params, shape, group, { attention: op, keepCache: false });
  return recorded;
}

function equalLengthBatches(sequences: readonly Int32Array[], batch: number): Int32Array[][] {
  const byLength = new Map<number, Int32Array[]>();
  for (const s of sequences) byLength.set(s.length, [...(byLength.get(s.length) ?? []), s]);
  const out: Int32Array[][] = [];
  for (const list of byLength.values()) for (let i = 0; i < list.length; i += batch) out.push(list.slice(i, i + batch));
  return out;
}

/** The functional simulator's scalers: calibrated on the float HardSigmoid model, layer by layer. */
function simulatorScalers(params: Gpt2Params, shape: ModelShape, o: AdaptOptions): HeadScalerParameters {
  const table = new HeadScalerParameters(shape.layers, shape.heads);
  const window = o.attention.window;
  const earlier = perLayer(o, hardSigmoidAttentionOp({ scalers: table, window, scaling: o.scaling }));
  for (let l = 0; l < shape.layers; l++) {
    if (!gainCellAt(o, l)) continue;
    const inputs = headInputsAt(params, shape, o.calibration, l, earlier, window);
    inputs.forEach((samples, h) => table.set(l, h, calibrateHeadScalers(samples, window, o.scaling)));
  }
  return table;
}

/** Scalers fitted to softmax attention through the hardware model, layer by layer on its own q, k, v. */
function fittedScalers(params: Gpt2Params, shape: ModelShape, o: AdaptOptions): HeadScalerParameters {
  const table = new HeadScalerParameters(shape.layers, shape.heads);
  const earlier = hardwareOp(table, o);
  for (let l = 0; l < shape.layers; l++) {
    if (!gainCellAt(o, l)) continue;
    const inputs = headInputsAt(params, shape, o.calibration, l, earlier, o.attention.window);
    inputs.forEach((samples, h) => {
      const start = calibrateHeadScalers(samples, o.attention.window, o.scaling);
      table.set(l, h, fitHeadScalers(samples, start, o.attention, o.effects, o.scaling));
    });
  }
  return table;
}

/** Multipliers of the coordinate search on each of a_q, a_k, a_v: a coarse pass, then a fine one. */
const SEARCH_FACTORS = [
  [0.25, 0.5, Math.SQRT1_2, Math.SQRT2, 2, 4],
  [0.84, 0.92, 1.09, 1.19],
] as const;

/**
 * Per-head scalers minimising Σ ‖y_gain-cell − y_softmax‖² over `samples`: a_q, a_k, a_v by
 * coordinate search (each tried at the multipliers of SEARCH_FACTORS, the best kept), and for each
 * candidate the output gain c = ⟨y₁, y_s⟩ / ⟨y₁, y₁⟩, y₁ the output at c = 1 (gain-cell attention is
 * linear in c: it scales the digital sum of the sub-tile outputs). b_q stays at `start`'s.
 */
export function fitHeadScalers(
  samples: readonly HeadInput[],
  start: HeadScalers,
  settings: GainCellAttentionSettings,
  effects: GainCellEffects,
  scaling: GainCellScaling,
): HeadScalers {
  const targets = samples.map((h) => softmaxAttention(h, settings.window).out);
  const score = (s: HeadScalers): { error: number; scalers: HeadScalers } => {
    let yy = 0;
    let yt = 0;
    let tt = 0;
    samples.forEach((h, n) => {
      const y = gainCellAttention(h, settings, effects, { ...s, outputGain: 1 }, scaling).out;
      const t = targets[n];
      for (let i = 0; i < y.length; i++) {
        yy += y[i] * y[i];
        yt += y[i] * t[i];
        tt += t[i] * t[i];
      }
    });
    // No positive gain fits (the output is zero or anti-correlated): the error of c → 0.
    if (!(yy > 0) || !(yt > 0)) return { error: tt, scalers: { ...s, outputGain: s.outputGain } };
    return { error: tt - (yt * yt) / yy, scalers: { ...s, outputGain: yt / yy } };
  };
  let best = score(start);
  for (const factors of SEARCH_FACTORS) {
    for (const name of ['aQ', 'aK', 'aV'] as const) {
      const base = best.scalers;
      for (const f of factors) {
        const trial = score({ ...base, [name]: base[name] * f });
        if (trial.error < best.error) best = trial;
      }
    }
  }
  return best.scalers;
}

// ---------------------------------------------------------------------------------------------
// From a loaded design

/** What `adaptCheckpoint` needs of a design config, with the paths it names (as written, relative to it). */
export interface AdaptDesign {
  /** The config's `name`. */
  readonly name: string;
  readonly shape: ModelShape;
  readonly attention: GainCellAttentionSettings;
  readonly effects: GainCellEffects;
  readonly scaling: GainCellScaling;
  /** `functional.checkpoint`, `functional.text`, `functional.tokenizer`; null where not set. */
  readonly checkpoint: string | null;
  readonly text: string | null;
  readonly tokenizer: string | null;
  /** `functional.tokens` when set. */
  readonly tokens: number | null;
  /** Per layer: whether its attention is in gain cells (per-layer overrides applied). */
  readonly gainCellLayers: readonly boolean[];
}

/**
 * The gain-cell attention of a loaded design (leakage per step as the functional simulation
 * derives it), its hardware effects (`nonidealities.gain_cell`), its scaling constants
 * (`functional.gain_cell`) and the files it names. Throws InvalidDesignError when the config has
 * errors, and RangeError when the design has no HardSigmoid gain-cell attention to adapt to.
 */
export function adaptDesignOf(loaded: LoadedDesign): AdaptDesign {
  const { config, design } = requireDesign(loaded);
  const gainCellLayers = Array.from({ length: design.shape.layers }, (_, l) => design.attentionFor(l) === 'gain-cell');
  if (!gainCellLayers.some((g) => g))
    throw new RangeError('the design computes attention digitally in every layer (attention.implementation: digital)');
  if (design.attention.activation !== 'hardsigmoid')
    throw new RangeError('the design computes softmax attention (attention.activation: softmax)');
  const settings = resolveFunctionalSettings(config);
  const a = design.attention;
  return {
    name: design.name,
    shape: design.shape,
    attention: {
      window: a.window,
      rows: a.rows,
      activation: a.activation,
      levels: a.levels,
      nonlinearity: a.nonlinearity,
      ...gainCellTiming(loaded, design),
      tiling: a.tiling,
    },
    effects: settings.nonidealities.gainCell,
    scaling: settings.run.gainCell,
    checkpoint: settings.run.checkpoint,
    text: settings.run.text,
    tokenizer: settings.run.tokenizer,
    tokens: config.functional?.tokens ?? null,
    gainCellLayers,
  };
}

// ---------------------------------------------------------------------------------------------
// From token streams

export interface AdaptSequences {
  readonly calibration: Int32Array[];
  readonly training: Int32Array[];
  readonly evaluation: Int32Array[];
}

/** Calibration windows, spread evenly over the training text. */
export const CALIBRATION_WINDOWS = 8;
/** Training windows start every quarter window: overlapping windows give each token several contexts. */
const TRAINING_STRIDE_FRACTION = 0.25;
/** At most this many training windows (spread evenly over a longer text): 8 MiB of token ids at 128 tokens. */
const MAX_TRAINING_WINDOWS = 16384;

/**
 * Windows of `tokens` + 1 tokens (inputs and their next tokens): overlapping ones over the
 * training stream, CALIBRATION_WINDOWS of them for calibration, and consecutive ones over the
 * first `evaluationTokens` + 1 tokens of the evaluation stream (each token after a window's first
 * predicted once; the last window may be shorter).
 */
export function adaptSequences(o: {
  readonly training: Int32Array;
  readonly evaluation: Int32Array;
  readonly tokens: number;
  readonly evaluationTokens?: number;
}): AdaptSequences {
  const L = o.tokens + 1;
  if (o.training.length < L)
    throw new RangeError(`the training text has ${o.training.length} tokens; one window needs ${L}`);
  if (o.evaluation.length < 2) throw new RangeError('the evaluation text has fewer than 2 tokens');
  const stride = Math.max(
    1,
    Math.floor(o.tokens * TRAINING_STRIDE_FRACTION),
    Math.ceil((o.training.length - L + 1) / MAX_TRAINING_WINDOWS),
  );
  const training: Int32Array[] = [];
  for (let start = 0; start + L <= o.training.length; start += stride)
    training.push(o.training.slice(start, start + L));
  const calibration = Array.from(
    { length: Math.min(CALIBRATION_WINDOWS, training.length) },
    (_, i) => training[Math.floor((i * training.length) / Math.min(CALIBRATION_WINDOWS, training.length))],
  );
  const evalIds = o.evaluation.subarray(0, Math.min(o.evaluation.length, (o.evaluationTokens ?? Infinity) + 1));
  return { calibration, training, evaluation: evaluationWindows(evalIds, L) };
}
