import { defineComponent } from './types';

/** Off-chip DRAM: weights of digital matrices that do not fit on chip, and digital KV caches. */
export const dramSpec = defineComponent({
  id: 'dram',
  name: 'Off-chip DRAM',
  description: 'Main memory reached when data does not stay on chip.',
  parameters: {
    energy_per_byte_j: {
      unit: 'J',
      default: 20e-12,
      minimum: 0,
      description: 'Energy per byte transferred (interface plus array).',
      source:
        'Order of 10–30 pJ/B for off-chip DRAM behind a modern interface (HBM ≈ 3–4 pJ/bit, i.e. 24–32 pJ/B); 20 pJ/B taken (check). Horowitz (ISSCC 2014) quotes 1.3–2.6 nJ per 64-bit access for 45 nm-era DDR3, 8–16× more',
    },
    bandwidth_bytes_per_s: {
      unit: 'B/s',
      default: 204.8e9,
      minimum: 1,
      description: 'Sustained bandwidth available to the accelerator.',
      source: 'LPDDR5 256-bit at 6400 MT/s = 204.8 GB/s (the memory system of NVIDIA Jetson AGX Orin)',
    },
  },
});
