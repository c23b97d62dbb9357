/**
 * Messages between a simulation worker and its client: the Node worker pool (CLI, extension
 * host) today, a browser Web Worker client (webview) later. No Node or vscode imports, so both
 * sides of either boundary can use it.
 *
 * Conversation: the client sends a request with a fresh id; the worker answers with any number of
 * `progress` messages, then exactly one of `result`, `error` or `cancelled` for that id. A
 * `cancel` message asks the worker to stop a request early.
 *
 * Cancellation has two channels because a request's work is mostly synchronous engine code, and a
 * worker busy in a loop does not read its messages until the loop gives way:
 * - `cancelFlag`, an Int32Array over a SharedArrayBuffer sent with the request: the client sets
 *   element 0 to 1 and the engine's `shouldStop()` sees it at once through Atomics, even mid-loop.
 *   The Node pool always sends one.
 * - the `cancel` message: for clients that cannot share memory (a webview without cross-origin
 *   isolation has no SharedArrayBuffer). The worker then yields to its event loop between units
 *   of work so the message gets through; see src/worker/handlers.ts.
 */
import type { Diagnostic } from './diagnostics';
import type { DeviceCurves, FunctionalResult } from './functionalResult';
import type { SimulationResult } from './result';
import type { ConfigOverride } from './overrides';
import type { PointSpec, SweepAxis, SweepPointResult } from './sweep';

export type RequestId = number;

/**
 * Files a config refers to (`model.huggingface`, `functional.checkpoint`), keyed by the path as
 * written in the config, read by the client: a browser worker has no file system, and a Node
 * worker should not read behind the back of the editor's unsaved buffers. Text for JSON files,
 * bytes for checkpoints. Bytes in a SharedArrayBuffer are shared with the worker rather than
 * copied, which is how one checkpoint serves every request of a sweep.
 */
export type ReferencedFiles = Readonly<Record<string, string | Uint8Array>>;

interface RequestHeader {
  readonly id: RequestId;
  /** Shared cancel flag (see above); absent where SharedArrayBuffer is not available. */
  readonly cancelFlag?: Int32Array;
}

// ---------------------------------------------------------------------------------------------
// Requests (client → worker)
// ---------------------------------------------------------------------------------------------

/** Validation and cost simulation of one config. */
export interface SimulateRequest extends RequestHeader {
  readonly type: 'simulate';
  readonly configText: string;
  readonly files: ReferencedFiles;
  /** Values set on the parsed config (the GPUs picked for a comparison); diagnostics keep the text's positions. */
  readonly overrides?: readonly ConfigOverride[];
}

/** The functional (accuracy) simulation of one config. */
export interface FunctionalRunRequest extends RequestHeader {
  readonly type: 'functional-run';
  readonly configText: string;
  readonly files: ReferencedFiles;
}

/** Some points of a sweep: the base config with the axis keys set to each point's values. */
export interface SweepChunkRequest extends RequestHeader {
  readonly type: 'sweep-chunk';
  readonly baseConfigText: string;
  readonly files: ReferencedFiles;
  readonly axes: readonly SweepAxis[];
  readonly points: readonly PointSpec[];
  /** Also run the functional simulation of each point for its error. */
  readonly withError: boolean;
}

/** Characteristic curves of a device model (`aimc device MODEL`). */
export interface DeviceCurvesRequest extends RequestHeader {
  readonly type: 'device-curves';
  /** `ideal`, `pcm` or `rram`. */
  readonly model: string;
  /** A config whose `nonidealities:` set the device parameters; defaults without one. */
  readonly configText?: string;
  readonly files: ReferencedFiles;
}

export type WorkerRequest = SimulateRequest | FunctionalRunRequest | SweepChunkRequest | DeviceCurvesRequest;
export type RequestType = WorkerRequest['type'];

export interface CancelMessage {
  readonly type: 'cancel';
  readonly id: RequestId;
}

export type ToWorkerMessage = WorkerRequest | CancelMessage;

// ---------------------------------------------------------------------------------------------
// Responses (worker → client)
// ---------------------------------------------------------------------------------------------

export interface SimulateResponse {
  readonly diagnostics: readonly Diagnostic[];
  /** Null when the config has errors. */
  readonly result: SimulationResult | null;
}

export interface SweepChunkResponse {
  /** In the order of the request's points. */
  readonly points: readonly SweepPointResult[];
  /** Name of the error figure when `withError` was asked, else null. */
  readonly errorMetric: string | null;
}

export type FunctionalRunResponse = FunctionalResult;
export type DeviceCurvesResponse = DeviceCurves;

/** The value a `result` message carries, by request type. */
export interface ResponseMap {
  readonly simulate: SimulateResponse;
  readonly 'functional-run': FunctionalRunResponse;
  readonly 'sweep-chunk': SweepChunkResponse;
  readonly 'device-curves': DeviceCurvesResponse;
}

export type ResponseOf<T extends RequestType> = ResponseMap[T];

/** What a caller supplies for a request of type T; the client adds the header. */
export type RequestPayload<T extends RequestType> = Omit<
  Extract<WorkerRequest, { type: T }>,
  keyof RequestHeader | 'type'
>;

export interface ProgressMessage {
  readonly type: 'progress';
  readonly id: RequestId;
  /** Units done so far; may be fractional while a unit is under way. */
  readonly done: number;
  readonly total: number;
  readonly detail?: string;
}

export interface ResultMessage<T extends RequestType = RequestType> {
  readonly type: 'result';
  readonly id: RequestId;
  readonly request: T;
  readonly value: ResponseOf<T>;
}

/** A serialisable error: Error objects lose their class crossing postMessage. */
export interface WorkerErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly id: RequestId;
  readonly error: WorkerErrorInfo;
}

/** The worker stopped the request after a cancel; no result follows. */
export interface CancelledMessage {
  readonly type: 'cancelled';
  readonly id: RequestId;
}

/**
 * Sent once, when the worker has loaded its bundle and listens: until then a request sent to it
 * has not started, so the pool settles a cancel at once instead of waiting out the start-up.
 */
export interface ReadyMessage {
  readonly type: 'ready';
}

export type FromWorkerMessage = ProgressMessage | ResultMessage | ErrorMessage | CancelledMessage | ReadyMessage;

// ---------------------------------------------------------------------------------------------
// Helpers shared by both sides
// ---------------------------------------------------------------------------------------------

/** Element 0 of a cancel flag: 0 running, 1 cancelled. */
export const CANCEL_REQUESTED = 1;

/**
 * Buffers of typed arrays inside `value` that can move instead of being copied. Only views that
 * span their whole buffer qualify: a view into a larger buffer (a WebAssembly memory, a pooled
 * arena) would detach memory the sender still uses, and WebAssembly memory cannot be detached at
 * all. Shared buffers are shared, not moved.
 */
export function transferablesIn(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      const buffer = v.buffer;
      if (buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === buffer.byteLength) found.add(buffer);
      return;
    }
    for (const item of Array.isArray(v) ? v : Object.values(v)) visit(item);
  };
  visit(value);
  return [...found];
}

// ---------------------------------------------------------------------------------------------
// Checking what a worker sends (the host trusts nothing that crosses the boundary)
// ---------------------------------------------------------------------------------------------

const REQUEST_TYPES: readonly RequestType[] = ['simulate', 'functional-run', 'sweep-chunk', 'device-curves'];
const POINT_STATUSES: readonly string[] = ['ok', 'invalid', 'failed'];
const FRONT_NAMES: readonly string[] = ['energy-error', 'latency-error', 'energy-latency'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const show = (v: unknown): string => {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v);
};

/** Why `m` is not a message a worker may send (one short phrase), or null when it is one. */
export function fromWorkerMessageProblem(m: unknown): string | null {
  if (!isRecord(m)) return `the message is ${show(m)}`;
  if (m.type === 'ready') return null;
  if (!Number.isSafeInteger(m.id)) return `its id is ${show(m.id)}`;
  switch (m.type) {
    case 'progress':
      if (!isCount(m.done) || !isCount(m.total)) return `progress ${show(m.done)} of ${show(m.total)}`;
      if (m.detail !== undefined && typeof m.detail !== 'string') return `progress detail is ${show(m.detail)}`;
      return null;
    case 'result':
      if (!REQUEST_TYPES.includes(m.request as RequestType)) return `a result for request type ${show(m.request)}`;
      return responseProblem(m.request as RequestType, m.value);
    case 'error': {
      const e = m.error;
      if (!isRecord(e) || typeof e.name !== 'string' || typeof e.message !== 'string')
        return `an error message whose error is ${show(e)}`;
      if (e.stack !== undefined && typeof e.stack !== 'string') return `an error whose stack is ${show(e.stack)}`;
      return null;
    }
    case 'cancelled':
      return null;
    default:
      return `unknown message type ${show(m.type)}`;
  }
}

/** Why `value` is not a response to a request of `type`, or null. Checks the outline, not every field. */
export function responseProblem(type: RequestType, value: unknown): string | null {
  if (!isRecord(value)) return `the ${type} result is ${show(value)}`;
  switch (type) {
    case 'simulate':
      if (!Array.isArray(value.diagnostics)) return `its diagnostics are ${show(value.diagnostics)}`;
      if (value.result !== null && !isRecord(value.result)) return `its result is ${show(value.result)}`;
      return null;
    case 'sweep-chunk':
      if (!Array.isArray(value.points)) return `its points are ${show(value.points)}`;
      if (value.errorMetric !== null && typeof value.errorMetric !== 'string')
        return `its error metric is ${show(value.errorMetric)}`;
      return null;
    default:
      return null;
  }
}

/**
 * Why `p` is not a sweep point result (src/shared/sweep.ts), or null: every field of the right
 * type, figures finite and not negative. `aimc merge` checks its shards with it too.
 */
export function sweepPointProblem(p: unknown): string | null {
  if (!isRecord(p)) return `the point is ${show(p)}`;
  if (!Number.isSafeInteger(p.index) || (p.index as number) < 0) return `its index is ${show(p.index)}`;
  if (!isRecord(p.values)) return `its values are ${show(p.values)}`;
  for (const [k, v] of Object.entries(p.values))
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean')
      return `its value of ${k} is ${show(v)}`;
  if (!POINT_STATUSES.includes(p.status as string)) return `its status is ${show(p.status)}`;
  if (p.message !== undefined && typeof p.message !== 'string') return `its message is ${show(p.message)}`;
  if (p.cost !== null) {
    if (!isRecord(p.cost)) return `its cost is ${show(p.cost)}`;
    for (const k of ['energyPerTokenJ', 'latencyPerTokenS', 'areaMm2', 'arrays'])
      if (!isCount(p.cost[k])) return `its cost.${k} is ${show(p.cost[k])}, not a finite number ≥ 0`;
  } else if (p.status === 'ok') return 'it is ok but has no cost';
  if (p.error !== null && !isCount(p.error)) return `its error is ${show(p.error)}, not a finite number ≥ 0 or null`;
  if (!Array.isArray(p.pareto) || p.pareto.some((f) => !FRONT_NAMES.includes(f as string)))
    return `its pareto fronts are ${show(p.pareto)}`;
  return null;
}

/** Why `value` is not the response to a sweep chunk of `points`, or null. */
export function sweepChunkProblem(value: unknown, points: readonly PointSpec[]): string | null {
  const outline = responseProblem('sweep-chunk', value);
  if (outline) return outline;
  const got = (value as SweepChunkResponse).points as readonly unknown[];
  if (got.length !== points.length) return `${got.length} points for a chunk of ${points.length}`;
  for (let i = 0; i < got.length; i++) {
    const problem = sweepPointProblem(got[i]);
    if (problem) return `point ${points[i].index}: ${problem}`;
    if ((got[i] as SweepPointResult).index !== points[i].index)
      return `point ${(got[i] as SweepPointResult).index} where ${points[i].index} was asked`;
  }
  return null;
}
