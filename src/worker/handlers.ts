/**
 * What a simulation worker does with each request, apart from the transport: the Node entry
 * (worker.ts) wires these to `worker_threads`, and a browser Web Worker entry can wire the same
 * handlers to `self.onmessage`. No Node built-ins here.
 */
import {
  analyzeDesign,
  deviceCurvesOf,
  errorMetricFor,
  loadDesign,
  pointEvaluator,
  readerOverFiles,
  runAccuracy,
  SweepCancelled,
} from '../engine';
import type {
  DeviceCurvesRequest,
  FunctionalRunRequest,
  ResponseOf,
  SimulateRequest,
  SweepChunkRequest,
  WorkerRequest,
} from '../shared/protocol';
import type { SweepPointResult } from '../shared/sweep';

export interface RequestContext {
  /** True once the client cancelled; long loops poll it between units of work. */
  shouldStop(): boolean;
  /**
   * Lets pending messages (a cancel) in when the request has no shared cancel flag; a no-op
   * otherwise, and at most one macrotask per YIELD_INTERVAL_MS, so cheap to call often.
   */
  yieldIfDue(): Promise<void>;
  progress(done: number, total: number, detail?: string): void;
}

/**
 * Longest stretch of work between two looks at the message queue when cancel arrives only as a
 * message: well under the 100 ms a cancel must take effect in.
 */
export const YIELD_INTERVAL_MS = 20;

async function simulate(req: SimulateRequest): Promise<ResponseOf<'simulate'>> {
  const a = await analyzeDesign(req.configText, readerOverFiles(req.files), { overrides: req.overrides });
  return { diagnostics: a.diagnostics, result: a.result ?? null };
}

async function runFunctional(req: FunctionalRunRequest, ctx: RequestContext): Promise<ResponseOf<'functional-run'>> {
  const loaded = await loadDesign(req.configText, readerOverFiles(req.files), { withCheckpoint: true });
  return runAccuracy(loaded, {
    shouldStop: () => ctx.shouldStop(),
    onProgress: (fraction, stage) => ctx.progress(fraction, 1, stage),
  });
}

async function deviceCurves(req: DeviceCurvesRequest): Promise<ResponseOf<'device-curves'>> {
  const loaded =
    req.configText === undefined ? undefined : await loadDesign(req.configText, readerOverFiles(req.files));
  return deviceCurvesOf(req.model, loaded);
}

async function sweepChunk(req: SweepChunkRequest, ctx: RequestContext): Promise<ResponseOf<'sweep-chunk'>> {
  const evaluate = pointEvaluator({ baseConfigText: req.baseConfigText, axes: req.axes });
  const errorMetric = req.withError ? errorMetricFor(req.baseConfigText) : undefined;
  const reader = readerOverFiles(req.files);
  const total = req.points.length;
  const points: SweepPointResult[] = [];
  for (const [i, point] of req.points.entries()) {
    await ctx.yieldIfDue();
    if (ctx.shouldStop()) throw new SweepCancelled();
    points.push(
      await evaluate(point, {
        reader,
        errorMetric,
        shouldStop: () => ctx.shouldStop(),
        onProgress: (fraction) => ctx.progress(i + fraction, total),
      }),
    );
    ctx.progress(i + 1, total);
  }
  return { points, errorMetric: errorMetric?.name ?? null };
}

export async function handleRequest(
  req: WorkerRequest,
  ctx: RequestContext,
): Promise<ResponseOf<WorkerRequest['type']>> {
  switch (req.type) {
    case 'simulate':
      return simulate(req);
    case 'sweep-chunk':
      return sweepChunk(req, ctx);
    case 'functional-run':
      return runFunctional(req, ctx);
    case 'device-curves':
      return deviceCurves(req);
  }
}
