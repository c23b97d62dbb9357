/**
 * What the extension has to show: the last simulation result (what the panel and side view show),
 * a summary of the last result per config (for the status bar), the last sweep and accuracy
 * report, and what the simulation service is doing. The views render from here; commands write here.
 */
import type { SimulationResult } from '../../shared/result';
import type { SweepReport } from '../../engine';
import type { AccuracyView, ShowResultMessage, StatusMessage, SweepView } from '../../shared/webviewProtocol';

/** The figures the status bar shows; a 70B result is a megabyte, so only the last one is kept whole. */
export interface ResultSummary {
  readonly name: string;
  readonly energyPerTokenJ: number;
  readonly latencyPerTokenS: number;
  readonly tokensPerSecond: number;
}

/** A sweep with what "open design point" needs to write a point's config. */
export interface HeldSweep {
  readonly view: SweepView;
  readonly report: SweepReport;
  /** The base config's text as the sweep read it, and where it lives. */
  readonly baseText: string;
  readonly baseUri: string;
}

export type StoreChange = 'result' | 'sweep' | 'accuracy' | 'status';

export class ResultsStore {
  private readonly summaries = new Map<string, ResultSummary>();
  private shownValue: ShowResultMessage | null = null;
  private sweepValue: HeldSweep | null = null;
  private accuracyValue: AccuracyView | null = null;
  private statusValue: StatusMessage = { type: 'status', state: 'idle', message: null };
  private readonly listeners = new Set<(change: StoreChange) => void>();

  get shown(): ShowResultMessage | null {
    return this.shownValue;
  }

  get sweep(): HeldSweep | null {
    return this.sweepValue;
  }

  get accuracy(): AccuracyView | null {
    return this.accuracyValue;
  }

  get status(): StatusMessage {
    return this.statusValue;
  }

  summaryFor(configUri: string): ResultSummary | undefined {
    return this.summaries.get(configUri);
  }

  setResult(configUri: string, label: string, result: SimulationResult): void {
    this.summaries.set(configUri, {
      name: result.name,
      energyPerTokenJ: result.perToken.energyJ,
      latencyPerTokenS: result.perToken.latencyS,
      tokensPerSecond: result.tokensPerSecond,
    });
    this.shownValue = { type: 'showResult', result, source: { label, uri: configUri } };
    this.fire('result');
  }

  setSweep(sweep: HeldSweep): void {
    this.sweepValue = sweep;
    this.fire('sweep');
  }

  setAccuracy(accuracy: AccuracyView): void {
    this.accuracyValue = accuracy;
    this.fire('accuracy');
  }

  setStatus(state: StatusMessage['state'], message: string | null): void {
    if (this.statusValue.state === state && this.statusValue.message === message) return;
    this.statusValue = { type: 'status', state, message };
    this.fire('status');
  }

  onDidChange(listener: (change: StoreChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(change: StoreChange): void {
    for (const l of [...this.listeners]) l(change);
  }
}
