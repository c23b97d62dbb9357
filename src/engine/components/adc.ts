import { scaleAreaUm2, scaleEnergyJ } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/**
 * Column ADC, of one of three kinds (`weights.adc.type`):
 *
 *   sar    successive approximation: one comparator decision per bit. Energy per conversion: the
 *          Accelergy ADC plug-in's fit to Murmann's ADC survey at 100 MS/s, tabulated at 22 nm and
 *          65 nm, interpolated in bits (log-linear) and node (log-log): nearly flat at 4–6 bits,
 *          where the comparator and logic dominate, then ~×2 per bit. Latency: (bits + 1) clocks
 *          (NeuroSim `SarADC.cpp`).
 *   flash  2^bits − 1 comparators decide at once: E = (2^bits − 1) · E_comparator, so energy
 *          doubles per bit. Latency: one clock.
 *   mlsa   multi-level current sense amplifier (NeuroSim's default read-out): 2^bits − 1
 *          reference levels, each a small current-mode sense-amplifier decision next to the
 *          array, E = (2^bits − 1) · E_sense. Latency: one clock.
 *
 * E_comparator = 27 fJ at 32 nm: a measured 6-bit 5 GS/s flash ADC (32 nm, 1.70 pJ per sample, VLSI
 * 2013, Murmann survey) over its 63 comparators, scaled to the node. A column sense amplifier is
 * far smaller and slower than a stand-alone high-speed comparator: E_sense = 2.2 fJ at 22 nm is
 * calibrated to DNN+NeuroSim V1.4 (RRAM, 4-bit MLSA: 32.4 fJ per conversion over 15 levels;
 * test/validation/neurosim/), so that configuration is a calibration, not a validation.
 * Area: ISAAC's 8-bit ADC, 1200 µm² at 32 nm (Shafiee et al., ISCA 2016, Table 6), ×2 per bit
 * (a SAR's capacitor array and a flash's comparator bank both grow as 2^bits), scaled with node².
 */
export const adcSpec = defineComponent({
  id: 'adc',
  name: 'Column ADC',
  description: 'Digitises crossbar column currents. Shared by `weights.adc.columns_per_adc` columns.',
  parameters: {
    energy_per_conversion_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description: 'Energy of one conversion. Default: survey fit at the configured bits and node.',
      source:
        'Accelergy ADC plug-in fit to Murmann ADC survey (22 nm: 4 b 0.46 pJ, 6 b 0.53 pJ, 8 b 0.85 pJ, 10 b 1.6 pJ; 65 nm: 3.5, 4.0, 6.5, 12.5 pJ)',
    },
    comparator_energy_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description:
        'Energy of one comparator or sense-amplifier decision (flash and mlsa ADCs). Default: 27 fJ at 32 nm, scaled to the node.',
      source:
        'Derived: 6-bit 5 GS/s flash ADC, 32 nm, 1.70 pJ per sample over 63 comparators (VLSI 2013 #21.3, Murmann ADC survey)',
    },
    sense_energy_per_level_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description:
        'Energy of one reference level of a multi-level sense amplifier (mlsa ADC). Default: 2.2 fJ at 22 nm, scaled to the node.',
      source:
        'Calibrated to DNN+NeuroSim V1.4 at 22 nm (RRAM, 4-bit MLSA, 32 rows read at once): 32.4 fJ per conversion over 15 levels (test/validation/neurosim/)',
    },
    energy_scale: {
      unit: '',
      default: 1,
      minimum: 0,
      description:
        'Multiplier applied to every modelled energy (the SAR survey fit, or the flash or mlsa levels × their per-decision energy, explicit or default); an explicit `energy_per_conversion_j` is used as given.',
      source: 'Neutral default',
    },
    cycles_per_conversion: {
      unit: 'cycles',
      default: null,
      minimum: 0,
      description:
        'Clock cycles per conversion. Default: bits + 1 for a SAR (one cycle per bit plus sampling), 1 for flash and mlsa.',
      source: 'DNN+NeuroSim V1.4 SarADC.cpp: (log2 L + 1) cycles for L levels',
    },
    area_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description: 'Area of one ADC. Default: 1200 µm² at 8 bits and 32 nm, ×2 per extra bit, scaled with node².',
      source: 'ISAAC (Shafiee et al., ISCA 2016): 8-bit ADC, 1.28 GS/s, 2 mW, 1200 µm² at 32 nm',
    },
  },
});

/** Survey-fit table: bits → pJ per conversion. */
const SURVEY_22NM: ReadonlyArray<readonly [number, number]> = [
  [4, 0.46],
  [6, 0.53],
  [8, 0.85],
  [10, 1.6],
];
const SURVEY_65NM: ReadonlyArray<readonly [number, number]> = [
  [4, 3.5],
  [6, 4.0],
  [8, 6.5],
  [10, 12.5],
];

function interpolateBits(table: ReadonlyArray<readonly [number, number]>, bits: number): number {
  const first = table[0];
  const last = table[table.length - 1];
  if (bits <= first[0]) {
    // Below ~4 bits the survey is flat: comparator and logic energy dominate.
    return first[1];
  }
  if (bits >= last[0]) {
    // Past ~10 bits the thermal-noise limit quadruples energy per extra bit in theory; the survey
    // trend line is closer to ×2 per bit, which the last segment already shows (0.85 → 1.6 pJ).
    return last[1] * Math.pow(2, bits - last[0]);
  }
  for (let i = 1; i < table.length; i++) {
    const [b1, e1] = table[i];
    if (bits <= b1) {
      const [b0, e0] = table[i - 1];
      const t = (bits - b0) / (b1 - b0);
      return Math.exp(Math.log(e0) + t * (Math.log(e1) - Math.log(e0)));
    }
  }
  return last[1];
}

/** Survey-fit energy per conversion in joules, for `bits` at `nodeNm`. */
export function adcSurveyEnergyJ(bits: number, nodeNm: number): number {
  const e22 = interpolateBits(SURVEY_22NM, bits);
  const e65 = interpolateBits(SURVEY_65NM, bits);
  const slope = Math.log(e65 / e22) / Math.log(65 / 22);
  return e22 * Math.pow(nodeNm / 22, slope) * 1e-12;
}

export type AdcKind = 'sar' | 'flash' | 'mlsa';

/** Energy of one comparator decision at the node. */
export function comparatorEnergyJ(p: ValuesOf<typeof adcSpec>, nodeNm: number): number {
  return p.comparator_energy_j ?? scaleEnergyJ(27e-15, 32, nodeNm);
}

export function adcEnergyPerConversionJ(
  p: ValuesOf<typeof adcSpec>,
  kind: AdcKind,
  bits: number,
  nodeNm: number,
): number {
  if (p.energy_per_conversion_j != null) return p.energy_per_conversion_j;
  const levels = Math.pow(2, bits) - 1;
  const modelled =
    kind === 'sar'
      ? adcSurveyEnergyJ(bits, nodeNm)
      : kind === 'flash'
        ? levels * comparatorEnergyJ(p, nodeNm)
        : levels * (p.sense_energy_per_level_j ?? scaleEnergyJ(2.2e-15, 22, nodeNm));
  return modelled * p.energy_scale;
}

export function adcConversionLatencyS(
  p: ValuesOf<typeof adcSpec>,
  kind: AdcKind,
  bits: number,
  clockHz: number,
): number {
  const cycles = p.cycles_per_conversion ?? (kind === 'sar' ? bits + 1 : 1);
  return cycles / clockHz;
}

export function adcAreaUm2(p: ValuesOf<typeof adcSpec>, bits: number, nodeNm: number): number {
  if (p.area_um2 != null) return p.area_um2;
  return scaleAreaUm2(1200 * Math.pow(2, bits - 8), 32, nodeNm);
}
