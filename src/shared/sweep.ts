/** What a sweep is made of and what each point yields: the data the CLI, the worker and the panel exchange. */

export type SweepValue = number | string | boolean;

export interface SweepAxis {
  /** Dotted config key, e.g. `weights.adc.bits`. */
  readonly key: string;
  readonly values: readonly SweepValue[];
}

export interface PointCost {
  readonly energyPerTokenJ: number;
  readonly latencyPerTokenS: number;
  readonly areaMm2: number;
  readonly arrays: number;
}

export type ParetoFrontName = 'energy-error' | 'latency-error' | 'energy-latency';

export interface SweepPointResult {
  /** Position in the plan (see plan.ts), the same in every shard. */
  readonly index: number;
  /** Axis key → value. */
  readonly values: Readonly<Record<string, SweepValue>>;
  /** `invalid`: the config with these values does not validate. `failed`: the engine threw. */
  readonly status: 'ok' | 'invalid' | 'failed';
  /** Why the point is invalid or failed. */
  readonly message?: string;
  readonly cost: PointCost | null;
  /** Functional error (the report's `errorMetric`); null when not asked or not computed. */
  readonly error: number | null;
  /** Fronts the point lies on, set when the report is built. */
  readonly pareto: readonly ParetoFrontName[];
}

export interface PointSpec {
  readonly index: number;
  readonly values: readonly SweepValue[];
}
