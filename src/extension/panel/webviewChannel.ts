/**
 * Keeps one webview (the panel or the side view) in step with the ResultsStore.
 *
 * Without `retainContextWhenHidden` a hidden webview is destroyed and its page reloads when shown;
 * the page restores what it showed from its own saved state and then says `ready`. So a result
 * is sent once per webview, not on every `ready`: sending it again would reset what the user did
 * to the tile map since. Messages posted while the page is not ready would be lost, so they wait.
 */
import type * as vscode from 'vscode';
import type {
  AccuracyView,
  ComparisonView,
  ShowResultMessage,
  ToWebviewMessage,
  WebviewKind,
} from '../../shared/webviewProtocol';
import type { HeldSweep, ResultsStore, StoreChange } from '../results/store';

export class WebviewChannel {
  private ready = false;
  private sentResult: ShowResultMessage | null = null;
  private sentSweep: HeldSweep | null = null;
  private sentAccuracy: AccuracyView | null = null;
  private sentComparison: ComparisonView | null = null;
  private waiting: ToWebviewMessage[] = [];
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly webview: vscode.Webview,
    readonly kind: WebviewKind,
    private readonly store: ResultsStore,
  ) {
    this.subscription = store.onDidChange((change) => {
      if (this.ready) this.sync(change);
    });
  }

  /** The page loaded (again): send what it has not had, then what waited. */
  onReady(): void {
    this.ready = true;
    this.sync();
    const waiting = this.waiting;
    this.waiting = [];
    for (const m of waiting) void this.webview.postMessage(m);
  }

  /** The page went away (hidden, reloading); it says `ready` when back. */
  onHidden(): void {
    this.ready = false;
  }

  /** Posts now if the page is listening, else when it is. */
  post(message: ToWebviewMessage): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.waiting.push(message);
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private sync(change?: StoreChange): void {
    const s = this.store;
    if ((!change || change === 'result') && s.shown && s.shown !== this.sentResult) {
      this.sentResult = s.shown;
      void this.webview.postMessage(s.shown);
    }
    // Sweeps, accuracy reports and comparisons belong to the full panel; the side view shows a result in brief.
    if (this.kind === 'panel') {
      if ((!change || change === 'sweep') && s.sweep && s.sweep !== this.sentSweep) {
        this.sentSweep = s.sweep;
        void this.webview.postMessage({ type: 'showSweep', sweep: s.sweep.view });
      }
      if ((!change || change === 'accuracy') && s.accuracy && s.accuracy !== this.sentAccuracy) {
        this.sentAccuracy = s.accuracy;
        void this.webview.postMessage({ type: 'showAccuracy', accuracy: s.accuracy });
      }
      if ((!change || change === 'comparison') && s.comparison && s.comparison !== this.sentComparison) {
        this.sentComparison = s.comparison;
        void this.webview.postMessage({ type: 'showComparison', comparison: s.comparison });
      }
    }
    if (!change || change === 'status') void this.webview.postMessage(s.status);
  }
}
