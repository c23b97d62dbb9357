/**
 * Accuracy report → chart and table rows. Pure (no DOM).
 */
import type { AccuracyMetricDef, AccuracyRowView, AccuracyView } from '../../src/shared/webviewProtocol';
import { compareLayerKeys, labelFor, layerLabel } from '../charts/shape';

export interface AccuracySeries {
  readonly metric: AccuracyMetricDef;
  readonly labels: readonly string[];
  /** null where the run did not compute the metric for that row (a gap in the chart). */
  readonly values: readonly (number | null)[];
  /** Whether the rows are whole layers (else one bar per layer and matrix). */
  readonly perLayer: boolean;
}

export function sortedRows(view: AccuracyView): AccuracyRowView[] {
  return [...view.rows].sort(
    (a, b) => compareLayerKeys(a.layer, b.layer) || (a.matrix ?? '').localeCompare(b.matrix ?? ''),
  );
}

export function rowLabel(row: AccuracyRowView): string {
  return row.matrix === null ? layerLabel(row.layer) : `${layerLabel(row.layer)} · ${labelFor(row.matrix)}`;
}

/** The metric to show: the saved choice if the report still has it, else the first. */
export function chooseMetric(view: AccuracyView, saved: string | null): AccuracyMetricDef | null {
  return view.metrics.find((m) => m.key === saved) ?? view.metrics[0] ?? null;
}

/** One bar per whole layer when the report has whole-layer rows; per-matrix rows otherwise. */
export function accuracySeries(view: AccuracyView, metric: AccuracyMetricDef): AccuracySeries {
  const all = sortedRows(view);
  const layers = all.filter((r) => r.matrix === null);
  const rows = layers.length > 0 ? layers : all;
  const value = (r: AccuracyRowView) => {
    const v = r.values[metric.key];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  return { metric, labels: rows.map(rowLabel), values: rows.map(value), perLayer: layers.length > 0 };
}

/** The row that does worst on a metric (largest if lower is better), for the summary line. */
export function worstRow(view: AccuracyView, metric: AccuracyMetricDef): AccuracyRowView | null {
  let worst: AccuracyRowView | null = null;
  let worstValue = 0;
  for (const r of view.rows) {
    const v = r.values[metric.key];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (worst === null || (metric.better === 'lower' ? v > worstValue : v < worstValue)) {
      worst = r;
      worstValue = v;
    }
  }
  return worst;
}

export function formatMetric(value: number | null | undefined, metric: AccuracyMetricDef): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  if (metric.unit === '%') return `${value.toPrecision(3)} %`;
  const abs = Math.abs(value);
  const text =
    abs !== 0 && (abs < 1e-3 || abs >= 1e5) ? value.toExponential(2) : Number(value.toPrecision(3)).toString();
  return metric.unit ? `${text} ${metric.unit}` : text;
}
