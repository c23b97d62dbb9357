import { defineComponent } from './types';

/**
 * On-chip interconnect moving activations between tiles, and chip-to-chip links when a design
 * spans several chips.
 */
export const interconnectSpec = defineComponent({
  id: 'interconnect',
  name: 'Interconnect',
  description: 'Wires and network-on-chip between arrays, and links between chips.',
  parameters: {
    energy_per_bit_mm_j: {
      unit: 'J',
      default: 0.1e-12,
      minimum: 0,
      description: 'Energy to move one bit over one millimetre of on-chip wire.',
      source:
        'Keckler, Dally et al., "GPUs and the future of parallel computing", IEEE Micro 2011: ~0.1 pJ/bit/mm on-chip',
    },
    chip_link_energy_per_bit_j: {
      unit: 'J',
      default: 1e-12,
      minimum: 0,
      description: 'Energy to move one bit between chips (short-reach SerDes).',
      source:
        'Order of 1 pJ/bit for short-reach chip-to-chip links (Dally et al., "Hardware-enabled AI", 2020 survey figures)',
    },
    latency_per_mm_s: {
      unit: 's',
      default: 0.1e-9,
      minimum: 0,
      description: 'Signal delay over one millimetre of repeated wire (pipelined NoC hop).',
      source: 'Assumption: one 1 GHz cycle per 10 mm of repeated global wire, rounded up to 0.1 ns/mm',
    },
  },
});
