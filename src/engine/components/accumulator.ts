import { scaleAreaUm2, scaleEnergyJ } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/**
 * Shift-and-add and digital accumulation of partial sums (across bit slices, differential
 * pairs, bit-serial input cycles, row groups and row blocks). Integer adder energy from Horowitz,
 * ISSCC 2014 (45 nm): 8-bit add 0.03 pJ, 32-bit add 0.1 pJ, i.e. about linear in width, so an add
 * costs 3.1 fJ per bit of width at 45 nm. The width grows along the sum: the k-th of P partial
 * sums adds into a register of ADC bits + log2(k) bits (`meanAddWidthBits`).
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
      description:
        'Energy of one addition. Default: 0.1 pJ × (width/32) at 45 nm, scaled to the node, with the width `accumulator_bits` or the mean width of the sum.',
      source: 'Horowitz, "Computing\'s energy problem", ISSCC 2014: 32-bit integer add 0.1 pJ at 45 nm',
    },
    accumulator_bits: {
      unit: 'bits',
      default: null,
      minimum: 1,
      maximum: 64,
      description:
        'Width of an addition. Default: the mean width along the sum, ADC bits + log2(P!) / (P − 1) for P partial sums (the register grows as partial sums come in).',
      source: 'Derived: the k-th partial sum needs ADC bits + log2(k) bits; averaged over the adds k = 2 … P',
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

/**
 * Mean width of the adds that sum `partials` partial sums of `inputBits` bits each: the k-th add
 * (k = 2 … P) writes a register of inputBits + log2(k) bits, so the mean is inputBits +
 * log2(P!) / (P − 1), summed exactly up to 4,096 partial sums and by Stirling's formula beyond.
 */
export function meanAddWidthBits(inputBits: number, partials: number): number {
  const p = Math.max(1, Math.round(partials));
  if (p === 1) return inputBits;
  let log2Factorial = 0;
  if (p <= 4096) for (let k = 2; k <= p; k++) log2Factorial += Math.log2(k);
  else log2Factorial = (p * Math.log(p) - p + 0.5 * Math.log(2 * Math.PI * p)) / Math.LN2;
  return inputBits + log2Factorial / (p - 1);
}

/** Energy of one add of `widthBits` (the component's `accumulator_bits` when set). */
export function addEnergyJ(p: ValuesOf<typeof accumulatorSpec>, nodeNm: number, widthBits = 32): number {
  if (p.energy_per_add_j != null) return p.energy_per_add_j;
  const bits = p.accumulator_bits ?? widthBits;
  return scaleEnergyJ(0.1e-12 * (bits / 32), 45, nodeNm);
}

export function adderAreaUm2(p: ValuesOf<typeof accumulatorSpec>, nodeNm: number): number {
  return p.area_per_adder_um2 ?? scaleAreaUm2(240 / 4, 32, nodeNm);
}
