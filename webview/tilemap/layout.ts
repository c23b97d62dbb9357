/**
 * Where each physical array sits on the tile map. Pure (no DOM) so it is unit-tested and
 * benchmarked in Node.
 *
 * Arrays are laid out in index order, row by row, in a grid of fixed width; each layer starts on
 * a fresh row, so a layer is a horizontal band and "where each layer landed" reads at a glance.
 * The layout is a handful of numbers per band: a cell's array is arithmetic plus a binary search
 * over the bands, so the map never materialises per-array records.
 */
import type { TileGroup } from '../../src/shared/tileMap';

export interface TileBand {
  /** The layer of the band's groups (-1 for the LM head, as in the tile groups). */
  readonly layer: number;
  readonly firstArray: number;
  /** One past the band's last array. */
  readonly endArray: number;
  readonly firstRow: number;
  readonly rowCount: number;
}

export interface TileLayout {
  readonly arrays: number;
  /** Cells per row. */
  readonly columns: number;
  readonly rows: number;
  readonly bands: readonly TileBand[];
}

/** Bands: runs of consecutive groups on the same layer (the engine emits a layer's groups together). */
export function layerRuns(groups: readonly TileGroup[]): { layer: number; firstArray: number; endArray: number }[] {
  const runs: { layer: number; firstArray: number; endArray: number }[] = [];
  for (const g of groups) {
    if (g.arrayCount <= 0) continue;
    const last = runs[runs.length - 1];
    if (last && last.layer === g.layer && last.endArray === g.firstArray) last.endArray = g.firstArray + g.arrayCount;
    else runs.push({ layer: g.layer, firstArray: g.firstArray, endArray: g.firstArray + g.arrayCount });
  }
  return runs;
}

function rowsFor(runs: readonly { firstArray: number; endArray: number }[], columns: number): number {
  let rows = 0;
  for (const r of runs) rows += Math.ceil((r.endArray - r.firstArray) / columns);
  return rows;
}

/**
 * Lays the groups out with about `aspect` cells of width per cell of height overall. The width is
 * found by bisection: width ÷ rows grows with the width, and the band padding makes a closed form
 * inexact for designs with few arrays per layer.
 */
export function buildTileLayout(groups: readonly TileGroup[], aspect = 2): TileLayout {
  const runs = layerRuns(groups);
  const arrays = runs.reduce((n, r) => n + r.endArray - r.firstArray, 0);
  if (arrays === 0) return { arrays: 0, columns: 1, rows: 0, bands: [] };
  const widest = runs.reduce((m, r) => Math.max(m, r.endArray - r.firstArray), 1);
  let lo = 1;
  let hi = widest;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (mid / rowsFor(runs, mid) >= aspect) hi = mid;
    else lo = mid + 1;
  }
  const columns = lo;
  const bands: TileBand[] = [];
  let row = 0;
  for (const r of runs) {
    const rowCount = Math.ceil((r.endArray - r.firstArray) / columns);
    bands.push({ layer: r.layer, firstArray: r.firstArray, endArray: r.endArray, firstRow: row, rowCount });
    row += rowCount;
  }
  return { arrays, columns, rows: row, bands };
}

/** Index into `layout.bands` of the band holding a row, or -1. */
export function bandAtRow(layout: TileLayout, row: number): number {
  const bands = layout.bands;
  let lo = 0;
  let hi = bands.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = bands[mid];
    if (row < b.firstRow) hi = mid - 1;
    else if (row >= b.firstRow + b.rowCount) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The array index in a grid cell, or -1 for a cell outside the map or past the end of its band. */
export function arrayAtCell(layout: TileLayout, col: number, row: number): number {
  if (col < 0 || col >= layout.columns || row < 0) return -1;
  const b = bandAtRow(layout, row);
  if (b < 0) return -1;
  const band = layout.bands[b];
  const index = band.firstArray + (row - band.firstRow) * layout.columns + col;
  return index < band.endArray ? index : -1;
}

/** The grid cell of an array (the inverse of `arrayAtCell`), or null if no band holds it. */
export function cellOfArray(layout: TileLayout, index: number): { col: number; row: number } | null {
  for (const band of layout.bands) {
    if (index >= band.firstArray && index < band.endArray) {
      const local = index - band.firstArray;
      return { col: local % layout.columns, row: band.firstRow + Math.floor(local / layout.columns) };
    }
  }
  return null;
}

export function bandLabel(layer: number): string {
  return layer < 0 ? 'LM head' : `L${layer}`;
}
