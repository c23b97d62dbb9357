/**
 * What the extension has to show: the last simulation result (what the panel and side view show),
 * a summary of the last result per config (for the status bar), the last sweep, accuracy report
 * and comparison, and what the simulation service is doing. The views render from here; commands
 * write here.
 */
import { configDifference } from '../../shared/comparison';
import type { SimulationResult } from '../../shared/result';
import type { SweepReport } from '../../engine';
import type {
  AccuracyView,
  ComparedDesign,
  ComparisonView,
  ShowResultMessage,
  StatusMessage,
  SweepView,
} from '../../shared/webviewProtocol';

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

export type StoreChange = 'result' | 'sweep' | 'accuracy' | 'comparison' | 'status';

/** The roles of an automatic comparison: a config simulated again after an edit. */
export const PREVIOUS_RUN = 'previous run';
export const THIS_RUN = 'this run';

let comparisonCounter = 0;

/** A comparison of two designs, each with the config it was simulated from (as written). */
export function comparisonOf(
  a: ComparedDesign & { readonly config: unknown },
  b: ComparedDesign & { readonly config: unknown },
): ComparisonView {
  const side = ({ result, source, role }: ComparedDesign) => ({ result, source, role });
  return {
    id: `comparison-${++comparisonCounter}`,
    a: side(a),
    b: side(b),
    configChanges: configDifference(a.config, b.config),
  };
}

export class ResultsStore {
  private readonly summaries = new Map<string, ResultSummary>();
  private shownValue: ShowResultMessage | null = null;
  private sweepValue: HeldSweep | null = null;
  private accuracyValue: AccuracyView | null = null;
  private comparisonValue: ComparisonView | null = null;
  /** The config the shown result was simulated from, for the comparison with its next run. */
  private shownConfig: unknown = undefined;
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

  get comparison(): ComparisonView | null {
    return this.comparisonValue;
  }

  get status(): StatusMessage {
    return this.statusValue;
  }

  summaryFor(configUri: string): ResultSummary | undefined {
    return this.summaries.get(configUri);
  }

  /**
   * Shows a result. With the config it came from, a config simulated again after an edit is also
   * compared with its previous run (unless the Compare tab holds a comparison the user asked for),
   * which is how "change the ADC bits and see the effect" reads.
   */
  setResult(configUri: string, label: string, result: SimulationResult, config?: unknown): void {
    this.summaries.set(configUri, {
      name: result.name,
      energyPerTokenJ: result.perToken.energyJ,
      latencyPerTokenS: result.perToken.latencyS,
      tokensPerSecond: result.tokensPerSecond,
    });
    const previous = this.shownValue;
    const previousConfig = this.shownConfig;
    this.shownValue = { type: 'showResult', result, source: { label, uri: configUri } };
    this.shownConfig = config;
    this.fire('result');
    const userComparison = this.comparisonValue !== null && this.comparisonValue.b.role !== THIS_RUN;
    if (previous?.source.uri === configUri && config !== undefined && previousConfig !== undefined && !userComparison) {
      const changes = configDifference(previousConfig, config);
      if (changes.length > 0)
        this.setComparison(
          comparisonOf(
            { result: previous.result, source: previous.source, role: PREVIOUS_RUN, config: previousConfig },
            { result, source: { label, uri: configUri }, role: THIS_RUN, config },
          ),
        );
    }
  }

  setComparison(comparison: ComparisonView): void {
    this.comparisonValue = comparison;
    this.fire('comparison');
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
