/**
 * The extension's simulation service: the worker pool behind every simulate, sweep and accuracy
 * request, started on first use so activation stays cheap.
 *
 * The pool replaces a crashed worker when the next request needs one; the service counts those
 * replacements against a RestartBudget. When the budget is spent it stops: the pool is disposed,
 * pending requests fail with a SimulationStoppedError that says why, and later requests fail at
 * once until `restart()` (the "Retry" of the error message).
 */
import { PoolDisposedError, WorkerCrashedError, type PoolRequest, type RequestOptions } from '../../worker/pool';
import type { SweepRequester } from '../../worker/sweepRun';
import type { RequestPayload, RequestType, ResponseOf } from '../../shared/protocol';
import type { Log } from '../api';
import { RestartBudget } from './restartBudget';

export interface SimulationPool extends SweepRequester {
  dispose(): Promise<void>;
}

export interface SimulationServiceOptions {
  /** Makes a pool of `size` workers ('auto': one per core). */
  createPool(size: number | 'auto'): SimulationPool;
  /** The pool size to use for the next pool (the `aimc.workerCount` setting). */
  poolSize(): number | 'auto';
  readonly log: Log;
  readonly budget?: RestartBudget;
}

/** The service stopped restarting crashed workers; the message says why and what to do. */
export class SimulationStoppedError extends Error {
  override readonly name = 'SimulationStoppedError';
}

/** A user-visible run (one command); "AIMC: Cancel" aborts every run. */
export interface Run {
  readonly signal: AbortSignal;
  cancel(): void;
  end(): void;
}

export class SimulationService implements SweepRequester {
  private pool: SimulationPool | undefined;
  private poolSize: number | 'auto' | undefined;
  private readonly inFlight = new Map<SimulationPool, number>();
  /** Pools replaced by a settings change, disposed once their requests settle. */
  private readonly retiring = new Set<SimulationPool>();
  private stopReason: string | null = null;
  private readonly runs = new Set<AbortController>();
  private readonly listeners = new Set<() => void>();
  private readonly budget: RestartBudget;
  private disposed = false;

  constructor(private readonly options: SimulationServiceOptions) {
    this.budget = options.budget ?? new RestartBudget();
  }

  /** Why the service stopped, or null while it runs requests. */
  get stopped(): string | null {
    return this.stopReason;
  }

  get running(): boolean {
    return this.runs.size > 0;
  }

  /** Whether the lazy start of the pool has happened. */
  get started(): boolean {
    return this.pool !== undefined;
  }

  /** Called when `running` or `stopped` changes. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  request<T extends RequestType>(
    type: T,
    payload: RequestPayload<T>,
    options: RequestOptions = {},
  ): PoolRequest<ResponseOf<T>> {
    if (this.disposed)
      return { result: Promise.reject(new PoolDisposedError('the AIMC extension is shutting down')), cancel: () => {} };
    if (this.stopReason !== null)
      return { result: Promise.reject(new SimulationStoppedError(this.stopReason)), cancel: () => {} };
    const pool = this.currentPool();
    const request = pool.request(type, payload, options);
    this.inFlight.set(pool, (this.inFlight.get(pool) ?? 0) + 1);
    const result = request.result
      .catch((e: unknown) => {
        throw this.explain(e, pool);
      })
      .finally(() => this.settled(pool));
    return { result, cancel: request.cancel };
  }

  beginRun(): Run {
    const controller = new AbortController();
    this.runs.add(controller);
    this.changed();
    return {
      signal: controller.signal,
      cancel: () => controller.abort(),
      end: () => {
        if (this.runs.delete(controller)) this.changed();
      },
    };
  }

  /** Cancels every run; returns how many there were. */
  cancelAll(): number {
    const n = this.runs.size;
    for (const r of this.runs) r.abort();
    return n;
  }

  /** Starts again after a stop, with a fresh restart budget ("Retry"). */
  restart(): void {
    if (this.stopReason === null) return;
    this.stopReason = null;
    this.budget.reset();
    this.options.log.info('Simulation workers: restarting after a stop, with a fresh restart budget.');
    this.changed();
  }

  /** The worker count setting changed: later requests get a pool of the new size. */
  resize(): void {
    const pool = this.pool;
    if (!pool || this.options.poolSize() === this.poolSize) return;
    this.pool = undefined;
    this.retire(pool);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.cancelAll();
    const pools = [...this.retiring, ...(this.pool ? [this.pool] : [])];
    this.pool = undefined;
    this.retiring.clear();
    await Promise.all(pools.map((p) => p.dispose()));
  }

  private currentPool(): SimulationPool {
    if (!this.pool) {
      this.poolSize = this.options.poolSize();
      this.pool = this.options.createPool(this.poolSize);
      this.options.log.info(
        `Simulation workers: pool of ${this.poolSize === 'auto' ? 'one per core' : this.poolSize} started.`,
      );
    }
    return this.pool;
  }

  /** Turns the pool's errors into what the user should read; counts crashes against the budget. */
  private explain(e: unknown, pool: SimulationPool): unknown {
    if (e instanceof PoolDisposedError && this.stopReason !== null) return new SimulationStoppedError(this.stopReason);
    if (!(e instanceof WorkerCrashedError)) return e;
    if (pool !== this.pool) return e; // a pool already stopped or retired: nothing left to restart
    if (this.budget.recordCrash()) {
      this.options.log.warn(
        `${e.message} (restart ${this.budget.used} of ${this.budget.limit} allowed in ${this.budget.windowMs / 60000} minutes)`,
      );
      return new WorkerCrashedError(
        `The simulation worker crashed and was restarted: ${e.message}. Run again, or see the AIMC Explorer log.`,
        { cause: e },
      );
    }
    this.stop(
      `The simulation worker crashed ${this.budget.limit + 1} times within ${this.budget.windowMs / 60000} minutes, so AIMC stopped restarting it. The last crash: ${e.message}. Check the log, then choose Retry.`,
    );
    return new SimulationStoppedError(this.stopReason!);
  }

  private stop(reason: string): void {
    this.stopReason = reason;
    this.options.log.error(reason);
    const pool = this.pool;
    this.pool = undefined;
    // Disposing fails the pool's other pending requests; explain() turns that into the stop reason.
    if (pool) void pool.dispose();
    this.changed();
  }

  private retire(pool: SimulationPool): void {
    if ((this.inFlight.get(pool) ?? 0) === 0) {
      this.inFlight.delete(pool);
      void pool.dispose();
    } else {
      this.retiring.add(pool);
    }
  }

  private settled(pool: SimulationPool): void {
    const left = (this.inFlight.get(pool) ?? 1) - 1;
    this.inFlight.set(pool, left);
    if (left === 0 && this.retiring.delete(pool)) {
      this.inFlight.delete(pool);
      void pool.dispose();
    }
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
