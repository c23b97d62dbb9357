/**
 * The tile map on screen: a canvas showing every array, zoom (wheel, buttons, keys), pan (drag,
 * arrow keys), hover details, and a legend. Drawing is the pure raster (raster.ts) into one
 * reused ImageData, then band labels on top; frames are coalesced to one per animation frame.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { arrayAt } from '../../src/shared/tileMap';
import type { SimulationResult } from '../../src/shared/result';
import { toCss, withAlpha } from '../colour';
import { labelFor } from '../charts/shape';
import { clear, el } from '../dom';
import type { Theme } from '../theme';
import { describeArray } from './describe';
import { colourKeys, type ColourKeys, type TileColouring } from './colouring';
import { arrayAtCell, bandAtRow, bandLabel, buildTileLayout, type TileLayout } from './layout';
import { legendEntries, rasterColours } from './palette';
import {
  cellAt,
  clampViewState,
  fitViewState,
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
}

const COLOURING_LABELS: Record<TileColouring, string> = {
  layer: 'Layer',
  matrix: 'Matrix',
  utilization: 'Utilisation',
};
const WHEEL_ZOOM_PER_PIXEL = 0.0015;

export class TileMapView {
  readonly element: HTMLElement;
  private readonly canvas = el('canvas', {
    class: 'tilemap-canvas',
    tabindex: '0',
    attrs: { 'aria-label': 'Tile map: every array of the design. Arrow keys pan, + and − zoom, 0 fits.' },
  });
  private readonly tooltip = el('div', { class: 'tilemap-tooltip', role: 'status' });
  private readonly legend = el('div', { class: 'tilemap-legend' });
  private readonly info = el('span', { class: 'tilemap-info' });
  private readonly select = el('vscode-single-select', { attrs: { 'aria-label': 'Colour arrays by' } });
  private readonly wrap = el('div', { class: 'tilemap-wrap' }, this.canvas, this.tooltip);

  private result: SimulationResult | null = null;
  private layout: TileLayout | null = null;
  private readonly keyCache = new Map<TileColouring, ColourKeys>();
  private colouring: TileColouring = 'layer';
  private state: TileViewState | null = null;
  private theme: Theme | null = null;
  private image: ImageData | null = null;
  private scratch: RasterScratch = rasterScratch(1);
  private frame = 0;
  private drag: { x: number; y: number; id: number } | null = null;
  private hover: { px: number; py: number } | null = null;
  private readonly resize = new ResizeObserver(() => this.requestRender());

  constructor(private readonly callbacks: TileMapCallbacks) {
    for (const c of ['layer', 'matrix', 'utilization'] as const) {
      this.select.appendChild(el('vscode-option', { attrs: { value: c } }, COLOURING_LABELS[c]));
    }
    this.select.addEventListener('change', () => this.setColouring(this.select.value as TileColouring));
    const button = (label: string, title: string, action: () => void) =>
      el('vscode-button', { title, attrs: { secondary: true }, on: { click: action } }, label);
    const toolbar = el(
      'div',
      { class: 'toolbar' },
      el('label', { class: 'toolbar-label' }, 'Colour by'),
      this.select,
      button('−', 'Zoom out (−)', () => this.zoomCentre(1 / 1.5)),
      button('+', 'Zoom in (+)', () => this.zoomCentre(1.5)),
      button('Fit', 'Show the whole design (0)', () => this.fit()),
      this.info,
    );
    this.element = el('div', { class: 'tilemap' }, toolbar, this.wrap, this.legend);
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
    this.layout = result ? buildTileLayout(result.mapping.tileGroups) : null;
    this.colouring = colouring;
    this.select.value = colouring;
    this.state = state;
    const m = result?.mapping;
    this.info.textContent =
      m && this.layout
        ? `${m.arrays.toLocaleString('en-US')} arrays · ${this.layout.bands.length} layer bands · ${this.layout.columns.toLocaleString('en-US')} × ${this.layout.rows.toLocaleString('en-US')} grid`
        : '';
    this.hideTooltip();
    this.renderLegend();
    this.requestRender();
  }

  private setColouring(colouring: TileColouring): void {
    if (colouring === this.colouring) return;
    this.colouring = colouring;
    this.callbacks.onColouringChange(colouring);
    this.renderLegend();
    this.requestRender();
  }

  private keys(): ColourKeys | null {
    if (!this.result || !this.layout) return null;
    let k = this.keyCache.get(this.colouring);
    if (!k) {
      k = colourKeys(this.result.mapping.tileGroups, this.layout, this.colouring);
      this.keyCache.set(this.colouring, k);
    }
    return k;
  }

  private renderLegend(): void {
    clear(this.legend);
    const keys = this.keys();
    if (!keys || !this.theme) return;
    const labelOf = (c: string) => (keys.colouring === 'layer' ? bandLabel(Number(c)) : labelFor(c));
    const title =
      keys.colouring === 'utilization'
        ? 'Cells holding data'
        : keys.colouring === 'layer'
          ? 'Layer (alternate layers shaded)'
          : 'Matrix';
    this.legend.appendChild(el('span', { class: 'legend-title' }, title));
    for (const entry of legendEntries(keys, this.theme, labelOf)) {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.backgroundColor = entry.colour;
      this.legend.appendChild(el('span', { class: 'legend-item' }, swatch, entry.label));
    }
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
    if (this.scratch.cols.length < width) this.scratch = rasterScratch(width);
    const view = viewOf(this.layout, width, height, this.currentState(width, height));
    paintTileMap(ctx, this.image, this.layout, keys, this.theme, view, this.scratch);
    if (this.hover) this.outlineHovered(ctx, view);
    // Read by the browser preview's frame-time measurement (test/ui/webview-preview.ts).
    this.canvas.dataset.frameMs = (performance.now() - t0).toFixed(3);
  }

  private outlineHovered(ctx: CanvasRenderingContext2D, view: TileView): void {
    if (!this.hover || !this.theme || view.scale < 3) return;
    const { col, row } = cellAt(view, this.hover.px, this.hover.py);
    if (arrayAtCell(this.layout!, col, row) < 0) return;
    ctx.strokeStyle = toCss(this.theme.focus);
    ctx.lineWidth = Math.max(1, Math.round(window.devicePixelRatio || 1));
    ctx.strokeRect(
      (col - view.x) * view.scale + 0.5,
      (row - view.y) * view.scale + 0.5,
      view.scale - 1,
      view.scale - 1,
    );
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
      this.drag = { x: e.clientX, y: e.clientY, id: e.pointerId };
      c.setPointerCapture(e.pointerId);
      c.classList.add('dragging');
    });
    c.addEventListener('pointermove', (e) => {
      if (!this.layout) return;
      const { width, height, dpr } = this.size();
      if (this.drag && this.drag.id === e.pointerId) {
        const dx = (e.clientX - this.drag.x) * dpr;
        const dy = (e.clientY - this.drag.y) * dpr;
        this.drag = { ...this.drag, x: e.clientX, y: e.clientY };
        this.setState(panBy(this.layout, width, height, this.currentState(width, height), dx, dy));
        this.hideTooltip();
        return;
      }
      const r = c.getBoundingClientRect();
      this.hover = { px: (e.clientX - r.left) * dpr, py: (e.clientY - r.top) * dpr };
      this.showTooltip(e.clientX - r.left, e.clientY - r.top);
      this.requestRender();
    });
    const endDrag = (e: PointerEvent) => {
      if (this.drag?.id === e.pointerId) {
        this.drag = null;
        c.classList.remove('dragging');
      }
    };
    c.addEventListener('pointerup', endDrag);
    c.addEventListener('pointercancel', endDrag);
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
      }
    });
  }

  private hideTooltip(): void {
    this.tooltip.classList.remove('visible');
  }

  /** Tooltip for the array under the pointer, at CSS-pixel position (x, y) in the canvas. */
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
    clear(this.tooltip);
    for (const line of describeArray(info, group, this.result)) this.tooltip.appendChild(el('div', {}, line));
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
    if (!keys || !this.layout || !this.result) return null;
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
      rasterScratch(width),
    );
    ctx.fillStyle = toCss(theme.background);
    ctx.fillRect(0, 0, width, caption);
    ctx.drawImage(map, 0, caption);
    ctx.fillStyle = toCss(theme.foreground);
    ctx.font = `600 16px ${theme.fontFamily}`;
    ctx.textBaseline = 'middle';
    ctx.fillText(
      `${this.result.name}: ${this.result.mapping.arrays.toLocaleString('en-US')} arrays, coloured by ${COLOURING_LABELS[this.colouring].toLowerCase()}`,
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

/** Raster, then band separators and labels where bands are tall enough to carry them. */
function paintTileMap(
  ctx: CanvasRenderingContext2D,
  image: ImageData,
  layout: TileLayout,
  keys: ColourKeys,
  theme: Theme,
  view: TileView,
  scratch: RasterScratch,
): void {
  const { width, height } = image;
  const pixels = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
  rasterizeTileMap(layout, keys.keys, rasterColours(keys, theme), view, width, height, pixels, scratch);
  ctx.putImageData(image, 0, 0);

  const first = Math.max(0, bandAtRow(layout, Math.max(0, Math.floor(view.y))));
  const left = Math.max(0, -view.x * view.scale);
  const right = Math.min(width, (layout.columns - view.x) * view.scale);
  const dpr = window.devicePixelRatio || 1;
  const fontPx = Math.round(11 * dpr);
  ctx.font = `${fontPx}px ${theme.fontFamily}`;
  ctx.textBaseline = 'top';
  for (let i = first; i < layout.bands.length; i++) {
    const b = layout.bands[i];
    const top = (b.firstRow - view.y) * view.scale;
    if (top > height) break;
    const bandHeight = b.rowCount * view.scale;
    if (top + bandHeight < 0) continue;
    // A background-coloured rule between layers reads against every cell colour; on bands only a few
    // pixels tall it would hide them, and the alternating shade separates them instead.
    if (i > 0 && top >= 0 && bandHeight >= 6 * dpr) {
      const rule = Math.max(2, Math.round(2 * dpr));
      ctx.fillStyle = toCss(theme.background);
      ctx.fillRect(left, Math.round(top) - rule / 2, right - left, rule);
    }
    if (bandHeight >= fontPx + 6 * dpr) {
      const label = bandLabel(b.layer);
      const y = Math.max(top, 0) + 3 * dpr;
      const x = left + 4 * dpr;
      const w = ctx.measureText(label).width + 8 * dpr;
      ctx.fillStyle = toCss(withAlpha(theme.background, 0.8));
      ctx.fillRect(x, y, w, fontPx + 4 * dpr);
      ctx.fillStyle = toCss(theme.foreground);
      ctx.fillText(label, x + 4 * dpr, y + 2 * dpr);
    }
  }
}
