/**
 * The result of a cost simulation: what `aimc simulate --json` prints and what the extension
 * shows. Documented field by field in docs/result-schema.md; bump RESULT_SCHEMA_VERSION on any
 * incompatible change. All energies in joules, times in seconds, areas in mm².
 */
import type { TileGroup } from './tileMap';
import type { ModelShape } from './modelShape';

export const RESULT_SCHEMA_VERSION = 1;

export interface EnergyLatency {
  readonly energyJ: number;
  readonly latencyS: number;
}

export interface BaselineResult {
  readonly id: string;
  readonly name: string;
  readonly devices: number;
  readonly bound: 'memory' | 'compute';
  readonly perToken: EnergyLatency;
  /** GPU latency ÷ design latency (per token). */
  readonly speedup: number;
  /** GPU energy ÷ design energy (per token). */
  readonly energyRatio: number;
  readonly method: string;
  readonly source: string;
  /** Roofline latency per token at datasheet peaks (`perToken.latencyS` is at achievable fractions). */
  readonly latencyBoundS?: number;
  /** GPU roofline-bound latency ÷ design latency: the smallest speed-up. */
  readonly speedupBound?: number;
  /** Board power × typical latency, per token: the energy if the board drew its rating throughout. */
  readonly energyUpperBoundJ?: number;
  /** `energyUpperBoundJ` ÷ design energy. */
  readonly energyRatioUpperBound?: number;
  /** The power model's parts of `perToken.energyJ`: static power × time, bytes moved, FLOPs. */
  readonly energyPartsJ?: { readonly static: number; readonly memory: number; readonly compute: number };
  /** Achievable fractions of peak bandwidth and FLOP/s behind `perToken.latencyS`. */
  readonly efficiency?: { readonly bandwidth: number; readonly flops: number };
}

/** A GPU's attention of one layer for one decode token (Leroux et al.'s method), against the design's. */
export interface AttentionBaselineResult {
  /** Unique row id: the GPU id, with `-measured` for a measurement. */
  readonly id: string;
  readonly gpu: string;
  readonly name: string;
  readonly kind: 'roofline' | 'measured';
  /** Energy without idle power (as the paper); latency typical (roofline) or measured. */
  readonly perLayerPerToken: EnergyLatency;
  /** GPU latency ÷ design attention latency. */
  readonly speedup: number;
  /** GPU energy ÷ design attention energy. */
  readonly energyRatio: number;
  /** Roofline only: latency at datasheet peaks, and the speed-up against it. */
  readonly latencyBoundS?: number;
  readonly speedupBound?: number;
  /** Roofline only: static power × latency, left out of `perLayerPerToken.energyJ`. */
  readonly staticEnergyJ?: number;
  readonly bound?: 'memory' | 'compute';
  /** Measured only: the batch it was measured at, and the ratios the paper reports. */
  readonly batch?: number;
  readonly reportedSpeedup?: number;
  readonly reportedEnergyRatio?: number;
  readonly method: string;
  readonly source: string;
}

export interface SimulationResult {
  readonly schemaVersion: typeof RESULT_SCHEMA_VERSION;
  readonly name: string;
  /** The resolved shape's fields a reader needs, and the parameter count. */
  readonly model: Pick<
    ModelShape,
    'name' | 'family' | 'layers' | 'dModel' | 'heads' | 'kvHeads' | 'headDim' | 'dFf' | 'ffn' | 'vocab' | 'context'
  > & {
    readonly parameters: number;
  };
  readonly workload: {
    readonly mode: 'decode' | 'prefill';
    readonly batch: number;
    readonly contextTokens: number;
    readonly generateTokens: number;
    readonly window: number;
    readonly tokensPerStep: number;
    readonly attendedKeysPerQuery: number;
  };
  readonly technology: { readonly nodeNm: number; readonly clockHz: number };
  readonly mapping: {
    readonly arrays: number;
    readonly weightArrays: number;
    readonly kvArrays: number;
    readonly utilization: number;
    readonly chips: number;
    readonly arraysPerChip: number | null;
    readonly analogMatrices: number;
    readonly digitalMatrices: number;
    /** Compact tile map: decode any array with `arrayAt(tileGroups, index)`. */
    readonly tileGroups: readonly TileGroup[];
    /** Energy per token of each tile group's arrays with their converters and wiring, aligned with `tileGroups`. */
    readonly groupEnergyPerTokenJ?: readonly number[];
  };
  /** Decode: per generated token. Prefill: per prompt token. */
  readonly perToken: EnergyLatency;
  /** One step of the workload: `tokensPerStep` tokens over the batch. */
  readonly perStep: EnergyLatency;
  /** Prefill only: one whole prompt of one sequence. */
  readonly perSequence: EnergyLatency | null;
  readonly tokensPerSecond: number;
  /** Attention of one layer for one token (first gain-cell layer, else layer 0), and per query head. */
  readonly attention: {
    readonly layer: number;
    readonly implementation: 'gain-cell' | 'digital';
    readonly perLayerPerToken: EnergyLatency;
    readonly perHeadPerTokenEnergyJ: number;
    /** Decode only: each baseline GPU's attention of one layer for one token, roofline and measured. */
    readonly baselines?: readonly AttentionBaselineResult[];
  };
  readonly breakdown: {
    readonly byComponent: Readonly<Record<string, number>>;
    readonly byOperation: Readonly<Record<string, number>>;
    readonly byLayer: Readonly<Record<string, number>>;
    /** Energy per token by layer, split by component (for stacked charts). */
    readonly byLayerComponent: Readonly<Record<string, Readonly<Record<string, number>>>>;
    /** Latency per operation group for one token, without layer pipelining, in seconds. */
    readonly latencyByOperation: Readonly<Record<string, number>>;
    /** Latency per layer for one token, without layer pipelining, in seconds (same keys as `byLayer`). */
    readonly latencyByLayer?: Readonly<Record<string, number>>;
  };
  readonly areaMm2: number;
  readonly areaByComponentMm2: Readonly<Record<string, number>>;
  /** Area by layer (same keys as `breakdown.byLayer`), plus `shared` for the digital unit and buffers. */
  readonly areaByLayerMm2?: Readonly<Record<string, number>>;
  readonly baselines: readonly BaselineResult[];
  readonly assumptions: readonly string[];
}
