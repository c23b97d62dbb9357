/** The engine's sweep report in the shape the panel's sweep tab draws. Pure: no `vscode`. */
import type { SweepReport } from '../../engine';
import type { SweepView, ViewSource } from '../../shared/webviewProtocol';

/** `id` must be fresh per sweep: the panel sends it back with a clicked point. */
export function sweepView(report: SweepReport, id: string, source?: ViewSource): SweepView {
  const keys = report.sweep.axes.map((a) => a.key);
  return {
    id,
    name: `${report.sweep.base}: ${keys.join(' × ')}`,
    ...(source ? { source } : {}),
    keys,
    error:
      report.sweep.errorMetric === null
        ? { label: 'no error figure (cost-only sweep)', unit: '' }
        : { label: report.sweep.errorMetric, unit: '' },
    points: report.points.map((p) => ({
      id: String(p.index),
      values: p.values,
      // Failed points are listed, not plotted; NaN keeps them off every axis.
      energyPerTokenJ: p.cost?.energyPerTokenJ ?? NaN,
      latencyPerTokenS: p.cost?.latencyPerTokenS ?? NaN,
      areaMm2: p.cost?.areaMm2 ?? null,
      error: p.error,
      failure: p.status === 'ok' ? null : `${p.status}: ${p.message ?? 'no message'}`,
    })),
  };
}
