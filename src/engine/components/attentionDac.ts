import { scaleAreaUm2, scaleEnergyJ } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/**
 * Query DAC of gain-cell attention (pulse-width inputs on the K arrays' rows, and the probability
 * drivers of a softmax design). Kept apart from the crossbar row drivers (rowDriver.ts): it is
 * sized from the attention paper's own figure.
 * Energy per conversion, first order: E = E_ref · (cells/cells_ref) · (bits/bits_ref). The load
 * term is the word-line capacitance, proportional to the cells on the line; the resolution term
 * is the pulse/level generator, one stage per bit. The reference point is Leroux et al. 2025:
 * 330 pJ of DAC energy per head per token for 16 sub-tiles × 64 rows of 4-bit query inputs on
 * 64-cell lines, i.e. 0.322 pJ per conversion, at the paper's 28 nm (`reference_node_nm`), scaled
 * to the design node.
 * Area: ISAAC's 1-bit DAC, 0.00017 mm² for 1024 of them at 32 nm (Shafiee et al., ISCA 2016,
 * Table 6), ×2^(bits−1) unit elements, scaled with node².
 */
export const attentionDacSpec = defineComponent({
  id: 'attention_dac',
  name: 'Attention query DAC',
  description:
    'Drives queries (and, with softmax, probabilities) into the gain-cell arrays as pulse widths. One per array row.',
  parameters: {
    energy_per_conversion_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description:
        'Energy of one conversion including the line it drives. Default: scaled from the reference point by bits and cells on the line.',
      source: 'Derived from Leroux et al. 2025 (330 pJ per head per token over 16 × 64 conversions)',
    },
    reference_energy_j: {
      unit: 'J',
      default: 330e-12 / (16 * 64),
      minimum: 0,
      description: 'Energy of one conversion at the reference point (reference_bits, reference_cells).',
      source: "Leroux et al., Nat. Comput. Sci. 2025; authors' utils/plot_energy.py: DAC 330 pJ per head per token",
    },
    reference_bits: {
      unit: 'bits',
      default: 4,
      minimum: 1,
      description: 'Resolution at the reference point.',
      source: 'Leroux et al. 2025: queries in 16 levels',
    },
    reference_cells: {
      unit: 'cells',
      default: 64,
      minimum: 1,
      description: 'Cells on the driven line at the reference point.',
      source: 'Leroux et al. 2025: 64 × 64 gain-cell sub-arrays',
    },
    reference_node_nm: {
      unit: 'nm',
      default: 28,
      minimum: 1,
      description: 'Node of the reference point; the reference energy is scaled to the design node.',
      source: 'Leroux et al. 2025, Methods: SPICE simulations with the TSMC 28 nm PDK',
    },
    latency_s: {
      unit: 's',
      default: null,
      minimum: 0,
      description: 'Settling time of one conversion. Default: one clock cycle.',
      source: 'Assumption: DAC settles within a cycle (NeuroSim treats the row driver as one cycle)',
    },
    area_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description: 'Area of one DAC. Default: 0.166 µm² per 1-bit DAC at 32 nm, ×2^(bits−1), scaled with node².',
      source: 'ISAAC (Shafiee et al., ISCA 2016): 1024 1-bit DACs in 0.00017 mm² at 32 nm',
    },
  },
});

export function attentionDacEnergyPerConversionJ(
  p: ValuesOf<typeof attentionDacSpec>,
  bits: number,
  cellsOnLine: number,
  nodeNm: number,
): number {
  if (p.energy_per_conversion_j != null) return p.energy_per_conversion_j;
  const refE = scaleEnergyJ(p.reference_energy_j, p.reference_node_nm, nodeNm);
  const refBits = p.reference_bits;
  const refCells = p.reference_cells;
  return refE * (cellsOnLine / refCells) * (bits / refBits);
}

export function attentionDacLatencyS(p: ValuesOf<typeof attentionDacSpec>, clockHz: number): number {
  return p.latency_s ?? 1 / clockHz;
}

export function attentionDacAreaUm2(p: ValuesOf<typeof attentionDacSpec>, bits: number, nodeNm: number): number {
  if (p.area_um2 != null) return p.area_um2;
  return scaleAreaUm2((0.00017e6 / 1024) * Math.pow(2, bits - 1), 32, nodeNm);
}
