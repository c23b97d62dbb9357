import type { OperationGroup } from '../workload/operations';

/** Where energy is booked in the breakdown by component. */
export const COST_COMPONENTS = [
  'dac',
  'attention_dac',
  'adc',
  'crossbar',
  'gain_cell',
  'accumulator',
  'sram_buffer',
  'interconnect',
  'digital_unit',
  'dram',
  'leakage',
  'refresh',
] as const;
export type CostComponent = (typeof COST_COMPONENTS)[number];

/** Layer key in the breakdown: a block index, or `embedding` / `lm_head` outside the blocks. */
export function layerKey(layer: number, group?: OperationGroup): string {
  if (layer >= 0) return String(layer);
  return group === 'lm_head' ? 'lm_head' : 'embedding';
}

/** One operation's timing: first-vector latency and the interval at which it accepts further vectors. */
export interface StageTiming {
  readonly fillS: number;
  readonly intervalS: number;
}

/**
 * What is wrong with a quantity to be booked, as `non-finite … (NaN J)` or `negative … (-2e-12 J)`;
 * undefined when it is finite and not negative (zero is fine).
 */
function problem(what: string, value: number, unit: string): string | undefined {
  if (!Number.isFinite(value)) return `non-finite ${what} (${value} ${unit})`;
  if (value < 0) return `negative ${what} (${value} ${unit})`;
  return undefined;
}

/**
 * Collects energy (joules per step) by component, operation and layer, and stage timings.
 *
 * Every energy and latency booked must be finite and not negative: a NaN (a misspelt or missing
 * component parameter) or a negative figure throws an Error naming where it came from, instead
 * of vanishing from the totals. Zero is accepted and books nothing.
 */
/** A cost figure that is not a finite, non-negative number: a parameter out of its physical range. */
export class CostModelError extends Error {
  override readonly name = 'CostModelError';
}

export class Ledger {
  readonly byComponent = new Map<CostComponent, number>();
  readonly byOperation = new Map<OperationGroup, number>();
  readonly byLayer = new Map<string, number>();
  readonly latencyByOperation = new Map<OperationGroup, number>();
  /** Latency of one vector by layer key, without pipelining (stages booked with a layer). */
  readonly latencyByLayer = new Map<string, number>();
  /** Energy by `layer|group`, for per-layer figures of one operation (e.g. attention of layer 0). */
  readonly byLayerOperation = new Map<string, number>();
  readonly byLayerComponent = new Map<string, Map<CostComponent, number>>();
  readonly stages: StageTiming[] = [];
  totalJ = 0;

  /**
   * Books `energyJ` joules to a component, an operation group and a layer. Throws when the energy
   * is not finite or is negative; zero books nothing (no entry appears in the maps).
   */
  add(component: CostComponent, group: OperationGroup, layer: string, energyJ: number): void {
    const bad = problem('energy', energyJ, 'J');
    if (bad) {
      throw new CostModelError(
        `cost model: component "${component}" gave a ${bad} for operation "${group}" of layer ${layer}; check its parameters`,
      );
    }
    if (energyJ === 0) return;
    this.byComponent.set(component, (this.byComponent.get(component) ?? 0) + energyJ);
    this.byOperation.set(group, (this.byOperation.get(group) ?? 0) + energyJ);
    this.byLayer.set(layer, (this.byLayer.get(layer) ?? 0) + energyJ);
    let lc = this.byLayerComponent.get(layer);
    if (!lc) this.byLayerComponent.set(layer, (lc = new Map()));
    lc.set(component, (lc.get(component) ?? 0) + energyJ);
    const lo = `${layer}|${group}`;
    this.byLayerOperation.set(lo, (this.byLayerOperation.get(lo) ?? 0) + energyJ);
    this.totalJ += energyJ;
  }

  /**
   * Books a stage; returns its latency for the step's vectors without pipelining. Stages with
   * the same `parallelKey` as the stage booked just before run concurrently (Q, K and V
   * projections read the same input; so do the FFN gate and up projections): only the part
   * longer than the running stage adds time. Throws when the fill time, the interval or the
   * vector count is not finite or is negative.
   */
  stage(group: OperationGroup, timing: StageTiming, vectors: number, parallelKey?: string, layer?: string): number {
    const bad =
      problem('fill time', timing.fillS, 's') ??
      problem('interval', timing.intervalS, 's') ??
      problem('vector count', vectors, 'vectors');
    if (bad) {
      const where = parallelKey === undefined ? '' : ` (parallel group "${parallelKey}")`;
      throw new CostModelError(
        `cost model: stage of operation "${group}"${where} gave a ${bad}; check the parameters of its components`,
      );
    }
    const t = timing.fillS + Math.max(0, vectors - 1) * timing.intervalS;
    const last = this.stages[this.stages.length - 1];
    if (parallelKey !== undefined && this.lastParallelKey === parallelKey && last) {
      const merged = {
        fillS: Math.max(last.fillS, timing.fillS),
        intervalS: Math.max(last.intervalS, timing.intervalS),
      };
      const before = last.fillS + Math.max(0, vectors - 1) * last.intervalS;
      const after = merged.fillS + Math.max(0, vectors - 1) * merged.intervalS;
      this.stages[this.stages.length - 1] = merged;
      this.latencyByOperation.set(group, (this.latencyByOperation.get(group) ?? 0) + (after - before));
      if (layer !== undefined) this.latencyByLayer.set(layer, (this.latencyByLayer.get(layer) ?? 0) + (after - before));
      return t;
    }
    this.stages.push(timing);
    this.lastParallelKey = parallelKey;
    this.latencyByOperation.set(group, (this.latencyByOperation.get(group) ?? 0) + t);
    if (layer !== undefined) this.latencyByLayer.set(layer, (this.latencyByLayer.get(layer) ?? 0) + t);
    return t;
  }

  private lastParallelKey: string | undefined;

  /**
   * Step latency with layer pipelining: one vector's path through every stage, plus one
   * interval of the slowest stage for each further vector of the step.
   */
  stepLatencyS(vectors: number): number {
    let fill = 0;
    let slowest = 0;
    for (const s of this.stages) {
      fill += s.fillS;
      slowest = Math.max(slowest, s.intervalS);
    }
    return fill + Math.max(0, vectors - 1) * slowest;
  }
}
