/**
 * Which points a sweep runs: the full grid of its axes, or a seeded random sample of that grid,
 * and which of them one shard of an array job takes.
 *
 * Points are numbered 0 … pointCount−1 in grid order (last axis fastest), so every shard of an
 * array job, on any machine, agrees on what point 17 is; the random sample depends only on the
 * axes, the sample count and the seed.
 */
import { Rng } from '../functional/rng';
import { SweepSpecError } from './axes';
import type { PointSpec, SweepAxis, SweepValue } from '../../shared/sweep';

export interface SweepPlan {
  readonly axes: readonly SweepAxis[];
  readonly mode: 'grid' | 'random';
  /** Points of the full grid (product of the axis lengths). */
  readonly gridSize: number;
  /** Requested random samples; null for a grid sweep. */
  readonly samples: number | null;
  readonly seed: number;
  /** Points the sweep runs: the grid size, or min(samples, grid size). */
  readonly pointCount: number;
  /** Axis values of point `index` (0 ≤ index < pointCount), in axis order. */
  valuesAt(index: number): SweepValue[];
}

export interface PlanOptions {
  /** Random search: this many distinct grid points instead of the whole grid. */
  readonly samples?: number;
  readonly seed?: number;
}

/** Same default as `functional.seed`, so a sweep and a functional run agree when neither sets one. */
export const DEFAULT_SWEEP_SEED = 1;

/**
 * Most points one sweep may have, and the most `--samples` may ask for. Time: the cost model takes
 * about 35 ms a point for GPT-2 (more for larger models, tens of seconds with `--error`), so 10⁵
 * points are an hour of CPU, minutes on a many-core machine or an array job. Memory: the report
 * holds every point, about 400 bytes of JSON each, so 10⁵ points are about 40 MB for `aimc sweep`
 * and for `aimc merge`, which holds all shards at once; 10⁶ would approach V8's 512 MB string
 * limit for `--json`. A larger design space is sampled (`--samples`) rather than run whole.
 */
export const MAX_SWEEP_POINTS = 100_000;

/** A sweep too large to run; refused before any point runs. */
export class SweepLimitError extends Error {
  override readonly name = 'SweepLimitError';
}

/** Throws SweepLimitError when the plan has more points than MAX_SWEEP_POINTS. */
export function checkSweepSize(plan: SweepPlan): void {
  if (plan.pointCount <= MAX_SWEEP_POINTS) return;
  throw new SweepLimitError(
    `the grid has ${plan.pointCount.toLocaleString('en-US')} points, more than the ${MAX_SWEEP_POINTS.toLocaleString('en-US')} one sweep may run; vary fewer values, or sample it with --samples N (N ≤ ${MAX_SWEEP_POINTS.toLocaleString('en-US')})`,
  );
}

const TWO_POW_32 = 4294967296;

/** Uniform integer in [0, n) for n up to 2^53: two 32-bit draws, since one cannot reach every index of a large grid. */
function uniformIndex(rng: Rng, n: number): number {
  const u = (rng.nextUint32() * TWO_POW_32 + rng.nextUint32()) / (TWO_POW_32 * TWO_POW_32);
  return Math.min(n - 1, Math.floor(u * n));
}

/**
 * `count` distinct integers of [0, n), ascending (Floyd's algorithm, Bentley & Floyd, CACM 30(9),
 * 1987): one draw per sample whatever n is, so a sample of a 10¹²-point grid stays cheap.
 */
function sampleDistinct(rng: Rng, n: number, count: number): number[] {
  const chosen = new Set<number>();
  for (let j = n - count; j < n; j++) {
    const t = uniformIndex(rng, j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

function decodeGridIndex(axes: readonly SweepAxis[], gridIndex: number): SweepValue[] {
  const values = new Array<SweepValue>(axes.length);
  let rest = gridIndex;
  for (let i = axes.length - 1; i >= 0; i--) {
    const n = axes[i].values.length;
    values[i] = axes[i].values[rest % n];
    rest = Math.floor(rest / n);
  }
  return values;
}

export function planSweep(axes: readonly SweepAxis[], options: PlanOptions = {}): SweepPlan {
  const gridSize = axes.reduce((p, a) => p * a.values.length, 1);
  if (!Number.isSafeInteger(gridSize))
    throw new SweepSpecError(
      `the grid has about ${gridSize.toPrecision(3)} points, too many to number; vary fewer keys or values`,
    );
  const seed = options.seed ?? DEFAULT_SWEEP_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new SweepSpecError(`--seed must be a whole number ≥ 0, not ${seed}`);
  if (options.samples === undefined) {
    return {
      axes,
      mode: 'grid',
      gridSize,
      samples: null,
      seed,
      pointCount: gridSize,
      valuesAt: (i) => decodeGridIndex(axes, i),
    };
  }
  const samples = options.samples;
  if (!Number.isSafeInteger(samples) || samples < 1)
    throw new SweepSpecError(`--samples must be a whole number ≥ 1, not ${samples}`);
  // Before anything is drawn: the sample is held as a set of its indices.
  if (samples > MAX_SWEEP_POINTS)
    throw new SweepLimitError(
      `--samples ${samples} is more than the ${MAX_SWEEP_POINTS.toLocaleString('en-US')} points one sweep may run`,
    );
  const gridIndices =
    samples >= gridSize
      ? Array.from({ length: gridSize }, (_, i) => i)
      : sampleDistinct(Rng.derive(seed, 'sweep-samples'), gridSize, samples);
  return {
    axes,
    mode: 'random',
    gridSize,
    samples,
    seed,
    pointCount: gridIndices.length,
    valuesAt: (i) => decodeGridIndex(axes, gridIndices[i]),
  };
}

/** Shard `index` of `count` (0-based): runs every count-th point, starting at index. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** How many of `pointCount` points one shard runs. */
export function shardPointCount(pointCount: number, shard: Shard | null): number {
  const start = shard?.index ?? 0;
  const step = shard?.count ?? 1;
  return start >= pointCount ? 0 : Math.ceil((pointCount - start) / step);
}

/** The plan index of the k-th point (0-based) of a shard. */
export function shardPointIndex(k: number, shard: Shard | null): number {
  return (shard?.index ?? 0) + k * (shard?.count ?? 1);
}

/** Point indices of one shard, ascending. Builds the list: for tests and small sweeps; runs stream (`shardPointIndex`). */
export function shardPoints(pointCount: number, shard: Shard | null): number[] {
  return Array.from({ length: shardPointCount(pointCount, shard) }, (_, k) => shardPointIndex(k, shard));
}

/** The points one run takes, read one at a time from their index rather than listed. */
export interface PointSource {
  /** Points in the source. */
  readonly count: number;
  /** The k-th point (0 ≤ k < count): its plan index and axis values. */
  at(k: number): PointSpec;
}

/** The points of `plan` that `shard` runs (all of them for null), as a source: nothing is listed. */
export function planPoints(plan: SweepPlan, shard: Shard | null): PointSource {
  return {
    count: shardPointCount(plan.pointCount, shard),
    at: (k) => {
      const index = shardPointIndex(k, shard);
      return { index, values: plan.valuesAt(index) };
    },
  };
}

const WHOLE = /^\d+$/;

function envInteger(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!WHOLE.test(v.trim())) throw new SweepSpecError(`--shard auto: ${name}=${v} is not a whole number`);
  return Number(v);
}

/**
 * `--shard i/n`, or `auto` / `auto/n` taking the index from the batch system:
 * Slurm job arrays set SLURM_ARRAY_TASK_ID, _MIN, _STEP and _COUNT; Kubernetes Indexed Jobs set
 * JOB_COMPLETION_INDEX but not the completion count, which `auto/n` supplies.
 */
export function parseShard(spec: string, env: Readonly<Record<string, string | undefined>> = {}): Shard {
  const m = /^(auto|\d+)(?:\/(\d+))?$/.exec(spec.trim());
  if (!m) throw new SweepSpecError(`--shard takes i/n (e.g. 0/8), auto or auto/n, not \`${spec}\``);
  let index: number;
  let count = m[2] === undefined ? undefined : Number(m[2]);
  if (m[1] !== 'auto') {
    if (count === undefined) throw new SweepSpecError(`--shard ${spec}: give the shard count too, as i/n`);
    index = Number(m[1]);
  } else {
    const k8s = envInteger(env, 'JOB_COMPLETION_INDEX');
    const slurmId = envInteger(env, 'SLURM_ARRAY_TASK_ID');
    if (k8s !== undefined) {
      index = k8s;
      if (count === undefined)
        throw new SweepSpecError(
          '--shard auto: Kubernetes gives JOB_COMPLETION_INDEX but not the number of completions; write --shard auto/N with N = spec.completions',
        );
    } else if (slurmId !== undefined) {
      const min = envInteger(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
      const step = envInteger(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
      count ??= envInteger(env, 'SLURM_ARRAY_TASK_COUNT');
      if (count === undefined)
        throw new SweepSpecError('--shard auto: SLURM_ARRAY_TASK_COUNT is not set; write --shard auto/N');
      index = (slurmId - min) / step;
      if (!Number.isInteger(index))
        throw new SweepSpecError(
          `--shard auto: array task ${slurmId} is not on the range ${min}:${step}; submit a plain range such as --array=0-${count - 1}`,
        );
    } else {
      throw new SweepSpecError(
        '--shard auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set',
      );
    }
  }
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(index))
    throw new SweepSpecError(`--shard ${spec}: the shard index and count must be whole numbers below 2^53`);
  if (count < 1) throw new SweepSpecError(`--shard ${spec}: the shard count must be at least 1`);
  if (index >= count)
    throw new SweepSpecError(
      `--shard ${spec}: shard index ${index} is not below the count ${count} (shards are numbered from 0)`,
    );
  return { index, count };
}
