/**
 * Attention-only GPU baselines by the method of Leroux et al. (Nat. Comput. Sci. 5, 813–824, 2025):
 * the attention of one layer for one decode token, all heads, at the design's window, with the
 * GPU's idle power subtracted. Linear projections are left out.
 *
 * - Roofline: each configured GPU reads the token's K and V window once in FP16 (a fused decode
 *   kernel, as FlashAttention's), writes the new K and V, and reads Q and writes the output. The
 *   time per token is that of one sequence; in decode it does not depend on the batch, because each
 *   sequence reads its own KV cache (kernel-launch overhead, which a batch of 64 amortises, is not
 *   modelled). Energy is the power model's bytes and FLOPs without static power, as the paper
 *   subtracts idle power; the static share is reported beside it.
 * - Measured: the authors' own runs, from their repository, where the design's attention has the
 *   shape they measured (12 heads, head dimension 64, 1024 keys).
 */
import type { GpuId } from '../../shared/gpuIds';
import { GPUS } from './gpus';
import { DEFAULT_EFFICIENCY, type Efficiency, gpuEnergy, gpuPower, gpuTime } from './power';

/** The attention of one decode token of one sequence in one layer. */
export interface AttentionShape {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Keys the query attends to (the window, or the context when shorter). */
  readonly keys: number;
}

const FP16_BYTES = 2;

/** Bytes and FLOPs of one token's attention in one layer, FP16. */
export function attentionTraffic(a: AttentionShape): { readonly bytes: number; readonly flops: number } {
  const kvRead = 2 * a.kvHeads * a.keys * a.headDim * FP16_BYTES;
  const kvWrite = 2 * a.kvHeads * a.headDim * FP16_BYTES;
  const queryAndOutput = 2 * a.heads * a.headDim * FP16_BYTES;
  return { bytes: kvRead + kvWrite + queryAndOutput, flops: 4 * a.heads * a.keys * a.headDim };
}

export interface AttentionGpuEstimate {
  readonly gpu: GpuId;
  readonly name: string;
  readonly kind: 'roofline' | 'measured';
  /** Energy without idle power; latency typical (roofline) or measured. */
  readonly perLayerPerToken: { readonly energyJ: number; readonly latencyS: number };
  readonly latencyBoundS?: number;
  readonly staticEnergyJ?: number;
  readonly bound?: 'memory' | 'compute';
  readonly batch?: number;
  readonly reportedSpeedup?: number;
  readonly reportedEnergyRatio?: number;
  readonly method: string;
  readonly source: string;
}

export function attentionMethod(efficiency: Efficiency = DEFAULT_EFFICIENCY): string {
  return `Roofline of one layer's attention for one decode token: FP16 K and V of the window read once, new K and V written; latency at ${Math.round(efficiency.bandwidth * 100)} % of peak bandwidth and ${Math.round(efficiency.flops * 100)} % of peak FLOP/s (bound: at peaks); energy = bytes × energy per byte + FLOPs × energy per FLOP, static power excluded as in Leroux et al. (reported separately). Independent of batch in decode; kernel-launch overhead not modelled.`;
}

export function rooflineAttention(
  id: GpuId,
  a: AttentionShape,
  efficiency: Efficiency = DEFAULT_EFFICIENCY,
): AttentionGpuEstimate {
  const gpu = GPUS[id];
  const t = attentionTraffic(a);
  const time = gpuTime(id, { ...t, devices: 1 }, efficiency);
  const power = gpuPower(id);
  const dynamic = gpuEnergy(power, { ...t, latencyS: time.typicalS, devices: 1 }, false);
  return {
    gpu: id,
    name: gpu.name,
    kind: 'roofline',
    perLayerPerToken: { energyJ: dynamic.totalJ, latencyS: time.typicalS },
    latencyBoundS: time.boundS,
    staticEnergyJ: power.staticW * time.typicalS,
    bound: time.bound,
    method: attentionMethod(efficiency),
    source: `${gpu.source}; ${power.source}`,
  };
}

/** A GPU attention measurement and the attention shape it was taken at. */
export interface MeasuredAttention {
  readonly gpu: GpuId;
  readonly latencyS: number;
  readonly energyJ: number;
  readonly shape: AttentionShape;
  readonly batch: number;
  /** The ratios the paper reports against this GPU (rounded, as published). */
  readonly reportedSpeedup: number;
  readonly reportedEnergyRatio: number;
  readonly source: string;
}

const LEROUX_SHAPE: AttentionShape = { heads: 12, kvHeads: 12, headDim: 64, keys: 1024 };
const LEROUX_REPO = 'github.com/NathanLeroux-git/GainCellAttention (commit 2c49ac0)';

export const MEASURED_METHOD =
  'Measured by Leroux et al.: PyTorch on a 1024-token KV cache, batch 64, 12 heads, head dim 64, 1024 sequential decode steps; time per token = step time ÷ batch; energy = (power − idle power) × time (nvidia-smi, jtop). The repository script (tests_divers/test_speed_energy.py) runs fp32 torch.matmul (flash_attention = False), although the paper names FlashAttention-2.';

/** The authors' measurements (`tests_divers/*.json`, mean_latency_per_token and mean_energy_per_token). */
export const MEASURED_ATTENTION: readonly MeasuredAttention[] = [
  {
    gpu: 'rtx-4090',
    latencyS: 2.2371650629793294e-5,
    energyJ: 7.178261876106262e-3,
    shape: LEROUX_SHAPE,
    batch: 64,
    reportedSpeedup: 300,
    reportedEnergyRatio: 90_000,
    source: `Leroux et al., Nat. Comput. Sci. 5, 813–824 (2025), Fig. 5c,d; ${LEROUX_REPO} tests_divers/nvidia_4090_attention.json`,
  },
  {
    gpu: 'jetson-nano',
    latencyS: 4.888500552624464e-4,
    energyJ: 3.2457683701068163e-3,
    shape: LEROUX_SHAPE,
    batch: 64,
    reportedSpeedup: 7_000,
    reportedEnergyRatio: 40_000,
    source: `Leroux et al., Nat. Comput. Sci. 5, 813–824 (2025), Fig. 5c,d; ${LEROUX_REPO} tests_divers/nvidia_jetson_attention.json`,
  },
];

function sameShape(a: AttentionShape, b: AttentionShape): boolean {
  return a.heads === b.heads && a.kvHeads === b.kvHeads && a.headDim === b.headDim && a.keys === b.keys;
}

/** The authors' measurement of `id`, when it was taken at the shape `a`. */
export function measuredAttention(id: GpuId, a: AttentionShape): AttentionGpuEstimate | undefined {
  const m = MEASURED_ATTENTION.find((x) => x.gpu === id && sameShape(x.shape, a));
  if (!m) return undefined;
  return {
    gpu: id,
    name: GPUS[id].name,
    kind: 'measured',
    perLayerPerToken: { energyJ: m.energyJ, latencyS: m.latencyS },
    batch: m.batch,
    reportedSpeedup: m.reportedSpeedup,
    reportedEnergyRatio: m.reportedEnergyRatio,
    method: MEASURED_METHOD,
    source: m.source,
  };
}

/** For each GPU: its roofline, then the authors' measurement where one matches the shape. */
export function attentionBaselines(
  ids: readonly GpuId[],
  a: AttentionShape,
  efficiency: Efficiency = DEFAULT_EFFICIENCY,
): AttentionGpuEstimate[] {
  return ids.flatMap((id) => {
    const m = measuredAttention(id, a);
    return m ? [rooflineAttention(id, a, efficiency), m] : [rooflineAttention(id, a, efficiency)];
  });
}
