/**
 * The floorplan: where each physical array sits on the tile map. Pure (no DOM) so it is
 * unit-tested and benchmarked in Node.
 *
 * System → chips → blocks → tiles → arrays, as the mapping places them:
 * - arrays are numbered by the mapping (src/shared/tileMap.ts) and chip c holds arrays
 *   [c · arraysPerChip, (c + 1) · arraysPerChip), so a chip is a fixed-size rectangle in a grid;
 * - inside a chip, each tile group's arrays (one matrix of one layer, or one layer's K or V cache)
 *   form a labelled rectangular block; a group cut by a chip boundary is a block in each chip;
 * - inside a block the arrays run in index order, row by row, so a tile's bit slices and
 *   differential pairs sit side by side, and for most matrices a row of the block is a row of
 *   the matrix's tiles.
 *
 * Blocks are packed into shelves (left to right, top to bottom, in index order) of a common
 * height chosen, with the chip width, so that the design fills a panel-shaped view with as little
 * empty space as possible. A block is a handful of numbers, so a cell's array is arithmetic plus
 * two binary searches and the map never materialises per-array records.
 */
import type { TileGroup, TileMatrix } from '../../src/shared/tileMap';

/** One group's arrays within one chip, as a rectangle of cells. */
export interface FloorBlock {
  /** Index of the block in `layout.blocks`. */
  readonly index: number;
  /** Index into the tile groups. */
  readonly group: number;
  readonly chip: number;
  readonly kind: 'weight' | 'kv';
  readonly layer: number;
  readonly matrix: TileMatrix;
  /** Top-left cell on the map, and size in cells. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The arrays of the block: [firstArray, endArray). */
  readonly firstArray: number;
  readonly endArray: number;
  /**
   * The array in the block's cell (c, r) is `rowBase + r · width + c`, when in [firstArray, endArray).
   * Rows are counted from the group's first array, so a block continued from the previous chip
   * starts part-way along its first row and tiles stay aligned.
   */
  readonly rowBase: number;
  /** Arrays per tile (bit slices × polarities): the block's columns come in runs of this many. */
  readonly tileArrays: number;
}

export interface FloorChip {
  readonly index: number;
  /** The chip's rectangle on the map (its padding included). */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly firstArray: number;
  readonly endArray: number;
  /** Blocks of the chip: [firstBlock, endBlock) in `layout.blocks`. */
  readonly firstBlock: number;
  readonly endBlock: number;
  /** Shelves of the chip: [firstShelf, endShelf) in `layout.shelves`. */
  readonly firstShelf: number;
  readonly endShelf: number;
}

/** A row of blocks inside a chip: map rows [y, y + height), blocks [firstBlock, endBlock). */
export interface FloorShelf {
  readonly y: number;
  readonly height: number;
  readonly firstBlock: number;
  readonly endBlock: number;
}

export interface TileLayout {
  readonly arrays: number;
  /** Size of the whole map in cells. */
  readonly columns: number;
  readonly rows: number;
  readonly chips: readonly FloorChip[];
  /** Chips per row of the chip grid, and the distance between chip origins in cells. */
  readonly chipColumns: number;
  readonly chipPitchX: number;
  readonly chipPitchY: number;
  readonly blocks: readonly FloorBlock[];
  readonly shelves: readonly FloorShelf[];
}

export interface LayoutOptions {
  /** Chips of the design (mapping.chips); 1 when absent. */
  readonly chips?: number;
  /** Arrays per chip (mapping.arraysPerChip); null or absent: one chip holding everything. */
  readonly arraysPerChip?: number | null;
  /** Width ÷ height of the view the layout should fill. */
  readonly aspect?: number;
}

/** Empty cells around a chip's blocks, between chips, and between blocks and shelves. */
export const CHIP_PADDING = 1;
export const CHIP_GAP = 2;
export const BLOCK_GAP = 1;
/** A chip of a multi-chip design is at most this much longer than wide. */
export const MAX_CHIP_ASPECT = 2;
/** The panel's tile-map area is about this much wider than tall. */
export const DEFAULT_ASPECT = 1.8;

interface Segment {
  readonly group: number;
  readonly chip: number;
  readonly firstArray: number;
  readonly endArray: number;
}

/** A group cut at chip boundaries. */
function segmentsOf(g: TileGroup, group: number, arraysPerChip: number, chips: number): Segment[] {
  const out: Segment[] = [];
  let first = g.firstArray;
  const end = g.firstArray + g.arrayCount;
  while (first < end) {
    const chip = Math.min(chips - 1, Math.floor(first / arraysPerChip));
    const chipEnd = chip === chips - 1 ? end : Math.min(end, (chip + 1) * arraysPerChip);
    out.push({ group, chip, firstArray: first, endArray: chipEnd });
    first = chipEnd;
  }
  return out;
}

/** Arrays per tile (bit slices × polarities) of a group. */
function tileArraysOf(g: TileGroup): number {
  return Math.max(1, g.slices * g.polarities);
}

/**
 * How a group's arrays run: `tile` arrays per tile, `row` per row of tiles (a block row of the
 * matrix); `offset` is where a block cut from the group by a chip boundary starts in it.
 */
interface Grain {
  readonly tile: number;
  readonly row: number;
  readonly offset: number;
}

function grainOf(g: TileGroup, firstArray: number): Grain {
  const tile = tileArraysOf(g);
  return { tile, row: tile * Math.max(1, g.blockCols), offset: firstArray - g.firstArray };
}

/**
 * Rows a block of `arrays` takes at `width`: rows count from the group's first array, so a block
 * continued from the previous chip starts part-way along its first row and its columns stay those
 * of the matrix.
 */
function rowsOf(arrays: number, width: number, offset: number): number {
  return Math.floor((offset + arrays - 1) / width) - Math.floor(offset / width) + 1;
}

/** An aligned width may be this much wider than needed before a plain whole-tile width is taken. */
const ALIGNED_SLACK = 1.25;

/**
 * The width of a block that must hold `arrays` in `height` rows: preferably aligned with the
 * matrix, a whole number of tile rows or a whole fraction of one, so the matrix's block columns
 * stay columns on screen (a partly used last block column is a stripe, not a diagonal); else whole
 * tiles; never wider than `maxWidth`.
 */
export function blockWidth(arrays: number, grain: Grain, height: number, maxWidth: number): number {
  const need = Math.max(1, Math.ceil(arrays / height));
  const tile = grain.tile <= maxWidth ? grain.tile : 1;
  const plain = Math.min(maxWidth, tile * Math.ceil(need / tile));
  let aligned = grain.row * Math.ceil(need / grain.row);
  const tilesPerRow = grain.row / grain.tile;
  for (let d = 1; d <= tilesPerRow; d++) {
    if (tilesPerRow % d !== 0) continue;
    const w = grain.tile * d;
    if (w >= need) {
      aligned = Math.min(aligned, w);
      break;
    }
  }
  return aligned <= ALIGNED_SLACK * need && aligned <= maxWidth ? aligned : plain;
}

interface Strip {
  /** Segments [first, end) of the chip's list. */
  readonly first: number;
  readonly end: number;
  readonly height: number;
  readonly widths: readonly number[];
  /** Mean over the strip's blocks of long side ÷ short side. */
  readonly aspect: number;
}

/**
 * Sizes one strip: the lowest height at which every block, as wide as it must be to hold its
 * arrays in that many rows (`blockWidth`), fits the chip's inner width with gaps.
 */
function fitStrip(
  sizes: readonly number[],
  grains: readonly Grain[],
  first: number,
  end: number,
  width: number,
): Strip | null {
  let total = 0;
  let narrowest = (end - first - 1) * BLOCK_GAP;
  for (let i = first; i < end; i++) {
    total += sizes[i];
    narrowest += blockWidth(sizes[i], grains[i], sizes[i], width);
  }
  // Even one row per array would not fit the blocks side by side: not a strip.
  if (narrowest > width && end - first > 1) return null;
  const room = Math.max(1, width - (end - first - 1) * BLOCK_GAP);
  let height = Math.max(1, Math.ceil(total / room));
  for (;;) {
    const widths: number[] = [];
    let used = (end - first - 1) * BLOCK_GAP;
    for (let i = first; i < end; i++) {
      const w = blockWidth(sizes[i], grains[i], height, width);
      widths.push(w);
      used += w;
    }
    if (used <= width || end - first === 1) {
      let aspect = 0;
      let rows = 0;
      widths.forEach((w, k) => {
        const h = rowsOf(sizes[first + k], w, grains[first + k].offset);
        aspect += Math.max(w / h, h / w);
        rows = Math.max(rows, h);
      });
      return { first, end, height: rows, widths, aspect: aspect / widths.length };
    }
    // Rounding to whole tiles overflowed the width: more rows, narrower blocks (it ends: at
    // `height` = the largest block every width is at its narrowest, which fits).
    height = Math.max(height + 1, Math.ceil(height * 1.02));
  }
}

/**
 * Ordered strip treemap (Bederson, Shneiderman and Wattenberg, "Ordered and quantum treemaps",
 * ACM TOG 21(4), 2002): blocks in index order fill horizontal strips across the chip; a block joins
 * the current strip while that keeps the strip's blocks closer to square, else starts the next.
 */
function stripsOf(sizes: readonly number[], grains: readonly Grain[], width: number): Strip[] {
  const strips: Strip[] = [];
  let i = 0;
  while (i < sizes.length) {
    let end = i + 1;
    let best = continuousAspect(sizes, i, end, width);
    // The blocks at their narrowest (one tile, or one array, wide) must fit side by side.
    let narrowest = blockWidth(sizes[i], grains[i], sizes[i], width);
    while (end < sizes.length) {
      const next = continuousAspect(sizes, i, end + 1, width);
      if (next > best) break;
      const more = narrowest + BLOCK_GAP + blockWidth(sizes[end], grains[end], sizes[end], width);
      if (more > width) break;
      best = next;
      narrowest = more;
      end++;
    }
    strips.push(fitStrip(sizes, grains, i, end, width)!);
    i = end;
  }
  return strips;
}

/**
 * The mean aspect of a strip's blocks in the continuous treemap: the strip spans the width, its
 * height is its area over the width, and each block is as wide as its share. Deciding on this, not
 * on the rounded strip, keeps a lone small block from looking square in a strip of its own.
 */
function continuousAspect(sizes: readonly number[], first: number, end: number, width: number): number {
  let total = 0;
  for (let i = first; i < end; i++) total += sizes[i];
  const h = total / width;
  let sum = 0;
  for (let i = first; i < end; i++) {
    const w = sizes[i] / h;
    sum += Math.max(w / h, h / w);
  }
  return sum / (end - first);
}

interface Packed {
  readonly blocks: FloorBlock[];
  readonly shelves: FloorShelf[];
  /** Per chip: content height and its block and shelf ranges. */
  readonly chipContent: {
    height: number;
    firstBlock: number;
    endBlock: number;
    firstShelf: number;
    endShelf: number;
  }[];
  readonly maxContentHeight: number;
}

/**
 * Packs each chip's blocks into strips of its inner width, at chip-local coordinates. With `emit`
 * false only the height is worked out, which is what the layout search needs.
 */
function pack(
  groups: readonly TileGroup[],
  segments: readonly Segment[],
  chips: number,
  innerWidth: number,
  emit: boolean,
): Packed {
  const blocks: FloorBlock[] = [];
  const shelves: FloorShelf[] = [];
  const chipContent: Packed['chipContent'] = [];
  let s = 0;
  let blockCount = 0;
  let maxContentHeight = 0;
  for (let chip = 0; chip < chips; chip++) {
    const firstBlock = blockCount;
    const firstShelf = shelves.length;
    const first = s;
    while (s < segments.length && segments[s].chip === chip) s++;
    const mine = segments.slice(first, s);
    const sizes = mine.map((m) => m.endArray - m.firstArray);
    const grains = mine.map((m) => grainOf(groups[m.group], m.firstArray));
    let y = 0;
    for (const strip of stripsOf(sizes, grains, innerWidth)) {
      let x = 0;
      const shelfFirst = blockCount;
      for (let k = strip.first; k < strip.end; k++) {
        const seg = mine[k];
        const g = groups[seg.group];
        const width = strip.widths[k - strip.first];
        if (emit)
          blocks.push({
            index: blockCount,
            group: seg.group,
            chip,
            kind: g.kind,
            layer: g.layer,
            matrix: g.matrix,
            x,
            y,
            width,
            height: rowsOf(sizes[k], width, grains[k].offset),
            firstArray: seg.firstArray,
            endArray: seg.endArray,
            rowBase: g.firstArray + Math.floor(grains[k].offset / width) * width,
            tileArrays: tileArraysOf(g),
          });
        blockCount++;
        x += width + BLOCK_GAP;
      }
      if (emit) shelves.push({ y, height: strip.height, firstBlock: shelfFirst, endBlock: blockCount });
      y += strip.height + BLOCK_GAP;
    }
    const height = Math.max(0, y - BLOCK_GAP);
    maxContentHeight = Math.max(maxContentHeight, height);
    chipContent.push({ height, firstBlock, endBlock: blockCount, firstShelf, endShelf: shelves.length });
  }
  return { blocks, shelves, chipContent, maxContentHeight };
}

/** Chips per row of the chip grid that best fills a view of the given aspect. */
function chipGrid(chips: number, chipW: number, chipH: number, aspect: number): { columns: number; coverage: number } {
  let best = { columns: 1, coverage: -1 };
  for (let columns = 1; columns <= chips; columns++) {
    const rows = Math.ceil(chips / columns);
    const w = columns * chipW + (columns - 1) * CHIP_GAP;
    const h = rows * chipH + (rows - 1) * CHIP_GAP;
    // Share of a view of width `aspect` and height 1 that the map covers at fit.
    const scale = Math.min(aspect / w, 1 / h);
    const coverage = (w * h * scale * scale) / aspect;
    if (coverage > best.coverage) best = { columns, coverage };
    if (rows === 1) break;
  }
  return best;
}

function geometric(from: number, to: number, steps: number): number[] {
  const out = new Set<number>();
  if (to <= from) return [Math.max(1, Math.round(from))];
  for (let i = 0; i <= steps; i++) out.add(Math.max(1, Math.round(from * (to / from) ** (i / steps))));
  return [...out];
}

/**
 * Lays the groups out as chips of blocks. Shelf height and chip width are searched: each choice is
 * scored by the share of a view of `aspect` that arrays (not padding, gaps or half-empty shelves)
 * cover at fit, so the design fills the view without empty bands.
 */
export function buildTileLayout(groups: readonly TileGroup[], options: LayoutOptions = {}): TileLayout {
  const aspect = options.aspect ?? DEFAULT_ASPECT;
  const live = groups.map((g, i) => ({ g, i })).filter(({ g }) => g.arrayCount > 0);
  const arrays = live.reduce((n, { g }) => n + g.arrayCount, 0);
  const empty: TileLayout = {
    arrays: 0,
    columns: 1,
    rows: 0,
    chips: [],
    chipColumns: 1,
    chipPitchX: 1,
    chipPitchY: 1,
    blocks: [],
    shelves: [],
  };
  if (arrays === 0) return empty;
  const end = Math.max(...live.map(({ g }) => g.firstArray + g.arrayCount));
  const perChip = options.arraysPerChip && options.arraysPerChip > 0 ? options.arraysPerChip : end;
  const chips = Math.max(1, Math.min(options.chips ?? Math.ceil(end / perChip), Math.ceil(end / perChip)));
  const segments = live.flatMap(({ g, i }) => segmentsOf(g, i, perChip, chips));
  segments.sort((a, b) => a.firstArray - b.firstArray);

  const arraysInChip = Math.min(perChip, end);
  const side = Math.sqrt(arraysInChip);
  let best = { innerWidth: 0, columns: 1, coverage: -1 };
  for (const innerWidth of geometric(Math.max(2, side / 3), Math.max(3, side * 4), 28)) {
    const { maxContentHeight } = pack(groups, segments, chips, innerWidth, false);
    const chipW = innerWidth + 2 * CHIP_PADDING;
    const chipH = maxContentHeight + 2 * CHIP_PADDING;
    // Real chips are near square; a single chip without a size limit is the whole system.
    const squareEnough = chips === 1 || (chipH <= MAX_CHIP_ASPECT * chipW && chipW <= MAX_CHIP_ASPECT * chipH);
    const grid = chipGrid(chips, chipW, chipH, aspect);
    // Coverage of the view by the chips, times the share of the chips' area that holds arrays.
    const coverage = ((grid.coverage * arrays) / (chips * chipW * chipH)) * (squareEnough ? 1 : 0.5);
    if (coverage > best.coverage) best = { innerWidth, columns: grid.columns, coverage };
  }
  const { innerWidth, columns } = best;
  const packed = pack(groups, segments, chips, innerWidth, true);
  const chipW = innerWidth + 2 * CHIP_PADDING;
  const chipH = packed.maxContentHeight + 2 * CHIP_PADDING;
  const pitchX = chipW + CHIP_GAP;
  const pitchY = chipH + CHIP_GAP;

  // Chip-local → map coordinates.
  const blocks: FloorBlock[] = packed.blocks.map((b) => {
    const ox = (b.chip % columns) * pitchX + CHIP_PADDING;
    const oy = Math.floor(b.chip / columns) * pitchY + CHIP_PADDING;
    return { ...b, x: b.x + ox, y: b.y + oy };
  });
  const shelves: FloorShelf[] = [];
  const chipList: FloorChip[] = packed.chipContent.map((c, chip) => {
    const x = (chip % columns) * pitchX;
    const y = Math.floor(chip / columns) * pitchY;
    const firstShelf = shelves.length;
    for (let i = c.firstShelf; i < c.endShelf; i++) {
      const s = packed.shelves[i];
      shelves.push({ ...s, y: s.y + y + CHIP_PADDING });
    }
    const firstArray = chip * perChip;
    return {
      index: chip,
      x,
      y,
      width: chipW,
      height: chipH,
      firstArray,
      endArray: chip === chips - 1 ? end : Math.min(end, firstArray + perChip),
      firstBlock: c.firstBlock,
      endBlock: c.endBlock,
      firstShelf,
      endShelf: shelves.length,
    };
  });
  const chipRows = Math.ceil(chips / columns);
  return {
    arrays,
    columns: Math.min(chips, columns) * pitchX - CHIP_GAP,
    rows: chipRows * pitchY - CHIP_GAP,
    chips: chipList,
    chipColumns: columns,
    chipPitchX: pitchX,
    chipPitchY: pitchY,
    blocks,
    shelves,
  };
}

/** The chip whose rectangle holds a cell, or -1 (a gap between chips, or outside). */
export function chipAtCell(layout: TileLayout, col: number, row: number): number {
  if (col < 0 || row < 0) return -1;
  const cx = Math.floor(col / layout.chipPitchX);
  const cy = Math.floor(row / layout.chipPitchY);
  if (cx >= layout.chipColumns) return -1;
  const index = cy * layout.chipColumns + cx;
  const chip = layout.chips[index];
  if (!chip || col >= chip.x + chip.width || row >= chip.y + chip.height) return -1;
  return index;
}

/** Index into `layout.shelves` of the chip's shelf holding a map row, or -1. */
export function shelfAtRow(layout: TileLayout, chip: FloorChip, row: number): number {
  let lo = chip.firstShelf;
  let hi = chip.endShelf - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = layout.shelves[mid];
    if (row < s.y) hi = mid - 1;
    else if (row >= s.y + s.height) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The block whose rectangle holds a cell, or -1. */
export function blockAtCell(layout: TileLayout, col: number, row: number): number {
  const c = chipAtCell(layout, col, row);
  if (c < 0) return -1;
  const chip = layout.chips[c];
  const s = shelfAtRow(layout, chip, row);
  if (s < 0) return -1;
  const shelf = layout.shelves[s];
  for (let i = shelf.firstBlock; i < shelf.endBlock; i++) {
    const b = layout.blocks[i];
    if (col < b.x) return -1;
    if (col < b.x + b.width) return row < b.y + b.height ? i : -1;
  }
  return -1;
}

/** The array in a grid cell, or -1 for a cell outside every block or past the end of its block. */
export function arrayAtCell(layout: TileLayout, col: number, row: number): number {
  const i = blockAtCell(layout, col, row);
  if (i < 0) return -1;
  const b = layout.blocks[i];
  const index = b.rowBase + (row - b.y) * b.width + (col - b.x);
  return index >= b.firstArray && index < b.endArray ? index : -1;
}

/** Index into `layout.blocks` of the block holding an array, or -1. */
export function blockOfArray(layout: TileLayout, index: number): number {
  const blocks = layout.blocks;
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = blocks[mid];
    if (index < b.firstArray) hi = mid - 1;
    else if (index >= b.endArray) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** The grid cell of an array (the inverse of `arrayAtCell`), or null if no block holds it. */
export function cellOfArray(layout: TileLayout, index: number): { col: number; row: number } | null {
  const i = blockOfArray(layout, index);
  if (i < 0) return null;
  const b = layout.blocks[i];
  const local = index - b.rowBase;
  return { col: b.x + (local % b.width), row: b.y + Math.floor(local / b.width) };
}

/** The smallest rectangle of cells holding every block that passes `keep`, or null if none does. */
export function boundsOfBlocks(
  layout: TileLayout,
  keep: (b: FloorBlock) => boolean,
): { x: number; y: number; width: number; height: number } | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of layout.blocks) {
    if (!keep(b)) continue;
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The layers of a design in the order the mapping emits them (blocks first, the LM head last). */
export function layersOf(groups: readonly TileGroup[]): number[] {
  const seen: number[] = [];
  for (const g of groups) if (g.arrayCount > 0 && !seen.includes(g.layer)) seen.push(g.layer);
  return seen;
}

export function layerLabelShort(layer: number): string {
  return layer < 0 ? 'LM head' : `L${layer}`;
}
