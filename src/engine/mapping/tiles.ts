/**
 * Mapping of weight matrices and the KV cache onto physical arrays.
 *
 * A weight matrix (in × out) is cut into logical tiles of rows × usable columns; each logical tile
 * becomes `slices × polarities` physical arrays (bit slices, differential pairs). The KV cache of
 * each layer and KV head goes to gain-cell arrays: window × head_dim for K, the same for V.
 *
 * The tile map is kept as groups (one per matrix, one per layer's K or V cache) from which any array's identity
 * and utilisation is computed on demand, so 10⁶ arrays cost a few hundred records.
 */
import type { MatrixName, WeightMapping } from '../config/schema';

export type TileMatrix = MatrixName | 'k_cache' | 'v_cache';

export interface TileGroup {
  readonly kind: 'weight' | 'kv';
  readonly layer: number;
  readonly matrix: TileMatrix;
  /**
   * Identical copies of the group's layout: 1 for weights; kv_heads × batch for a layer's K or V
   * cache (every KV head of every sequence holds its own window). Copy c is KV head
   * c mod kv_heads of sequence ⌊c / kv_heads⌋.
   */
  readonly copies: number;
  /** KV heads per sequence (to decode a copy index); 1 for weights. */
  readonly kvHeads: number;
  readonly rows: number;
  readonly cols: number;
  readonly blockRows: number;
  readonly blockCols: number;
  /** Bit slices per logical tile. */
  readonly slices: number;
  /** 2 for differential pairs (G⁺, G⁻), else 1. */
  readonly polarities: number;
  /** Logical rows and columns the group holds (weights: in × out; KV: tokens × head_dim). */
  readonly logicalRows: number;
  readonly logicalCols: number;
  /** Columns of an array that hold data (one fewer when a reference column is needed). */
  readonly usableCols: number;
  /** Index of the group's first array in the whole design. */
  readonly firstArray: number;
  readonly arrayCount: number;
}

export interface ArrayInfo {
  readonly index: number;
  readonly kind: 'weight' | 'kv';
  readonly layer: number;
  readonly matrix: TileMatrix;
  /** KV head (0 for weights). */
  readonly head: number;
  /** Sequence of the batch whose cache this is (0 for weights). */
  readonly sequence: number;
  readonly blockRow: number;
  readonly blockCol: number;
  readonly slice: number;
  readonly polarity: number;
  readonly usedRows: number;
  readonly usedCols: number;
  readonly utilization: number;
}

export interface WeightLayout {
  readonly slices: number;
  readonly polarities: number;
  readonly referenceColumns: number;
}

/** Cells per weight for each mapping scheme (see docs/config.md, `weights.mapping`). */
export function weightLayout(mapping: WeightMapping, weightBits: number, bitsPerCell: number): WeightLayout {
  switch (mapping) {
    case 'differential':
      // Sign is carried by the pair; the magnitude (B−1 bits) is sliced if a cell cannot hold it.
      return { slices: Math.max(1, Math.ceil((weightBits - 1) / bitsPerCell)), polarities: 2, referenceColumns: 0 };
    case 'offset':
      // One cell holds w + 2^(B−1); a reference column per array subtracts the offset.
      return { slices: 1, polarities: 1, referenceColumns: 1 };
    case 'bit-sliced':
      // Offset-encoded weight split over ⌈B/b⌉ cells, recombined with shifts (ISAAC).
      return { slices: Math.ceil(weightBits / bitsPerCell), polarities: 1, referenceColumns: 1 };
  }
}

export function makeGroup(
  base: Omit<TileGroup, 'blockRows' | 'blockCols' | 'usableCols' | 'arrayCount' | 'firstArray'>,
  referenceColumns: number,
  firstArray: number,
): TileGroup {
  const usableCols = Math.max(1, base.cols - referenceColumns);
  const blockRows = Math.ceil(base.logicalRows / base.rows);
  const blockCols = Math.ceil(base.logicalCols / usableCols);
  // An explicit literal keeps every group the same hidden class (a spread does not), which
  // matters when a 70B-parameter design has thousands of groups.
  return {
    kind: base.kind, layer: base.layer, matrix: base.matrix, copies: base.copies, kvHeads: base.kvHeads, rows: base.rows,
    cols: base.cols, blockRows, blockCols, slices: base.slices, polarities: base.polarities, logicalRows: base.logicalRows,
    logicalCols: base.logicalCols, usableCols, firstArray,
    arrayCount: blockRows * blockCols * base.slices * base.polarities * base.copies,
  };
}

function usedExtent(block: number, blocks: number, logical: number, size: number): number {
  return block === blocks - 1 ? logical - size * (blocks - 1) : size;
}

/** Cells holding data in a group, over all its arrays. */
export function groupUsedCells(g: TileGroup): number {
  const refCols = g.cols - g.usableCols;
  const cellsPerLayout = g.logicalRows * g.logicalCols + (refCols > 0 ? g.logicalRows * refCols * g.blockCols : 0);
  return cellsPerLayout * g.slices * g.polarities * g.copies;
}

export function arrayInGroup(g: TileGroup, local: number): ArrayInfo {
  const perCopy = g.arrayCount / g.copies;
  const copy = Math.floor(local / perCopy);
  const inCopy = local - copy * perCopy;
  const perTile = g.slices * g.polarities;
  const tile = Math.floor(inCopy / perTile);
  const within = inCopy % perTile;
  const blockRow = Math.floor(tile / g.blockCols);
  const blockCol = tile % g.blockCols;
  const usedRows = usedExtent(blockRow, g.blockRows, g.logicalRows, g.rows);
  const dataCols = usedExtent(blockCol, g.blockCols, g.logicalCols, g.usableCols);
  const usedCols = dataCols + (g.cols - g.usableCols);
  return {
    index: g.firstArray + local, kind: g.kind, layer: g.layer, matrix: g.matrix,
    head: copy % g.kvHeads, sequence: Math.floor(copy / g.kvHeads), blockRow, blockCol,
    slice: Math.floor(within / g.polarities), polarity: within % g.polarities, usedRows, usedCols,
    utilization: (usedRows * usedCols) / (g.rows * g.cols),
  };
}

/** The array at a design-wide index, found by binary search over the groups. */
export function arrayAt(groups: readonly TileGroup[], index: number): ArrayInfo | undefined {
  let lo = 0;
  let hi = groups.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const g = groups[mid];
    if (index < g.firstArray) hi = mid - 1;
    else if (index >= g.firstArray + g.arrayCount) lo = mid + 1;
    else return arrayInGroup(g, index - g.firstArray);
  }
  return undefined;
}
