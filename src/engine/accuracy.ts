/**
 * The functional (accuracy) simulation of a loaded design, as the CLI, a worker and a sweep's
 * error figure run it; and the characteristic curves of a device model with a config's settings.
 */
import type { Diagnostic } from '../shared/diagnostics';
import type { DeviceCurves, ErrorMetrics, FunctionalResult } from '../shared/functionalResult';
import { costDesign } from './analyze';
import type { ResolvedDesign } from './config/resolve';
import { InvalidDesignError, requireDesign } from './design/errors';
import type { LoadedDesign } from './design/loadDesign';
import { curveDeviceIds } from './devices/index';
import { deviceCurves } from './functional/deviceCurves';
import { SafetensorsError } from './functional/safetensors';
import { resolveFunctionalSettings, resolveNonidealities, type FunctionalSettings } from './functional/settings';
import {
  EvaluationTextError,
  runFunctionalSimulation,
  type EvaluationText,
  type FunctionalDesign,
} from './functional/simulation';
import type { AimcConfig } from './config/schema';
import { parseConfigDocument } from './config/document';
import { tokenizerConfigPathOf, tokenizerPathOf } from './design/functionalFiles';
import type { ReferencedFiles } from '../shared/protocol';
import { loadTokenizer } from './text/tokenizer';
import { loadTileGemmKernel, type TileGemmKernel } from './kernels/tileGemmKernel';
import type { ErrorMetric } from './sweep/evaluate';

export interface AccuracyOptions {
  /** Polled between kernel calls; true stops the run (FunctionalRunCancelled). */
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (fraction: number, stage: string) => void;
}

let kernel: Promise<TileGemmKernel> | undefined;

/** The fastest tile kernel this runtime has (WebAssembly SIMD; the JS reference as a last resort), loaded once. */
function tileKernel(): Promise<TileGemmKernel> {
  kernel ??= loadTileGemmKernel('auto');
  return kernel;
}

/**
 * Runs the functional simulation of a design loaded with `withCheckpoint: true` (its checkpoint's
 * bytes are in `loaded.files`). Throws InvalidDesignError when the config has errors, when the
 * checkpoint cannot be used (a tensor missing, of the wrong shape, or holding NaN or ±Inf), and
 * when the run produced non-finite values: each as a diagnostic on the key at fault, so that no
 * caller reports 0 % error for a run that computed NaN.
 */
export async function runAccuracy(loaded: LoadedDesign, o: AccuracyOptions = {}): Promise<FunctionalResult> {
  const { config, design, files } = requireDesign(loaded);
  const checkpoint = config.functional?.checkpoint;
  if (checkpoint !== undefined && !loaded.checkpoint) {
    throw new Error(`functional.checkpoint \`${checkpoint}\` was not read: load the design with withCheckpoint`);
  }
  const settings = withDefaultTokens(
    resolveFunctionalSettings(config),
    config.functional?.tokens,
    design.shape.context,
  );
  let result: FunctionalResult;
  try {
    result = await runFunctionalSimulation({
      design: withDecay(loaded, design),
      backend: await tileKernel(),
      settings,
      checkpoint: loaded.checkpoint,
      text: evaluationText(config, files, settings.run.samples * settings.run.tokens + 1),
      shouldStop: o.shouldStop,
      onProgress: o.onProgress ? (p) => o.onProgress!(p.fraction, p.stage) : undefined,
    });
  } catch (e) {
    if (e instanceof SafetensorsError && checkpoint !== undefined)
      throw designError(
        loaded,
        ['functional', 'checkpoint'],
        'checkpoint-invalid',
        `The checkpoint \`${checkpoint}\` cannot be used: ${e.message}.`,
      );
    if (e instanceof EvaluationTextError)
      throw designError(
        loaded,
        e.key,
        'text-unusable',
        `The ${e.key.at(-1) === 'text' ? 'evaluation text cannot be used' : 'run has nothing to score'}: ${e.message}.`,
      );
    throw e;
  }
  const where = firstNonFinite(result);
  if (where !== undefined)
    throw designError(
      loaded,
      checkpoint !== undefined ? ['functional', 'checkpoint'] : ['functional'],
      'functional-non-finite',
      `The functional simulation computed NaN or ±Inf (${where}), so it has no error figures to report. Check the weights${checkpoint === undefined ? '' : ` in the checkpoint \`${checkpoint}\``} and the non-idealities for extreme values.`,
    );
  return result;
}

/** Characters of text tokenized per token needed, before the whole text is: BPE averages ~4 characters a token. */
const CHARACTERS_PER_TOKEN_BOUND = 16;

/**
 * The config's evaluation text, tokenized by its tokenizer (both read by loadDesign): only as much
 * of the text as `needed` tokens take, unless that falls short.
 */
function evaluationText(config: AimcConfig, files: ReferencedFiles, needed: number): EvaluationText | undefined {
  const file = config.functional?.text;
  const tokenizerFile = tokenizerPathOf(config);
  if (file === undefined || tokenizerFile === undefined) return undefined;
  const text = files[file];
  const json = files[tokenizerFile];
  if (typeof text !== 'string' || typeof json !== 'string')
    throw new Error('the evaluation text and its tokenizer were not read: load the design with withCheckpoint');
  const tokenizerConfig = files[tokenizerConfigPathOf(tokenizerFile)];
  const tokenizer = loadTokenizer(json, typeof tokenizerConfig === 'string' ? tokenizerConfig : undefined);
  const prefix = text.slice(0, needed * CHARACTERS_PER_TOKEN_BOUND);
  let ids = tokenizer.encode(prefix);
  if (ids.length < needed && prefix.length < text.length) ids = tokenizer.encode(text);
  // Llama-family models are trained with a beginning-of-sequence token before the text; the run
  // puts one before every window.
  return { ids, bos: tokenizer.bos, unk: tokenizer.unk, file, tokenizer: tokenizerFile };
}

function designError(loaded: LoadedDesign, key: readonly string[], code: string, message: string): InvalidDesignError {
  const diagnostic: Diagnostic = { range: loaded.document.valueRange(key), severity: 'error', code, message };
  return new InvalidDesignError([diagnostic]);
}

const finiteMetrics = (m: ErrorMetrics) =>
  !Number.isNaN(m.relativeError) &&
  !Number.isNaN(m.cosineSimilarity) &&
  !Number.isNaN(m.snrDb) &&
  (m.topKAgreement === null || !Number.isNaN(m.topKAgreement));

/**
 * Where a result holds a metric that is NaN (its inputs were not finite), in the words of the
 * report's rows; undefined when there is none. ±Inf is a real value here: SNR ∞ is an exact match.
 */
function firstNonFinite(r: FunctionalResult): string | undefined {
  for (const l of r.layers) {
    for (const m of l.matrices) if (!finiteMetrics(m.metrics)) return `layer ${l.layer} ${m.matrix}`;
    if (l.attention && ![l.attention.hardware, l.attention.algorithm, l.attention.total].every(finiteMetrics))
      return `layer ${l.layer} attention`;
    if (![l.output.vsSoftmaxModel, l.output.vsAlgorithmModel].every(finiteMetrics)) return `layer ${l.layer} output`;
  }
  if (!finiteMetrics(r.lmHead.metrics)) return 'lm_head';
  if (!Object.values(r.endToEnd).every(finiteMetrics)) return 'logits';
  const t = r.task;
  if (Number.isNaN(t.floatSoftmax.nll) || (t.floatAlgorithm && Number.isNaN(t.floatAlgorithm.nll)))
    return 'float logits';
  if (t.analog.runs.some((run) => Number.isNaN(run.nll) || Number.isNaN(run.kl ?? 0))) return 'analog logits';
  return undefined;
}

/**
 * The design with its gain-cell leakage per step: as configured, or derived from the one retention
 * model, Δt / τ with Δt the design's time per token (from the cost simulation) and τ the cells'
 * retention (Leroux et al. 2025, eq. (5)–(6)).
 */
function withDecay(loaded: LoadedDesign, design: ResolvedDesign): FunctionalDesign {
  return { ...design, attention: { ...design.attention, ...gainCellTiming(loaded, design) } };
}

/** The default 64 tokens, cut to a model context shorter than that; tokens set in the config stay (the validator checks them). */
function withDefaultTokens(
  settings: FunctionalSettings,
  configured: number | undefined,
  context: number,
): FunctionalSettings {
  if (configured !== undefined || settings.run.tokens <= context) return settings;
  return { ...settings, run: { ...settings.run, tokens: context } };
}

/**
 * The gain cells' leakage per token step and, when the design refreshes them
 * (`attention.refresh_s`), the token steps between refreshes: the period over the costed design's
 * time per token, at least one step.
 */
export function gainCellTiming(
  loaded: LoadedDesign,
  design: ResolvedDesign,
): { readonly decayPerStep: number; readonly refreshSteps: number | null } {
  const refreshS = design.attention.refreshS;
  if (refreshS === null) return { decayPerStep: decayPerStep(loaded, design), refreshSteps: null };
  const latencyS = costDesign(loaded).result?.perToken.latencyS;
  if (latencyS === undefined)
    throw new Error('the design did not cost, so its refresh period in steps cannot be derived');
  return { decayPerStep: decayPerStep(loaded, design), refreshSteps: Math.max(1, Math.floor(refreshS / latencyS)) };
}

/** Leakage per token step of the gain cells: configured, or Δt / τ of the costed design. */
export function decayPerStep(loaded: LoadedDesign, design: ResolvedDesign): number {
  if (design.attention.decayPerStep !== null) return design.attention.decayPerStep;
  const latencyS = costDesign(loaded).result?.perToken.latencyS;
  if (latencyS === undefined) throw new Error('the design did not cost, so its leakage per step cannot be derived');
  return latencyS / design.attention.retentionS;
}

/** What `aimc sweep --error` reports without an evaluation text: the whole error, algorithm and hardware together. */
export const FUNCTIONAL_ERROR_METRIC = 'logits relative error vs float model';
/** What `aimc sweep --error` reports for a config with `functional.text`. */
export const PERPLEXITY_ERROR_METRIC = 'analog perplexity (mean of runs)';

/** The sweep's error figure without a text: the functional run of each point's design. */
export const functionalErrorMetric: ErrorMetric = {
  name: FUNCTIONAL_ERROR_METRIC,
  async evaluate(loaded, context) {
    const r = await runAccuracy(loaded, {
      shouldStop: context.shouldStop,
      onProgress: context.onProgress ? (f) => context.onProgress!(f) : undefined,
    });
    return r.endToEnd.logitsVsSoftmaxModel.relativeError;
  },
};

/** The sweep's error figure with a text: the analog model's perplexity on it. */
export const perplexityErrorMetric: ErrorMetric = {
  name: PERPLEXITY_ERROR_METRIC,
  async evaluate(loaded, context) {
    const r = await runAccuracy(loaded, {
      shouldStop: context.shouldStop,
      onProgress: context.onProgress ? (f) => context.onProgress!(f) : undefined,
    });
    return r.task.analog.perplexity.mean;
  },
};

/** The error figure of a sweep over `configText`: perplexity when it names an evaluation text. */
export function errorMetricFor(configText: string): ErrorMetric {
  const value = parseConfigDocument(configText).value as { functional?: { text?: unknown } } | null | undefined;
  return typeof value?.functional?.text === 'string' ? perplexityErrorMetric : functionalErrorMetric;
}

/** Device models `aimc device` can draw. */
export function deviceCurveModels(): string[] {
  return curveDeviceIds();
}

/**
 * Curves of a device model with the `nonidealities:` (and `weights.bits_per_cell`, for RRAM
 * levels) of a loaded config, or with the defaults when there is none.
 */
export function deviceCurvesOf(model: string, loaded?: LoadedDesign): DeviceCurves {
  const name = curveDeviceIds().find((m) => m === model);
  if (!name) throw new Error(`unknown device model \`${model}\`; models: ${curveDeviceIds().join(', ')}`);
  if (!loaded) return deviceCurves(name);
  const { config, design } = requireDesign(loaded);
  return deviceCurves(name, resolveNonidealities(config.nonidealities), { bitsPerCell: design.weights.bitsPerCell });
}
