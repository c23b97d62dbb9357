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
  calibrateHeadScalers, gainCellAttention, hardSigmoidAttention, softmaxAttention, windowStart,
  type GainCellAttentionSettings, type HeadInput, type HeadScalers,
} from './gainCellAttention';
import { matmul } from './linalg';
import { MetricAccumulator } from './metrics';
import type { CrossbarSummary, FunctionalProgress, FunctionalResult, LayerMetrics, MatrixMetrics } from '../../shared/functionalResult';
import { Rng } from './rng';
import { mergeSafetensors, parseSafetensors } from './safetensors';
import type { FunctionalSettings } from './settings';
import type { TileGemmBackend } from './tileGemm';
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

export type WeightFiles = ReadonlyMap<string, Uint8Array | ArrayBufferLike> | Readonly<Record<string, Uint8Array | ArrayBufferLike>>;

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

function loadWeights(input: FunctionalRunInput, blocks: number, vocab: number): ModelWeights {
  const { shape } = input.design;
  const files = input.weightFiles instanceof Map
    ? [...input.weightFiles.values()]
    : Object.values((input.weightFiles ?? {}) as Record<string, Uint8Array | ArrayBufferLike>);
  if (files.length > 0) return checkpointWeights(mergeSafetensors(files.map((f) => parseSafetensors(f))), shape, blocks, vocab);
  if (input.settings.run.checkpoint) {
    throw new Error(`functional.checkpoint is "${input.settings.run.checkpoint}" but no checkpoint bytes were passed to the simulation`);
  }
  return syntheticWeights(shape, blocks, vocab, input.settings.run.seed);
}

function floatMatmul(shouldStop?: () => boolean): MatmulHook {
  return (_layer, _matrix, x, rows, w) => matmul(x, rows, w.w, w.inFeatures, w.outFeatures, w.bias, shouldStop);
}

export async function runFunctionalSimulation(input: FunctionalRunInput): Promise<FunctionalResult> {
  return runFunctionalSimulationSync(input);
}

/** The same run without yielding to the event loop (workers call this). */
export function runFunctionalSimulationSync(input: FunctionalRunInput): FunctionalResult {
  const { design, settings, shouldStop } = input;
  const { shape } = design;
  const run = settings.run;
  const n = settings.nonidealities;
  const blocks = Math.min(shape.layers, run.blocks);
  const vocab = Math.min(shape.vocab, run.logitsVocab ?? DEFAULT_LOGITS_VOCAB);
  const T = run.tokens;
  const S = run.samples;
  const rows = S * T;
  if (shape.positional === 'learned' && T > shape.context) {
    throw new RangeError(`functional.tokens ${T} exceeds the model context ${shape.context} (learned positions)`);
  }
  const warnings = new Set<string>();
  const progress = (fraction: number, stage: string) => input.onProgress?.({ fraction: Math.min(1, fraction), stage });

  progress(0, 'weights');
  const model = loadWeights(input, blocks, vocab);
  checkStop(shouldStop);
  const tokenIds = Array.from({ length: S }, (_, s) => {
    const rng = Rng.derive(run.seed, `tokens/${s}`);
    return Int32Array.from({ length: T }, () => rng.int(vocab));
  });
  const x0 = embed(model, shape, tokenIds);

  const weightsFor = (layer: number, matrix: MatrixName) => design.weightsFor?.(layer, matrix) ?? design.weights;
  const attentionFor = (layer: number) => design.attentionFor?.(layer) ?? design.attention.implementation;
  const attn = design.attention;
  const scaling = run.gainCell;
  const usesGainCell = Array.from({ length: blocks }, (_, l) => attentionFor(l) === 'gain-cell');
  const algorithmDiffers = usesGainCell.some((g) => g) && attn.activation === 'hardsigmoid';
  if (usesGainCell.some((g) => g) && n.gainCell.nonlinearity) {
    warnings.add('The fitted gain-cell read non-linearity (Leroux et al. 2025, Eq. 4) dominates the attention error of a model that was not adapted to it; the paper fine-tunes the model to the hardware. Set `nonidealities.gain_cell.nonlinearity: false` to see the other effects alone.');
  }
  const passes = (algorithmDiffers ? 3 : 2) * (blocks + 1);
  let done = 0;
  const step = (stage: string) => progress(++done / passes, stage);

  const baseCtx = { shape, tokens: T, samples: S, shouldStop };

  // The gain-cell scalers (per layer and head) are fixed on the float algorithm model's own q, k, v.
  const scalers = new Map<string, HeadScalers>();
  const calibrate = (layer: number, head: number, samples: readonly HeadInput[]) => {
    const s = calibrateHeadScalers(samples, attn.window, scaling);
    scalers.set(`${layer}/${head}`, s);
    return s;
  };

  // Float softmax model; for softmax designs it is also the algorithm model.
  const softmaxCtx: ForwardContext = {
    ...baseCtx,
    matmul: floatMatmul(shouldStop),
    attention: (layer, head, samples) => {
      if (usesGainCell[layer] && !algorithmDiffers) calibrate(layer, head, samples);
      return samples.map((h) => softmaxAttention(h, attn.window).out);
    },
  };
  const softmaxOut: Float32Array[] = [];
  let x = x0;
  for (let l = 0; l < blocks; l++) {
    x = blockForward(softmaxCtx, l, model.blocks[l], x);
    softmaxOut.push(x);
    step(`float softmax model, block ${l}`);
  }
  const softmaxLogits = logitsOf(softmaxCtx, model, x);
  step('float softmax model, logits');

  // Float HardSigmoid model.
  let algorithmOut = softmaxOut;
  let algorithmLogits = softmaxLogits;
  if (algorithmDiffers) {
    const algorithmCtx: ForwardContext = {
      ...baseCtx,
      matmul: floatMatmul(shouldStop),
      attention: (layer, head, samples) => {
        if (!usesGainCell[layer]) return samples.map((h) => softmaxAttention(h, attn.window).out);
        const s = calibrate(layer, head, samples);
        return samples.map((h) => hardSigmoidAttention(h, attn.window, s, scaling).out);
      },
    };
    algorithmOut = [];
    x = x0;
    for (let l = 0; l < blocks; l++) {
      x = blockForward(algorithmCtx, l, model.blocks[l], x);
      algorithmOut.push(x);
      step(`float algorithm model, block ${l}`);
    }
    algorithmLogits = logitsOf(algorithmCtx, model, x);
    step('float algorithm model, logits');
  }

  // Analog model.
  const crossbars: CrossbarSummary[] = [];
  const matrixMetrics = new Map<number, MatrixMetrics[]>();
  const attentionAcc = new Map<number, { hardware: MetricAccumulator; algorithm: MetricAccumulator; total: MetricAccumulator }>();
  const analogMatmul: MatmulHook = (layer, matrix, xIn, r, w) => {
    const ws = weightsFor(layer, matrix);
    const reference = matmul(xIn, r, w.w, w.inFeatures, w.outFeatures, w.bias, shouldStop);
    let y = reference;
    if (ws.implementation === 'analog') {
      const xbar = programCrossbar({
        weights: w.w, inFeatures: w.inFeatures, outFeatures: w.outFeatures, bias: w.bias, settings: ws, nonidealities: n,
        seed: run.seed, label: `${layer}/${matrix}`, backend: input.backend, shouldStop,
      });
      try {
        y = xbar.gemm(xIn, r);
        crossbars.push({ layer, matrix, ...xbar.stats });
        for (const warning of xbar.stats.warnings) warnings.add(warning);
      } finally {
        xbar.dispose();
      }
    }
    const acc = new MetricAccumulator();
    acc.add(y, reference);
    const list = matrixMetrics.get(layer) ?? [];
    list.push({ matrix, implementation: ws.implementation, metrics: acc.result() });
    matrixMetrics.set(layer, list);
    return y;
  };
  const analogAttention: AttentionHook = (layer, head, samples) => {
    if (!usesGainCell[layer]) return samples.map((h) => softmaxAttention(h, attn.window).out);
    const s = scalers.get(`${layer}/${head}`)!;
    let acc = attentionAcc.get(layer);
    if (!acc) {
      acc = { hardware: new MetricAccumulator(), algorithm: new MetricAccumulator(), total: new MetricAccumulator() };
      attentionAcc.set(layer, acc);
    }
    const range = (i: number): [number, number] => [windowStart(i, attn.window), i + 1];
    return samples.map((h: HeadInput) => {
      const analog = gainCellAttention(h, attn, n.gainCell, s, scaling);
      const soft = softmaxAttention(h, attn.window);
      const algorithm = attn.activation === 'hardsigmoid' ? hardSigmoidAttention(h, attn.window, s, scaling) : soft;
      acc.hardware.add(analog.out, algorithm.out);
      acc.hardware.addTopK(analog.weights, algorithm.weights, T, T, run.topK, range);
      acc.algorithm.add(algorithm.out, soft.out);
      acc.algorithm.addTopK(algorithm.weights, soft.weights, T, T, run.topK, range);
      acc.total.add(analog.out, soft.out);
      acc.total.addTopK(analog.weights, soft.weights, T, T, run.topK, range);
      return analog.out;
    });
  };
  const analogCtx: ForwardContext = { ...baseCtx, matmul: analogMatmul, attention: analogAttention };
  const layers: LayerMetrics[] = [];
  x = x0;
  for (let l = 0; l < blocks; l++) {
    x = blockForward(analogCtx, l, model.blocks[l], x);
    const vsSoft = new MetricAccumulator();
    vsSoft.add(x, softmaxOut[l]);
    const vsAlg = new MetricAccumulator();
    vsAlg.add(x, algorithmOut[l]);
    const a = attentionAcc.get(l);
    layers.push({
      layer: l,
      matrices: matrixMetrics.get(l) ?? [],
      attention: a
        ? { implementation: 'gain-cell', activation: attn.activation, hardware: a.hardware.result(), algorithm: a.algorithm.result(), total: a.total.result() }
        : null,
      output: { vsSoftmaxModel: vsSoft.result(), vsAlgorithmModel: vsAlg.result() },
    });
    step(`analog model, block ${l}`);
  }
  const analogLogits = logitsOf(analogCtx, model, x);
  step('analog model, logits');

  const logitMetrics = (test: Float32Array, ref: Float32Array) => {
    const acc = new MetricAccumulator();
    acc.add(test, ref);
    acc.addTopK(test, ref, rows, vocab, run.topK);
    return acc.result();
  };
  const hiddenMetrics = (test: Float32Array, ref: Float32Array) => {
    const acc = new MetricAccumulator();
    acc.add(test, ref);
    return acc.result();
  };

  return {
    model: shape.name,
    blocks,
    tokens: T,
    samples: S,
    seed: run.seed,
    topK: run.topK,
    vocab,
    weights: { source: model.source, description: model.description },
    layers,
    lmHead: (matrixMetrics.get(-1) ?? [])[0],
    endToEnd: {
      logitsVsSoftmaxModel: logitMetrics(analogLogits, softmaxLogits),
      logitsVsAlgorithmModel: logitMetrics(analogLogits, algorithmLogits),
      hiddenVsSoftmaxModel: hiddenMetrics(x, softmaxOut[blocks - 1]),
      hiddenVsAlgorithmModel: hiddenMetrics(x, algorithmOut[blocks - 1]),
      algorithmLogits: logitMetrics(algorithmLogits, softmaxLogits),
    },
    crossbars,
    warnings: [...warnings],
  };
}
