/**
 * The engine's public API: the only module the CLI, the extension and the worker import. The
 * engine itself is pure TypeScript (no `vscode`, no Node built-ins), so the same code runs in a
 * Node worker, a browser Web Worker and the CLI. Data types that cross a boundary (results,
 * diagnostics, the tile map, sweep points) live in src/shared.
 *
 * See docs/architecture.md for the layers and the data flow.
 */

// Config text → design → cost
export {
  loadDesign,
  loadDesignSync,
  type LoadedDesign,
  type LoadOptions,
  type ReadFileSync,
} from './design/loadDesign';
export { readerOverFiles, NO_FILES, type DesignFileReader } from './design/files';
export { checkpointEntryOf, defaultTokenizerPath } from './design/functionalFiles';
export { applyOverrides } from './design/overrides';
export { requireDesign, InvalidDesignError, type ValidDesign } from './design/errors';
export {
  analyzeConfig,
  analyzeDesign,
  costDesign,
  type Analysis,
  type AnalyzeOptions,
  type AnalyzeSyncOptions,
} from './analyze';
export { simulate, LATENCY_ASSUMPTIONS } from './simulate';
export type { ResolvedDesign } from './config/resolve';
export type { AimcConfig } from './config/schema';
export { configJsonSchema } from './config/schema';
export { parseConfigDocument, type ConfigDocument } from './config/document';
export { setConfigValue, isJsonConfigText } from './config/editText';

// Functional (accuracy) simulation and device curves
export {
  runAccuracy,
  functionalErrorMetric,
  FUNCTIONAL_ERROR_METRIC,
  PERPLEXITY_ERROR_METRIC,
  errorMetricFor,
  deviceCurvesOf,
  deviceCurveModels,
  type AccuracyOptions,
} from './accuracy';
export { FunctionalRunCancelled } from './functional/cancel';
export { formatDeviceCurvesCsv, formatDeviceCurvesJson } from './functional/deviceCurves';

// Adaptation of a checkpoint to gain-cell attention (fine-tuning, scaler calibration) and tokenizers
export {
  adaptCheckpoint,
  adaptDesignOf,
  adaptSequences,
  type AdaptDesign,
  type AdaptMode,
  type AdaptOptions,
  type AdaptProgress,
  type AdaptReport,
  type AdaptResult,
} from './train/adapt';
export { loadTokenizer, TokenizerError, type Tokenizer } from './text/tokenizer';

// Sweeps
export { parseVary, parseVaries, sweepableKeys, axisOverrides, SweepSpecError, type SweepableKey } from './sweep/axes';
export { pointEvaluator, SweepCancelled, type ErrorMetric, type EvaluateOptions } from './sweep/evaluate';
export {
  planSweep,
  planPoints,
  checkSweepSize,
  shardPoints,
  shardPointCount,
  parseShard,
  DEFAULT_SWEEP_SEED,
  MAX_SWEEP_POINTS,
  SweepLimitError,
  type SweepPlan,
  type Shard,
  type PointSource,
} from './sweep/plan';
export {
  buildReport,
  sweepIdentity,
  mergeReports,
  asSweepReport,
  SweepMergeError,
  type SweepReport,
} from './sweep/report';

// Catalogues: models and GPUs
export { MODEL_PRESETS, MODEL_PRESET_NAMES, type ModelPresetName } from './model/presets';
export { countParameters } from './model/parameters';
export { shapeFromHuggingFace } from './model/huggingface';
export { GPUS } from './baselines/gpus';
export { GPU_IDS, DEFAULT_BASELINES, type GpuId } from '../shared/gpuIds';

// The config language service (diagnostics, completion, hover, quick fixes, symbols, CodeLens)
export * as language from './language/index';
export type {
  CodeAction,
  CodeLens,
  CompletionItem,
  CompletionKind,
  DocumentSymbol,
  Hover,
  SymbolKind,
} from './language/types';
