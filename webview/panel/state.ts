/**
 * What the results panel persists through `vscode.setState` so it comes back as it was after being
 * hidden or after VS Code restarts (the host's WebviewPanelSerializer hands the same state back).
 * Pure (no DOM).
 */
import type {
  AccuracyView,
  ComparisonView,
  PanelTab,
  ShowResultMessage,
  SweepView,
} from '../../src/shared/webviewProtocol';
import { PANEL_TABS } from '../../src/shared/webviewProtocol';
import type { ScaleChoice } from '../charts/shape';
import type { SweepAxes } from '../sweep/pareto';
import { SWEEP_AXES } from '../sweep/pareto';
import type { TileColouring } from '../tilemap/colouring';
import { TILE_COLOURINGS } from '../tilemap/colouring';
import type { TileViewState } from '../tilemap/raster';

export const PANEL_STATE_VERSION = 1;

export interface PanelState {
  readonly version: typeof PANEL_STATE_VERSION;
  readonly tab: PanelTab;
  readonly energyView: 'bar' | 'doughnut';
  readonly energyScale: ScaleChoice;
  readonly tileColouring: TileColouring;
  /** Null until the user moves the map; then restored as it was. */
  readonly tileView: TileViewState | null;
  readonly sweepAxes: SweepAxes;
  readonly accuracyMetric: string | null;
  readonly shown: ShowResultMessage | null;
  readonly sweep: SweepView | null;
  readonly accuracy: AccuracyView | null;
  readonly comparison: ComparisonView | null;
}

export const INITIAL_PANEL_STATE: PanelState = {
  version: PANEL_STATE_VERSION,
  tab: 'overview',
  energyView: 'bar',
  energyScale: 'auto',
  tileColouring: 'layer',
  tileView: null,
  sweepAxes: 'energy-error',
  accuracyMetric: null,
  shown: null,
  sweep: null,
  accuracy: null,
  comparison: null,
};

function validComparison(v: unknown): v is ComparisonView {
  const c = v as Partial<ComparisonView> | null | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    c.a?.result?.schemaVersion === 1 &&
    c.b?.result?.schemaVersion === 1 &&
    Array.isArray(c.configChanges)
  );
}

function pick<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

/**
 * State saved by an older or newer build may not match this one: keep what is recognisably valid
 * and default the rest, rather than failing to open the panel.
 */
export function restorePanelState(saved: unknown): PanelState {
  if (typeof saved !== 'object' || saved === null) return INITIAL_PANEL_STATE;
  const s = saved as Record<string, unknown>;
  const d = INITIAL_PANEL_STATE;
  const shown = s.shown as ShowResultMessage | null | undefined;
  const tv = s.tileView as Partial<TileViewState> | null | undefined;
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  return {
    version: PANEL_STATE_VERSION,
    tab: pick(s.tab, PANEL_TABS, d.tab),
    energyView: pick(s.energyView, ['bar', 'doughnut'] as const, d.energyView),
    energyScale: pick(s.energyScale, ['auto', 'linear', 'log'] as const, d.energyScale),
    tileColouring: pick(s.tileColouring, TILE_COLOURINGS, d.tileColouring),
    tileView: tv && finite(tv.zoom) && finite(tv.cx) && finite(tv.cy) ? { zoom: tv.zoom, cx: tv.cx, cy: tv.cy } : null,
    sweepAxes: pick(s.sweepAxes, SWEEP_AXES, d.sweepAxes),
    accuracyMetric: typeof s.accuracyMetric === 'string' ? s.accuracyMetric : null,
    shown: shown && shown.type === 'showResult' && shown.result?.schemaVersion === 1 ? shown : null,
    sweep: s.sweep && Array.isArray((s.sweep as SweepView).points) ? (s.sweep as SweepView) : null,
    accuracy: s.accuracy && Array.isArray((s.accuracy as AccuracyView).rows) ? (s.accuracy as AccuracyView) : null,
    comparison: validComparison(s.comparison) ? s.comparison : null,
  };
}
