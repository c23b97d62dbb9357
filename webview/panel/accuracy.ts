/**
 * Accuracy tab: what a functional simulation says about the task (the models' next-token figures:
 * perplexity, bits per token, accuracy, agreement with the float model, KL, with the analog runs'
 * 95 % intervals), then, as diagnostics of the first Monte-Carlo run, the error metrics per layer.
 */
import type { AccuracyView, ChartImage, TaskView, ToWebviewMessage } from '../../src/shared/webviewProtocol';
import { checkAccuracyView } from '../../src/shared/webviewProtocol';
import { accuracySeries, chooseMetric, formatMetric, rowLabel, sortedRows, worstRow } from '../accuracy/shape';
import {
  missingFigureHint,
  runPerplexityChart,
  runPerplexitySeries,
  taskCellText,
  taskColumns,
  taskRows,
  taskSummary,
} from '../accuracy/task';
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

const RUNS_CHART_TITLE = 'Perplexity of each analog run, with the float models for reference';

export function runsChartSpec(task: TaskView, theme: Theme): AnyChartConfig | null {
  const series = runPerplexitySeries(task);
  return series ? runPerplexityChart(series, theme) : null;
}

/**
 * The view to draw, checked: a message's view is checked on receipt, but state saved by an older
 * build (before the task figures) comes back unchecked.
 */
function checked(view: AccuracyView | null): AccuracyView | null {
  if (!view) return null;
  const c = checkAccuracyView(view);
  return c.ok ? c.view : null;
}

export class AccuracyTab implements ResultsTab {
  readonly id = 'accuracy';
  readonly title = 'Accuracy';
  readonly element = el('div', { class: 'accuracy' });
  private box: ChartBox | null = null;
  private runsBox: ChartBox | null = null;
  private select: SelectControl | null = null;

  constructor(private readonly host: TabHost) {}

  receive(m: ToWebviewMessage): Partial<PanelState> | null {
    if (m.type !== 'showAccuracy') return null;
    const c = checkAccuracyView(m.accuracy);
    if (!c.ok) {
      this.host.post({
        type: 'log',
        level: 'error',
        message: `Dropped an invalid accuracy view: ${c.error}`.slice(0, 4000),
      });
      return null;
    }
    return { accuracy: c.view };
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
    const { accuracyMetric: metricKey } = state;
    const view = checked(state.accuracy);
    this.destroy();
    this.box = null;
    this.runsBox = null;
    clear(this.element);
    if (!view || (!view.task && (view.rows.length === 0 || view.metrics.length === 0))) {
      this.element.appendChild(
        el(
          'div',
          { class: 'empty' },
          el('h3', {}, 'No accuracy results yet'),
          el(
            'p',
            {},
            'The models’ next-token figures (perplexity, accuracy, agreement with the float model) and per-layer error metrics appear here when a simulation runs the functional (accuracy) model: add a `functional:` section to the config (with `text:` for perplexity on a real text), and simulate again.',
          ),
        ),
      );
      return;
    }
    const runsChart = view.task && runsChartSpec(view.task, theme);
    const runsBox = runsChart ? new ChartBox('accuracy-runs', RUNS_CHART_TITLE, 'small') : null;
    this.runsBox = runsBox;
    if (view.task) this.element.append(...this.taskSection(view.task), ...(runsBox ? [runsBox.element] : []));
    if (view.rows.length > 0 && view.metrics.length > 0) this.renderDiagnostics(view, metricKey, theme);
    if (runsBox && runsChart) runsBox.mount(runsChart);
  }

  /** The task table and the lines under it. */
  private taskSection(task: TaskView): HTMLElement[] {
    const columns = taskColumns(task);
    const rows = taskRows(task);
    const table = el(
      'table',
      { class: 'data task' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, 'Model'),
          ...columns.map((c) => el('th', { class: 'num', title: `${c.hint}; ${c.better} is better` }, c.label)),
        ),
      ),
      el(
        'tbody',
        {},
        ...rows.map((r) =>
          el(
            'tr',
            { attrs: { 'data-model': r.model } },
            el('td', {}, r.label),
            ...columns.map((c) => {
              const f = r.figures[c.key];
              return el(
                'td',
                {
                  class: f === null ? 'num muted' : 'num',
                  title: f === null ? missingFigureHint(r, c.key) : undefined,
                },
                taskCellText(r, c.key),
              );
            }),
          ),
        ),
      ),
    );
    const out: HTMLElement[] = [
      el('h3', {}, task.text ? 'Next-token prediction' : 'Agreement with the float model'),
      table,
      el('p', { class: 'muted small task-summary' }, taskSummary(task)),
    ];
    if (!task.text)
      out.push(
        el(
          'p',
          { class: 'muted small task-random' },
          'The tokens were drawn at random, so only agreement and KL with the float softmax model are shown; name a text in functional.text for perplexity and accuracy.',
        ),
      );
    return out;
  }

  /** The per-layer chart and table of the first run, with the metric choice. */
  private renderDiagnostics(view: AccuracyView, metricKey: string | null, theme: Theme): void {
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
      el('h3', {}, view.task ? 'Diagnostics of the first run: error by layer' : 'Error by layer'),
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
    const view = checked(state.accuracy);
    if (!view) return [];
    const runs = view.task && runsChartSpec(view.task, theme);
    const spec = view.rows.length > 0 ? accuracyChartSpec(view, state.accuracyMetric, theme) : null;
    return [
      ...(runs ? [chartImage('accuracy-runs', runs, theme, `${view.name}: ${RUNS_CHART_TITLE}`, 1200, 600)] : []),
      ...(spec ? [chartImage('accuracy-by-layer', spec.config, theme, `${view.name}: ${spec.title}`, 1600, 700)] : []),
    ];
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
    this.runsBox?.destroy();
  }
}
