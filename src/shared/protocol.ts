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

export type FromWorkerMessage = ProgressMessage | ResultMessage | ErrorMessage | CancelledMessage;

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
