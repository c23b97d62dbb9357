/**
 * The `worker_threads` entry (bundled as dist/worker.js): receives typed requests, runs the
 * engine, posts progress and one final result, error or cancelled message per request. Errors of
 * the engine are caught and reported here, so the worker survives them; only a crash of the
 * thread itself reaches the pool as a dead worker.
 *
 * Cancellation: `shouldStop()` reads the request's shared flag with Atomics, so it sees a cancel
 * the moment the client sets it, even while this thread is inside a long synchronous loop. The
 * `cancel` message is the fallback for clients without SharedArrayBuffer; it is read when the
 * handlers yield (see RequestContext.yieldIfDue).
 */
import { parentPort } from 'node:worker_threads';
import {
  CANCEL_REQUESTED,
  transferablesIn,
  type FromWorkerMessage,
  type RequestId,
  type ToWorkerMessage,
  type WorkerRequest,
} from '../shared/protocol';
import { handleRequest, YIELD_INTERVAL_MS, type RequestContext } from './handlers';

/** Progress more often than this only costs messages; the last one of a request always goes. */
const PROGRESS_INTERVAL_MS = 25;

const port = parentPort;
if (!port) throw new Error('worker.js runs as a worker thread; start it through the worker pool');

const active = new Set<RequestId>();
const cancelled = new Set<RequestId>();

function post(message: FromWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function contextFor(req: WorkerRequest): RequestContext {
  const flag = req.cancelFlag;
  let lastYield = performance.now();
  let lastProgress = -Infinity;
  return {
    shouldStop: () => cancelled.has(req.id) || (flag !== undefined && Atomics.load(flag, 0) === CANCEL_REQUESTED),
    async yieldIfDue() {
      if (flag !== undefined || performance.now() - lastYield < YIELD_INTERVAL_MS) return;
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    },
    progress(done, total, detail) {
      const now = performance.now();
      if (done < total && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      post({ type: 'progress', id: req.id, done, total, detail });
    },
  };
}

async function run(req: WorkerRequest): Promise<void> {
  active.add(req.id);
  const ctx = contextFor(req);
  try {
    const value = await handleRequest(req, ctx);
    post({ type: 'result', id: req.id, request: req.type, value }, transferablesIn(value));
  } catch (e) {
    // Whatever the engine threw on the way out (its own cancel error or a knock-on failure), a
    // cancelled request is reported as cancelled.
    if (ctx.shouldStop()) {
      post({ type: 'cancelled', id: req.id });
    } else {
      const err = e instanceof Error ? e : new Error(String(e));
      post({ type: 'error', id: req.id, error: { name: err.name, message: err.message, stack: err.stack } });
    }
  } finally {
    active.delete(req.id);
    cancelled.delete(req.id);
  }
}

port.on('message', (message: ToWorkerMessage) => {
  if (message.type === 'cancel') {
    if (active.has(message.id)) cancelled.add(message.id);
    return;
  }
  void run(message);
});
post({ type: 'ready' });
