/**
 * Phase-change memory, after IBM aihwkit's `PCMLikeNoiseModel` (src/aihwkit/inference/noise/pcm.py),
 * fitted on measured devices by Nandakumar et al. (ICECS 2019) and used by Joshi et al. (Nat. Commun.
 * 2020). Formulas carried over; no code.
 *
 *   programming  σ_prog = (c0 + c1·r + c2·r²) · g_max/25 µS,  r = g_T/g_max,  g_prog = max(0, g_T + σ_prog·z)
 *   drift        g_drift = g_prog · (t/t0)^(−ν),  t = t_inf + t0,  ν = |N(μ_ν, σ_ν)| per device,
 *                μ_ν = clip(−0.0155·ln r + 0.0244, 0.049, 0.1),  σ_ν = clip(−0.0125·ln r − 0.0059, 0.008, 0.045)
 *   read (1/f)   g = max(0, g_drift + |g_drift| · Q_s · sqrt(ln((t + t_read)/(2·t_read))) · z),
 *                Q_s = min(0.0088 / max((g_prog/g_max)^0.65, 1e−3), 0.2)
 */
import type { Rng } from '../../functional/rng';
import type { DeviceEffects, DeviceModel } from '../types';

const SRC = 'IBM aihwkit PCMLikeNoiseModel (inference/noise/pcm.py); Nandakumar et al., ICECS 2019';

export const PCM_DEFAULTS = {
  gMaxUs: 25,
  gMinUs: 0,
  /** Programming-noise polynomial, in µS, fitted at g_max = 25 µS. */
  progCoeffs: [0.26348, 1.965, -1.1731] as const,
  progCoeffsGMaxUs: 25,
  t0S: 20,
  tReadS: 250e-9,
  progNoiseScale: 1,
  readNoiseScale: 1,
  driftScale: 1,
} as const;

export interface PcmParams {
  readonly gMaxUs?: number;
  readonly gMinUs?: number;
  readonly t0S?: number;
  readonly tReadS?: number;
  readonly progNoiseScale?: number;
  readonly readNoiseScale?: number;
  readonly driftScale?: number;
}

/** Clip applied by aihwkit before taking logs of relative conductances. */
const ZERO_CLIP = 1e-7;

export function pcmDriftMean(relative: number): number {
  const r = Math.max(Math.abs(relative), ZERO_CLIP);
  return Math.min(Math.max(-0.0155 * Math.log(r) + 0.0244, 0.049), 0.1);
}

export function pcmDriftStd(relative: number): number {
  const r = Math.max(Math.abs(relative), ZERO_CLIP);
  return Math.min(Math.max(-0.0125 * Math.log(r) - 0.0059, 0.008), 0.045);
}

export function pcmReadNoiseQs(programmedRelative: number): number {
  // exp(0.65·ln r) is r^0.65 at half the cost of ** in V8; r = 0 gives exp(−∞) = 0.
  return Math.min(0.0088 / Math.max(Math.exp(0.65 * Math.log(Math.abs(programmedRelative))), 1e-3), 0.2);
}

export function createPcmDevice(params: PcmParams, effects: DeviceEffects): DeviceModel {
  const gMax = params.gMaxUs ?? PCM_DEFAULTS.gMaxUs;
  const gMin = params.gMinUs ?? PCM_DEFAULTS.gMinUs;
  const t0 = params.t0S ?? PCM_DEFAULTS.t0S;
  const tRead = params.tReadS ?? PCM_DEFAULTS.tReadS;
  const progScale = params.progNoiseScale ?? PCM_DEFAULTS.progNoiseScale;
  const readScale = params.readNoiseScale ?? PCM_DEFAULTS.readNoiseScale;
  const driftScale = params.driftScale ?? PCM_DEFAULTS.driftScale;
  const [c0, c1, c2] = PCM_DEFAULTS.progCoeffs;
  // The polynomial is in µS at g_max = 25 µS; aihwkit rescales σ for other g_max.
  const sigmaScale = gMax / PCM_DEFAULTS.progCoeffsGMaxUs;

  const programmingSigmaUs = (g: number): number => {
    const r = g / gMax;
    return (c0 + c1 * r + c2 * r * r) * sigmaScale * progScale;
  };
  const readFactor = (tInferenceS: number): number => {
    const t = tInferenceS + t0;
    return Math.sqrt(Math.log((t + tRead) / (2 * tRead)));
  };
  const driftFactor = (nu: number, tInferenceS: number): number => {
    const t = tInferenceS + t0;
    return t > t0 ? (t / t0) ** -nu : 1;
  };

  return {
    id: 'pcm',
    gMinUs: gMin,
    gMaxUs: gMax,
    parameters: {
      g_max_us: { value: gMax, unit: 'uS', source: SRC },
      g_min_us: { value: gMin, unit: 'uS', source: 'IBM aihwkit SinglePairConductanceConverter: g_min 0 µS' },
      prog_coeff_c0_us: { value: c0, unit: 'uS', source: SRC },
      prog_coeff_c1_us: { value: c1, unit: 'uS', source: SRC },
      prog_coeff_c2_us: { value: c2, unit: 'uS', source: SRC },
      t0_s: { value: t0, unit: 's', source: SRC },
      t_read_s: { value: tRead, unit: 's', source: SRC },
      prog_noise_scale: { value: effects.programmingNoise ? progScale : 0, unit: '', source: SRC },
      drift_scale: { value: effects.drift ? driftScale : 0, unit: '', source: SRC },
      read_noise_scale: { value: effects.readNoise ? readScale : 0, unit: '', source: SRC },
    },

    program(targetUs: Float32Array, rng: Rng): Float32Array {
      const out = new Float32Array(targetUs.length);
      for (let i = 0; i < out.length; i++) {
        const g = targetUs[i];
        out[i] = effects.programmingNoise ? Math.max(0, g + programmingSigmaUs(g) * rng.normal()) : g;
      }
      return out;
    },

    readAt(targetUs: Float32Array, programmedUs: Float32Array, tInferenceS: number, rng: Rng): Float32Array {
      const out = new Float32Array(programmedUs.length);
      const noiseFactor = readFactor(tInferenceS) * readScale;
      const t = tInferenceS + t0;
      const logTime = t > t0 ? Math.log(t / t0) : 0;
      // Targets take few distinct values (one per code), so μ_ν and σ_ν are worth remembering.
      let lastTarget = Number.NaN;
      let mu = 0;
      let sigma = 0;
      for (let i = 0; i < out.length; i++) {
        let g = programmedUs[i];
        if (effects.drift) {
          // ν is drawn from the target conductance, as aihwkit's generate_drift_coefficients does.
          if (targetUs[i] !== lastTarget) {
            lastTarget = targetUs[i];
            mu = pcmDriftMean(lastTarget / gMax);
            sigma = pcmDriftStd(lastTarget / gMax);
          }
          const nu = Math.abs(mu + sigma * rng.normal()) * driftScale;
          g *= Math.exp(-nu * logTime);
        }
        if (effects.readNoise) {
          const qs = pcmReadNoiseQs(programmedUs[i] / gMax);
          g = Math.max(0, g + Math.abs(g) * qs * noiseFactor * rng.normal());
        }
        out[i] = g;
      }
      return out;
    },

    programmingSigmaUs: (g) => (effects.programmingNoise ? programmingSigmaUs(g) : 0),
    medianConductanceUs(targetUs, tInferenceS) {
      if (!effects.drift) return targetUs;
      return targetUs * driftFactor(pcmDriftMean(targetUs / gMax) * driftScale, tInferenceS);
    },
    readNoiseSigmaUs(programmedUs, tInferenceS) {
      if (!effects.readNoise) return 0;
      const drifted = effects.drift
        ? programmedUs * driftFactor(pcmDriftMean(programmedUs / gMax) * driftScale, tInferenceS)
        : programmedUs;
      return Math.abs(drifted) * pcmReadNoiseQs(programmedUs / gMax) * readFactor(tInferenceS) * readScale;
    },
  };
}
