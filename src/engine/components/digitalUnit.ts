import { scaleEnergyJ } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/**
 * Digital datapath: vector units for norms, residual adds and non-linear functions, and the
 * MAC arrays that run matrices kept digital. Energies per operation from Horowitz, ISSCC 2014
 * (45 nm): FP16 add 0.4 pJ, FP16 multiply 1.1 pJ; 8-bit integer add 0.03 pJ, multiply 0.2 pJ.
 */
export const digitalUnitSpec = defineComponent({
  id: 'digital_unit',
  name: 'Digital vector and MAC units',
  description: 'Norms, residuals, activations, softmax, and matrices mapped to digital logic.',
  parameters: {
    fp16_mac_energy_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description: 'Energy of one FP16 multiply-accumulate. Default: 1.1 pJ + 0.4 pJ at 45 nm, scaled to the node.',
      source: 'Horowitz, ISSCC 2014: FP16 mult 1.1 pJ, FP16 add 0.4 pJ (45 nm)',
    },
    int8_mac_energy_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description:
        'Energy of one INT8 multiply-accumulate (32-bit accumulate). Default: 0.2 pJ + 0.1 pJ at 45 nm, scaled.',
      source: 'Horowitz, ISSCC 2014: 8-bit mult 0.2 pJ, 32-bit add 0.1 pJ (45 nm)',
    },
    vector_op_energy_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description:
        'Energy of one elementwise FP16 operation in a vector unit. Default: FP16 add+mult average, 0.75 pJ at 45 nm, scaled.',
      source: 'Horowitz, ISSCC 2014 (45 nm)',
    },
    mac_units: {
      unit: 'MACs/cycle',
      default: 4096,
      minimum: 1,
      description: 'MAC units available to matrices mapped to digital logic.',
      source: 'Assumption: a 64 × 64 systolic array per chip (TPU-style)',
    },
    vector_lanes: {
      unit: 'ops/cycle',
      default: 256,
      minimum: 1,
      description: 'Parallel lanes of the vector unit.',
      source: 'Assumption: 256 FP16 lanes',
    },
    mac_area_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description: 'Area of one FP16 MAC unit. Default: 3000 µm² at 45 nm, scaled with node².',
      source: 'Horowitz, ISSCC 2014 area table: FP16 multiplier 1640 µm², adder 1360 µm² (45 nm)',
    },
  },
});

export function digitalMacEnergyJ(
  p: ValuesOf<typeof digitalUnitSpec>,
  precision: 'fp16' | 'int8',
  nodeNm: number,
): number {
  if (precision === 'fp16') return p.fp16_mac_energy_j ?? scaleEnergyJ(1.5e-12, 45, nodeNm);
  return p.int8_mac_energy_j ?? scaleEnergyJ(0.3e-12, 45, nodeNm);
}

export function vectorOpEnergyJ(p: ValuesOf<typeof digitalUnitSpec>, nodeNm: number): number {
  return p.vector_op_energy_j ?? scaleEnergyJ(0.75e-12, 45, nodeNm);
}

export function macAreaUm2(p: ValuesOf<typeof digitalUnitSpec>, nodeNm: number): number {
  if (p.mac_area_um2 != null) return p.mac_area_um2;
  const r = nodeNm / 45;
  return 3000 * r * r;
}
