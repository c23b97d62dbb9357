/**
 * Side view entry (the AIMC activity-bar view): the active config's last result in brief, a small
 * energy chart, and buttons that ask the host to simulate, sweep or open the full panel.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { SimulationResult } from '../../src/shared/result';
import type { ShowResultMessage, ToWebviewMessage } from '../../src/shared/webviewProtocol';
import { ChartBox } from '../charts/chartBox';
import { applyChartTheme, breakdownChart, colourOfKey } from '../charts/chartjs';
import { COMPONENT_ORDER, rankedSeries } from '../charts/shape';
import { append, clear, el } from '../dom';
import { compareWithBaseline, keyFigures, modelSummary } from '../panel/figures';
import { readTheme, watchTheme, type Theme } from '../theme';
import { connectToHost } from '../vscodeApi';

interface SidebarState {
  readonly version: 1;
  /** The last result without its tile map, which this view does not draw (it can be megabytes). */
  readonly shown: ShowResultMessage | null;
}

const host = connectToHost<SidebarState>();
const saved = host.getState();
let state: SidebarState = saved && saved.version === 1 ? saved : { version: 1, shown: null };
let theme: Theme = readTheme();
applyChartTheme(theme);
let running = false;

const status = el('div', { class: 'status', role: 'status', attrs: { 'aria-live': 'polite' } });
const content = el('div', { class: 'side-content' });
const chart = new ChartBox('side-energy', 'Energy per token by component', 'small');
const button = (label: string, hint: string, onClick: () => void, secondary = false) =>
  el('vscode-button', { title: hint, attrs: { secondary }, on: { click: onClick } }, label);
const simulateButton = button('Simulate', 'Simulate the active config', () => host.post({ type: 'simulate' }));
const cancelButton = button('Cancel', 'Cancel the running simulation', () => host.post({ type: 'cancel' }), true);
const actions = el(
  'div',
  { class: 'side-actions' },
  simulateButton,
  button('Sweep…', 'Vary config keys and compare the designs', () => host.post({ type: 'sweep' }), true),
  button('Open panel', 'Open the full results panel', () => host.post({ type: 'openPanel', tab: null }), true),
  cancelButton,
);

const app = document.getElementById('app') ?? document.body;
document.body.classList.add('sidebar');
app.append(actions, status, content);

function withoutTileMap(m: ShowResultMessage): ShowResultMessage {
  const r: SimulationResult = { ...m.result, mapping: { ...m.result.mapping, tileGroups: [] } };
  return { ...m, result: r };
}

function render(): void {
  cancelButton.hidden = !running;
  simulateButton.toggleAttribute('disabled', running);
  clear(content);
  chart.destroy();
  const shown = state.shown;
  if (!shown) {
    content.appendChild(el('p', { class: 'muted' }, 'No result yet. Open an .aimc.yaml config and press Simulate.'));
    return;
  }
  const r = shown.result;
  const figures = keyFigures(r).filter((f) => f.id !== 'chips' || r.mapping.chips > 1);
  append(
    content,
    el('div', { class: 'side-title' }, r.name),
    el('div', { class: 'muted small' }, modelSummary(r)),
    shown.source.label ? el('div', { class: 'muted small' }, shown.source.label) : null,
    el(
      'dl',
      { class: 'side-figures' },
      ...figures.flatMap((f) => [el('dt', {}, f.label), el('dd', { title: f.detail }, f.value)]),
    ),
    r.baselines.length
      ? el(
          'ul',
          { class: 'side-baselines' },
          ...r.baselines.map((b) => {
            const c = compareWithBaseline(b);
            return el(
              'li',
              {},
              el('span', { class: 'muted' }, `vs ${c.name}: `),
              el('span', { class: c.energyFavoursDesign ? 'good' : 'bad' }, c.energy),
              ', ',
              el('span', { class: c.speedFavoursDesign ? 'good' : 'bad' }, c.speed),
            );
          }),
        )
      : null,
    chart.element,
  );
  const series = rankedSeries(r.breakdown.byComponent);
  chart.mount(
    breakdownChart(series, {
      view: 'doughnut',
      scale: 'auto',
      unit: 'J',
      theme,
      colourOf: colourOfKey(theme, COMPONENT_ORDER, series.keys),
    }),
  );
}

function onMessage(m: ToWebviewMessage): void {
  switch (m.type) {
    case 'showResult':
      state = { version: 1, shown: withoutTileMap(m) };
      host.saveState(state);
      running = false;
      status.textContent = '';
      render();
      return;
    case 'status':
      running = m.state === 'running';
      status.className = `status ${m.state}`;
      status.textContent = m.message ?? (running ? 'Simulating…' : '');
      render();
      return;
    default:
      // Sweeps, accuracy reports, tab reveals and chart export belong to the full panel.
      return;
  }
}

watchTheme(() => {
  theme = readTheme();
  applyChartTheme(theme);
  render();
});
host.onMessage(onMessage);
render();
host.post({ type: 'ready', view: 'sidebar' });
