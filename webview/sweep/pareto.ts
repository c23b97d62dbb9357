/**
 * Sweep points → scatter data and the Pareto front for a chosen pair of axes. Pure (no DOM).
 * Both axes are costs (energy, latency, error), so the front is the set of points no other point
 * is at least as good as on both and better on one: src/shared/pareto.ts, the same front the
 * CLI's sweep reports mark.
 */
import { paretoFront } from '../../src/shared/pareto';
import type { SweepPointView, SweepView } from '../../src/shared/webviewProtocol';

export type SweepAxes = 'energy-error' | 'latency-error' | 'energy-latency';
export const SWEEP_AXES: readonly SweepAxes[] = ['energy-error', 'latency-error', 'energy-latency'];

export interface AxisDef {
  readonly label: string;
  readonly unit: string;
  readonly of: (p: SweepPointView) => number | null;
}

export function axesOf(axes: SweepAxes, sweep: SweepView): { x: AxisDef; y: AxisDef } {
  const energy: AxisDef = { label: 'Energy / token', unit: 'J', of: (p) => p.energyPerTokenJ };
  const latency: AxisDef = { label: 'Latency / token', unit: 's', of: (p) => p.latencyPerTokenS };
  const error: AxisDef = { label: sweep.error.label, unit: sweep.error.unit, of: (p) => p.error };
  switch (axes) {
    case 'energy-error':
      return { x: error, y: energy };
    case 'latency-error':
      return { x: error, y: latency };
    case 'energy-latency':
      return { x: latency, y: energy };
  }
}

export interface XY {
  readonly x: number;
  readonly y: number;
}

export interface ScatterPoint extends XY {
  readonly id: string;
  readonly label: string;
}

export interface SweepScatter {
  readonly points: readonly ScatterPoint[];
  /** Points on the front, by increasing x (equal points all, in sweep order): drawn as a step line over the scatter. */
  readonly front: readonly ScatterPoint[];
  /** Points left out: failed, or missing a value on an axis (e.g. no error without a functional run). */
  readonly omitted: number;
  readonly x: AxisDef;
  readonly y: AxisDef;
}

/** "rows 128, adc.bits 6": the varied keys' values, in the sweep's key order. */
export function pointLabel(sweep: SweepView, p: SweepPointView): string {
  const parts = sweep.keys.filter((k) => k in p.values).map((k) => `${k} = ${String(p.values[k])}`);
  return parts.length > 0 ? parts.join(', ') : p.id;
}

const usable = (v: number | null): v is number => v !== null && Number.isFinite(v) && v > 0;

export function sweepScatter(sweep: SweepView, axes: SweepAxes): SweepScatter {
  const { x, y } = axesOf(axes, sweep);
  const points: ScatterPoint[] = [];
  for (const p of sweep.points) {
    const px = x.of(p);
    const py = y.of(p);
    // Values must be positive: both axes are drawn on log scales, the only way to show a sweep
    // whose designs differ by orders of magnitude.
    if (p.failure !== null || !usable(px) || !usable(py)) continue;
    points.push({ x: px, y: py, id: p.id, label: pointLabel(sweep, p) });
  }
  const front = paretoFront(points.map((p) => [p.x, p.y] as const)).map((i) => points[i]);
  return { points, front, omitted: sweep.points.length - points.length, x, y };
}

/** Whether any point has an error value: without one, the error axes would be empty. */
export function hasErrors(sweep: SweepView): boolean {
  return sweep.points.some((p) => p.failure === null && usable(p.error));
}
