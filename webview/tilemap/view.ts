/**
 * The floorplan on screen: a canvas showing every array of the design as the mapping places it
 * (chips → blocks → tiles → arrays, layout.ts), with semantic zoom: chip outlines and names when
 * the whole system is in view, labelled matrix blocks as blocks grow large enough to carry a
 * label, then single arrays with the tiles' bit slices and differential pairs grouped.
 *
 * Zoom (wheel, buttons, keys), pan (drag, arrow keys), hover text, a click for an array's details
 * (and "Show in config", which asks the host to reveal the config lines that put it there), a
 * layer finder that frames a layer and sets the rest back, and a legend. Drawing is the pure raster
 * (raster.ts) into one reused ImageData, then the outlines and labels on top; frames are coalesced
 * to one per animation frame.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { SimulationResult } from '../../src/shared/result';
import { arrayAt, type TileMatrix } from '../../src/shared/tileMap';
import { labelFor } from '../charts/shape';
import { toCss, withAlpha } from '../colour';
import { clear, el } from '../dom';
import type { Theme } from '../theme';
import { colourKeys, type ColourKeys, type TileColouring } from './colouring';
import { arrayDetails, describeArray, layerName } from './describe';
import {
  arrayAtCell,
  blockAtCell,
  blockOfArray,
  boundsOfBlocks,
  cellOfArray,
  layerLabelShort,
  layersOf,
  buildTileLayout,
  type FloorBlock,
  type TileLayout,
} from './layout';
import { legendEntries, rasterColours } from './palette';
import {
  cellAt,
  clampViewState,
  fitViewState,
  frameRect,
  panBy,
  rasterizeTileMap,
  rasterScratch,
  viewOf,
  zoomAt,
  type RasterScratch,
  type TileView,
  type TileViewState,
} from './raster';

export interface TileMapCallbacks {
  onViewChange(state: TileViewState): void;
  onColouringChange(colouring: TileColouring): void;
  /** "Show in config" for the selected array's matrix. */
  onRevealConfig(layer: number, matrix: TileMatrix): void;
}

export const COLOURING_LABELS: Record<TileColouring, string> = {
  layer: 'Layer',
  matrix: 'Matrix',
  utilization: 'Utilisation',
  energy: 'Energy per token',
};
const WHEEL_ZOOM_PER_PIXEL = 0.0015;
/** A press that moves less than this (CSS px) before release is a click, not a drag. */
const CLICK_SLOP_PX = 4;
/** Device pixels per cell from which tiles (an array's slices and pairs) are set apart. */
const TILE_LINES_MIN_SCALE = 10;

/** Short matrix names for block labels, where space is tight. */
const SHORT_MATRIX: Partial<Record<TileMatrix, string>> = {
  q_proj: 'Q',
  k_proj: 'K',
  v_proj: 'V',
  o_proj: 'O',
  ffn_up: 'FFN up',
  ffn_gate: 'FFN gate',
  ffn_down: 'FFN down',
  k_cache: 'K cache',
  v_cache: 'V cache',
  lm_head: 'LM head',
};

export function blockLabel(b: Pick<FloorBlock, 'layer' | 'matrix'>): string {
  const m = SHORT_MATRIX[b.matrix] ?? labelFor(b.matrix);
  return b.matrix === 'lm_head' ? m : `${layerLabelShort(b.layer)} ${m}`;
}

/** "L12–L16" for the layers a chip holds. */
function chipLayers(layout: TileLayout, chip: number): string {
  const c = layout.chips[chip];
  const layers: number[] = [];
  for (let i = c.firstBlock; i < c.endBlock; i++) {
    const l = layout.blocks[i].layer;
    if (!layers.includes(l)) layers.push(l);
  }
  if (layers.length === 0) return '';
  const first = layerLabelShort(layers[0]);
  const last = layerLabelShort(layers[layers.length - 1]);
  return first === last ? first : `${first}–${last}`;
}

export class TileMapView {
  readonly element: HTMLElement;
  private readonly canvas = el('canvas', {
    class: 'tilemap-canvas',
    tabindex: '0',
    attrs: {
      'aria-label':
        'Floorplan: every array of the design by chip and matrix. Arrow keys pan, + and − zoom, 0 fits; click an array for its details.',
    },
  });
  private readonly tooltip = el('div', { class: 'tilemap-tooltip', role: 'status' });
  private readonly details = el('aside', { class: 'tilemap-details', attrs: { 'aria-live': 'polite' } });
  private readonly empty = el('div', { class: 'tilemap-empty muted' });
  private readonly legend = el('div', { class: 'tilemap-legend' });
  private readonly info = el('span', { class: 'tilemap-info' });
  private readonly select = el('vscode-single-select', { attrs: { 'aria-label': 'Colour arrays by' } });
  private readonly layerSelect = el('vscode-single-select', {
    class: 'tilemap-find',
    attrs: { 'aria-label': 'Find a layer' },
  });
  private readonly wrap = el('div', { class: 'tilemap-wrap' }, this.canvas, this.tooltip, this.empty);

  private result: SimulationResult | null = null;
  private layout: TileLayout | null = null;
  private readonly keyCache = new Map<TileColouring, ColourKeys>();
  private colouring: TileColouring = 'layer';
  private state: TileViewState | null = null;
  private theme: Theme | null = null;
  private image: ImageData | null = null;
  private scratch: RasterScratch = rasterScratch(1);
  private frame = 0;
  private press: { x: number; y: number; id: number; moved: boolean } | null = null;
  private hover: { px: number; py: number } | null = null;
  private selected: number | null = null;
  private highlightLayer: number | null = null;
  private dimBlocks: Uint8Array | null = null;
  private readonly resize = new ResizeObserver(() => this.requestRender());

  constructor(private readonly callbacks: TileMapCallbacks) {
    this.select.addEventListener('change', () => this.setColouring(this.select.value as TileColouring));
    this.layerSelect.addEventListener('change', () =>
      this.findLayer(this.layerSelect.value === '' ? null : Number(this.layerSelect.value)),
    );
    const button = (label: string, title: string, action: () => void) =>
      el('vscode-button', { title, attrs: { secondary: true }, on: { click: action } }, label);
    const toolbar = el(
      'div',
      { class: 'toolbar' },
      el('label', { class: 'toolbar-label' }, 'Colour by'),
      this.select,
      el('label', { class: 'toolbar-label' }, 'Find'),
      this.layerSelect,
      button('−', 'Zoom out (−)', () => this.zoomCentre(1 / 1.5)),
      button('+', 'Zoom in (+)', () => this.zoomCentre(1.5)),
      button('Fit', 'Show the whole design (0)', () => this.fit()),
      this.info,
    );
    this.element = el(
      'div',
      { class: 'tilemap' },
      toolbar,
      el('div', { class: 'tilemap-body' }, this.wrap, this.details),
      this.legend,
    );
    this.bindInput();
    this.resize.observe(this.wrap);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.renderLegend();
    this.requestRender();
  }

  setResult(result: SimulationResult | null, colouring: TileColouring, state: TileViewState | null): void {
    this.result = result;
    this.keyCache.clear();
    const m = result?.mapping;
    this.layout = m ? buildTileLayout(m.tileGroups, { chips: m.chips, arraysPerChip: m.arraysPerChip }) : null;
    this.state = state;
    this.selected = null;
    this.highlightLayer = null;
    this.dimBlocks = null;
    this.fillColourings();
    this.colouring = this.available().includes(colouring) ? colouring : 'layer';
    this.select.value = this.colouring;
    this.fillLayers();
    const hasArrays = (this.layout?.arrays ?? 0) > 0;
    this.empty.textContent =
      result && !hasArrays ? 'No arrays to draw: every matrix and the attention of this design are digital.' : '';
    this.empty.hidden = !(result && !hasArrays);
    this.info.textContent =
      m && this.layout && hasArrays
        ? `${m.arrays.toLocaleString('en-US')} arrays · ${m.chips} chip${m.chips === 1 ? '' : 's'}${m.arraysPerChip ? ` of ${m.arraysPerChip.toLocaleString('en-US')} arrays` : ''} · ${this.layout.blocks.length.toLocaleString('en-US')} blocks`
        : '';
    this.hideTooltip();
    this.renderDetails();
    this.renderLegend();
    this.requestRender();
  }

  /** The colourings this result supports: energy needs the engine's energy per tile group. */
  private available(): TileColouring[] {
    const energy = this.result?.mapping.groupEnergyPerTokenJ !== undefined;
    return ['layer', 'matrix', 'utilization', ...(energy ? (['energy'] as const) : [])];
  }

  private fillColourings(): void {
    clear(this.select);
    for (const c of this.available())
      this.select.appendChild(el('vscode-option', { attrs: { value: c } }, COLOURING_LABELS[c]));
  }

  private fillLayers(): void {
    clear(this.layerSelect);
    this.layerSelect.appendChild(el('vscode-option', { attrs: { value: '' } }, 'All layers'));
    for (const layer of this.result ? layersOf(this.result.mapping.tileGroups) : [])
      this.layerSelect.appendChild(el('vscode-option', { attrs: { value: String(layer) } }, layerName(layer)));
    this.layerSelect.value = '';
  }

  private setColouring(colouring: TileColouring): void {
    if (colouring === this.colouring) return;
    this.colouring = colouring;
    this.callbacks.onColouringChange(colouring);
    this.renderLegend();
    this.requestRender();
  }

  /** Sets every other layer back and frames the layer's blocks; null shows everything again. */
  findLayer(layer: number | null): void {
    if (!this.layout) return;
    this.highlightLayer = layer;
    if (layer === null) {
      this.dimBlocks = null;
      this.requestRender();
      return;
    }
    this.dimBlocks = Uint8Array.from(this.layout.blocks, (b) => (b.layer === layer ? 0 : 1));
    const bounds = boundsOfBlocks(this.layout, (b) => b.layer === layer);
    if (bounds) {
      const { width, height } = this.size();
      this.setState(frameRect(this.layout, width, height, bounds));
    } else this.requestRender();
  }

  /** Selects an array (as a click does) and shows its details; null clears the selection. */
  selectArray(index: number | null): void {
    this.selected = index;
    this.renderDetails();
    this.requestRender();
  }

  private keys(): ColourKeys | null {
    if (!this.result || !this.layout) return null;
    let k = this.keyCache.get(this.colouring);
    if (!k) {
      const m = this.result.mapping;
      k = colourKeys(m.tileGroups, this.layout, this.colouring, m.groupEnergyPerTokenJ);
      this.keyCache.set(this.colouring, k);
    }
    return k;
  }

  private renderLegend(): void {
    clear(this.legend);
    const keys = this.keys();
    if (!keys || !this.theme || !this.layout?.arrays) return;
    const labelOf = (c: string) => (keys.colouring === 'layer' ? layerLabelShort(Number(c)) : labelFor(c));
    const titles: Record<TileColouring, string> = {
      layer: 'Layer (alternate layers shaded)',
      matrix: 'Matrix',
      utilization: 'Cells holding data',
      energy: 'Energy per token of one array (log scale)',
    };
    this.legend.appendChild(el('span', { class: 'legend-title' }, titles[keys.colouring]));
    for (const entry of legendEntries(keys, this.theme, labelOf)) {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.backgroundColor = entry.colour;
      this.legend.appendChild(el('span', { class: 'legend-item' }, swatch, entry.label));
    }
    if (this.layout.blocks.some((b) => b.kind === 'kv'))
      this.legend.appendChild(
        el('span', { class: 'legend-item' }, el('span', { class: 'swatch striped' }), 'Striped: KV cache (gain cells)'),
      );
    if (this.layout.chips.length > 1)
      this.legend.appendChild(el('span', { class: 'legend-item' }, el('span', { class: 'swatch chip' }), 'Chip'));
  }

  private renderDetails(): void {
    clear(this.details);
    const r = this.result;
    const index = this.selected;
    const info = r && index !== null ? arrayAt(r.mapping.tileGroups, index) : undefined;
    this.element.classList.toggle('has-selection', info !== undefined);
    if (!r || index === null || !info || !this.layout) {
      this.details.appendChild(
        el('p', { class: 'muted' }, 'Click an array for its place in the design, how full it is, and its cost.'),
      );
      return;
    }
    const groups = r.mapping.tileGroups;
    const gi = groups.findIndex((g) => index >= g.firstArray && index < g.firstArray + g.arrayCount);
    const b = blockOfArray(this.layout, index);
    const chip = b >= 0 ? this.layout.blocks[b].chip : 0;
    const d = arrayDetails(info, groups[gi], gi, r, chip);
    this.details.append(
      el('h3', {}, d.title),
      el('dl', { class: 'facts' }, ...d.rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
      el(
        'div',
        { class: 'details-actions' },
        el(
          'vscode-button',
          {
            title: 'Open the config with the lines that place this matrix selected',
            on: { click: () => this.callbacks.onRevealConfig(info.layer, info.matrix) },
          },
          'Show in config',
        ),
        el(
          'vscode-button',
          { attrs: { secondary: true }, title: 'Frame this matrix', on: { click: () => this.frameBlock(b) } },
          'Zoom to matrix',
        ),
        el('vscode-button', { attrs: { secondary: true }, on: { click: () => this.selectArray(null) } }, 'Clear'),
      ),
    );
  }

  private frameBlock(block: number): void {
    if (!this.layout || block < 0) return;
    const b = this.layout.blocks[block];
    const { width, height } = this.size();
    this.setState(frameRect(this.layout, width, height, b));
  }

  /** Device-pixel size of the canvas area. */
  private size(): { width: number; height: number; dpr: number } {
    const dpr = window.devicePixelRatio || 1;
    const r = this.wrap.getBoundingClientRect();
    return { width: Math.max(1, Math.round(r.width * dpr)), height: Math.max(1, Math.round(r.height * dpr)), dpr };
  }

  private currentState(width: number, height: number): TileViewState {
    return clampViewState(this.layout!, width, height, this.state ?? fitViewState(this.layout!));
  }

  requestRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const keys = this.keys();
    const { width, height } = this.size();
    if (!keys || !this.theme || !this.layout || this.wrap.offsetParent === null) return;
    const t0 = performance.now();
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.image = null;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    this.image ??= ctx.createImageData(width, height);
    const view = viewOf(this.layout, width, height, this.currentState(width, height));
    paintTileMap(
      ctx,
      this.image,
      this.layout,
      keys,
      this.theme,
      view,
      this.scratch,
      this.dimBlocks,
      this.highlightLayer,
    );
    if (this.selected !== null) this.outlineArray(ctx, view, this.selected, true);
    if (this.hover && view.scale >= 3) {
      const { col, row } = cellAt(view, this.hover.px, this.hover.py);
      const i = arrayAtCell(this.layout, col, row);
      if (i >= 0 && i !== this.selected) this.outlineArray(ctx, view, i, false);
    }
    // Read by the browser preview's frame-time measurement (test/ui/webview-preview.ts).
    this.canvas.dataset.frameMs = (performance.now() - t0).toFixed(3);
  }

  /** An array's outline; the selected one also gets its block outlined and a marker when tiny. */
  private outlineArray(ctx: CanvasRenderingContext2D, view: TileView, index: number, selected: boolean): void {
    if (!this.theme || !this.layout) return;
    const cell = cellOfArray(this.layout, index);
    if (!cell) return;
    const dpr = window.devicePixelRatio || 1;
    const x = (cell.col - view.x) * view.scale;
    const y = (cell.row - view.y) * view.scale;
    ctx.strokeStyle = toCss(this.theme.focus);
    ctx.lineWidth = Math.max(1, Math.round((selected ? 2 : 1) * dpr));
    if (selected) {
      const bi = blockOfArray(this.layout, index);
      if (bi >= 0) {
        const b = this.layout.blocks[bi];
        ctx.setLineDash([4 * dpr, 3 * dpr]);
        ctx.strokeRect(
          (b.x - view.x) * view.scale - 1,
          (b.y - view.y) * view.scale - 1,
          b.width * view.scale + 2,
          b.height * view.scale + 2,
        );
        ctx.setLineDash([]);
      }
    }
    if (view.scale >= 3) ctx.strokeRect(x + 0.5, y + 0.5, view.scale - 1, view.scale - 1);
    else if (selected) {
      // Too small to outline: a ring around it, so it can be found.
      ctx.beginPath();
      ctx.arc(x + view.scale / 2, y + view.scale / 2, 7 * dpr, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  private setState(s: TileViewState): void {
    this.state = s;
    this.callbacks.onViewChange(s);
    this.requestRender();
  }

  private zoomCentre(factor: number): void {
    if (!this.layout) return;
    const { width, height } = this.size();
    this.setState(zoomAt(this.layout, width, height, this.currentState(width, height), factor, width / 2, height / 2));
  }

  private fit(): void {
    if (!this.layout) return;
    this.setState(fitViewState(this.layout));
  }

  /** The array under a CSS-pixel position of the canvas, or -1. */
  private arrayAtPoint(clientX: number, clientY: number): number {
    if (!this.layout) return -1;
    const { width, height, dpr } = this.size();
    const r = this.canvas.getBoundingClientRect();
    const view = viewOf(this.layout, width, height, this.currentState(width, height));
    const { col, row } = cellAt(view, (clientX - r.left) * dpr, (clientY - r.top) * dpr);
    return arrayAtCell(this.layout, col, row);
  }

  private bindInput(): void {
    const c = this.canvas;
    c.addEventListener(
      'wheel',
      (e) => {
        if (!this.layout) return;
        e.preventDefault();
        const { width, height, dpr } = this.size();
        const r = c.getBoundingClientRect();
        const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 16 : 1) * WHEEL_ZOOM_PER_PIXEL);
        this.setState(
          zoomAt(
            this.layout,
            width,
            height,
            this.currentState(width, height),
            factor,
            (e.clientX - r.left) * dpr,
            (e.clientY - r.top) * dpr,
          ),
        );
      },
      { passive: false },
    );
    c.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      this.press = { x: e.clientX, y: e.clientY, id: e.pointerId, moved: false };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (!this.layout) return;
      const { width, height, dpr } = this.size();
      const p = this.press;
      if (p && p.id === e.pointerId) {
        if (!p.moved && Math.hypot(e.clientX - p.x, e.clientY - p.y) < CLICK_SLOP_PX) return;
        p.moved = true;
        c.classList.add('dragging');
        const dx = (e.clientX - p.x) * dpr;
        const dy = (e.clientY - p.y) * dpr;
        this.press = { ...p, x: e.clientX, y: e.clientY };
        this.setState(panBy(this.layout, width, height, this.currentState(width, height), dx, dy));
        this.hideTooltip();
        return;
      }
      const r = c.getBoundingClientRect();
      this.hover = { px: (e.clientX - r.left) * dpr, py: (e.clientY - r.top) * dpr };
      this.showTooltip(e.clientX - r.left, e.clientY - r.top);
      this.requestRender();
    });
    const endPress = (e: PointerEvent, click: boolean) => {
      const p = this.press;
      if (p?.id !== e.pointerId) return;
      this.press = null;
      c.classList.remove('dragging');
      if (click && !p.moved) {
        const i = this.arrayAtPoint(e.clientX, e.clientY);
        this.selectArray(i >= 0 ? i : null);
      }
    };
    c.addEventListener('pointerup', (e) => endPress(e, true));
    c.addEventListener('pointercancel', (e) => endPress(e, false));
    c.addEventListener('pointerleave', () => {
      this.hover = null;
      this.hideTooltip();
      this.requestRender();
    });
    c.addEventListener('dblclick', (e) => {
      if (!this.layout) return;
      const { width, height, dpr } = this.size();
      const r = c.getBoundingClientRect();
      this.setState(
        zoomAt(
          this.layout,
          width,
          height,
          this.currentState(width, height),
          2,
          (e.clientX - r.left) * dpr,
          (e.clientY - r.top) * dpr,
        ),
      );
    });
    c.addEventListener('keydown', (e) => {
      if (!this.layout) return;
      const { width, height } = this.size();
      const step = Math.min(width, height) / 8;
      const s = this.currentState(width, height);
      const moves: Record<string, () => TileViewState> = {
        '+': () => zoomAt(this.layout!, width, height, s, 1.5, width / 2, height / 2),
        '=': () => zoomAt(this.layout!, width, height, s, 1.5, width / 2, height / 2),
        '-': () => zoomAt(this.layout!, width, height, s, 1 / 1.5, width / 2, height / 2),
        '0': () => fitViewState(this.layout!),
        ArrowLeft: () => panBy(this.layout!, width, height, s, step, 0),
        ArrowRight: () => panBy(this.layout!, width, height, s, -step, 0),
        ArrowUp: () => panBy(this.layout!, width, height, s, 0, step),
        ArrowDown: () => panBy(this.layout!, width, height, s, 0, -step),
      };
      const move = moves[e.key];
      if (move) {
        e.preventDefault();
        this.setState(move());
      } else if (e.key === 'Escape') this.selectArray(null);
    });
  }

  private hideTooltip(): void {
    this.tooltip.classList.remove('visible');
  }

  /** Tooltip for the array (or chip) under the pointer, at CSS-pixel position (x, y) in the canvas. */
  private showTooltip(x: number, y: number): void {
    if (!this.layout || !this.result || !this.hover) return;
    const { width, height } = this.size();
    const view = viewOf(this.layout, width, height, this.currentState(width, height));
    const { col, row } = cellAt(view, this.hover.px, this.hover.py);
    const index = arrayAtCell(this.layout, col, row);
    const info = index >= 0 ? arrayAt(this.result.mapping.tileGroups, index) : undefined;
    if (!info) {
      this.hideTooltip();
      return;
    }
    const group = this.result.mapping.tileGroups.find(
      (g) => index >= g.firstArray && index < g.firstArray + g.arrayCount,
    );
    const block = blockAtCell(this.layout, col, row);
    clear(this.tooltip);
    for (const line of describeArray(info, group, this.result, block >= 0 ? this.layout.blocks[block].chip : undefined))
      this.tooltip.appendChild(el('div', {}, line));
    this.tooltip.classList.add('visible');
    // Keep the tooltip inside the canvas: flip to the other side of the pointer near the edges.
    const w = this.wrap.clientWidth;
    const h = this.wrap.clientHeight;
    const tw = this.tooltip.offsetWidth;
    const th = this.tooltip.offsetHeight;
    this.tooltip.style.left = `${x + 16 + tw > w ? Math.max(0, x - 16 - tw) : x + 16}px`;
    this.tooltip.style.top = `${y + 16 + th > h ? Math.max(0, y - 16 - th) : y + 16}px`;
  }

  /** The whole map at fit as a PNG (for export), independent of the on-screen zoom, with a caption. */
  exportPng(theme: Theme, width = 1600): { dataUrl: string; width: number; height: number } | null {
    const keys = this.keys();
    if (!keys || !this.layout || !this.result || this.layout.arrays === 0) return null;
    const caption = 40;
    const mapHeight = Math.max(
      200,
      Math.min(4000, Math.round((width * this.layout.rows) / this.layout.columns / 0.96)),
    );
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = mapHeight + caption;
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    const map = document.createElement('canvas');
    map.width = width;
    map.height = mapHeight;
    const mapCtx = map.getContext('2d')!;
    const view = viewOf(this.layout, width, mapHeight, fitViewState(this.layout));
    paintTileMap(
      mapCtx,
      mapCtx.createImageData(width, mapHeight),
      this.layout,
      keys,
      theme,
      view,
      rasterScratch(width, mapHeight),
      null,
      null,
    );
    ctx.fillStyle = toCss(theme.background);
    ctx.fillRect(0, 0, width, caption);
    ctx.drawImage(map, 0, caption);
    ctx.fillStyle = toCss(theme.foreground);
    ctx.font = `600 16px ${theme.fontFamily}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(
      `${this.result.name}: ${this.result.mapping.arrays.toLocaleString('en-US')} arrays on ${this.result.mapping.chips} chip(s), coloured by ${COLOURING_LABELS[this.colouring].toLowerCase()}`,
      16,
      caption / 2,
    );
    return { dataUrl: canvas.toDataURL('image/png'), width, height: canvas.height };
  }

  dispose(): void {
    this.resize.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
  }
}

/** A label with a translucent plate behind it, clipped to nothing if it does not fit `maxWidth`. */
function plateLabel(
  ctx: CanvasRenderingContext2D,
  theme: Theme,
  text: string,
  x: number,
  y: number,
  fontPx: number,
  pad: number,
  maxWidth: number,
): boolean {
  const w = ctx.measureText(text).width + 2 * pad;
  if (w > maxWidth) return false;
  ctx.fillStyle = toCss(withAlpha(theme.background, 0.78));
  ctx.fillRect(x, y, w, fontPx + 2 * pad);
  ctx.fillStyle = toCss(theme.foreground);
  ctx.fillText(text, x + pad, y + pad);
  return true;
}

/**
 * Raster, then what semantic zoom adds on top: chip outlines and names, block outlines and labels
 * once blocks are large enough on screen, and tile separators once single arrays are.
 */
function paintTileMap(
  ctx: CanvasRenderingContext2D,
  image: ImageData,
  layout: TileLayout,
  keys: ColourKeys,
  theme: Theme,
  view: TileView,
  scratch: RasterScratch,
  dimBlocks: Uint8Array | null,
  highlightLayer: number | null,
): void {
  const { width, height } = image;
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
  rasterizeTileMap(layout, keys.keys, rasterColours(keys, theme), view, width, height, pixels, scratch, dimBlocks);
  ctx.putImageData(image, 0, 0);

  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  const s = view.scale;
  const visible = (x: number, y: number, w: number, h: number) =>
    (x + w - view.x) * s >= 0 && (x - view.x) * s <= width && (y + h - view.y) * s >= 0 && (y - view.y) * s <= height;
  const fontPx = Math.round(11 * dpr);
  ctx.font = `${fontPx}px ${theme.fontFamily}`;
  ctx.textBaseline = 'top';

  // Chips: an outline from the moment a chip is a few pixels wide; a name once there is room.
  const multiChip = layout.chips.length > 1;
  for (const chip of layout.chips) {
    if (!visible(chip.x, chip.y, chip.width, chip.height)) continue;
    const x = (chip.x - view.x) * s;
    const y = (chip.y - view.y) * s;
    const w = chip.width * s;
    const h = chip.height * s;
    if (multiChip && w >= 6 * dpr) {
      ctx.strokeStyle = toCss(theme.lines);
      ctx.lineWidth = Math.max(1, Math.round(dpr));
      ctx.strokeRect(Math.round(x) + 0.5, Math.round(y) + 0.5, Math.round(w) - 1, Math.round(h) - 1);
    }
  }

  // Chip names go at each chip's bottom left, inside what is on screen; worked out first so that
  // no block label is drawn under one.
  const pad = Math.round(2 * dpr);
  const plateH = fontPx + 2 * pad;
  const bold = `600 ${fontPx}px ${theme.fontFamily}`;
  const chipLabels: { text: string; x: number; y: number; w: number }[] = [];
  if (multiChip) {
    ctx.font = bold;
    for (const chip of layout.chips) {
      if (!visible(chip.x, chip.y, chip.width, chip.height)) continue;
      const left = Math.max(0, (chip.x - view.x) * s);
      const right = Math.min(width, (chip.x + chip.width - view.x) * s);
      if (chip.width * s < 56 * dpr || right - left < 40 * dpr) continue;
      const y = Math.min(height, (chip.y + chip.height - view.y) * s) - plateH - pad;
      const room = right - left - 2 * pad;
      const wide = `Chip ${chip.index} · ${chipLayers(layout, chip.index)}`;
      const text = ctx.measureText(wide).width + 2 * pad <= room ? wide : `Chip ${chip.index}`;
      const w = ctx.measureText(text).width + 2 * pad;
      if (w <= room) chipLabels[chip.index] = { text, x: left + pad, y, w };
    }
    ctx.font = `${fontPx}px ${theme.fontFamily}`;
  }

  // Blocks: labelled where the label fits the part on screen, tiles set apart when single arrays are.
  for (const b of layout.blocks) {
    if (!visible(b.x, b.y, b.width, b.height)) continue;
    const x = (b.x - view.x) * s;
    const y = (b.y - view.y) * s;
    const h = b.height * s;
    if (s >= TILE_LINES_MIN_SCALE && b.tileArrays > 1) {
      ctx.fillStyle = toCss(theme.background);
      const line = Math.max(2, Math.round(2 * dpr));
      for (let c = b.tileArrays; c < b.width; c += b.tileArrays)
        ctx.fillRect(Math.round(x + c * s) - line / 2, y, line, h);
    }
    const left = Math.max(x, 0);
    const top = Math.max(y, 0);
    const room = Math.min(width, x + b.width * s) - left - 2 * pad;
    if (room < 16 * dpr || Math.min(height, y + h) - top < plateH + 2 * pad) continue;
    const chipLabel = chipLabels[b.chip];
    const lx = left + pad;
    const ly = top + pad;
    if (chipLabel && ly + plateH > chipLabel.y && ly < chipLabel.y + plateH && lx < chipLabel.x + chipLabel.w) continue;
    const dim = dimBlocks !== null && highlightLayer !== null && b.layer !== highlightLayer;
    ctx.globalAlpha = dim ? 0.45 : 1;
    if (!plateLabel(ctx, theme, blockLabel(b), lx, ly, fontPx, pad, room))
      plateLabel(ctx, theme, SHORT_MATRIX[b.matrix] ?? b.matrix, lx, ly, fontPx, pad, room);
    ctx.globalAlpha = 1;
  }

  ctx.font = bold;
  for (const l of chipLabels) if (l) plateLabel(ctx, theme, l.text, l.x, l.y, fontPx, pad, l.w);
}
