/**
 * GPU power by components, so that memory-bound work is not charged the board's rated power:
 *
 *   energy = static power × time × GPUs + bytes moved × energy per byte + FLOPs × energy per FLOP
 *
 * - static power: what the board draws while it is up with its clocks raised but doing no work;
 * - energy per byte: DRAM device and interface energy for the GPU's memory type, plus the on-chip
 *   path from the memory controller to the registers (L2, network on chip, L1, register file);
 * - energy per FLOP: the rest of the board's rating spread over its peak tensor throughput.
 *
 * Latency uses achievable fractions of the datasheet peaks ("typical"); the peaks themselves give the
 * roofline bound. Every constant carries its source; "check" marks an estimate. The model leaves out
 * the power a busy chip spends beyond moving bytes and doing arithmetic (clock trees, instruction
 * issue at raised voltage), so it tends low: docs/cost-model.md compares it with two measured RTX
 * 4090 runs. Board power × time stays available as the upper bound.
 */
import type { GpuId } from '../../shared/gpuIds';
import { GPUS, type MemoryType } from './gpus';

export type { MemoryType } from './gpus';

export interface SourcedValue {
  readonly value: number;
  readonly source: string;
  /** True where the figure is an estimate or a secondary reading that should be confirmed. */
  readonly check: boolean;
}

/** DRAM device and interface energy per bit transferred (J/bit), by memory type. */
export const MEMORY_ENERGY_PER_BIT: Readonly<Record<MemoryType, SourcedValue>> = {
  lpddr4: {
    value: 14.0e-12,
    source:
      'H. Ha, Stanford PhD thesis (DramDSE simulation of a 32 Gb LPDDR4 at 3.2 Gb/s per pin): 14.0 pJ/bit, as tabulated in github.com/Dongyunkam/DRAM_info',
    check: true,
  },
  lpddr5: {
    value: 14.0e-12,
    source: 'no LPDDR5 figure found: the LPDDR4 figure (Ha, DramDSE), likely high for LPDDR5',
    check: true,
  },
  gddr6x: {
    value: 7.25e-12,
    source: 'Micron GDDR6X product page and graphics-memory comparison table: 7.25 pJ/bit average device power',
    check: true,
  },
  hbm2e: {
    value: 3.97e-12,
    source:
      'O\'Connor et al., "Fine-Grained DRAM", MICRO 2017, §2: HBM2 3.97 pJ/bit (1.21 row activation + 2.54 on-die data movement + 0.22 I/O); Micron\'s table gives 6.0 pJ/bit for HBM2E',
    check: false,
  },
  hbm3: {
    value: 3.97e-12,
    source: "no HBM3 figure found: the HBM2 figure (O'Connor et al., MICRO 2017)",
    check: true,
  },
  hbm3e: {
    value: 3.97e-12,
    source: "no HBM3e figure found: the HBM2 figure (O'Connor et al., MICRO 2017)",
    check: true,
  },
};

/**
 * On-chip energy per byte from the memory controller to the registers: a 10 mm crossing (64 pJ per
 * 64 bits → 8 pJ/B), two 256-bit accesses to 8 kB SRAM banks, for L2 and L1/shared memory
 * (2 × 50 pJ per 32 B → 3.1 pJ/B), and a register-file write (2 pJ per 64 bits → 0.25 pJ/B).
 */
export const ON_CHIP_ENERGY_PER_BYTE: SourcedValue = {
  value: 8e-12 + (2 * 50e-12) / 32 + 2e-12 / 8,
  source:
    'Keckler, Dally et al., "GPUs and the future of parallel computing", IEEE Micro 31(5) 2011: 28 nm energy budget as tabulated in BMC Bioinformatics 19:2389 (2018), Table 7; not scaled to newer nodes',
  check: true,
};

/** Static power as a share of board power, from the H100's P0 reading (140 W of 700 W). */
const STATIC_SHARE_OF_BOARD_POWER = 140 / 700;

/**
 * Board power while up and clocked with no work (W). The H100's is read from nvidia-smi; the others
 * take the same share of their board power.
 */
export const STATIC_POWER_W: Readonly<Record<GpuId, SourcedValue>> = {
  h100: {
    value: 140,
    source:
      'nvidia-smi on H100 80GB HBM3 at P0, 0 % utilisation, memory allocated: 140–145 W (github.com/wilicc/gpu-burn issue #114)',
    check: true,
  },
  ...(Object.fromEntries(
    (['jetson-nano', 'jetson-agx-orin', 'rtx-4090', 'a100', 'h200'] as const).map((id) => [
      id,
      {
        value: GPUS[id].boardPowerW * STATIC_SHARE_OF_BOARD_POWER,
        source: `${Math.round(STATIC_SHARE_OF_BOARD_POWER * 100)} % of board power, the H100's share at P0 (estimate)`,
        check: true,
      },
    ]),
  ) as Record<Exclude<GpuId, 'h100'>, SourcedValue>),
};

/** Achievable fractions of the datasheet peaks, for the typical latency. */
export interface Efficiency {
  /** Of peak memory bandwidth, 0…1. */
  readonly bandwidth: number;
  /** Of peak FP16 tensor FLOP/s, 0…1. */
  readonly flops: number;
}

export const DEFAULT_EFFICIENCY: Efficiency = { bandwidth: 0.8, flops: 0.7 };

export const EFFICIENCY_SOURCES = {
  bandwidth:
    "0.8 of peak bandwidth: the authors' RTX 4090 attention run implies 0.84 (6 × 3.15 MB of fp32 K/V traffic per token in 22.4 µs, derived), STREAM-like copies reach about 0.9 on HBM GPUs, batch-1 decode in a serving engine less (vLLM on an RTX 4090: about 0.55, github.com/noonghunna/club-3090 issue #697, derived); check",
  flops: '0.7 of peak FP16 tensor FLOP/s: typical of large dense GEMMs (estimate; check)',
} as const;

export interface GpuPower {
  readonly staticW: number;
  /** J per byte between DRAM and the registers (DRAM + on-chip). */
  readonly energyPerByteJ: number;
  readonly energyPerFlopJ: number;
  readonly memoryType: MemoryType;
  readonly source: string;
}

/**
 * The power constants of one GPU. Energy per FLOP is (board power − static power) ÷ peak FP16
 * tensor FLOP/s: a board at full tensor throughput is taken to draw its rating (derived from the
 * datasheet; check).
 */
export function gpuPower(id: GpuId): GpuPower {
  const gpu = GPUS[id];
  const staticW = STATIC_POWER_W[id].value;
  const memory = MEMORY_ENERGY_PER_BIT[gpu.memoryType];
  return {
    staticW,
    energyPerByteJ: 8 * memory.value + ON_CHIP_ENERGY_PER_BYTE.value,
    energyPerFlopJ: (gpu.boardPowerW - staticW) / gpu.fp16Flops,
    memoryType: gpu.memoryType,
    source: `static ${Number(staticW.toPrecision(3))} W (${STATIC_POWER_W[id].source}); ${gpu.memoryType} ${Number((memory.value * 1e12).toPrecision(3))} pJ/bit (${memory.source}); on-chip ${Number((ON_CHIP_ENERGY_PER_BYTE.value * 1e12).toPrecision(3))} pJ/B (Keckler et al. 2011); per FLOP (board − static power) ÷ peak FP16 FLOP/s`,
  };
}

export interface GpuEnergy {
  readonly staticJ: number;
  readonly memoryJ: number;
  readonly computeJ: number;
  readonly totalJ: number;
}

/** Energy of `flops` and `bytes` over `latencyS` on `devices` GPUs; static energy counted when asked. */
export function gpuEnergy(
  power: GpuPower,
  work: { readonly flops: number; readonly bytes: number; readonly latencyS: number; readonly devices: number },
  includeStatic = true,
): GpuEnergy {
  const staticJ = includeStatic ? power.staticW * work.devices * work.latencyS : 0;
  const memoryJ = work.bytes * power.energyPerByteJ;
  const computeJ = work.flops * power.energyPerFlopJ;
  return { staticJ, memoryJ, computeJ, totalJ: staticJ + memoryJ + computeJ };
}

/** Roofline time at peaks ("bound") and at achievable fractions ("typical"), over `devices` GPUs. */
export function gpuTime(
  id: GpuId,
  work: { readonly flops: number; readonly bytes: number; readonly devices: number },
  efficiency: Efficiency = DEFAULT_EFFICIENCY,
): { readonly boundS: number; readonly typicalS: number; readonly bound: 'memory' | 'compute' } {
  const gpu = GPUS[id];
  const computeS = work.flops / (gpu.fp16Flops * work.devices);
  const memoryS = work.bytes / (gpu.memoryBandwidthBytesPerS * work.devices);
  const typicalComputeS = computeS / efficiency.flops;
  const typicalMemoryS = memoryS / efficiency.bandwidth;
  return {
    boundS: Math.max(computeS, memoryS),
    typicalS: Math.max(typicalComputeS, typicalMemoryS),
    bound: typicalMemoryS >= typicalComputeS ? 'memory' : 'compute',
  };
}
