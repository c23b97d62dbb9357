/**
 * Accuracy tab: the functional simulation's error metrics per layer, when a run includes them.
 */
import type { AccuracyView, ChartImage, ToWebviewMessage } from '../../src/shared/webviewProtocol';
import { accuracySeries, chooseMetric, formatMetric, rowLabel, sortedRows, worstRow } from '../accuracy/shape';
import { ChartBox } from '../charts/chartBox';
import { accuracyChart, type AnyChartConfig } from '../charts/chartjs';
import { clear, el } from '../dom';
import type { Theme } from '../theme';
import { selectControl, type SelectControl } from './controls';
import type { PanelState } from './state';
import {
  changedIn,
  chartImage,
  type PanelHeading,
  type ResultsTab,
  type TabChange,
  type TabHost,
  type TabInput,
} from './tab';

export function accuracyChartSpec(
  view: AccuracyView,
  metricKey: string | null,
  theme: Theme,
): { config: AnyChartConfig; title: string } | null {
  const metric = chooseMetric(view, metricKey);
  if (!metric) return null;
  const s = accuracySeries(view, metric);
  return {
    title: `${metric.label} by ${s.perLayer ? 'layer' : 'layer and matrix'} (${metric.better} is better)`,
    config: accuracyChart({ labels: s.labels, values: s.values, unit: metric.unit, label: metric.label }, theme),
  };
}

export class AccuracyTab implements ResultsTab {
  readonly id = 'accuracy';
  readonly title = 'Accuracy';
  readonly element = el('div', { class: 'accuracy' });
  private box: ChartBox | null = null;
  private select: SelectControl | null = null;

  constructor(private readonly host: TabHost) {}

  receive(m: ToWebviewMessage): Partial<PanelState> | null {
    return m.type === 'showAccuracy' ? { accuracy: m.accuracy } : null;
  }

  update(change: TabChange): boolean {
    return changedIn(change, ['accuracy', 'accuracyMetric', 'theme']);
  }

  heading(state: PanelState): PanelHeading | null {
    const a = state.accuracy;
    if (!a) return null;
    return {
      title: a.name,
      subtitle: a.source ? `Functional simulation of ${a.source.label}` : 'Functional simulation',
    };
  }

  render({ state, theme }: TabInput): void {
    const { accuracy: view, accuracyMetric: metricKey } = state;
    this.box?.destroy();
    this.box = null;
    clear(this.element);
    if (!view || view.rows.length === 0 || view.metrics.length === 0) {
      this.element.appendChild(
        el(
          'div',
          { class: 'empty' },
          el('h3', {}, 'No accuracy results yet'),
          el(
            'p',
            {},
            'Per-layer error metrics appear here when a simulation runs the functional (accuracy) model: add a `functional:` section to the config, or enable the non-idealities to study, and simulate again.',
          ),
        ),
      );
      return;
    }
    const metric = chooseMetric(view, metricKey)!;
    this.select = selectControl(
      'Metric',
      view.metrics.map((m) => [m.key, m.label] as const),
      (key) => this.host.save({ accuracyMetric: key }),
    );
    this.select.value = metric.key;
    const worst = worstRow(view, metric);
    const spec = accuracyChartSpec(view, metric.key, theme)!;
    this.box = new ChartBox('accuracy-by-layer', spec.title, 'tall');
    this.element.append(
      el(
        'div',
        { class: 'toolbar' },
        this.select.element,
        el(
          'span',
          { class: 'muted small' },
          [
            view.overall ? `Whole model: ${formatMetric(view.overall[metric.key], metric)}` : '',
            worst ? `worst: ${rowLabel(worst)} at ${formatMetric(worst.values[metric.key], metric)}` : '',
          ]
            .filter(Boolean)
            .join(' · '),
        ),
      ),
      this.box.element,
      this.table(view),
      ...(view.notes.length
        ? [el('ul', { class: 'notes muted small' }, ...view.notes.map((n) => el('li', {}, n)))]
        : []),
    );
    this.box.mount(spec.config);
  }

  exportCharts({ state, theme }: TabInput): ChartImage[] {
    const view = state.accuracy;
    const spec = view && accuracyChartSpec(view, state.accuracyMetric, theme);
    return view && spec
      ? [chartImage('accuracy-by-layer', spec.config, theme, `${view.name}: ${spec.title}`, 1600, 700)]
      : [];
  }

  private table(view: AccuracyView): HTMLElement {
    const head = el(
      'tr',
      {},
      el('th', {}, 'Layer'),
      ...view.metrics.map((m) =>
        el('th', { class: 'num', title: `${m.better} is better` }, `${m.label}${m.unit ? ` (${m.unit})` : ''}`),
      ),
    );
    const body = sortedRows(view).map((r) =>
      el(
        'tr',
        {},
        el('td', {}, rowLabel(r)),
        ...view.metrics.map((m) => el('td', { class: 'num' }, formatMetric(r.values[m.key], m))),
      ),
    );
    const overall = view.overall;
    const foot = overall
      ? el(
          'tfoot',
          {},
          el(
            'tr',
            {},
            el('th', {}, 'Whole model'),
            ...view.metrics.map((m) => el('th', { class: 'num' }, formatMetric(overall[m.key], m))),
          ),
        )
      : null;
    return el(
      'details',
      { class: 'table-details', attrs: { open: view.rows.length <= 40 } },
      el('summary', {}, `All metrics (${view.rows.length} rows)`),
      el('table', { class: 'data' }, el('thead', {}, head), el('tbody', {}, ...body), foot),
    );
  }

  destroy(): void {
    this.box?.destroy();
  }
}
