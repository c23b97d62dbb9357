/**
 * The result of a sweep or of one shard of it (`aimc sweep --json`), and the merge of shards into
 * the result an unsharded run gives: the same points in the same order, Pareto fronts recomputed
 * over the union.
 */
import type { SweepValue } from '../../shared/sweep';
import type { ParetoFrontName, SweepPointResult } from '../../shared/sweep';
import { nonDominated } from '../../shared/pareto';
import type { Shard, SweepPlan } from './plan';

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

/** Checks that `value` (parsed JSON) is a sweep output; `source` names it in errors. */
export function asSweepReport(value: unknown, source: string): SweepReport {
  const r = value as Partial<SweepReport> | null;
  if (!r || typeof r !== 'object' || r.kind !== 'aimc-sweep' || !r.sweep || !Array.isArray(r.points)) {
    throw new SweepMergeError(`${source}: not an \`aimc sweep --json\` output`);
  }
  if (r.schemaVersion !== SWEEP_REPORT_VERSION)
    throw new SweepMergeError(
      `${source}: sweep output version ${String(r.schemaVersion)}; this aimc reads version ${SWEEP_REPORT_VERSION}`,
    );
  return r as SweepReport;
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
