import { scaleAreaUm2, scaleEnergyJ } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/**
 * Gain-cell attention arrays (Leroux et al., Nature Computational Science 5, 813–824, 2025).
 * The paper reports per head per token, for a 1024-token window and head dimension 64:
 * Φ(Q·Kᵀ) 1120 pJ, Φ(S)·V 700 pJ, DAC 330 pJ, digital and routing 4 nJ (total 6.15 nJ), and
 * 65 ns attention latency per token (authors' utils/plot_energy.py). The per-unit defaults below
 * divide those totals by the counts they cover (1024 × 64 MACs; 16 sub-tiles × 64 outputs), so
 * they reproduce the paper at its configuration and scale with window and head dimension.
 * The paper's circuits were simulated with a 28 nm PDK: energies scale to the design's node with
 * the node ratio and areas with its square (scaling.ts), from `reference_node_nm`.
 *
 * Organisation (the paper's): a head's window is cut into sub-tiles of `attention.array` tokens,
 * each with its own K and V arrays. The query is broadcast to every K sub-tile at once, each K
 * sub-tile's pulses drive its own V sub-tile, and the sub-tile outputs are summed by a digital
 * adder tree. With `parallel_subtiles` set below the number of sub-tiles, the sub-tiles run in
 * ⌈sub-tiles / parallel_subtiles⌉ rounds, each taking both pulse windows.
 */
const PAPER_MACS = 1024 * 64;
const PAPER_SUBTILE_OUTPUTS = 16 * 64;

export const gainCellSpec = defineComponent({
  id: 'gain_cell',
  name: 'Gain-cell attention array',
  description: 'Capacitor-based cells holding K and V; Q·Kᵀ and φ(S)·V are computed in place.',
  parameters: {
    qk_energy_per_mac_j: {
      unit: 'J',
      default: 1120e-12 / PAPER_MACS,
      minimum: 0,
      description:
        'Energy per multiply-accumulate of the Q·Kᵀ stage, including the charge-to-pulse (HardSigmoid) readout.',
      source: 'Leroux et al. 2025: Φ(Q·Kᵀ) 1120 pJ per head per token over 1024 × 64 MACs',
    },
    av_energy_per_mac_j: {
      unit: 'J',
      default: 700e-12 / PAPER_MACS,
      minimum: 0,
      description: 'Energy per multiply-accumulate of the φ(S)·V stage.',
      source: 'Leroux et al. 2025: Φ(S)·V 700 pJ per head per token over 1024 × 64 MACs',
    },
    subtile_output_energy_j: {
      unit: 'J',
      default: 4e-9 / PAPER_SUBTILE_OUTPUTS,
      minimum: 0,
      description:
        'Digital readout of one sub-tile output (counter), its accumulation across sub-tiles, control and routing.',
      source: 'Leroux et al. 2025: digital and routing 4 nJ per head per token over 16 sub-tiles × 64 outputs',
    },
    write_energy_per_cell_j: {
      unit: 'J',
      default: 0,
      minimum: 0,
      description:
        'Energy to write one K or V value into a cell. The paper folds writes into its DAC and digital figures, so the default is 0 to avoid counting them twice.',
      source: 'Leroux et al. 2025 report no separate write energy',
    },
    pulse_max_s: {
      unit: 's',
      default: 15e-9,
      minimum: 0,
      description: 'T_max, the longest input pulse; each of the two stages takes one pulse window.',
      source: 'Leroux et al. 2025, Eq. 3: T_max = 15 ns',
    },
    digital_latency_s: {
      unit: 's',
      default: 35e-9,
      minimum: 0,
      description:
        'Digital readout, sub-tile accumulation and control after the two analog stages, at 16 sub-tiles; each doubling of the sub-tiles adds one adder level (one clock), each halving removes one.',
      source:
        'Leroux et al. 2025: 65 ns per token minus the two 15 ns pulse windows; consistent with 4 nJ at the reported 113.7 mW digital power (35.2 ns)',
    },
    cell_area_um2: {
      unit: 'um2',
      default: (15.7e-3 * 1e6) / (2 * PAPER_MACS),
      minimum: 0,
      description: 'Area of one gain cell inside an array (K or V).',
      source:
        'Leroux et al. 2025: KV arrays of one GPT-2 head 15.7×10⁻³ mm² for 2 × 1024 × 64 cells (check against the paper)',
    },
    periphery_area_per_head_um2: {
      unit: 'um2',
      default: 0.5e6 - 15.7e3,
      minimum: 0,
      description: 'Digital control, charge-to-pulse circuits, counters and adders of one head.',
      source: 'Leroux et al. 2025: about 0.5 mm² per head including digital control (check against the paper)',
    },
    reference_node_nm: {
      unit: 'nm',
      default: 28,
      minimum: 1,
      description:
        'Node the energy and area figures above are given at; they are scaled to the design node. Set it to the design node to use them as given.',
      source: 'Leroux et al. 2025, Methods: SPICE simulations with the TSMC 28 nm PDK',
    },
    parallel_subtiles: {
      unit: 'sub-tiles',
      default: null,
      minimum: 1,
      description:
        'Sub-tiles of one head that compute at once. Default: all of them (each has its own K and V arrays, as in the paper); fewer run in sequential rounds.',
      source: 'Leroux et al. 2025, Fig. 3a and Methods "Sub-tiling": 16 sub-tiles per head, all in parallel',
    },
    refresh_energy_per_value_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description:
        'Energy to refresh one stored K or V value, once per `attention.refresh_s`. Default: one write through the attention DAC at the KV resolution, driving one array line.',
      source:
        'Assumption: a refresh reads the value through the array and writes it back with the write DAC (Leroux et al. 2025: 3-bit K/V writes)',
    },
    retention_s: {
      unit: 's',
      default: 5e-3,
      minimum: 0,
      description: 'Retention time constant of a silicon-CMOS gain cell.',
      source: 'Leroux et al. 2025: Si-CMOS gain cells retain for about 5 ms',
    },
  },
});

type Values = ValuesOf<typeof gainCellSpec>;

/** Factor that carries the gain-cell energy figures from their reference node to `nodeNm`. */
export function gainCellEnergyScale(p: Values, nodeNm: number): number {
  return scaleEnergyJ(1, p.reference_node_nm, nodeNm);
}

/** Factor that carries the gain-cell area figures from their reference node to `nodeNm`. */
export function gainCellAreaScale(p: Values, nodeNm: number): number {
  return scaleAreaUm2(1, p.reference_node_nm, nodeNm);
}

/** Sub-tiles the paper's digital latency figure is for (1024 tokens in 64-token sub-tiles). */
const PAPER_SUBTILES = 16;

/**
 * Latency of the two analog stages and the digital read-out of one query on one head, for a
 * window cut into `subtiles` sub-tiles: each round of parallel sub-tiles takes two pulse windows,
 * and the adder tree over the sub-tiles takes one clock per level beyond (or short of) the paper's
 * 16 sub-tiles.
 */
export function gainCellQueryLatencyS(
  p: Values,
  subtiles: number,
  clockHz: number,
): { readonly scoresS: number; readonly valuesS: number; readonly rounds: number } {
  const parallel = p.parallel_subtiles ?? subtiles;
  const rounds = Math.max(1, Math.ceil(subtiles / Math.max(1, parallel)));
  const levels = Math.ceil(Math.log2(Math.max(1, subtiles))) - Math.log2(PAPER_SUBTILES);
  const digitalS = Math.max(0, p.digital_latency_s + levels / clockHz);
  return { scoresS: rounds * p.pulse_max_s, valuesS: rounds * p.pulse_max_s + digitalS, rounds };
}
