/**
 * A pool of simulation workers (`worker_threads`) for the Node side: the CLI and the extension
 * host. Requests queue first in, first out; each worker runs one request at a time.
 *
 * Workers start on demand, up to `size`, and idle ones do not keep the process alive. A worker
 * that dies (an uncaught error, running out of memory, `process.exit`) fails the request it was
 * running with a WorkerCrashedError naming the request and the cause; the next queued request
 * starts a fresh worker in its place. Starting replacements on demand rather than at once means a
 * worker that cannot start at all (a missing bundle) fails requests instead of respawning forever.
 */
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import {
  CANCEL_REQUESTED,
  fromWorkerMessageProblem,
  type FromWorkerMessage,
  type RequestId,
  type RequestPayload,
  type RequestType,
  type ResponseOf,
  type ToWorkerMessage,
} from '../shared/protocol';

/**
 * Every core the process may run on, at least 1. (Cores − 1 left one worker on a 2-core machine;
 * the workers run at normal priority and the event loops they share a machine with are idle while
 * they wait, so a spare core bought nothing.)
 */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism());
}

export interface PoolOptions {
  /** The worker bundle (dist/worker.js). */
  readonly workerFile: string | URL;
  /** Most workers at once. Default: defaultPoolSize(). */
  readonly size?: number;
  /** Heap limits per worker; a worker over them dies and is replaced like any crash. */
  readonly resourceLimits?: ResourceLimits;
  /**
   * How long a cancelled request may take to stop before its worker is terminated and replaced.
   * Default 1000 ms: the engine polls its stop flag every few ms, so a worker that has not stopped
   * by then is stuck in code that never polls.
   */
  readonly cancelGraceMs?: number;
}

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly detail?: string;
}

export interface RequestOptions {
  readonly onProgress?: (progress: Progress) => void;
  /** Aborting it cancels the request. */
  readonly signal?: AbortSignal;
  /**
   * Buffers to move into the worker instead of copying (a checkpoint's bytes). They are detached
   * here once sent, so never list a buffer that is sent again with a later request.
   */
  readonly transfer?: readonly ArrayBuffer[];
}

export interface PoolRequest<T> {
  /** Resolves with the response; rejects with RequestCancelledError, WorkerCrashedError, WorkerTaskError or PoolDisposedError. */
  readonly result: Promise<T>;
  /** Asks the request to stop. A request that finishes before the cancel reaches it still resolves. */
  cancel(): void;
}

export class RequestCancelledError extends Error {
  override readonly name = 'RequestCancelledError';
}

/** The worker running the request died; `cause` holds what killed it, when known. */
export class WorkerCrashedError extends Error {
  override readonly name = 'WorkerCrashedError';
}

/** The engine reported an error for the request; the worker itself is fine. */
export class WorkerTaskError extends Error {
  override readonly name = 'WorkerTaskError';
  constructor(
    message: string,
    readonly remoteName: string,
    readonly remoteStack: string | undefined,
  ) {
    super(message);
  }
}

export class PoolDisposedError extends Error {
  override readonly name = 'PoolDisposedError';
}

/**
 * The worker running the request sent a message that is not in the protocol (null, a wrong type,
 * a result of the wrong shape). The request fails with this error; the worker is terminated and
 * replaced for later requests, since nothing it says can be trusted any more.
 */
export class WorkerProtocolError extends Error {
  override readonly name = 'WorkerProtocolError';
}

interface Job {
  readonly id: RequestId;
  readonly type: RequestType;
  readonly message: ToWorkerMessage;
  readonly transfer: readonly ArrayBuffer[];
  readonly cancelFlag: Int32Array;
  readonly onProgress?: (progress: Progress) => void;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  state: 'queued' | 'running' | 'cancelling' | 'settled';
  slot?: Slot;
  cancelTimer?: ReturnType<typeof setTimeout>;
}

interface Slot {
  readonly worker: Worker;
  /** 1, 2, 3… in order of starting, for messages. */
  readonly serial: number;
  job: Job | null;
  /** Set by the `error` event, read by the `exit` that follows it. */
  fatalError?: Error;
  /** Terminated by the pool (a cancel that did not stop in time, dispose, a malformed message): not a crash. */
  terminatedByPool?: 'cancel' | 'dispose' | 'protocol';
  /** Whether the worker has said `ready` (or sent anything): until then it is still loading its bundle. */
  answered: boolean;
}

export interface PoolStats {
  /** Workers alive now. */
  readonly workers: number;
  readonly busy: number;
  readonly queued: number;
  /** Workers started since the pool was made, replacements included. */
  readonly started: number;
  /** Workers that died while the pool was in use. */
  readonly crashed: number;
}

export class WorkerPool {
  readonly size: number;
  private readonly options: PoolOptions;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId: RequestId = 1;
  private started = 0;
  private crashed = 0;
  private disposed = false;

  constructor(options: PoolOptions) {
    const size = options.size ?? defaultPoolSize();
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a whole number ≥ 1, not ${size}`);
    this.size = size;
    this.options = options;
  }

  get stats(): PoolStats {
    const busy = [...this.slots].filter((s) => s.job).length;
    return { workers: this.slots.size, busy, queued: this.queue.length, started: this.started, crashed: this.crashed };
  }

  request<T extends RequestType>(
    type: T,
    payload: RequestPayload<T>,
    options: RequestOptions = {},
  ): PoolRequest<ResponseOf<T>> {
    if (this.disposed) {
      return { result: Promise.reject(new PoolDisposedError('the worker pool has been disposed')), cancel: () => {} };
    }
    const id = this.nextId++;
    const cancelFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    let job!: Job;
    const result = new Promise<ResponseOf<T>>((resolve, reject) => {
      job = {
        id,
        type,
        cancelFlag,
        transfer: options.transfer ?? [],
        onProgress: options.onProgress,
        // The payload type is tied to `type` by RequestPayload<T>; TypeScript cannot follow that through the spread.
        message: { ...payload, type, id, cancelFlag } as unknown as ToWorkerMessage,
        resolve: resolve as (value: unknown) => void,
        reject,
        state: 'queued',
      };
    });
    const cancel = () => this.cancel(job);
    if (options.signal) {
      if (options.signal.aborted) cancel();
      else options.signal.addEventListener('abort', cancel, { once: true });
    }
    if (job.state === 'queued') {
      this.queue.push(job);
      this.dispatch();
    }
    return { result, cancel };
  }

  /** Terminates every worker; pending requests reject with PoolDisposedError. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of this.queue.splice(0))
      this.settle(job, new PoolDisposedError('the worker pool was disposed before the request started'));
    const exits: Array<Promise<number>> = [];
    for (const slot of this.slots) {
      slot.terminatedByPool = 'dispose';
      if (slot.job)
        this.settle(
          slot.job,
          new PoolDisposedError(`the worker pool was disposed while ${describe(slot.job)} was running`),
        );
      exits.push(slot.worker.terminate());
    }
    this.slots.clear();
    await Promise.all(exits);
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.disposed) {
      const slot = [...this.slots].find((s) => !s.job) ?? (this.slots.size < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const job = this.queue.shift()!;
      job.state = 'running';
      job.slot = slot;
      slot.job = job;
      slot.worker.ref();
      try {
        slot.worker.postMessage(job.message, [...job.transfer]);
      } catch (e) {
        // An uncloneable payload is the caller's error, not the worker's.
        slot.job = null;
        slot.worker.unref();
        this.settle(
          job,
          new WorkerTaskError(
            `cannot send ${describe(job)}: ${(e as Error).message}`,
            (e as Error).name,
            (e as Error).stack,
          ),
        );
      }
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.workerFile, { resourceLimits: this.options.resourceLimits });
    const slot: Slot = { worker, serial: ++this.started, job: null, answered: false };
    worker.unref();
    worker.on('message', (m: unknown) => this.onMessage(slot, m));
    worker.on('error', (e: Error) => {
      slot.fatalError = e;
    });
    worker.on('messageerror', (e: Error) => {
      slot.fatalError = e;
      void worker.terminate();
    });
    worker.on('exit', (code: number) => this.onExit(slot, code));
    this.slots.add(slot);
    return slot;
  }

  private onMessage(slot: Slot, message: unknown): void {
    // Checked before anything is read from it: a worker is code the host does not control.
    const problem = fromWorkerMessageProblem(message);
    if (problem) {
      this.onMalformed(slot, problem);
      return;
    }
    slot.answered = true;
    const m = message as FromWorkerMessage;
    if (m.type === 'ready') return;
    const job = slot.job;
    if (!job || job.id !== m.id) return; // late news of a request already settled
    if (m.type === 'result' && m.request !== job.type) {
      this.onMalformed(slot, `a ${m.request} result for a ${job.type} request`);
      return;
    }
    switch (m.type) {
      case 'progress':
        if (job.state === 'running') job.onProgress?.({ done: m.done, total: m.total, detail: m.detail });
        return;
      case 'result':
        this.release(slot);
        this.settle(job, null, m.value);
        return;
      case 'error':
        this.release(slot);
        this.settle(job, new WorkerTaskError(m.error.message, m.error.name, m.error.stack));
        return;
      case 'cancelled':
        this.release(slot);
        this.settle(job, new RequestCancelledError(`${describe(job)} was cancelled`));
        return;
    }
  }

  /** Fails the slot's request with a WorkerProtocolError and replaces the worker; the pool goes on. */
  private onMalformed(slot: Slot, problem: string): void {
    if (!this.slots.delete(slot)) return; // disposed, or already replaced
    const job = slot.job;
    slot.job = null;
    slot.terminatedByPool = 'protocol';
    void slot.worker.terminate();
    if (job)
      this.settle(
        job,
        new WorkerProtocolError(
          `worker ${slot.serial} sent a malformed message (${problem}) while running ${describe(job)}; the pool replaces it for later requests`,
        ),
      );
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    if (!this.slots.delete(slot)) return; // disposed
    const job = slot.job;
    slot.job = null;
    if (slot.terminatedByPool === 'cancel') {
      if (job)
        this.settle(
          job,
          new RequestCancelledError(
            `${describe(job)} was cancelled (its worker did not stop within ${this.cancelGraceMs} ms and was replaced)`,
          ),
        );
    } else {
      this.crashed++;
      if (job) {
        const cause = slot.fatalError ? `: ${slot.fatalError.message}` : '';
        this.settle(
          job,
          new WorkerCrashedError(
            `worker ${slot.serial} died (exit code ${code}${cause}) while running ${describe(job)}; the pool replaces it for later requests`,
            { cause: slot.fatalError },
          ),
        );
      }
    }
    this.dispatch();
  }

  private cancel(job: Job): void {
    if (job.state === 'queued') {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
      this.settle(job, new RequestCancelledError(`${describe(job)} was cancelled before it started`));
    } else if (job.state === 'running' && job.slot) {
      job.state = 'cancelling';
      Atomics.store(job.cancelFlag, 0, CANCEL_REQUESTED);
      const slot = job.slot;
      slot.worker.postMessage({ type: 'cancel', id: job.id } satisfies ToWorkerMessage);
      // A worker that has not said `ready` is still loading its bundle (a few hundred ms) and has
      // not started the request, so waiting for it to confirm only delays the caller: the
      // request settles now. The slot stays busy until the worker, once up, sees the flag and
      // answers `cancelled` (or is terminated after the grace period below).
      if (!slot.answered)
        this.settle(job, new RequestCancelledError(`${describe(job)} was cancelled while its worker was starting`));
      job.cancelTimer = setTimeout(() => {
        if (slot.job !== job) return;
        slot.terminatedByPool = 'cancel';
        void slot.worker.terminate();
      }, this.cancelGraceMs);
      job.cancelTimer.unref();
    }
  }

  private get cancelGraceMs(): number {
    return this.options.cancelGraceMs ?? 1000;
  }

  private release(slot: Slot): void {
    slot.job = null;
    slot.worker.unref();
    queueMicrotask(() => this.dispatch());
  }

  private settle(job: Job, error: Error | null, value?: unknown): void {
    if (job.state === 'settled') return;
    job.state = 'settled';
    if (job.cancelTimer) clearTimeout(job.cancelTimer);
    if (error) job.reject(error);
    else job.resolve(value);
  }
}

function describe(job: Job): string {
  return `${job.type} request ${job.id}`;
}
