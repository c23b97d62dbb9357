/**
 * Compare tab: two designs side by side. Every figure and breakdown of both results with the
 * ratio B ÷ A (src/shared/comparison.ts, the same rows `aimc diff` prints), coloured by whether B
 * improves on A, energy by component of both as a chart, and the config keys that differ.
 */
import {
  compareResults,
  formatComparisonRatio,
  formatComparisonValue,
  type ComparisonRow,
  type ComparisonSection,
} from '../../src/shared/comparison';
import type { ChartImage, ComparisonView, ToWebviewMessage } from '../../src/shared/webviewProtocol';
import { ChartBox } from '../charts/chartBox';
import { comparisonChart, type AnyChartConfig } from '../charts/chartjs';
import { labelFor, layerLabel, rankedSeries } from '../charts/shape';
import { clear, el } from '../dom';
import type { Theme } from '../theme';
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

/** Ratios within this of 1 are "the same", neither better nor worse. */
const SAME = 0.005;

/** Whether B improves on A in this row: 'good', 'bad', or '' (same, or no direction). */
export function verdict(r: ComparisonRow): 'good' | 'bad' | '' {
  if (r.ratio === null || r.better === null || Math.abs(r.ratio - 1) < SAME) return '';
  return r.ratio < 1 === (r.better === 'lower') ? 'good' : 'bad';
}

function rowLabel(section: ComparisonSection, r: ComparisonRow): string {
  if (!section.keyed) return r.label;
  return section.id.endsWith('-by-layer') ? layerLabel(r.key) : labelFor(r.key);
}

function sectionTable(section: ComparisonSection): HTMLElement {
  return el(
    'section',
    { class: 'compare-section', attrs: { 'data-section': section.id } },
    el('h3', {}, section.title),
    el(
      'table',
      { class: 'data compare' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, ''),
          el('th', { class: 'num' }, 'A'),
          el('th', { class: 'num' }, 'B'),
          el('th', { class: 'num', title: 'B ÷ A' }, 'B / A'),
        ),
      ),
      el(
        'tbody',
        {},
        ...section.rows.map((r) =>
          el(
            'tr',
            { attrs: { 'data-key': r.key } },
            el('td', {}, rowLabel(section, r)),
            el('td', { class: 'num' }, formatComparisonValue(r.a, r.unit)),
            el('td', { class: 'num' }, formatComparisonValue(r.b, r.unit)),
            el('td', { class: `num ratio ${verdict(r)}` }, formatComparisonRatio(r.ratio)),
          ),
        ),
      ),
    ),
  );
}

/** "B uses 0.71× the energy and 1.02× the latency per token of A." */
export function headline(c: ComparisonView): string {
  const e = c.b.result.perToken.energyJ / c.a.result.perToken.energyJ;
  const l = c.b.result.perToken.latencyS / c.a.result.perToken.latencyS;
  const area = c.b.result.areaMm2 / c.a.result.areaMm2;
  return `B uses ${formatComparisonRatio(e)} the energy, ${formatComparisonRatio(l)} the latency per token and ${formatComparisonRatio(area)} the area of A.`;
}

export function comparisonChartSpec(c: ComparisonView, theme: Theme): AnyChartConfig {
  const a = c.a.result.breakdown.byComponent;
  const b = c.b.result.breakdown.byComponent;
  const keys = rankedSeries(
    Object.fromEntries(
      [...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, Math.max(a[k] ?? 0, b[k] ?? 0)]),
    ),
  ).keys;
  return comparisonChart(
    {
      labels: keys.map(labelFor),
      a: { label: `A: ${c.a.result.name}`, values: keys.map((k) => a[k] ?? 0) },
      b: { label: `B: ${c.b.result.name}`, values: keys.map((k) => b[k] ?? 0) },
      unit: 'J',
    },
    theme,
  );
}

function side(letter: 'A' | 'B', d: ComparisonView['a']): HTMLElement {
  return el(
    'div',
    { class: 'figure compare-side', attrs: { 'data-side': letter } },
    el('div', { class: 'figure-label' }, d.role === letter ? `Design ${letter}` : `${letter} · ${d.role}`),
    el('div', { class: 'compare-name' }, d.result.name),
    el('div', { class: 'figure-detail' }, d.source.label),
  );
}

export class CompareTab implements ResultsTab {
  readonly id = 'compare';
  readonly title = 'Compare';
  readonly element = el('div', { class: 'compare-tab' });
  private box: ChartBox | null = null;

  constructor(private readonly host: TabHost) {}

  receive(m: ToWebviewMessage): Partial<PanelState> | null {
    return m.type === 'showComparison' ? { comparison: m.comparison } : null;
  }

  update(change: TabChange): boolean {
    return changedIn(change, ['comparison', 'theme']);
  }

  heading(state: PanelState): PanelHeading | null {
    const c = state.comparison;
    if (!c) return null;
    return {
      title: `${c.a.result.name} vs ${c.b.result.name}`,
      subtitle: `A: ${c.a.source.label} (${c.a.role}) · B: ${c.b.source.label} (${c.b.role})`,
    };
  }

  render({ state, theme }: TabInput): void {
    this.box?.destroy();
    this.box = null;
    clear(this.element);
    const c = state.comparison;
    if (!c) {
      this.element.appendChild(
        el(
          'div',
          { class: 'empty' },
          el('h3', {}, 'No comparison yet'),
          el(
            'p',
            {},
            'Compare two configs of the workspace, a sweep point with its base design (Compare under the Sweep tab), or a config with its previous run: simulate it again after an edit and the change shows here.',
          ),
          el('vscode-button', { on: { click: () => this.host.post({ type: 'compare' }) } }, 'Compare two designs…'),
        ),
      );
      return;
    }
    const sections = compareResults(c.a.result, c.b.result);
    const [figures, ...breakdowns] = sections;
    this.box = new ChartBox('compare-energy-by-component', 'Energy per token by component, A and B', 'medium');
    this.box.setSubtitle(headline(c));
    const changes = c.configChanges;
    this.element.append(
      el('div', { class: 'compare-sides' }, side('A', c.a), side('B', c.b)),
      el('p', { class: 'compare-headline' }, headline(c)),
      el(
        'div',
        { class: 'compare-grid' },
        sectionTable(figures),
        el(
          'section',
          { class: 'compare-section', attrs: { 'data-section': 'config' } },
          el('h3', {}, `Config difference (${changes.length} key${changes.length === 1 ? '' : 's'})`),
          changes.length === 0
            ? el('p', { class: 'muted' }, 'The two configs set the same values.')
            : el(
                'table',
                { class: 'data compare-config' },
                el('thead', {}, el('tr', {}, el('th', {}, 'Key'), el('th', {}, 'A'), el('th', {}, 'B'))),
                el(
                  'tbody',
                  {},
                  ...changes.map((ch) =>
                    el(
                      'tr',
                      {},
                      el('td', {}, el('code', {}, ch.path)),
                      el('td', { class: ch.a === null ? 'muted' : '' }, ch.a ?? 'default'),
                      el('td', { class: ch.b === null ? 'muted' : '' }, ch.b ?? 'default'),
                    ),
                  ),
                ),
              ),
        ),
      ),
      this.box.element,
      el('div', { class: 'compare-grid' }, ...breakdowns.map(sectionTable)),
    );
    this.box.mount(comparisonChartSpec(c, theme));
  }

  exportCharts({ state, theme }: TabInput): ChartImage[] {
    const c = state.comparison;
    if (!c) return [];
    return [
      chartImage(
        'compare-energy-by-component',
        comparisonChartSpec(c, theme),
        theme,
        `${c.a.result.name} (A) vs ${c.b.result.name} (B): energy per token by component`,
        1200,
        600,
      ),
    ];
  }

  destroy(): void {
    this.box?.destroy();
  }
}
