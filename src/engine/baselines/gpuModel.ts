/**
 * GPU baseline by roofline: a step takes
 *   max(FLOPs / FP16 tensor FLOP/s, bytes moved / memory bandwidth),
 * with FP16 weights read once per step, the KV cache of the window read once per decode step (once
 * per layer in a tiled prefill), and the new K, V written. At datasheet peaks this is the roofline
 * bound, the fastest the GPU could go; at the achievable fractions of power.ts it is the typical
 * latency. Energy comes from the power model of power.ts (static power × time + energy per byte +
 * energy per FLOP); board power × typical time is kept as the upper bound. When weights and KV
 * cache exceed one GPU's memory, the model is split over the fewest GPUs that hold it (tensor
 * parallel, ideal scaling): time divides by their number, bytes and FLOPs do not.
 */
import type { ModelShape } from '../../shared/modelShape';
import type { Workload } from '../workload/operations';
import { GPUS } from './gpus';
import type { GpuId } from '../../shared/gpuIds';
import { DEFAULT_EFFICIENCY, type Efficiency, gpuEnergy, gpuPower, gpuTime } from './power';

export interface GpuEstimate {
  readonly id: GpuId;
  readonly name: string;
  readonly devices: number;
  /** Which roof limits the typical latency. */
  readonly bound: 'memory' | 'compute';
  /** Power-model energy and typical (achievable) latency. */
  readonly perStep: { readonly energyJ: number; readonly latencyS: number };
  readonly perToken: { readonly energyJ: number; readonly latencyS: number };
  /** Roofline latency per token at datasheet peaks. */
  readonly latencyBoundS: number;
  /** Board power × typical latency, per token. */
  readonly energyUpperBoundJ: number;
  /** The power model's parts, per token. */
  readonly energyPartsJ: { readonly static: number; readonly memory: number; readonly compute: number };
  readonly efficiency: Efficiency;
  readonly flopsPerStep: number;
  readonly bytesPerStep: number;
  readonly method: string;
  readonly source: string;
}

export function gpuMethod(efficiency: Efficiency = DEFAULT_EFFICIENCY): string {
  return `Roofline (FP16 weights and KV cache read once per step) at ${Math.round(efficiency.bandwidth * 100)} % of peak memory bandwidth and ${Math.round(efficiency.flops * 100)} % of peak FP16 tensor FLOP/s (typical) and at datasheet peaks (bound); energy = static power × time + energy per byte (DRAM + on-chip) + energy per FLOP, with board power × time as the upper bound.`;
}

export const GPU_METHOD = gpuMethod();

export function workloadTraffic(
  shape: ModelShape,
  w: Workload,
  parameters: number,
): { flops: number; bytes: number; memoryBytes: number } {
  let flops = 0;
  let kvReadBytes = 0;
  let kvWriteBytes = 0;
  for (const op of w.operations) {
    if (op.kind === 'matrix') flops += 2 * op.inFeatures * op.outFeatures * op.vectors;
    else if (op.kind === 'attention') {
      flops += 4 * op.heads * op.attendedKeys * op.headDim;
      // Decode reads the whole window for its one query; prefill tiles attention (FlashAttention)
      // so each layer's K and V are read about once.
      kvReadBytes +=
        w.mode === 'decode'
          ? 2 * op.kvHeads * op.attendedKeys * op.headDim * 2
          : 2 * op.kvHeads * op.kvWrites * op.headDim * 2;
      kvWriteBytes += 2 * op.kvHeads * op.headDim * op.kvWrites * 2;
    }
  }
  const weightBytes = parameters * 2;
  const kvCacheBytes = 2 * shape.layers * shape.kvHeads * shape.headDim * w.window * w.batch * 2;
  return { flops, bytes: weightBytes + kvReadBytes + kvWriteBytes, memoryBytes: weightBytes + kvCacheBytes };
}

export function estimateGpu(
  id: GpuId,
  shape: ModelShape,
  w: Workload,
  parameters: number,
  efficiency: Efficiency = DEFAULT_EFFICIENCY,
): GpuEstimate {
  const gpu = GPUS[id];
  const t = workloadTraffic(shape, w, parameters);
  const devices = Math.max(1, Math.ceil(t.memoryBytes / gpu.memoryBytes));
  const time = gpuTime(id, { flops: t.flops, bytes: t.bytes, devices }, efficiency);
  const power = gpuPower(id);
  const energy = gpuEnergy(power, { flops: t.flops, bytes: t.bytes, latencyS: time.typicalS, devices });
  const perSequenceTokens = w.mode === 'decode' ? 1 : w.tokensPerStep / w.batch;
  const perToken = (j: number) => j / w.tokensPerStep;
  return {
    id,
    name: gpu.name,
    devices,
    bound: time.bound,
    perStep: { energyJ: energy.totalJ, latencyS: time.typicalS },
    perToken: { energyJ: perToken(energy.totalJ), latencyS: time.typicalS / perSequenceTokens },
    latencyBoundS: time.boundS / perSequenceTokens,
    energyUpperBoundJ: perToken(gpu.boardPowerW * devices * time.typicalS),
    energyPartsJ: {
      static: perToken(energy.staticJ),
      memory: perToken(energy.memoryJ),
      compute: perToken(energy.computeJ),
    },
    efficiency,
    flopsPerStep: t.flops,
    bytesPerStep: t.bytes,
    method: gpuMethod(efficiency),
    source: `${gpu.source}; ${power.source}`,
  };
}
