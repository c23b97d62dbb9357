/**
 * The result of a sweep or of one shard of it (`aimc sweep --json`), and the merge of shards into
 * the result an unsharded run gives: the same points in the same order, Pareto fronts recomputed
 * over the union.
 */
import type { SweepValue } from '../../shared/sweep';
import type { ParetoFrontName, SweepPointResult } from '../../shared/sweep';
import { nonDominated } from '../../shared/pareto';
import { sweepPointProblem } from '../../shared/protocol';
import { MAX_SWEEP_POINTS, type Shard, type SweepPlan } from './plan';

export const SWEEP_REPORT_VERSION = 1;

/** What makes two shard outputs parts of the same sweep. */
export interface SweepIdentity {
  /** Design name from the base config (`name:`), else the file name. */
  readonly base: string;
  /** FNV-1a of the base config text: shards of different configs must not merge. */
  readonly baseFingerprint: string;
  readonly axes: ReadonlyArray<{ readonly key: string; readonly values: readonly SweepValue[] }>;
  readonly mode: 'grid' | 'random';
  readonly gridSize: number;
  readonly samples: number | null;
  readonly seed: number;
  readonly pointCount: number;
  /** Name of the functional error figure, null when the sweep reports cost only. */
  readonly errorMetric: string | null;
}

export interface SweepReport {
  readonly schemaVersion: typeof SWEEP_REPORT_VERSION;
  readonly kind: 'aimc-sweep';
  readonly sweep: SweepIdentity;
  /** The shard this output holds; null for a whole sweep (unsharded or merged). */
  readonly shard: Shard | null;
  /** Fronts marked in `points[].pareto`, as [x, y] figure pairs, both minimised. */
  readonly fronts: readonly ParetoFrontName[];
  /** By index, ascending. */
  readonly points: readonly SweepPointResult[];
}

/** Not a sweep output, or outputs that are not shards of one sweep. */
export class SweepMergeError extends Error {
  override readonly name = 'SweepMergeError';
}

/** 32-bit FNV-1a, hex: a fingerprint to tell configs apart, not a security hash. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function sweepIdentity(
  plan: SweepPlan,
  base: { name: string; configText: string },
  errorMetric: string | null,
): SweepIdentity {
  return {
    base: base.name,
    baseFingerprint: fingerprint(base.configText),
    axes: plan.axes.map((a) => ({ key: a.key, values: [...a.values] })),
    mode: plan.mode,
    gridSize: plan.gridSize,
    samples: plan.samples,
    seed: plan.seed,
    pointCount: plan.pointCount,
    errorMetric,
  };
}

type Figure = (p: SweepPointResult) => number;
const energy: Figure = (p) => p.cost?.energyPerTokenJ ?? NaN;
const latency: Figure = (p) => p.cost?.latencyPerTokenS ?? NaN;
const error: Figure = (p) => p.error ?? NaN;

const FRONT_FIGURES: Record<ParetoFrontName, readonly [Figure, Figure]> = {
  'energy-error': [energy, error],
  'latency-error': [latency, error],
  'energy-latency': [energy, latency],
};

/** With an error figure, cost is traded against accuracy; without one, energy against latency. */
export function frontsFor(errorMetric: string | null): ParetoFrontName[] {
  return errorMetric ? ['energy-error', 'latency-error'] : ['energy-latency'];
}

/** Sorts the points by index and marks the fronts over exactly these points. */
export function buildReport(
  sweep: SweepIdentity,
  shard: Shard | null,
  points: readonly SweepPointResult[],
): SweepReport {
  const sorted = [...points].sort((a, b) => a.index - b.index);
  const fronts = frontsFor(sweep.errorMetric);
  const ok = sorted.map((p) => p.status === 'ok');
  const marks = fronts.map((f) => {
    const [x, y] = FRONT_FIGURES[f];
    return nonDominated(sorted.map((p, i) => (ok[i] ? ([x(p), y(p)] as const) : ([NaN, NaN] as const))));
  });
  const marked = sorted.map((p, i) => ({ ...p, pareto: fronts.filter((_, f) => marks[f][i]) }));
  return { schemaVersion: SWEEP_REPORT_VERSION, kind: 'aimc-sweep', sweep, shard, fronts, points: marked };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isWhole = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min;
const FRONTS: readonly ParetoFrontName[] = ['energy-error', 'latency-error', 'energy-latency'];

function show(v: unknown): string {
  if (v === undefined) return 'missing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Why `s` is not the `sweep` part of a report, or null. Checks each field and that they agree. */
function identityProblem(s: unknown): string | null {
  if (!isRecord(s)) return `sweep is ${show(s)}`;
  if (typeof s.base !== 'string') return `sweep.base is ${show(s.base)}`;
  if (typeof s.baseFingerprint !== 'string' || !/^[0-9a-f]{8}$/.test(s.baseFingerprint))
    return `sweep.baseFingerprint is ${show(s.baseFingerprint)}`;
  if (!Array.isArray(s.axes) || s.axes.length === 0) return `sweep.axes is ${show(s.axes)}`;
  let grid = 1;
  const keys = new Set<string>();
  for (const [i, a] of (s.axes as unknown[]).entries()) {
    if (!isRecord(a) || typeof a.key !== 'string' || keys.has(a.key)) return `sweep.axes[${i}] is ${show(a)}`;
    keys.add(a.key);
    const values = a.values;
    if (!Array.isArray(values) || values.length === 0) return `sweep.axes[${i}].values is ${show(values)}`;
    if (values.some((v) => typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean'))
      return `sweep.axes[${i}].values holds something other than numbers, text and true/false`;
    grid *= values.length;
  }
  if (s.mode !== 'grid' && s.mode !== 'random') return `sweep.mode is ${show(s.mode)}`;
  if (!isWhole(s.gridSize, 1) || s.gridSize !== grid)
    return `sweep.gridSize is ${show(s.gridSize)}, but the axes give ${grid}`;
  if (!isWhole(s.seed, 0)) return `sweep.seed is ${show(s.seed)}`;
  if (!isWhole(s.pointCount, 1) || s.pointCount > MAX_SWEEP_POINTS)
    return `sweep.pointCount is ${show(s.pointCount)}, not a whole number from 1 to ${MAX_SWEEP_POINTS}`;
  if (s.mode === 'grid') {
    if (s.samples !== null) return `sweep.samples is ${show(s.samples)} in a grid sweep`;
    if (s.pointCount !== grid) return `sweep.pointCount is ${s.pointCount}, but the grid has ${grid} points`;
  } else {
    if (!isWhole(s.samples, 1) || s.samples > MAX_SWEEP_POINTS) return `sweep.samples is ${show(s.samples)}`;
    if (s.pointCount !== Math.min(s.samples, grid))
      return `sweep.pointCount is ${s.pointCount}, but ${s.samples} samples of ${grid} points give ${Math.min(s.samples, grid)}`;
  }
  if (s.errorMetric !== null && typeof s.errorMetric !== 'string') return `sweep.errorMetric is ${show(s.errorMetric)}`;
  return null;
}

/** Why point `p` of a report of `sweep` (and `shard`) is not one of its points, or null; `axisValues` are the sweep's axes' values as sets. */
function pointProblem(
  p: unknown,
  sweep: SweepIdentity,
  shard: Shard | null,
  axisValues: ReadonlyArray<ReadonlySet<SweepValue>>,
): string | null {
  const basic = sweepPointProblem(p);
  if (basic) return basic;
  const point = p as SweepPointResult;
  if (point.index >= sweep.pointCount)
    return `its index ${point.index} is outside the sweep's ${sweep.pointCount} points`;
  if (shard && point.index % shard.count !== shard.index)
    return `its index ${point.index} is not one of shard ${shard.index}/${shard.count}`;
  const keys = Object.keys(point.values);
  if (keys.length !== sweep.axes.length)
    return `it has values for ${keys.length} keys, not the sweep's ${sweep.axes.length}`;
  for (const [i, a] of sweep.axes.entries()) {
    if (!Object.hasOwn(point.values, a.key)) return `it has no value for ${a.key}`;
    if (!axisValues[i].has(point.values[a.key]))
      return `its ${a.key} is ${show(point.values[a.key])}, not one of the axis's values`;
  }
  if (sweep.errorMetric === null && point.error !== null) return 'it has an error figure, but the sweep has none';
  if (sweep.errorMetric !== null && point.status === 'ok' && point.error === null)
    return 'it is ok but has no error figure';
  return null;
}

/**
 * Checks that `value` (parsed JSON) is a sweep output, field by field, before anything is taken
 * from it; `source` names it in errors, with the first problem found.
 */
export function asSweepReport(value: unknown, source: string): SweepReport {
  const bad = (why: string) => new SweepMergeError(`${source}: not a valid \`aimc sweep --json\` output: ${why}`);
  if (!isRecord(value) || value.kind !== 'aimc-sweep') {
    throw new SweepMergeError(`${source}: not an \`aimc sweep --json\` output`);
  }
  if (value.schemaVersion !== SWEEP_REPORT_VERSION)
    throw new SweepMergeError(
      `${source}: sweep output version ${show(value.schemaVersion)}; this aimc reads version ${SWEEP_REPORT_VERSION}`,
    );
  const identity = identityProblem(value.sweep);
  if (identity) throw bad(identity);
  const sweep = value.sweep as unknown as SweepIdentity;
  const shard = value.shard;
  if (shard !== null) {
    if (!isRecord(shard) || !isWhole(shard.count, 1) || !isWhole(shard.index, 0) || shard.index >= shard.count)
      throw bad(`shard is ${show(shard)}`);
  }
  if (!Array.isArray(value.fronts) || value.fronts.some((f) => !FRONTS.includes(f as ParetoFrontName)))
    throw bad(`fronts is ${show(value.fronts)}`);
  if (!Array.isArray(value.points)) throw bad(`points is ${show(value.points)}`);
  if (value.points.length > sweep.pointCount)
    throw bad(`it has ${value.points.length} points, more than the sweep's ${sweep.pointCount}`);
  const axisValues = sweep.axes.map((a) => new Set(a.values));
  for (const [i, p] of (value.points as unknown[]).entries()) {
    const problem = pointProblem(p, sweep, shard as Shard | null, axisValues);
    if (problem) throw bad(`points[${i}]: ${problem}`);
  }
  return value as unknown as SweepReport;
}

function describeDifference(a: SweepIdentity, b: SweepIdentity): string {
  for (const k of Object.keys(a) as Array<keyof SweepIdentity>) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return k;
  }
  return 'nothing';
}

/**
 * Merges shard outputs (any mix of shards and whole sweeps) of one sweep. Every point must be
 * present; a point given twice must be the same both times (a rerun of a shard).
 */
export function mergeReports(
  inputs: ReadonlyArray<{ readonly source: string; readonly report: SweepReport }>,
): SweepReport {
  if (inputs.length === 0) throw new SweepMergeError('nothing to merge');
  const first = inputs[0];
  const byIndex = new Map<number, { point: SweepPointResult; source: string }>();
  for (const { source, report } of inputs) {
    if (JSON.stringify(report.sweep) !== JSON.stringify(first.report.sweep)) {
      throw new SweepMergeError(
        `${source} is from a different sweep than ${first.source} (they differ in ${describeDifference(first.report.sweep, report.sweep)})`,
      );
    }
    for (const p of report.points) {
      const { pareto: _, ...withoutFronts } = p;
      const seen = byIndex.get(p.index);
      if (seen) {
        const { pareto: __, ...seenWithoutFronts } = seen.point;
        if (JSON.stringify(seenWithoutFronts) !== JSON.stringify(withoutFronts)) {
          throw new SweepMergeError(`point ${p.index} differs between ${seen.source} and ${source}`);
        }
        continue;
      }
      byIndex.set(p.index, { point: { ...withoutFronts, pareto: [] }, source });
    }
  }
  const total = first.report.sweep.pointCount;
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length) {
    const counts = new Set(inputs.map((x) => x.report.shard?.count).filter((c) => c !== undefined));
    const hint =
      counts.size === 1
        ? ` (missing shards of ${[...counts][0]}: ${[...new Set(missing.map((i) => i % [...counts][0]!))].join(', ')})`
        : '';
    throw new SweepMergeError(
      `${missing.length} of ${total} points are missing${hint}; first missing: point ${missing[0]}`,
    );
  }
  const extra = [...byIndex.keys()].find((i) => i >= total || i < 0);
  if (extra !== undefined) throw new SweepMergeError(`point ${extra} is outside the sweep's ${total} points`);
  return buildReport(
    first.report.sweep,
    null,
    [...byIndex.values()].map((v) => v.point),
  );
}
