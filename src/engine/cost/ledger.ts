import type { OperationGroup } from '../workload/operations';

/** Where energy is booked in the breakdown by component. */
export const COST_COMPONENTS = [
  'dac', 'adc', 'crossbar', 'gain_cell', 'accumulator', 'sram_buffer', 'interconnect', 'digital_unit', 'dram',
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

/** Collects energy (joules per step) by component, operation and layer, and stage timings. */
export class Ledger {
  readonly byComponent = new Map<CostComponent, number>();
  readonly byOperation = new Map<OperationGroup, number>();
  readonly byLayer = new Map<string, number>();
  readonly latencyByOperation = new Map<OperationGroup, number>();
  /** Energy by `layer|group`, for per-layer figures of one operation (e.g. attention of layer 0). */
  readonly byLayerOperation = new Map<string, number>();
  readonly byLayerComponent = new Map<string, Map<CostComponent, number>>();
  readonly stages: StageTiming[] = [];
  totalJ = 0;

  add(component: CostComponent, group: OperationGroup, layer: string, energyJ: number): void {
    if (!(energyJ > 0)) return;
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
   * longer than the running stage adds time.
   */
  stage(group: OperationGroup, timing: StageTiming, vectors: number, parallelKey?: string): number {
    const t = timing.fillS + Math.max(0, vectors - 1) * timing.intervalS;
    const last = this.stages[this.stages.length - 1];
    if (parallelKey !== undefined && this.lastParallelKey === parallelKey && last) {
      const merged = { fillS: Math.max(last.fillS, timing.fillS), intervalS: Math.max(last.intervalS, timing.intervalS) };
      const before = last.fillS + Math.max(0, vectors - 1) * last.intervalS;
      const after = merged.fillS + Math.max(0, vectors - 1) * merged.intervalS;
      this.stages[this.stages.length - 1] = merged;
      this.latencyByOperation.set(group, (this.latencyByOperation.get(group) ?? 0) + (after - before));
      return t;
    }
    this.stages.push(timing);
    this.lastParallelKey = parallelKey;
    this.latencyByOperation.set(group, (this.latencyByOperation.get(group) ?? 0) + t);
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
