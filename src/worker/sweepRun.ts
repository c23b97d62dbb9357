/**
 * Running a sweep's points on a worker pool, shared by `aimc sweep` and the extension: the points
 * are cut into chunks, progress is summed over the chunks, and a chunk whose request failed costs
 * its own points, not the whole sweep.
 */
import type { SweepAxis } from '../shared/sweep';
import type { PointSpec, SweepPointResult } from '../shared/sweep';
import type { ReferencedFiles, RequestPayload, RequestType, ResponseOf } from '../shared/protocol';
import { RequestCancelledError, type PoolRequest, type RequestOptions } from './pool';

/** Chunks per worker: enough that a slow chunk does not leave the other workers idle at the end. */
const CHUNKS_PER_WORKER = 4;

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
  readonly points: readonly PointSpec[];
  readonly withError: boolean;
  /** Workers available; the points are cut into a few chunks per worker. */
  readonly workers: number;
}

export interface SweepRun {
  /** The points' results in chunk order, or null when the sweep was cancelled. */
  readonly result: Promise<SweepPointResult[] | null>;
  cancel(): void;
}

function chunk<T>(items: readonly T[], parts: number): T[][] {
  const size = Math.max(1, Math.ceil(items.length / parts));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Workers a sweep of `pointCount` points can keep busy out of `workers`: no more than it has chunks. */
export function sweepWorkers(pointCount: number, workers: number): number {
  const size = Math.max(1, Math.ceil(pointCount / (workers * CHUNKS_PER_WORKER)));
  return Math.max(1, Math.min(workers, Math.ceil(pointCount / size)));
}

/** Starts every chunk of the sweep on `pool`; `onProgress` gets points done (fractional) and the total. */
export function runSweepPoints(
  pool: SweepRequester,
  o: SweepRunInput,
  onProgress?: (done: number, total: number) => void,
): SweepRun {
  const chunks = chunk(o.points, o.workers * CHUNKS_PER_WORKER);
  const doneByChunk = new Array<number>(chunks.length).fill(0);
  const requests = chunks.map((points, c) =>
    pool.request(
      'sweep-chunk',
      {
        baseConfigText: o.base.text,
        files: o.base.files,
        axes: o.axes,
        points,
        withError: o.withError,
      },
      {
        onProgress: (p) => {
          doneByChunk[c] = p.done;
          onProgress?.(
            doneByChunk.reduce((a, b) => a + b, 0),
            o.points.length,
          );
        },
      },
    ),
  );
  let cancelled = false;
  const result = Promise.allSettled(requests.map((r) => r.result)).then((settled) => {
    if (cancelled || settled.some((s) => s.status === 'rejected' && s.reason instanceof RequestCancelledError))
      return null;
    return settled.flatMap((s, c) => {
      if (s.status === 'fulfilled') return [...s.value.points];
      const message = (s.reason as Error).message;
      return chunks[c].map((p): SweepPointResult => ({
        index: p.index,
        values: Object.fromEntries(o.axes.map((a, i) => [a.key, p.values[i]])),
        status: 'failed',
        message,
        cost: null,
        error: null,
        pareto: [],
      }));
    });
  });
  return {
    result,
    cancel() {
      cancelled = true;
      for (const r of requests) r.cancel();
    },
  };
}
