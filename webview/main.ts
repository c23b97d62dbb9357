/**
 * Results panel entry: builds the page, restores the saved state, and keeps the tabs in step with
 * messages from the host, the user's choices and the theme.
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
import { PANEL_TABS } from '../src/shared/webviewProtocol';
import { applyChartTheme, renderToPng } from './charts/chartjs';
import { clear, el } from './dom';
import { AccuracyTab, accuracyChartSpec } from './panel/accuracy';
import { EnergyTab, energyCharts } from './panel/energy';
import { modelSummary } from './panel/figures';
import { renderOverview } from './panel/overview';
import { INITIAL_PANEL_STATE, restorePanelState, type PanelState } from './panel/state';
import { SweepTab, sweepChartSpec } from './panel/sweep';
import { readTheme, watchTheme, type Theme } from './theme';
import { TileMapView } from './tilemap/view';
import { connectToHost } from './vscodeApi';

const TAB_TITLES: Record<PanelTab, string> = { overview: 'Overview', energy: 'Energy', tiles: 'Tile map', accuracy: 'Accuracy', sweep: 'Sweep' };
/** Quiet time before a tile-map pan or zoom is persisted (see HostChannel.saveState). */
const VIEW_SAVE_DELAY_MS = 400;

const host = connectToHost<PanelState>();
let state: PanelState = restorePanelState(host.getState() ?? INITIAL_PANEL_STATE);
let theme: Theme = readTheme();
applyChartTheme(theme);
const stale = new Set<PanelTab>(PANEL_TABS);

function save(delayMs = 0): void {
  host.saveState(state, delayMs);
}

function update(patch: Partial<PanelState>, delayMs = 0): void {
  state = { ...state, ...patch };
  save(delayMs);
}

// ---------------------------------------------------------------------------------------------
// Page
// ---------------------------------------------------------------------------------------------

const title = el('h1', {});
const subtitle = el('div', { class: 'subtitle' });
const status = el('div', { class: 'status', role: 'status', attrs: { 'aria-live': 'polite' } });
const exportButton = (format: ExportFormat, label: string, hint: string) =>
  el('vscode-button', { title: hint, attrs: { secondary: format !== 'png' }, on: { click: () => void exportResults(format, null) } }, label);
const header = el('header', { class: 'header' },
  el('div', { class: 'title' }, title, subtitle),
  status,
  el('div', { class: 'actions' },
    exportButton('png', 'Export charts', 'Save every chart and the tile map as PNG'),
    exportButton('json', 'JSON', 'Save the result as JSON'),
    exportButton('csv', 'CSV', 'Save the breakdowns as CSV')));

const overviewPanel = el('div', { class: 'tab-body' });
const energy = new EnergyTab({
  onOptions(view, scale) {
    update({ energyView: view, energyScale: scale });
    stale.add('energy');
    refreshVisible();
  },
});
const tiles = new TileMapView({
  onViewChange: (tileView) => update({ tileView }, VIEW_SAVE_DELAY_MS),
  onColouringChange: (tileColouring) => update({ tileColouring }),
});
const accuracy = new AccuracyTab((key) => {
  update({ accuracyMetric: key });
  stale.add('accuracy');
  refreshVisible();
});
const sweep = new SweepTab({
  onAxes(axes) {
    update({ sweepAxes: axes });
    stale.add('sweep');
    refreshVisible();
  },
  onOpenPoint: (sweepId, pointId) => host.post({ type: 'openDesignPoint', sweepId, pointId }),
});

const bodies: Record<PanelTab, HTMLElement> = {
  overview: overviewPanel,
  energy: energy.element,
  tiles: tiles.element,
  accuracy: accuracy.element,
  sweep: sweep.element,
};

const tabs = el('vscode-tabs', { class: 'tabs' });
for (const tab of PANEL_TABS) {
  tabs.appendChild(el('vscode-tab-header', { attrs: { slot: 'header', 'data-tab': tab } }, TAB_TITLES[tab]));
  tabs.appendChild(el('vscode-tab-panel', { attrs: { 'data-tab': tab } }, bodies[tab]));
}
tabs.addEventListener('vsc-tabs-select', (e) => {
  const tab = PANEL_TABS[e.detail.selectedIndex];
  if (tab && tab !== state.tab) {
    update({ tab });
    refreshVisible();
  }
});

const empty = el('div', { class: 'empty start' },
  el('h2', {}, 'No results yet'),
  el('p', {}, 'Open an .aimc.yaml config and run “AIMC: Simulate Current Config”. Results, charts and the tile map appear here.'));

const app = document.getElementById('app') ?? document.body;
app.append(header, empty, tabs);

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function selectTab(tab: PanelTab): void {
  tabs.selectedIndex = PANEL_TABS.indexOf(tab);
  tabs.setAttribute('selected-index', String(PANEL_TABS.indexOf(tab)));
}

/** Rebuilds the visible tab if stale. Errors go to the host's log rather than blanking the panel. */
function refreshVisible(): void {
  const tab = state.tab;
  if (!stale.has(tab)) return;
  stale.delete(tab);
  try {
    renderTab(tab);
  } catch (e) {
    host.post({ type: 'log', level: 'error', message: `Rendering the ${tab} tab failed: ${(e as Error).stack ?? String(e)}`.slice(0, 4000) });
  }
}

function renderTab(tab: PanelTab): void {
  const r = state.shown?.result ?? null;
  switch (tab) {
    case 'overview':
      clear(overviewPanel);
      if (r) overviewPanel.appendChild(renderOverview(r));
      return;
    case 'energy':
      if (r) energy.render(r, theme, state.energyView, state.energyScale);
      return;
    case 'tiles':
      // The tile map keeps its own canvas current (it redraws on resize); nothing to rebuild.
      return;
    case 'accuracy':
      accuracy.render(state.accuracy, state.accuracyMetric, theme);
      return;
    case 'sweep':
      sweep.render(state.sweep, state.sweepAxes, theme);
      return;
  }
}

function renderHeader(): void {
  const shown = state.shown;
  document.body.classList.toggle('has-result', shown !== null);
  title.textContent = shown ? shown.result.name : 'AIMC results';
  subtitle.textContent = shown ? `${modelSummary(shown.result)}${shown.source.label ? ` · ${shown.source.label}` : ''}` : '';
}

function showAll(): void {
  renderHeader();
  for (const t of PANEL_TABS) stale.add(t);
  tiles.setResult(state.shown?.result ?? null, state.tileColouring, state.tileView);
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
  const images: ChartImage[] = [];
  const add = (name: string, dataUrl: string, width: number, height: number) => images.push({ name, dataUrl, width, height });
  const r = state.shown?.result;
  if (r) {
    for (const spec of energyCharts(r, theme, state.energyView, state.energyScale)) {
      const [w, h] = spec.name === 'energy-by-layer' ? [1600, 700] : [1200, 600];
      add(spec.name, renderToPng(spec.config, theme, `${r.name}: ${spec.title}`, w, h), w, h);
    }
    const map = tiles.exportPng(theme);
    if (map) add('tile-map', map.dataUrl, map.width, map.height);
  }
  if (state.accuracy) {
    const spec = accuracyChartSpec(state.accuracy, state.accuracyMetric, theme);
    if (spec) add('accuracy-by-layer', renderToPng(spec.config, theme, `${state.accuracy.name}: ${spec.title}`, 1600, 700), 1600, 700);
  }
  if (state.sweep && state.sweep.points.length > 0) {
    add('sweep-scatter', renderToPng(sweepChartSpec(state.sweep, state.sweepAxes, theme, null).config, theme, state.sweep.name, 1200, 800), 1200, 800);
  }
  return images;
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
  switch (m.type) {
    case 'showResult':
      // A new design keeps the user's view choices but not the old map position.
      update({ shown: m, tileView: null });
      setStatus('idle', null);
      showAll();
      return;
    case 'showSweep':
      update({ sweep: m.sweep });
      stale.add('sweep');
      refreshVisible();
      return;
    case 'showAccuracy':
      update({ accuracy: m.accuracy });
      stale.add('accuracy');
      refreshVisible();
      return;
    case 'status':
      setStatus(m.state, m.message);
      return;
    case 'reveal':
      update({ tab: m.tab });
      selectTab(m.tab);
      refreshVisible();
      return;
    case 'collectCharts':
      void exportResults('png', m.requestId);
      return;
  }
}

watchTheme(() => {
  theme = readTheme();
  applyChartTheme(theme);
  tiles.setTheme(theme);
  for (const t of ['energy', 'accuracy', 'sweep'] as const) stale.add(t);
  refreshVisible();
});

host.onMessage(onMessage);
tiles.setTheme(theme);
showAll();
host.post({ type: 'ready', view: 'panel' });
