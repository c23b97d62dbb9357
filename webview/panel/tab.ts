/**
 * What a tab of the results panel is to the panel (webview/main.ts), which knows no tab by name: it
 * builds a header and a panel for each tab in RESULTS_TABS (./tabs.ts), tells every tab of each
 * change of state or theme, redraws the visible tab when it said it needs it, hands host messages
 * to the tabs, and gathers their charts for export.
 *
 * Adding a tab: write a module here with a class implementing ResultsTab, whose constructor takes
 * the TabHost, and add it to RESULTS_TABS, one line. Its `id` must be a PanelTab
 * (src/shared/webviewProtocol.ts, where the host's `reveal` and `openPanel` name tabs); what it
 * keeps across reloads goes in PanelState (./state.ts).
 */
import type { ChartImage, FromWebviewMessage, PanelTab, ToWebviewMessage } from '../../src/shared/webviewProtocol';
import { renderToPng, type AnyChartConfig } from '../charts/chartjs';
import type { Theme } from '../theme';
import type { PanelState } from './state';

/** What a tab draws from. */
export interface TabInput {
  readonly state: PanelState;
  readonly theme: Theme;
}

/** A change of state or theme; `previous` is null the first time (the page was just built or restored). */
export interface TabChange extends TabInput {
  readonly previous: TabInput | null;
}

/** What the panel offers its tabs. */
export interface TabHost {
  /**
   * Changes the panel state and saves it, `delayMs` after the last such call (a tile-map drag must
   * not serialise the state on every frame). Every tab is told of the change, as by an update.
   */
  save(patch: Partial<PanelState>, delayMs?: number): void;
  post(message: FromWebviewMessage): void;
}

export interface ResultsTab {
  readonly id: PanelTab;
  /** The header's text. */
  readonly title: string;
  /** The tab's content, built once by the constructor and placed in the tab's panel. */
  readonly element: HTMLElement;
  /**
   * Told of every change of state or theme, shown or not (and of the first state). Returns whether
   * `render` must run: now if the tab is shown, else when it is next shown. A tab that keeps itself
   * current (the tile map) acts here and returns false.
   */
  update(change: TabChange): boolean;
  /**
   * Redraws the content from the input. Called only while the tab is shown: chart.js sizes a chart
   * from its box, which is zero while its tab is hidden.
   */
  render(input: TabInput): void;
  /** The part of a host message that is this tab's, as a change of state (e.g. the data it shows). */
  receive?(message: ToWebviewMessage): Partial<PanelState> | null;
  /** PNGs of the tab's charts for "Export charts" and the host's `collectCharts`, rendered off screen. */
  exportCharts?(input: TabInput): ChartImage[];
  /**
   * The panel header while this tab is shown, when the tab shows something other than the
   * simulated design (a sweep, another config's accuracy run, a comparison); null for that design.
   */
  heading?(state: PanelState): PanelHeading | null;
}

export interface PanelHeading {
  readonly title: string;
  readonly subtitle: string;
}

export type ResultsTabClass = new (host: TabHost) => ResultsTab;

/**
 * Whether the change is the first, or changes one of `inputs` (state fields compared by identity:
 * every update replaces what it changes; 'theme' for the theme).
 */
export function changedIn(change: TabChange, inputs: readonly (keyof PanelState | 'theme')[]): boolean {
  const p = change.previous;
  return p === null || inputs.some((k) => (k === 'theme' ? p.theme !== change.theme : p.state[k] !== change.state[k]));
}

/** A chart rendered off screen as a PNG, with `title` above it. */
export function chartImage(
  name: string,
  config: AnyChartConfig,
  theme: Theme,
  title: string,
  width: number,
  height: number,
): ChartImage {
  return { name, dataUrl: renderToPng(config, theme, title, width, height), width, height };
}
