/**
 * Rasterises the visible part of the tile map into an RGBA pixel buffer (an ImageData's bytes seen
 * as 32-bit words). Pure (no DOM) so the frame cost is benchmarked in Node exactly as the webview
 * pays it.
 *
 * Cost is per screen pixel, not per array: each pixel samples the array under its centre, so a
 * frame costs the same for 10⁴ or 10⁷ arrays and only what is on screen is touched.
 */
import type { TileLayout } from './layout';

/** Device pixels per cell and the map cell at the canvas's top-left corner (fractional). */
export interface TileView {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

export interface RasterColours {
  /** Colour of key k at index k (index 0: a cell with no array). Packed as in `packRgba`. */
  readonly palette: Uint32Array;
  /** Outside the map. */
  readonly background: number;
  /** The 1-pixel gap drawn between cells once cells are large enough to tell apart. */
  readonly gap: number;
}

/** Below this many device pixels per cell, gaps would cover most of the cell. */
export const GAP_MIN_SCALE = 5;

/** RGBA bytes → one word of a Uint32Array view on ImageData (little-endian, as every browser host is). */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

export function unpackRgba(word: number): [number, number, number, number] {
  return [word & 255, (word >>> 8) & 255, (word >>> 16) & 255, word >>> 24];
}

/** Column codes besides a cell column (≥ 0). */
const OUTSIDE = -1;
const GAP = -2;

export interface RasterScratch {
  /** Per device column: the map column under it, or OUTSIDE / GAP. */
  cols: Int32Array;
  /** Runs of equal column code: start pixel and code, `runCount` of them. */
  runStart: Int32Array;
  runCode: Int32Array;
}

export function rasterScratch(width: number): RasterScratch {
  return { cols: new Int32Array(width), runStart: new Int32Array(width + 1), runCode: new Int32Array(width) };
}

/**
 * Fills `out` (width × height words, row-major) with the view of the map.
 *
 * Three things keep a frame cheap: the column of every device pixel is worked out once per frame;
 * a pixel row that shows the same map row as the one above is a copy of it; and when cells are
 * wider than a couple of pixels a row is painted run by run (one `fill` per cell) instead of
 * pixel by pixel.
 */
export function rasterizeTileMap(
  layout: TileLayout,
  keys: Uint8Array,
  colours: RasterColours,
  view: TileView,
  width: number,
  height: number,
  out: Uint32Array,
  scratch: RasterScratch = rasterScratch(width),
): void {
  const { palette, background, gap } = colours;
  const empty = palette[0];
  const s = scratch.cols.length >= width ? scratch : rasterScratch(width);
  const cols = s.cols;
  const gaps = view.scale >= GAP_MIN_SCALE;
  let runCount = 0;
  for (let px = 0; px < width; px++) {
    const wx = view.x + (px + 0.5) / view.scale;
    const c = Math.floor(wx);
    const code = c < 0 || c >= layout.columns ? OUTSIDE : gaps && (wx - c) * view.scale < 1 ? GAP : c;
    cols[px] = code;
    if (px === 0 || code !== cols[px - 1]) {
      s.runStart[runCount] = px;
      s.runCode[runCount] = code;
      runCount++;
    }
  }
  s.runStart[runCount] = width;
  const byRuns = runCount * 2 <= width;
  let inFirst = 0;
  while (inFirst < width && cols[inFirst] < 0) inFirst++;
  let inEnd = width;
  while (inEnd > inFirst && cols[inEnd - 1] < 0) inEnd--;

  const bands = layout.bands;
  let band = 0;
  // No map row or gap code is -Infinity, so the first pixel row is always painted.
  let prevRow = -Infinity;
  let prevStart = 0;
  for (let py = 0; py < height; py++) {
    const rowStart = py * width;
    const wy = view.y + (py + 0.5) / view.scale;
    let row = Math.floor(wy);
    if (row < 0 || row >= layout.rows) row = -1;
    else if (gaps && (wy - row) * view.scale < 1) row = -1 - row - 1; // a gap line above map row `row`
    if (row === prevRow) {
      out.copyWithin(rowStart, prevStart, prevStart + width);
      continue;
    }
    prevRow = row;
    prevStart = rowStart;
    if (row === -1) {
      out.fill(background, rowStart, rowStart + width);
      continue;
    }
    if (row < -1) {
      for (let r = 0; r < runCount; r++) {
        out.fill(s.runCode[r] === OUTSIDE ? background : gap, rowStart + s.runStart[r], rowStart + s.runStart[r + 1]);
      }
      continue;
    }
    // Rows only grow down the screen, so the band pointer only moves forward.
    while (row >= bands[band].firstRow + bands[band].rowCount) band++;
    const b = bands[band];
    const first = b.firstArray + (row - b.firstRow) * layout.columns;
    const end = b.endArray;
    if (byRuns) {
      for (let r = 0; r < runCount; r++) {
        const code = s.runCode[r];
        const index = first + code;
        const colour = code === OUTSIDE ? background : code === GAP ? gap : index < end ? palette[keys[index]] : empty;
        out.fill(colour, rowStart + s.runStart[r], rowStart + s.runStart[r + 1]);
      }
    } else if (!gaps) {
      // Zoomed out: several cells per pixel. Columns grow left to right, so the map is the pixel
      // span [inFirst, inEnd) and the loop over it needs no outside-or-gap tests.
      out.fill(background, rowStart, rowStart + inFirst);
      for (let px = inFirst; px < inEnd; px++) {
        const index = first + cols[px];
        out[rowStart + px] = index < end ? palette[keys[index]] : empty;
      }
      out.fill(background, rowStart + inEnd, rowStart + width);
    } else {
      for (let px = 0; px < width; px++) {
        const code = cols[px];
        const index = first + code;
        out[rowStart + px] =
          code === OUTSIDE ? background : code === GAP ? gap : index < end ? palette[keys[index]] : empty;
      }
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
