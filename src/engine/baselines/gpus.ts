/**
 * GPU datasheet figures: dense FP16/BF16 tensor throughput (no sparsity), memory bandwidth, memory
 * type and board power. The power model's constants are in power.ts.
 */
import type { GpuId } from '../../shared/gpuIds';

/** The DRAM a GPU's memory bandwidth comes from; it sets the energy per bit moved (power.ts). */
export type MemoryType = 'lpddr4' | 'lpddr5' | 'gddr6x' | 'hbm2e' | 'hbm3' | 'hbm3e';

export interface GpuSpec {
  readonly id: string;
  readonly name: string;
  readonly fp16Flops: number;
  readonly memoryBandwidthBytesPerS: number;
  readonly memoryBytes: number;
  readonly memoryType: MemoryType;
  readonly boardPowerW: number;
  readonly source: string;
}

export const GPUS = {
  'jetson-nano': {
    id: 'jetson-nano',
    name: 'NVIDIA Jetson Nano',
    fp16Flops: 0.472e12,
    memoryBandwidthBytesPerS: 25.6e9,
    memoryBytes: 4 * 2 ** 30,
    memoryType: 'lpddr4',
    boardPowerW: 10,
    source: 'NVIDIA Jetson Nano module datasheet: 472 GFLOPS FP16, 25.6 GB/s LPDDR4, 10 W mode',
  },
  'jetson-agx-orin': {
    id: 'jetson-agx-orin',
    name: 'NVIDIA Jetson AGX Orin 64GB',
    fp16Flops: 42.5e12,
    memoryBandwidthBytesPerS: 204.8e9,
    memoryBytes: 64 * 2 ** 30,
    memoryType: 'lpddr5',
    boardPowerW: 60,
    source:
      'NVIDIA Jetson AGX Orin datasheet: GPU 170 sparse INT8 TOPS → 85 dense INT8 → 42.5 dense FP16 TFLOPS; 204.8 GB/s; 60 W max mode',
  },
  'rtx-4090': {
    id: 'rtx-4090',
    name: 'NVIDIA GeForce RTX 4090',
    fp16Flops: 165.2e12,
    memoryBandwidthBytesPerS: 1008e9,
    memoryBytes: 24 * 2 ** 30,
    memoryType: 'gddr6x',
    boardPowerW: 450,
    source:
      'NVIDIA Ada Lovelace architecture whitepaper: 165.2 dense FP16 tensor TFLOPS (FP32 accumulate), 1008 GB/s, 450 W TGP',
  },
  a100: {
    id: 'a100',
    name: 'NVIDIA A100 SXM 80GB',
    fp16Flops: 312e12,
    memoryBandwidthBytesPerS: 2039e9,
    memoryBytes: 80 * 2 ** 30,
    memoryType: 'hbm2e',
    boardPowerW: 400,
    source: 'NVIDIA A100 datasheet: 312 dense FP16 tensor TFLOPS, 2039 GB/s HBM2e, 400 W',
  },
  h100: {
    id: 'h100',
    name: 'NVIDIA H100 SXM',
    fp16Flops: 989e12,
    memoryBandwidthBytesPerS: 3350e9,
    memoryBytes: 80 * 2 ** 30,
    memoryType: 'hbm3',
    boardPowerW: 700,
    source: 'NVIDIA H100 datasheet: 989 dense FP16 tensor TFLOPS, 3.35 TB/s HBM3, 700 W',
  },
  h200: {
    id: 'h200',
    name: 'NVIDIA H200 SXM',
    fp16Flops: 989e12,
    memoryBandwidthBytesPerS: 4800e9,
    memoryBytes: 141e9,
    memoryType: 'hbm3e',
    boardPowerW: 700,
    source: 'NVIDIA H200 datasheet: 989 dense FP16 tensor TFLOPS, 4.8 TB/s HBM3e, 141 GB, 700 W',
  },
} as const satisfies Record<GpuId, GpuSpec>;
