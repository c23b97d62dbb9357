/** Public API of the functional (accuracy) simulation. */
export { runFunctionalSimulation, runFunctionalSimulationSync, DEFAULT_LOGITS_VOCAB } from './simulation';
export type {
  AttentionMetrics,
  CrossbarSummary,
  FunctionalProgress,
  FunctionalResult,
  LayerMetrics,
  MatrixMetrics,
} from '../../shared/functionalResult';
export type {
  FunctionalAttentionSettings,
  FunctionalDesign,
  FunctionalRunInput,
  FunctionalWeightSettings,
  WeightFiles,
} from './simulation';
export { FunctionalRunCancelled } from './cancel';
export { resolveFunctionalSettings, resolveNonidealities, resolveRunSettings, idealNonidealities } from './settings';
export type { AdcRange, FunctionalSettings, NonidealitySettings, RunSettings } from './settings';
export { programCrossbar } from './crossbar';
export type { CrossbarInput, CrossbarSettings, CrossbarStats, ProgrammedCrossbar } from './crossbar';
export {
  tileGemm,
  jsTileGemmBackend,
  dacQuantize,
  adcQuantize,
  quantizerLevels,
  quantizerStep,
  roundHalfEven,
} from './tileGemmReference';
export type {
  NormalSource,
  ProgrammedTiles,
  QuantizerSpec,
  TileConversions,
  TileGemmBackend,
  TileGemmSpec,
} from './tileGemmReference';
export {
  gainCellAttention,
  hardSigmoidAttention,
  softmaxAttention,
  calibrateHeadScalers,
  GAIN_CELL_COEFFICIENTS,
} from './gainCellAttention';
export type {
  AttentionResult,
  GainCellAttentionSettings,
  GainCellEffects,
  GainCellScaling,
  HeadInput,
  HeadScalers,
} from './gainCellAttention';
export { MetricAccumulator, compare, topKOverlap } from './metrics';
export type { ErrorMetrics } from '../../shared/functionalResult';
export { parseSafetensors, mergeSafetensors, SafetensorsError } from './safetensors';
export type { SafetensorsFile, TensorInfo } from './safetensors';
export { deviceCurves, formatDeviceCurvesCsv, formatDeviceCurvesJson } from './deviceCurves';
export type { DeviceCurves } from '../../shared/functionalResult';
export type { DeviceCurveOptions } from './deviceCurves';
export { Rng, deriveSeed } from './rng';
export { syntheticWeights, checkpointWeights, SYNTHETIC_INIT_STD } from './weights';
export type { ModelWeights } from './weights';
