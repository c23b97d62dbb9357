/**
 * Rasterises the visible part of the floorplan (layout.ts) into an RGBA pixel buffer (an
 * ImageData's bytes seen as 32-bit words). Pure (no DOM) so the frame cost is benchmarked in Node
 * exactly as the webview pays it.
 *
 * Cost is per screen pixel, not per array: each pixel samples the array under its centre, so a
 * frame costs the same for 10⁴ or 10⁷ arrays and only what is on screen is touched.
 */
import { shelfAtRow, type TileLayout } from './layout';

/** Device pixels per cell and the map cell at the canvas's top-left corner (fractional). */
export interface TileView {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

export interface RasterColours {
  /** Colour of key k at index k (index 0: a slot of a block that holds no array). Packed as in `packRgba`. */
  readonly palette: Uint32Array;
  /** Outside the chips. */
  readonly background: number;
  /** The 1-pixel gap drawn between arrays once cells are large enough to tell apart. */
  readonly gap: number;
  /** A chip's area between its blocks (default: the background). */
  readonly floor?: number;
  /** The palette of the darker stripes that mark KV-cache (gain-cell) arrays (default: no stripes). */
  readonly stripe?: Uint32Array;
  /** Palettes of blocks set back by a highlight (`dimBlocks`), plain and striped. */
  readonly dimmed?: Uint32Array;
  readonly dimmedStripe?: Uint32Array;
}

/** Below this many device pixels per cell, gaps would cover most of the cell. */
export const GAP_MIN_SCALE = 5;
/** KV arrays carry diagonal stripes: STRIPE_WIDTH dark pixels in every STRIPE_PERIOD (a power of two). */
export const STRIPE_PERIOD = 8;
export const STRIPE_WIDTH = 3;

/** RGBA bytes → one word of a Uint32Array view on ImageData (little-endian, as every browser host is). */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

export function unpackRgba(word: number): [number, number, number, number] {
  return [word & 255, (word >>> 8) & 255, (word >>> 16) & 255, word >>> 24];
}

export interface RasterScratch {
  /** Runs of device columns showing the same map column: start pixel, column (−1: outside), gap flag. */
  runStart: Int32Array;
  runCol: Int32Array;
  runGap: Uint8Array;
  /** Per device row: what it shows (map row × 2 + gap flag), to copy a row from one that showed the same. */
  rowKeys: Float64Array;
  /** The chips and blocks crossing the current map row. */
  chipX0: Int32Array;
  chipX1: Int32Array;
  segX0: Int32Array;
  segX1: Int32Array;
  segBase: Int32Array;
  segLo: Int32Array;
  segHi: Int32Array;
  segFlags: Uint8Array;
}

/** `a` with room for `n` entries, keeping those it holds. */
function growInt(a: Int32Array, n: number): Int32Array {
  if (a.length >= n) return a;
  const out = new Int32Array(n);
  out.set(a);
  return out;
}

export function rasterScratch(width: number, height = 0): RasterScratch {
  return {
    runStart: new Int32Array(width + 1),
    runCol: new Int32Array(width),
    runGap: new Uint8Array(width),
    rowKeys: new Float64Array(height),
    chipX0: new Int32Array(16),
    chipX1: new Int32Array(16),
    segX0: new Int32Array(64),
    segX1: new Int32Array(64),
    segBase: new Int32Array(64),
    segLo: new Int32Array(64),
    segHi: new Int32Array(64),
    segFlags: new Uint8Array(64),
  };
}

const KV = 1;
const DIM = 2;

/** Fills the scratch with the chips and blocks that cross map row `row`; returns [chips, segments]. */
function rowSegments(
  layout: TileLayout,
  row: number,
  s: RasterScratch,
  dimBlocks: Uint8Array | null,
): [number, number] {
  const cy = Math.floor(row / layout.chipPitchY);
  let chips = 0;
  let segs = 0;
  for (let cx = 0; cx < layout.chipColumns; cx++) {
    const chip = layout.chips[cy * layout.chipColumns + cx];
    if (!chip) break;
    if (row >= chip.y + chip.height) break;
    if (chips >= s.chipX0.length) {
      s.chipX0 = growInt(s.chipX0, chips * 2);
      s.chipX1 = growInt(s.chipX1, chips * 2);
    }
    s.chipX0[chips] = chip.x;
    s.chipX1[chips] = chip.x + chip.width;
    chips++;
    const shelf = shelfAtRow(layout, chip, row);
    if (shelf < 0) continue;
    const sh = layout.shelves[shelf];
    for (let i = sh.firstBlock; i < sh.endBlock; i++) {
      const b = layout.blocks[i];
      if (row >= b.y + b.height) continue;
      if (segs >= s.segX0.length) {
        const n = segs * 2;
        s.segX0 = growInt(s.segX0, n);
        s.segX1 = growInt(s.segX1, n);
        s.segBase = growInt(s.segBase, n);
        s.segLo = growInt(s.segLo, n);
        s.segHi = growInt(s.segHi, n);
        const flags = new Uint8Array(n);
        flags.set(s.segFlags);
        s.segFlags = flags;
      }
      s.segX0[segs] = b.x;
      s.segX1[segs] = b.x + b.width;
      s.segBase[segs] = b.rowBase + (row - b.y) * b.width - b.x;
      s.segLo[segs] = b.firstArray;
      s.segHi[segs] = b.endArray;
      s.segFlags[segs] = (b.kind === 'kv' ? KV : 0) | (dimBlocks && dimBlocks[i] ? DIM : 0);
      segs++;
    }
  }
  return [chips, segs];
}

/**
 * Fills `out` (width × height words, row-major) with the view of the map.
 *
 * What keeps a frame cheap: the map column under every device pixel is worked out once per frame,
 * as runs of pixels showing the same column (one `fill` per run when zoomed in); the blocks of a
 * map row are listed once and walked left to right with the runs; and a pixel row that shows the
 * same map row as one above it is a copy of it (the row just above, or the one a stripe period
 * above when the row has striped KV arrays).
 */
export function rasterizeTileMap(
  layout: TileLayout,
  keys: Uint8Array,
  colours: RasterColours,
  view: TileView,
  width: number,
  height: number,
  out: Uint32Array,
  scratch: RasterScratch = rasterScratch(width, height),
  dimBlocks: Uint8Array | null = null,
): void {
  const { palette, background, gap } = colours;
  const floor = colours.floor ?? background;
  const stripes = colours.stripe !== undefined;
  const stripe = colours.stripe ?? palette;
  const dimmed = colours.dimmed ?? palette;
  const dimmedStripe = colours.dimmedStripe ?? dimmed;
  const s = scratch;
  if (s.runCol.length < width) Object.assign(s, rasterScratch(width, height), { rowKeys: s.rowKeys });
  if (s.rowKeys.length < height) s.rowKeys = new Float64Array(height);
  const gaps = view.scale >= GAP_MIN_SCALE;

  // Zoomed out (a cell narrower than a pixel), every pixel is a run of its own, so run r is pixel r.
  const oneToOne = view.scale < 1;
  let runCount = 0;
  let prevCol = -2;
  let prevGap = 0;
  for (let px = 0; px < width; px++) {
    const wx = view.x + (px + 0.5) / view.scale;
    let c = Math.floor(wx);
    if (c < 0 || c >= layout.columns) c = -1;
    const g = c >= 0 && gaps && (wx - c) * view.scale < 1 ? 1 : 0;
    if (oneToOne || px === 0 || c !== prevCol || g !== prevGap) {
      s.runStart[runCount] = px;
      s.runCol[runCount] = c;
      s.runGap[runCount] = g;
      runCount++;
      prevCol = c;
      prevGap = g;
    }
  }
  s.runStart[runCount] = width;

  let segRow = -1;
  let chipCount = 0;
  let segCount = 0;
  let rowHasStripes = false;
  for (let py = 0; py < height; py++) {
    const rowStart = py * width;
    const wy = view.y + (py + 0.5) / view.scale;
    let row = Math.floor(wy);
    if (row < 0 || row >= layout.rows) row = -1;
    const rowGap = row >= 0 && gaps && (wy - row) * view.scale < 1 ? 1 : 0;
    const key = row * 2 + rowGap;
    s.rowKeys[py] = key;
    if (row < 0) {
      out.fill(background, rowStart, rowStart + width);
      continue;
    }
    if (row !== segRow) {
      [chipCount, segCount] = rowSegments(layout, row, s, dimBlocks);
      segRow = row;
      rowHasStripes = false;
      if (stripes) for (let i = 0; i < segCount; i++) if (s.segFlags[i] & KV) rowHasStripes = true;
    }
    if (py > 0 && s.rowKeys[py - 1] === key && !rowHasStripes) {
      out.copyWithin(rowStart, rowStart - width, rowStart);
      continue;
    }
    if (py >= STRIPE_PERIOD && s.rowKeys[py - STRIPE_PERIOD] === key && s.rowKeys[py - 1] === key) {
      const from = rowStart - STRIPE_PERIOD * width;
      out.copyWithin(rowStart, from, from + width);
      continue;
    }
    const { runStart, runCol, runGap, chipX0, chipX1, segX0, segX1, segBase, segLo, segHi, segFlags } = s;
    let ci = 0;
    let si = 0;
    let r = 0;
    while (r < runCount) {
      const c = runCol[r];
      const x0 = rowStart + runStart[r];
      const x1 = rowStart + runStart[r + 1];
      let colour = background;
      if (c >= 0) {
        while (ci < chipCount && chipX1[ci] <= c) ci++;
        if (ci < chipCount && c >= chipX0[ci]) {
          while (si < segCount && segX1[si] <= c) si++;
          if (si >= segCount || c < segX0[si]) colour = floor;
          else if (rowGap || runGap[r]) colour = gap;
          else {
            const flags = segFlags[si];
            const pal = flags & DIM ? dimmed : palette;
            const base = segBase[si];
            const lo = segLo[si];
            const hi = segHi[si];
            const end = segX1[si];
            if (flags & KV && stripes) {
              // Striped: pixel by pixel, over this run only.
              const dark = flags & DIM ? dimmedStripe : stripe;
              const index = base + c;
              const k = index >= lo && index < hi ? keys[index] : 0;
              for (let i = x0, px = runStart[r]; i < x1; i++, px++)
                out[i] = ((px + py) & (STRIPE_PERIOD - 1)) < STRIPE_WIDTH ? dark[k] : pal[k];
              r++;
              continue;
            }
            // Every run inside this block, in one tight loop: the common case when zoomed out.
            if (oneToOne) {
              // A run per device pixel (several cells per pixel): run r is pixel r.
              while (r < runCount) {
                const cc = runCol[r];
                if (cc < 0 || cc >= end) break;
                const index = base + cc;
                out[rowStart + r] = pal[index >= lo && index < hi ? keys[index] : 0];
                r++;
              }
              continue;
            }
            while (r < runCount) {
              const cc = runCol[r];
              if (cc < 0 || cc >= end || runGap[r]) break;
              const index = base + cc;
              const value = pal[index >= lo && index < hi ? keys[index] : 0];
              const p0 = rowStart + runStart[r];
              const p1 = rowStart + runStart[r + 1];
              if (p1 - p0 === 1) out[p0] = value;
              else out.fill(value, p0, p1);
              r++;
            }
            continue;
          }
        }
      }
      if (x1 - x0 === 1) out[x0] = colour;
      else out.fill(colour, x0, x1);
      r++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// View arithmetic: fit, zoom about a point, clamp, persist
// ---------------------------------------------------------------------------------------------

/** The scale at which the whole map fits the canvas, with a small margin. */
export function fitScale(layout: TileLayout, width: number, height: number): number {
  if (layout.rows === 0) return 1;
  return 0.96 * Math.min(width / layout.columns, height / layout.rows);
}

/** Zoom limits, as multiples of the fit scale and in device pixels per cell. */
export const MIN_ZOOM = 0.5;
export const MAX_CELL_PX = 96;

/**
 * What is persisted: zoom relative to fit and the map cell at the canvas centre, so a restored or
 * resized panel shows the same place.
 */
export interface TileViewState {
  readonly zoom: number;
  readonly cx: number;
  readonly cy: number;
}

export function fitViewState(layout: TileLayout): TileViewState {
  return { zoom: 1, cx: layout.columns / 2, cy: layout.rows / 2 };
}

export function clampViewState(layout: TileLayout, width: number, height: number, s: TileViewState): TileViewState {
  const fit = fitScale(layout, width, height);
  const maxZoom = Math.max(1, MAX_CELL_PX / fit);
  const zoom = Math.min(maxZoom, Math.max(MIN_ZOOM, Number.isFinite(s.zoom) ? s.zoom : 1));
  // The centre stays on the map, so the map can never be panned out of sight.
  const cx = Math.min(layout.columns, Math.max(0, Number.isFinite(s.cx) ? s.cx : layout.columns / 2));
  const cy = Math.min(layout.rows, Math.max(0, Number.isFinite(s.cy) ? s.cy : layout.rows / 2));
  return { zoom, cx, cy };
}

export function viewOf(layout: TileLayout, width: number, height: number, s: TileViewState): TileView {
  const scale = fitScale(layout, width, height) * s.zoom;
  return { scale, x: s.cx - width / 2 / scale, y: s.cy - height / 2 / scale };
}

/** Zooms by `factor` keeping the map point under (px, py) where it is. */
export function zoomAt(
  layout: TileLayout,
  width: number,
  height: number,
  s: TileViewState,
  factor: number,
  px: number,
  py: number,
): TileViewState {
  const before = viewOf(layout, width, height, s);
  const wx = before.x + px / before.scale;
  const wy = before.y + py / before.scale;
  const zoomed = clampViewState(layout, width, height, { ...s, zoom: s.zoom * factor });
  const scale = fitScale(layout, width, height) * zoomed.zoom;
  // Solve for the centre that puts (wx, wy) back under (px, py) at the new scale.
  const cx = wx - px / scale + width / 2 / scale;
  const cy = wy - py / scale + height / 2 / scale;
  return clampViewState(layout, width, height, { zoom: zoomed.zoom, cx, cy });
}

/** Pans by a drag of (dx, dy) device pixels. */
export function panBy(
  layout: TileLayout,
  width: number,
  height: number,
  s: TileViewState,
  dx: number,
  dy: number,
): TileViewState {
  const scale = fitScale(layout, width, height) * s.zoom;
  return clampViewState(layout, width, height, { zoom: s.zoom, cx: s.cx - dx / scale, cy: s.cy - dy / scale });
}

/** The map cell under a device pixel. */
export function cellAt(view: TileView, px: number, py: number): { col: number; row: number } {
  return { col: Math.floor(view.x + px / view.scale), row: Math.floor(view.y + py / view.scale) };
}

/** The view state that frames a rectangle of cells (a block, a layer), with a margin. */
export function frameRect(
  layout: TileLayout,
  width: number,
  height: number,
  rect: { x: number; y: number; width: number; height: number },
): TileViewState {
  const fit = fitScale(layout, width, height);
  const scale = 0.85 * Math.min(width / Math.max(1, rect.width), height / Math.max(1, rect.height));
  return clampViewState(layout, width, height, {
    zoom: scale / fit,
    cx: rect.x + rect.width / 2,
    cy: rect.y + rect.height / 2,
  });
}
