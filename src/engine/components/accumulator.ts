import { scaleAreaUm2, scaleEnergyJ } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/**
 * Shift-and-add and digital accumulation of partial sums (across bit slices, differential
 * pairs, bit-serial input cycles and row blocks). Integer adder energy from Horowitz,
 * ISSCC 2014 (45 nm): 8-bit add 0.03 pJ, 32-bit add 0.1 pJ, i.e. about linear in width.
 */
export const accumulatorSpec = defineComponent({
  id: 'accumulator',
  name: 'Shift-and-add / accumulator',
  description: 'Digital adders that recombine partial sums.',
  parameters: {
    energy_per_add_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description: 'Energy of one addition. Default: 0.1 pJ × (bits/32) at 45 nm, scaled to the node.',
      source: 'Horowitz, "Computing\'s energy problem", ISSCC 2014: 32-bit integer add 0.1 pJ at 45 nm',
    },
    accumulator_bits: {
      unit: 'bits',
      default: 24,
      minimum: 1,
      maximum: 64,
      description: 'Width of the partial-sum accumulator.',
      source: 'Assumption: ADC bits plus log2 of the row blocks and slices, rounded up to a 24-bit register',
    },
    area_per_adder_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description: 'Area of one accumulator. Default: ISAAC shift-and-add unit, 60 µm² at 32 nm, scaled with node².',
      source: 'ISAAC (Shafiee et al., ISCA 2016, Table 6): shift-and-add, 4 per IMA, 0.00024 mm²',
    },
  },
});

export function addEnergyJ(p: ValuesOf<typeof accumulatorSpec>, nodeNm: number): number {
  if (p.energy_per_add_j != null) return p.energy_per_add_j;
  const bits = p.accumulator_bits;
  return scaleEnergyJ(0.1e-12 * (bits / 32), 45, nodeNm);
}

export function adderAreaUm2(p: ValuesOf<typeof accumulatorSpec>, nodeNm: number): number {
  return p.area_per_adder_um2 ?? scaleAreaUm2(240 / 4, 32, nodeNm);
}
