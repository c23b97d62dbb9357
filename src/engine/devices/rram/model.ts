/**
 * Resistive RAM with a finite number of conductance levels between 1/R_off and 1/R_on and a
 * Gaussian programming variation. Defaults are DNN+NeuroSim V1.4's device (Param.cpp: R_on 100 kΩ,
 * R_off 1.7 MΩ, so an on/off ratio of 17) and NeuroSim's cycle-to-cycle write variation
 * (Cell.cpp, RealDevice: sigmaCtoC = 0.035 · (maxConductance − minConductance)).
 *
 *   g_level = g_min + round((g_T − g_min)/(g_max − g_min) · (levels − 1)) / (levels − 1) · (g_max − g_min)
 *   g_prog  = max(0, g_level + σ·(g_max − g_min)·z)
 *
 * No drift and no read noise: NeuroSim's inference model has neither, and RRAM retention loss is
 * slow next to PCM drift. A weight code finer than the device's levels is snapped to the nearest
 * level, which is what storing an 8-bit code in a 4-bit cell does.
 */
import type { Rng } from '../../functional/rng';
import type { DeviceEffects, DeviceModel } from '../types';

export const RRAM_DEFAULTS = {
  rOnOhm: 100e3,
  rOffOhm: 1.7e6,
  levels: 16,
  programmingSigma: 0.035,
} as const;

export interface RramParams {
  readonly rOnOhm?: number;
  readonly rOffOhm?: number;
  /** Distinct conductance levels; defaults to 2^bits_per_cell where the caller knows it. */
  readonly levels?: number;
  /** Programming standard deviation as a fraction of g_max − g_min. */
  readonly programmingSigma?: number;
}

export function createRramDevice(params: RramParams, effects: DeviceEffects): DeviceModel {
  const rOn = params.rOnOhm ?? RRAM_DEFAULTS.rOnOhm;
  const rOff = params.rOffOhm ?? RRAM_DEFAULTS.rOffOhm;
  if (!(rOff > rOn && rOn > 0)) throw new RangeError(`RRAM needs 0 < R_on < R_off, got R_on ${rOn} Ω, R_off ${rOff} Ω`);
  const levels = params.levels ?? RRAM_DEFAULTS.levels;
  if (!Number.isInteger(levels) || levels < 2)
    throw new RangeError(`RRAM levels must be an integer ≥ 2, got ${levels}`);
  const sigmaFraction = params.programmingSigma ?? RRAM_DEFAULTS.programmingSigma;
  const gMax = 1e6 / rOn;
  const gMin = 1e6 / rOff;
  const range = gMax - gMin;
  const sigmaUs = effects.programmingNoise ? sigmaFraction * range : 0;

  const snap = (g: number): number => {
    const level = Math.round(((g - gMin) / range) * (levels - 1));
    return gMin + (Math.min(Math.max(level, 0), levels - 1) / (levels - 1)) * range;
  };

  return {
    id: 'rram',
    gMinUs: gMin,
    gMaxUs: gMax,
    parameters: {
      r_on_ohm: { value: rOn, unit: 'ohm', source: 'DNN+NeuroSim V1.4 Param.cpp: resistanceOn 100 kΩ' },
      r_off_ohm: { value: rOff, unit: 'ohm', source: 'DNN+NeuroSim V1.4 Param.cpp: resistanceOff 1.7 MΩ' },
      on_off_ratio: { value: rOff / rOn, unit: '', source: 'R_off / R_on' },
      levels: { value: levels, unit: 'levels', source: '2^bits_per_cell unless set' },
      programming_sigma: {
        value: effects.programmingNoise ? sigmaFraction : 0,
        unit: 'of g_max − g_min',
        source: 'NeuroSim Cell.cpp RealDevice: sigmaCtoC = 0.035 · (Gmax − Gmin)',
      },
    },
    program(targetUs: Float32Array, rng: Rng): Float32Array {
      const out = new Float32Array(targetUs.length);
      if (sigmaUs > 0) rng.fill(out);
      for (let i = 0; i < out.length; i++) {
        const g = snap(targetUs[i]);
        out[i] = sigmaUs > 0 ? Math.max(0, g + sigmaUs * out[i]) : g;
      }
      return out;
    },
    readAt: (_targetUs, programmedUs) => programmedUs.slice(),
    programmingSigmaUs: () => sigmaUs,
    medianConductanceUs: (targetUs) => snap(targetUs),
    readNoiseSigmaUs: () => 0,
  };
}
