/**
 * The webview's handle on VS Code: typed messages to the host and the persisted view state.
 * `acquireVsCodeApi` may be called once per page, so every module goes through this one.
 */
import type { FromWebviewMessage, ToWebviewMessage } from '../src/shared/webviewProtocol';

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): S;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export interface HostChannel<S> {
  post(message: FromWebviewMessage): void;
  getState(): S | undefined;
  /**
   * Persists state after `delayMs` of quiet: the whole state (a 70B result is ~1 MB of JSON) is
   * serialised on each save, so a drag must not save on every frame.
   */
  saveState(state: S, delayMs?: number): void;
  onMessage(handler: (message: ToWebviewMessage) => void): void;
}

export function connectToHost<S>(): HostChannel<S> {
  const api = acquireVsCodeApi<S>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest: S | undefined;
  const flush = () => {
    timer = undefined;
    if (latest !== undefined) api.setState(latest);
  };
  // A pending save must not be lost when the view is hidden (VS Code discards hidden webviews).
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  return {
    post: (message) => api.postMessage(message),
    getState: () => api.getState(),
    saveState(state, delayMs = 0) {
      latest = state;
      if (timer !== undefined) clearTimeout(timer);
      if (delayMs <= 0) flush();
      else timer = setTimeout(flush, delayMs);
    },
    onMessage(handler) {
      addEventListener('message', (e: MessageEvent) => {
        const data: unknown = e.data;
        if (isToWebviewMessage(data)) handler(data);
      });
    },
  };
}

/** The host is trusted; this only keeps other page messages (and stale formats) out of the handlers. */
function isToWebviewMessage(v: unknown): v is ToWebviewMessage {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as {
    type?: unknown;
    result?: { schemaVersion?: unknown };
    comparison?: { a?: { result?: { schemaVersion?: unknown } }; b?: { result?: { schemaVersion?: unknown } } };
  };
  switch (m.type) {
    case 'showResult':
      return m.result?.schemaVersion === 1;
    case 'showComparison':
      return m.comparison?.a?.result?.schemaVersion === 1 && m.comparison.b?.result?.schemaVersion === 1;
    case 'showSweep':
    case 'showAccuracy':
    case 'status':
    case 'reveal':
    case 'collectCharts':
      return true;
    default:
      return false;
  }
}
