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
