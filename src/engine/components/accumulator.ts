import { scaleEnergyJ } from './scaling';
import { cellAreaUm2 } from './standardCells';
import { defineComponent, type ValuesOf } from './types';

/**
 * Shift-and-add and digital accumulation of partial sums (across bit slices, differential
 * pairs, bit-serial input cycles, row groups and row blocks). Integer adder energy from Horowitz,
 * ISSCC 2014 (45 nm): 8-bit add 0.03 pJ, 32-bit add 0.1 pJ, i.e. about linear in width, so an add
 * costs 3.1 fJ per bit of width at 45 nm. The width grows along the sum: the k-th of P partial
 * sums adds into a register of ADC bits + log2(k) bits (`meanAddWidthBits`).
 *
 * Area (`accumulationAreaPerArrayUm2`), per ADC of an array, the stages a partial sum passes
 * (the structure of DNN+NeuroSim V1.4's sub-array and PE: `SubArray.cpp`, `AdderTree.cpp`):
 *   row groups > 1       an accumulator (adder + register) of ADC bits + ⌈log2 groups⌉ bits
 *   bit-serial inputs    a shift-and-add (adder + register), that width + input bits
 *   arrays of a column   an adder tree over the arrays of one column block (row blocks × slices ×
 *   block > 1            polarities), (n − 1) / n adders per array and ADC, each as wide as the
 *                        previous stage + ⌈log2 n⌉ bits
 * One bit of adder is a Nangate 45 nm FA_X1 (4.256 µm²), one bit of register a DFF_X1 (4.522 µm²),
 * scaled with node².
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
      description:
        'Area of one accumulation stage (adder and register, or one adder of the tree), whatever its width. Default: built from bits of adder and register at the stage width.',
      source:
        'Nangate 45 nm Open Cell Library: FA_X1 4.256 µm² (check) and DFF_X1 4.522 µm² per bit, scaled with node²',
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

export interface AccumulationShape {
  /** ADCs of the array. */
  readonly adcs: number;
  readonly adcBits: number;
  /** Row groups read one after another (partial-parallel reads). */
  readonly rowGroups: number;
  /** Input cycles (bits of a bit-serial input; 1 otherwise). */
  readonly inputCycles: number;
  /** Arrays whose partial sums are added per output: row blocks × slices × polarities. */
  readonly arraysPerOutput: number;
}

/** Area of the accumulation stages of one array, µm² (see the module comment). */
export function accumulationAreaPerArrayUm2(
  p: ValuesOf<typeof accumulatorSpec>,
  nodeNm: number,
  s: AccumulationShape,
): number {
  const adderBit = cellAreaUm2('fullAdder', nodeNm);
  const registerBit = cellAreaUm2('flipFlop', nodeNm);
  const stage = (bits: number, withRegister: boolean) =>
    p.area_per_adder_um2 ?? bits * (adderBit + (withRegister ? registerBit : 0));
  let width = s.adcBits;
  let perAdc = 0;
  if (s.rowGroups > 1) {
    width += Math.ceil(Math.log2(s.rowGroups));
    perAdc += stage(width, true);
  }
  if (s.inputCycles > 1) {
    width += s.inputCycles;
    perAdc += stage(width, true);
  }
  const n = s.arraysPerOutput;
  if (n > 1) perAdc += ((n - 1) / n) * stage(width + Math.ceil(Math.log2(n)), false);
  return s.adcs * perAdc;
}
