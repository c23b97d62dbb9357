/**
 * The extension's host side, built on the fake `vscode` (language-fake-vscode.ts) with a worker
 * pool that runs the real worker handlers in this process, so commands produce real results
 * without threads. The pool can also be told to crash or to hold requests, for the crash tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as language from '../../src/engine/language/index';
import type { Log } from '../../src/extension/api';
import { createHost, type Host } from '../../src/extension/host';
import type { SimulationPool } from '../../src/extension/simulation/service';
import type { RequestPayload, RequestType, ResponseOf, WorkerRequest } from '../../src/shared/protocol';
import { handleRequest } from '../../src/worker/handlers';
import {
  PoolDisposedError,
  RequestCancelledError,
  WorkerCrashedError,
  type PoolRequest,
  type RequestOptions,
} from '../../src/worker/pool';
import { fakeVscode, Uri } from './language-fake-vscode';

export const ROOT = join(import.meta.dirname, '../..');
export const EXTENSION = '/ext';

export class RecordingLog implements Log {
  readonly lines: string[] = [];
  shown = 0;
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
  show(): void {
    this.shown++;
  }
  has(level: 'info' | 'warn' | 'error', pattern: RegExp): boolean {
    return this.lines.some((l) => l.startsWith(`${level} `) && pattern.test(l));
  }
}

interface Pending {
  run(): void;
  reject(e: Error): void;
}

/** A pool that runs requests with the worker's own handlers, in this process. */
export class InProcessPool implements SimulationPool {
  static created: InProcessPool[] = [];
  readonly requests: Array<{ type: RequestType; payload: unknown }> = [];
  /** Requests to fail as if their worker died, counted down per request. */
  crashes = 0;
  /** Hold requests until release(): to have requests pending when something else happens. */
  hold = false;
  disposed = false;
  private readonly pending = new Set<Pending>();
  private nextId = 1;

  constructor(readonly size: number | 'auto') {
    InProcessPool.created.push(this);
  }

  request<T extends RequestType>(
    type: T,
    payload: RequestPayload<T>,
    options: RequestOptions = {},
  ): PoolRequest<ResponseOf<T>> {
    this.requests.push({ type, payload });
    if (this.disposed) return { result: Promise.reject(new PoolDisposedError('disposed')), cancel: () => {} };
    const id = this.nextId++;
    let cancelled = options.signal?.aborted ?? false;
    const crash = this.crashes > 0;
    if (crash) this.crashes--;
    let entry!: Pending;
    const result = new Promise<ResponseOf<T>>((resolve, reject) => {
      entry = {
        reject,
        run: () => {
          this.pending.delete(entry);
          if (crash) {
            reject(
              new WorkerCrashedError(
                `worker ${id} died (exit code 1: out of memory) while running ${type} request ${id}; the pool replaces it for later requests`,
              ),
            );
            return;
          }
          if (cancelled) {
            reject(new RequestCancelledError(`${type} request ${id} was cancelled`));
            return;
          }
          const request = { ...payload, type, id } as unknown as WorkerRequest;
          handleRequest(request, {
            shouldStop: () => cancelled,
            yieldIfDue: async () => {},
            progress: (done, total, detail) => options.onProgress?.({ done, total, detail }),
          }).then(
            (v) =>
              cancelled
                ? reject(new RequestCancelledError(`${type} request ${id} was cancelled`))
                : resolve(v as ResponseOf<T>),
            (e: Error) => reject(cancelled ? new RequestCancelledError(`${type} request ${id} was cancelled`) : e),
          );
        },
      };
    });
    this.pending.add(entry);
    options.signal?.addEventListener(
      'abort',
      () => {
        cancelled = true;
      },
      { once: true },
    );
    if (!this.hold) queueMicrotask(() => entry.run());
    return {
      result,
      cancel: () => {
        cancelled = true;
      },
    };
  }

  release(): void {
    this.hold = false;
    for (const p of [...this.pending]) p.run();
  }

  /** Runs the oldest held request only; the others stay pending (still running, to the caller). */
  releaseOne(): void {
    const [first] = this.pending;
    first?.run();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const p of [...this.pending]) {
      this.pending.delete(p);
      p.reject(new PoolDisposedError('the worker pool was disposed while a request was pending'));
    }
  }
}

export interface Fixture {
  readonly fake: ReturnType<typeof fakeVscode>;
  readonly host: Host;
  readonly log: RecordingLog;
  /** Times the language service (the engine) was asked for. */
  readonly loads: () => number;
  pools(): InProcessPool[];
}

/** The examples, where the extension's folder has them (the hardware presets). */
function shipExamples(fake: ReturnType<typeof fakeVscode>): void {
  for (const f of readdirSync(join(ROOT, 'examples')).filter((n) => n.endsWith('.aimc.yaml'))) {
    fake.files.set(`${EXTENSION}/examples/${f}`, readFileSync(join(ROOT, 'examples', f), 'utf8'));
  }
}

export function hostFixture(): Fixture {
  const fake = fakeVscode();
  shipExamples(fake);
  const log = new RecordingLog();
  let loads = 0;
  InProcessPool.created = [];
  const host = createHost({
    api: fake.api,
    extensionUri: Uri.file(EXTENSION) as never,
    log,
    load: async () => {
      loads++;
      return language;
    },
    createPool: (size) => new InProcessPool(size),
  });
  return { fake, host, log, loads: () => loads, pools: () => InProcessPool.created };
}

export function example(name: string): string {
  return readFileSync(join(ROOT, 'examples', name), 'utf8');
}

export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (condition()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}
