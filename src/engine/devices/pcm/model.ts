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
 *
 * `program` and `readAt` work on whole arrays: the normals come in bulk from the stream, and each
 * runs as one WebAssembly SIMD pass (kernels/pcmCellKernel.ts, with this file's constants) or,
 * without SIMD, in JavaScript with the vector math of kernels/vectorMath.ts (float32, within 10⁻⁷
 * of Math.exp and Math.log). `readAt` draws all drift normals of its cells, then all read
 * normals, so each cell's ν is the same at every inference time.
 */
import type { Rng } from '../../functional/rng';
import { pcmCellKernel, type PcmReadParams } from '../../kernels/pcmCellKernel';
import { vectorMath } from '../../kernels/vectorMath';
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

/** Normals of one program or readAt call, reused across calls (one runs at a time per realm). */
let normalScratch = new Float32Array(0);

/** Clip applied by aihwkit before taking logs of relative conductances. */
const ZERO_CLIP = 1e-7;

/** μ_ν and σ_ν of the drift exponent, linear in ln r and clipped (aihwkit PCMLikeNoiseModel). */
const DRIFT_FIT = {
  muSlope: -0.0155,
  muIntercept: 0.0244,
  muMin: 0.049,
  muMax: 0.1,
  sigmaSlope: -0.0125,
  sigmaIntercept: -0.0059,
  sigmaMin: 0.008,
  sigmaMax: 0.045,
} as const;

/** Q_s = min(numerator / max(r^exponent, floor), max) (aihwkit PCMLikeNoiseModel). */
const READ_FIT = { exponent: 0.65, numerator: 0.0088, floor: 1e-3, max: 0.2 } as const;

export function pcmDriftMean(relative: number): number {
  const r = Math.max(Math.abs(relative), ZERO_CLIP);
  const f = DRIFT_FIT;
  return Math.min(Math.max(f.muSlope * Math.log(r) + f.muIntercept, f.muMin), f.muMax);
}

export function pcmDriftStd(relative: number): number {
  const r = Math.max(Math.abs(relative), ZERO_CLIP);
  const f = DRIFT_FIT;
  return Math.min(Math.max(f.sigmaSlope * Math.log(r) + f.sigmaIntercept, f.sigmaMin), f.sigmaMax);
}

export function pcmReadNoiseQs(programmedRelative: number): number {
  // exp(0.65·ln r) is r^0.65 at half the cost of ** in V8; r = 0 gives exp(−∞) = 0.
  const f = READ_FIT;
  return Math.min(
    f.numerator / Math.max(Math.exp(f.exponent * Math.log(Math.abs(programmedRelative))), f.floor),
    f.max,
  );
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
      if (!effects.programmingNoise) {
        out.set(targetUs);
        return out;
      }
      const kernel = pcmCellKernel();
      if (kernel) {
        if (normalScratch.length < targetUs.length) normalScratch = new Float32Array(2 * targetUs.length);
        const z = normalScratch.subarray(0, targetUs.length);
        rng.fill(z);
        kernel.program(targetUs, z, { gMaxUs: gMax, c0, c1, c2, scale: sigmaScale * progScale }, out);
        return out;
      }
      rng.fill(out);
      for (let i = 0; i < out.length; i++) {
        const g = targetUs[i];
        out[i] = Math.max(0, g + programmingSigmaUs(g) * out[i]);
      }
      return out;
    },

    readAt(targetUs: Float32Array, programmedUs: Float32Array, tInferenceS: number, rng: Rng): Float32Array {
      const n = programmedUs.length;
      const t = tInferenceS + t0;
      const logTime = t > t0 ? Math.log(t / t0) : 0;
      const kernel = pcmCellKernel();
      if (kernel) {
        if (normalScratch.length < 2 * n) normalScratch = new Float32Array(2 * n);
        const driftNormals = effects.drift ? normalScratch.subarray(0, n) : null;
        const readNormals = effects.readNoise ? normalScratch.subarray(n, 2 * n) : null;
        if (driftNormals) rng.fill(driftNormals);
        if (readNormals) rng.fill(readNormals);
        const params: PcmReadParams = {
          gMaxUs: gMax,
          logTime,
          drift: effects.drift ? { scale: driftScale, relativeClip: ZERO_CLIP, ...DRIFT_FIT } : null,
          read: effects.readNoise ? { factor: readFactor(tInferenceS) * readScale, ...READ_FIT } : null,
        };
        const out = new Float32Array(n);
        kernel.readAt(targetUs, programmedUs, driftNormals, readNormals, params, out);
        return out;
      }
      const out = programmedUs.slice();
      const math = vectorMath();
      if (effects.drift) {
        // ν is drawn from the target conductance, as aihwkit's generate_drift_coefficients does:
        // μ_ν and σ_ν from ln r of the target, then ν = |μ_ν + σ_ν·z|, and the factor e^(−ν·ln(t/t0)).
        const factor = new Float32Array(n);
        for (let i = 0; i < n; i++) factor[i] = Math.max(Math.abs(targetUs[i] / gMax), ZERO_CLIP);
        math.log(factor);
        const z = rng.normals(n);
        for (let i = 0; i < n; i++) {
          const lnR = factor[i];
          const mu = Math.min(
            Math.max(DRIFT_FIT.muSlope * lnR + DRIFT_FIT.muIntercept, DRIFT_FIT.muMin),
            DRIFT_FIT.muMax,
          );
          const sigma = Math.min(
            Math.max(DRIFT_FIT.sigmaSlope * lnR + DRIFT_FIT.sigmaIntercept, DRIFT_FIT.sigmaMin),
            DRIFT_FIT.sigmaMax,
          );
          factor[i] = -Math.abs(mu + sigma * z[i]) * driftScale * logTime;
        }
        math.exp(factor);
        for (let i = 0; i < n; i++) out[i] *= factor[i];
      }
      if (effects.readNoise) {
        const noiseFactor = readFactor(tInferenceS) * readScale;
        // (g_prog/g_max)^0.65 as e^(0.65·ln r); r = 0 gives e^(0.65·ln 2⁻¹²⁶) ≈ 0, as aihwkit's 0.
        const power = new Float32Array(n);
        for (let i = 0; i < n; i++) power[i] = Math.abs(programmedUs[i] / gMax);
        math.log(power);
        for (let i = 0; i < n; i++) power[i] *= READ_FIT.exponent;
        math.exp(power);
        const z = rng.normals(n);
        for (let i = 0; i < n; i++) {
          const qs = Math.min(READ_FIT.numerator / Math.max(power[i], READ_FIT.floor), READ_FIT.max);
          const g = out[i];
          out[i] = Math.max(0, g + Math.abs(g) * qs * noiseFactor * z[i]);
        }
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
