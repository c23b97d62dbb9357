import { scaleAreaUm2 } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/**
 * Column ADC (SAR).
 * Energy per conversion: the Accelergy ADC plug-in's fit to Murmann's ADC survey at 100 MS/s,
 * tabulated at 22 nm and 65 nm, interpolated in bits (log-linear) and in node (log-log).
 * Latency: NeuroSim's SAR model, (log2(levels) + 1) clock cycles (`SarADC.cpp`).
 * Area: ISAAC's 8-bit ADC, 1200 µm² at 32 nm (Shafiee et al., ISCA 2016, Table 6), doubled per
 * extra bit (capacitor array of a SAR grows as 2^bits) and scaled with node².
 */
export const adcSpec = defineComponent({
  id: 'adc',
  name: 'Column ADC (SAR)',
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
    energy_scale: {
      unit: '',
      default: 1,
      minimum: 0,
      description: 'Multiplier applied to the survey-fit energy (e.g. 2 for a design twice as costly as the fit).',
      source: 'Neutral default',
    },
    cycles_per_conversion: {
      unit: 'cycles',
      default: null,
      minimum: 0,
      description: 'Clock cycles per conversion. Default: bits + 1 (SAR: one cycle per bit plus sampling).',
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

export function adcEnergyPerConversionJ(p: ValuesOf<typeof adcSpec>, bits: number, nodeNm: number): number {
  const explicit = p.energy_per_conversion_j;
  const base = explicit ?? adcSurveyEnergyJ(bits, nodeNm);
  return base * p.energy_scale;
}

export function adcConversionLatencyS(p: ValuesOf<typeof adcSpec>, bits: number, clockHz: number): number {
  const cycles = p.cycles_per_conversion ?? bits + 1;
  return cycles / clockHz;
}

export function adcAreaUm2(p: ValuesOf<typeof adcSpec>, bits: number, nodeNm: number): number {
  if (p.area_um2 != null) return p.area_um2;
  return scaleAreaUm2(1200 * Math.pow(2, bits - 8), 32, nodeNm);
}
