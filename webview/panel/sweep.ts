/**
 * Sweep tab: every design of a sweep on cost axes with the Pareto front; clicking a point (or its
 * row under the chart) asks the host to open that design as a config, and a row's Compare to put
 * it side by side with the sweep's base design. A sweep of one numeric key with an error figure
 * (a drift sweep: perplexity against time of inference) also gets that figure against the key.
 */
import { formatEngineering } from '../../src/shared/format';
import type { ChartImage, SweepView, ToWebviewMessage } from '../../src/shared/webviewProtocol';
import { ChartBox } from '../charts/chartBox';
import { sweepChart, type AnyChartConfig } from '../charts/chartjs';
import { clear, el } from '../dom';
import { hasErrors, sweepScatter, type SweepAxes, type SweepScatter } from '../sweep/pareto';
import { sweepTrend, sweepTrendChart, type SweepTrend } from '../sweep/trend';
import type { Theme } from '../theme';
import { selectControl } from './controls';
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

const AXES_LABELS: Record<SweepAxes, string> = {
  'energy-error': 'Energy vs error',
  'latency-error': 'Latency vs error',
  'energy-latency': 'Energy vs latency',
};

/** Without error values the error axes would be empty: fall back to energy against latency. */
export function effectiveAxes(sweep: SweepView, axes: SweepAxes): SweepAxes {
  return axes !== 'energy-latency' && !hasErrors(sweep) ? 'energy-latency' : axes;
}

export function sweepChartSpec(
  sweep: SweepView,
  axes: SweepAxes,
  theme: Theme,
  onPick: ((id: string) => void) | null,
): { config: AnyChartConfig; scatter: SweepScatter } {
  const scatter = sweepScatter(sweep, effectiveAxes(sweep, axes));
  // Front points are drawn once, in the front's dataset; the dots are the rest.
  const onFront = new Set(scatter.front.map((p) => p.id));
  const others = scatter.points.filter((p) => !onFront.has(p.id));
  const pick = onPick
    ? (dataset: number, index: number) => {
        const p = (dataset === 0 ? scatter.front : others)[index];
        if (p) onPick(p.id);
      }
    : null;
  return { scatter, config: sweepChart({ ...scatter, points: others }, theme, pick) };
}

export function trendTitle(trend: SweepTrend): string {
  const title = `${trend.yTitle} against ${trend.xTitle}`;
  return title.charAt(0).toUpperCase() + title.slice(1);
}

export class SweepTab implements ResultsTab {
  readonly id = 'sweep';
  readonly title = 'Sweep';
  readonly element = el('div', { class: 'sweep' });
  private box: ChartBox | null = null;
  private trendBox: ChartBox | null = null;

  constructor(private readonly host: TabHost) {}

  receive(m: ToWebviewMessage): Partial<PanelState> | null {
    return m.type === 'showSweep' ? { sweep: m.sweep } : null;
  }

  update(change: TabChange): boolean {
    return changedIn(change, ['sweep', 'sweepAxes', 'theme']);
  }

  heading(state: PanelState): PanelHeading | null {
    const s = state.sweep;
    if (!s) return null;
    return {
      title: s.name,
      subtitle: `Sweep of ${s.source?.label ?? 'a config'} · ${s.points.length} designs varying ${s.keys.join(', ')}`,
    };
  }

  render({ state, theme }: TabInput): void {
    const { sweep, sweepAxes: axes } = state;
    this.destroy();
    this.box = null;
    this.trendBox = null;
    clear(this.element);
    if (!sweep || sweep.points.length === 0) {
      this.element.appendChild(
        el(
          'div',
          { class: 'empty' },
          el('h3', {}, 'No sweep yet'),
          el(
            'p',
            {},
            'Run “AIMC: Run Sweep” (or Sweep in the AIMC side view) to vary config keys and compare the designs here, with the Pareto front of energy or latency against error.',
          ),
        ),
      );
      return;
    }
    const open = (id: string) => this.host.post({ type: 'openDesignPoint', sweepId: sweep.id, pointId: id });
    const compare = (id: string) => this.host.post({ type: 'compareDesignPoint', sweepId: sweep.id, pointId: id });
    const shownAxes = effectiveAxes(sweep, axes);
    const { config, scatter } = sweepChartSpec(sweep, axes, theme, open);
    const select = selectControl(
      'Axes',
      (Object.keys(AXES_LABELS) as SweepAxes[]).map((a) => [a, AXES_LABELS[a]] as const),
      (v) => this.host.save({ sweepAxes: v as SweepAxes }),
    );
    select.value = shownAxes;
    const notes: string[] = [
      `${sweep.points.length} designs varying ${sweep.keys.join(', ')}`,
      `${scatter.front.length} on the Pareto front`,
    ];
    if (scatter.omitted > 0) notes.push(`${scatter.omitted} not plotted (failed or without a value on an axis)`);
    if (shownAxes !== axes) notes.push('no error values in this sweep: showing energy against latency');
    this.box = new ChartBox('sweep-scatter', `${sweep.name}: ${AXES_LABELS[shownAxes]}`, 'tall');
    const rows = scatter.front.map((p) =>
      el(
        'tr',
        {},
        el('td', {}, p.label),
        el('td', { class: 'num' }, scatter.y.unit ? formatEngineering(p.y, scatter.y.unit) : p.y.toPrecision(3)),
        el('td', { class: 'num' }, scatter.x.unit ? formatEngineering(p.x, scatter.x.unit) : p.x.toPrecision(3)),
        el(
          'td',
          { class: 'row-actions' },
          el('vscode-button', { attrs: { secondary: true }, on: { click: () => open(p.id) } }, 'Open as config'),
          el(
            'vscode-button',
            {
              attrs: { secondary: true },
              title: 'Simulate this design and compare it with the sweep’s base config',
              on: { click: () => compare(p.id) },
            },
            'Compare',
          ),
        ),
      ),
    );
    const failures = sweep.points.filter((p) => p.failure !== null);
    const trend = sweepTrend(sweep);
    const trendBox = trend ? new ChartBox('sweep-trend', trendTitle(trend), 'tall') : null;
    if (trend && trendBox && trend.omitted > 0)
      trendBox.setSubtitle(`${trend.omitted} design(s) not drawn (failed or without an error figure)`);
    this.trendBox = trendBox;
    this.element.append(
      ...(trendBox ? [trendBox.element] : []),
      el('div', { class: 'toolbar' }, select.element, el('span', { class: 'muted small' }, notes.join(' · '))),
      this.box.element,
      el('h3', {}, 'Pareto-optimal designs'),
      el(
        'table',
        { class: 'data' },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            el('th', {}, 'Design'),
            el('th', { class: 'num' }, scatter.y.label),
            el('th', { class: 'num' }, scatter.x.label),
            el('th', {}, ''),
          ),
        ),
        el('tbody', {}, ...rows),
      ),
      ...(failures.length
        ? [
            el(
              'details',
              {},
              el('summary', {}, `${failures.length} designs failed`),
              el('ul', { class: 'muted small' }, ...failures.map((p) => el('li', {}, `${p.id}: ${p.failure}`))),
            ),
          ]
        : []),
    );
    this.box.mount(config);
    if (trend && trendBox)
      trendBox.mount(
        sweepTrendChart(trend, theme, (i) => {
          const p = trend.points[i];
          if (p) open(p.id);
        }),
      );
  }

  exportCharts({ state, theme }: TabInput): ChartImage[] {
    const sweep = state.sweep;
    if (!sweep || sweep.points.length === 0) return [];
    const trend = sweepTrend(sweep);
    return [
      ...(trend
        ? [
            chartImage(
              'sweep-trend',
              sweepTrendChart(trend, theme, null),
              theme,
              `${trendTitle(trend)} · ${sweep.source?.label ?? sweep.name}`,
              1500,
              800,
            ),
          ]
        : []),
      chartImage(
        'sweep-scatter',
        sweepChartSpec(sweep, state.sweepAxes, theme, null).config,
        theme,
        sweep.name,
        1200,
        800,
      ),
    ];
  }

  destroy(): void {
    this.box?.destroy();
    this.trendBox?.destroy();
  }
}
