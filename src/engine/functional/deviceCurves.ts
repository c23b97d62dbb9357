/**
 * Characteristic curves of a device model, for `aimc device MODEL [--json | --csv]`, in the spirit
 * of aihwkit's plotting utilities (utils/visualization.py: plot_device_compact, drift and noise
 * plots): conductance against time under drift, programming σ against target conductance, and
 * read-noise σ against time. Expected values come from the model's own formulas (no sampling), so
 * the curves are exact and cheap.
 */
import { createDevice } from '../devices/index';
import type { DeviceCurves } from '../../shared/functionalResult';
import { resolveNonidealities, type NonidealitySettings } from './settings';

export interface DeviceCurveOptions {
  /** RRAM levels when `nonidealities.rram.levels` is unset: 2^bitsPerCell (config default 4). */
  readonly bitsPerCell?: number;
  /** Times after programming, in s. Default: 10^(k/4) for k = 0…30, 1 s to about a year. */
  readonly timesS?: readonly number[];
  /** Points of the programming curve, from 0 to g_max. */
  readonly programmingPoints?: number;
}

const DEFAULT_TIMES_S = Array.from({ length: 31 }, (_, k) => 10 ** (k / 4));
/** Fractions of g_max for the drift and read-noise series. */
const SERIES_FRACTIONS = [0.1, 0.25, 0.5, 0.75, 1];

export function deviceCurves(
  device: string,
  nonidealities: NonidealitySettings = resolveNonidealities(),
  options: DeviceCurveOptions = {},
): DeviceCurves {
  const n = nonidealities;
  const effects = { programmingNoise: n.programmingNoise, drift: n.drift, readNoise: n.readNoise };
  const model = createDevice(device, n.devices, { bitsPerCell: options.bitsPerCell ?? 4 }, effects);
  const times = options.timesS ?? DEFAULT_TIMES_S;
  const points = Math.max(2, options.programmingPoints ?? 26);
  const span = model.gMaxUs - model.gMinUs;
  const targets = SERIES_FRACTIONS.map((f) => model.gMinUs + f * span);
  return {
    device,
    gMinUs: model.gMinUs,
    gMaxUs: model.gMaxUs,
    parameters: model.parameters,
    drift: targets.map((g) => ({
      gTargetUs: g,
      points: times.map((t) => ({ tS: t, gUs: model.medianConductanceUs(g, t) })),
    })),
    programming: Array.from({ length: points }, (_, i) => {
      const g = model.gMinUs + (i / (points - 1)) * span;
      return { gTargetUs: g, sigmaUs: model.programmingSigmaUs(g) };
    }),
    readNoise: targets.map((g) => ({
      gProgrammedUs: g,
      points: times.map((t) => ({ tS: t, sigmaUs: model.readNoiseSigmaUs(g, t) })),
    })),
  };
}

export function formatDeviceCurvesJson(curves: DeviceCurves): string {
  return JSON.stringify(curves, null, 2);
}

/**
 * One long table, so all three curves fit one CSV: curve, the series it belongs to (a target or
 * programmed conductance), x with its unit, y with its unit.
 */
export function formatDeviceCurvesCsv(curves: DeviceCurves): string {
  const lines = ['curve,series_g_us,x,x_unit,y,y_unit'];
  const num = (v: number) => (Number.isFinite(v) ? String(v) : '');
  for (const s of curves.drift)
    for (const p of s.points) lines.push(`drift,${num(s.gTargetUs)},${num(p.tS)},s,${num(p.gUs)},uS`);
  for (const p of curves.programming) lines.push(`programming_sigma,,${num(p.gTargetUs)},uS,${num(p.sigmaUs)},uS`);
  for (const s of curves.readNoise)
    for (const p of s.points)
      lines.push(`read_noise_sigma,${num(s.gProgrammedUs)},${num(p.tS)},s,${num(p.sigmaUs)},uS`);
  return `${lines.join('\n')}\n`;
}
