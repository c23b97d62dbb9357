/**
 * Running a sweep's points on a worker pool, shared by `aimc sweep` and the extension: the points
 * are read from their index a chunk at a time (a sweep's points are never listed whole), a few
 * chunks per worker are in flight at once, progress is summed over the chunks, and a chunk whose
 * request failed costs its own points, not the whole sweep.
 */
import type { PointSource } from '../engine';
import type { SweepAxis } from '../shared/sweep';
import type { PointSpec, SweepPointResult } from '../shared/sweep';
import { sweepChunkProblem } from '../shared/protocol';
import type { ReferencedFiles, RequestPayload, RequestType, ResponseOf } from '../shared/protocol';
import { RequestCancelledError, type PoolRequest, type RequestOptions } from './pool';

/** Chunks per worker: enough that a slow chunk does not leave the other workers idle at the end. */
const CHUNKS_PER_WORKER = 4;

/**
 * Most points in one request. Bounds what a request carries and what a failed request costs, and
 * keeps progress moving on large sweeps; the base config is parsed once per chunk, which at this
 * size is a small part of the chunk's time.
 */
export const MAX_CHUNK_POINTS = 256;

/** Requests in flight per worker: one running and one waiting, so a worker never waits for the host. */
const IN_FLIGHT_PER_WORKER = 2;

/** What runs the chunks: a WorkerPool, or the extension's simulation service in front of one. */
export interface SweepRequester {
  request<T extends RequestType>(
    type: T,
    payload: RequestPayload<T>,
    options?: RequestOptions,
  ): PoolRequest<ResponseOf<T>>;
}

export interface SweepRunInput {
  readonly base: { readonly text: string; readonly files: ReferencedFiles };
  readonly axes: readonly SweepAxis[];
  /** The points to run (`planPoints` of the engine), read chunk by chunk. */
  readonly points: PointSource;
  readonly withError: boolean;
  /** Workers available; the points are cut into a few chunks per worker. */
  readonly workers: number;
}

export interface SweepRun {
  /** The points' results in the order of `points`, or null when the sweep was cancelled. */
  readonly result: Promise<SweepPointResult[] | null>;
  cancel(): void;
}

/** Points per chunk for `pointCount` points on `workers` workers. */
export function chunkSize(pointCount: number, workers: number): number {
  return Math.min(MAX_CHUNK_POINTS, Math.max(1, Math.ceil(pointCount / (Math.max(1, workers) * CHUNKS_PER_WORKER))));
}

/** Workers a sweep of `pointCount` points can keep busy out of `workers`: no more than it has chunks. */
export function sweepWorkers(pointCount: number, workers: number): number {
  return Math.max(1, Math.min(workers, Math.ceil(pointCount / chunkSize(pointCount, workers))));
}

function failed(axes: readonly SweepAxis[], points: readonly PointSpec[], message: string): SweepPointResult[] {
  return points.map((p) => ({
    index: p.index,
    values: Object.fromEntries(axes.map((a, i) => [a.key, p.values[i]])),
    status: 'failed',
    message,
    cost: null,
    error: null,
    pareto: [],
  }));
}

/** Runs every chunk of the sweep on `pool`; `onProgress` gets points done (fractional) and the total. */
export function runSweepPoints(
  pool: SweepRequester,
  o: SweepRunInput,
  onProgress?: (done: number, total: number) => void,
): SweepRun {
  const total = o.points.count;
  const size = chunkSize(total, o.workers);
  const chunkCount = Math.ceil(total / size);
  const maxInFlight = Math.max(1, o.workers) * IN_FLIGHT_PER_WORKER;
  const byChunk: SweepPointResult[][] = new Array<SweepPointResult[]>(chunkCount);
  const running = new Map<number, { request: PoolRequest<ResponseOf<'sweep-chunk'>>; done: number }>();
  let next = 0;
  let finishedPoints = 0;
  let cancelled = false;
  let settle!: (value: SweepPointResult[] | null) => void;
  const result = new Promise<SweepPointResult[] | null>((resolve) => {
    settle = resolve;
  });

  const report = () => {
    let done = finishedPoints;
    for (const r of running.values()) done += r.done;
    onProgress?.(done, total);
  };

  const finishIfDone = () => {
    if (running.size > 0) return;
    if (cancelled) settle(null);
    else if (next >= chunkCount) settle(byChunk.flat());
  };

  const launch = () => {
    while (!cancelled && running.size < maxInFlight && next < chunkCount) {
      const c = next++;
      const first = c * size;
      const points = Array.from({ length: Math.min(size, total - first) }, (_, k) => o.points.at(first + k));
      const entry = {
        done: 0,
        request: pool.request(
          'sweep-chunk',
          { baseConfigText: o.base.text, files: o.base.files, axes: o.axes, points, withError: o.withError },
          {
            onProgress: (p) => {
              entry.done = Math.min(points.length, Math.max(0, p.done));
              report();
            },
          },
        ),
      };
      running.set(c, entry);
      entry.request.result
        .then(
          (value) => {
            const problem = sweepChunkProblem(value, points);
            byChunk[c] = problem
              ? failed(o.axes, points, `the worker sent a malformed result (${problem})`)
              : [...value.points];
          },
          (e: unknown) => {
            if (e instanceof RequestCancelledError) {
              // A chunk cancelled under us (its worker stopped) ends the sweep as a cancel would.
              cancelRun();
              return;
            }
            byChunk[c] = failed(o.axes, points, (e as Error).message);
          },
        )
        .finally(() => {
          running.delete(c);
          finishedPoints += points.length;
          report();
          launch();
          finishIfDone();
        });
    }
  };

  const cancelRun = () => {
    if (cancelled) return;
    cancelled = true;
    for (const r of running.values()) r.request.cancel();
  };

  launch();
  finishIfDone();
  return { result, cancel: cancelRun };
}
