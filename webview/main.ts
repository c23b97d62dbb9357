/**
 * Results panel entry: builds the page, restores the saved state, and keeps the tabs in step with
 * messages from the host, the user's choices and the theme. The tabs are RESULTS_TABS
 * (panel/tabs.ts); this file names none of them (panel/tab.ts says what it asks of a tab).
 *
 * Tabs are rendered lazily: chart.js sizes a chart from its box, which is zero while its tab is
 * hidden, so a tab whose data, options or theme changed while hidden is marked stale and rebuilt
 * when shown.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import type { ChartImage, ExportFormat, PanelTab, ToWebviewMessage } from '../src/shared/webviewProtocol';
import { applyChartTheme } from './charts/chartjs';
import { el } from './dom';
import { modelSummary } from './panel/figures';
import { INITIAL_PANEL_STATE, restorePanelState, type PanelState } from './panel/state';
import type { ResultsTab, TabHost, TabInput } from './panel/tab';
import { RESULTS_TABS } from './panel/tabs';
import { readTheme, watchTheme, type Theme } from './theme';
import { connectToHost } from './vscodeApi';

const host = connectToHost<PanelState>();
let state: PanelState = restorePanelState(host.getState() ?? INITIAL_PANEL_STATE);
let theme: Theme = readTheme();
applyChartTheme(theme);

const tabHost: TabHost = {
  save(patch, delayMs) {
    update(patch, delayMs);
    // A tab may send the user to another tab (the overview's "Compare").
    if (patch.tab !== undefined) show();
    else refreshVisible();
  },
  post: (message) => host.post(message),
};
const tabs: readonly ResultsTab[] = RESULTS_TABS.map((Tab) => new Tab(tabHost));
const stale = new Set<PanelTab>();

/** Changes and saves the state, and tells the tabs. */
function update(patch: Partial<PanelState>, delayMs = 0): void {
  const previous = { state, theme };
  state = { ...state, ...patch };
  host.saveState(state, delayMs);
  tell(previous);
}

/** Tells every tab what changed since `previous` (null: everything); marks those that need it stale. */
function tell(previous: TabInput | null): void {
  for (const tab of tabs) if (tab.update({ previous, state, theme })) stale.add(tab.id);
}

// ---------------------------------------------------------------------------------------------
// Page
// ---------------------------------------------------------------------------------------------

const title = el('h1', {});
const subtitle = el('div', { class: 'subtitle' });
const status = el('div', { class: 'status', role: 'status', attrs: { 'aria-live': 'polite' } });
const exportButton = (format: ExportFormat, label: string, hint: string) =>
  el(
    'vscode-button',
    { title: hint, attrs: { secondary: format !== 'png' }, on: { click: () => void exportResults(format, null) } },
    label,
  );
const header = el(
  'header',
  { class: 'header' },
  el('div', { class: 'title' }, title, subtitle),
  status,
  el(
    'div',
    { class: 'actions' },
    exportButton('png', 'Export charts', 'Save every chart and the tile map as PNG'),
    exportButton('json', 'JSON', 'Save the result as JSON'),
    exportButton('csv', 'CSV', 'Save the breakdowns as CSV'),
  ),
);

const tabBar = el('vscode-tabs', { class: 'tabs' });
for (const tab of tabs) {
  tabBar.appendChild(el('vscode-tab-header', { attrs: { slot: 'header', 'data-tab': tab.id } }, tab.title));
  tabBar.appendChild(el('vscode-tab-panel', { attrs: { 'data-tab': tab.id } }, tab.element));
}
tabBar.addEventListener('vsc-tabs-select', (e) => {
  const tab = tabs[e.detail.selectedIndex];
  if (tab && tab.id !== state.tab) {
    update({ tab: tab.id });
    renderHeader();
    refreshVisible();
  }
});

const empty = el(
  'div',
  { class: 'empty start' },
  el('h2', {}, 'No results yet'),
  el(
    'p',
    {},
    'Open an .aimc.yaml config and run “AIMC: Simulate Current Config”. Results, charts and the tile map appear here.',
  ),
);

const app = document.getElementById('app') ?? document.body;
app.append(header, empty, tabBar);

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function selectTab(id: PanelTab): void {
  const index = tabs.findIndex((t) => t.id === id);
  tabBar.selectedIndex = index;
  tabBar.setAttribute('selected-index', String(index));
}

/** Rebuilds the visible tab if stale. Errors go to the host's log rather than blanking the panel. */
function refreshVisible(): void {
  const tab = tabs.find((t) => t.id === state.tab);
  if (!tab || !stale.has(tab.id)) return;
  stale.delete(tab.id);
  try {
    tab.render({ state, theme });
  } catch (e) {
    host.post({
      type: 'log',
      level: 'error',
      message: `Rendering the ${tab.id} tab failed: ${(e as Error).stack ?? String(e)}`.slice(0, 4000),
    });
  }
}

/** The header names what the selected tab shows: the simulated design, or the sweep, run or comparison. */
function renderHeader(): void {
  const shown = state.shown;
  const hasContent = shown !== null || state.sweep !== null || state.accuracy !== null || state.comparison !== null;
  document.body.classList.toggle('has-result', hasContent);
  document.body.classList.toggle('has-design', shown !== null);
  const heading = tabs.find((t) => t.id === state.tab)?.heading?.(state) ?? null;
  if (heading) {
    title.textContent = heading.title;
    subtitle.textContent = heading.subtitle;
  } else {
    title.textContent = shown ? shown.result.name : 'AIMC results';
    subtitle.textContent = shown
      ? `${modelSummary(shown.result)}${shown.source.label ? ` · ${shown.source.label}` : ''}`
      : '';
  }
}

/** The header, the selected tab and its content, as the state has them. */
function show(): void {
  renderHeader();
  selectTab(state.tab);
  refreshVisible();
}

function setStatus(kind: 'idle' | 'running' | 'error', message: string | null): void {
  status.className = `status ${kind}`;
  status.textContent = message ?? (kind === 'running' ? 'Simulating…' : '');
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/** PNGs of every chart the panel can show, rendered off screen at fixed sizes. */
function chartImages(): ChartImage[] {
  return tabs.flatMap((t) => t.exportCharts?.({ state, theme }) ?? []);
}

async function exportResults(format: ExportFormat, requestId: number | null): Promise<void> {
  if (format !== 'png') {
    host.post({ type: 'export', format, requestId, images: [] });
    return;
  }
  setStatus('running', 'Rendering charts…');
  // Let the status paint before the (synchronous) rendering of every chart.
  await new Promise((resolve) => requestAnimationFrame(resolve));
  try {
    const images = chartImages();
    if (images.length > 0) host.post({ type: 'export', format, requestId, images });
    else host.post({ type: 'log', level: 'warn', message: 'Export: nothing to export yet.' });
  } finally {
    setStatus('idle', null);
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

function onMessage(m: ToWebviewMessage): void {
  // Each tab takes its part: the sweep tab a sweep, the tile map a reset of its position on a new result, …
  const patch: Partial<PanelState> = Object.assign({}, ...tabs.map((t) => t.receive?.(m)));
  switch (m.type) {
    case 'showResult':
      // A new design keeps the user's view choices (tabs reset what they must in `receive`).
      update({ ...patch, shown: m });
      setStatus('idle', null);
      break;
    case 'reveal':
      update({ ...patch, tab: m.tab });
      break;
    case 'status':
      setStatus(m.state, m.message);
      return;
    case 'collectCharts':
      void exportResults('png', m.requestId);
      return;
    default:
      update(patch);
  }
  show();
}

watchTheme(() => {
  const previous = { state, theme };
  theme = readTheme();
  applyChartTheme(theme);
  tell(previous);
  refreshVisible();
});

host.onMessage(onMessage);
tell(null);
show();
host.post({ type: 'ready', view: 'panel' });
