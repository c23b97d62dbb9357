import { scaleAreaUm2, scaleEnergyJ } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/** On-chip SRAM buffers holding activations between operations. */
export const sramBufferSpec = defineComponent({
  id: 'sram_buffer',
  name: 'SRAM activation buffer',
  description: 'Holds inputs and outputs of each operation on chip.',
  parameters: {
    energy_per_byte_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description:
        'Energy to read or write one byte. Default: 10 pJ per 64-bit access of an 8 KB SRAM at 45 nm (1.25 pJ/B), scaled to the node.',
      source: 'Horowitz, ISSCC 2014: 8 KB SRAM, 64-bit read 10 pJ at 45 nm',
    },
    area_per_kib_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description:
        'Area per KiB. Default: ISAAC eDRAM buffer is not SRAM; taken from ISAAC output register, 0.00077 mm² per 2 KB at 32 nm, scaled with node².',
      source: 'ISAAC (Shafiee et al., ISCA 2016, Table 6): output register 2 KB, 0.00077 mm²',
    },
    bytes_per_cycle: {
      unit: 'bytes',
      default: 64,
      minimum: 1,
      description: 'Buffer port width: bytes moved per clock cycle.',
      source: "Assumption: one 512-bit port, as in ISAAC's 256-bit-per-cycle bus doubled",
    },
  },
});

export function sramBufferEnergyPerByteJ(p: ValuesOf<typeof sramBufferSpec>, nodeNm: number): number {
  return p.energy_per_byte_j ?? scaleEnergyJ(10e-12 / 8, 45, nodeNm);
}

export function sramBufferAreaPerKibUm2(p: ValuesOf<typeof sramBufferSpec>, nodeNm: number): number {
  return p.area_per_kib_um2 ?? scaleAreaUm2(770 / 2, 32, nodeNm);
}
