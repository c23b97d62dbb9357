/**
 * GPU baseline by roofline on datasheet peaks: a step takes
 *   max(FLOPs / peak FP16 tensor FLOP/s, bytes moved / peak memory bandwidth),
 * with FP16 weights read once per step, the KV cache of the window read once per decode step (once
 * per layer in a tiled prefill), and the new K, V written. Peaks are the best a GPU can do, so its latency here is a lower bound and the analog
 * design's speed-up is conservative. Energy = board power × time: the board is taken to draw its
 * rated power while it decodes, an upper bound (measured decode power is lower). When weights and
 * KV cache exceed one GPU's memory, the model is split over the fewest GPUs that hold it (tensor
 * parallel, ideal scaling): time divides by their number, energy does not change.
 */
import type { ModelShape } from '../../shared/modelShape';
import type { Workload } from '../workload/operations';
import { GPUS } from './gpus';
import type { GpuId } from '../../shared/gpuIds';

export interface GpuEstimate {
  readonly id: GpuId;
  readonly name: string;
  readonly devices: number;
  readonly bound: 'memory' | 'compute';
  readonly perStep: { readonly energyJ: number; readonly latencyS: number };
  readonly perToken: { readonly energyJ: number; readonly latencyS: number };
  readonly flopsPerStep: number;
  readonly bytesPerStep: number;
  readonly method: string;
  readonly source: string;
}

export const GPU_METHOD =
  'Roofline on datasheet peak FP16 tensor FLOP/s and memory bandwidth (FP16 weights and KV cache, read once per step); energy = board power × time.';

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

export function estimateGpu(id: GpuId, shape: ModelShape, w: Workload, parameters: number): GpuEstimate {
  const gpu = GPUS[id];
  const t = workloadTraffic(shape, w, parameters);
  const devices = Math.max(1, Math.ceil(t.memoryBytes / gpu.memoryBytes));
  const computeS = t.flops / (gpu.fp16Flops * devices);
  const memoryS = t.bytes / (gpu.memoryBandwidthBytesPerS * devices);
  const latencyS = Math.max(computeS, memoryS);
  const energyJ = gpu.boardPowerW * devices * latencyS;
  const perSequenceTokens = w.mode === 'decode' ? 1 : w.tokensPerStep / w.batch;
  return {
    id,
    name: gpu.name,
    devices,
    bound: memoryS >= computeS ? 'memory' : 'compute',
    perStep: { energyJ, latencyS },
    perToken: { energyJ: energyJ / w.tokensPerStep, latencyS: latencyS / perSequenceTokens },
    flopsPerStep: t.flops,
    bytesPerStep: t.bytes,
    method: GPU_METHOD,
    source: gpu.source,
  };
}
