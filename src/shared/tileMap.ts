/**
 * The compact tile map: a design's arrays kept as groups (one per matrix, one per layer's K or V
 * cache), from which any array's identity and utilisation is decoded on demand, so 10⁶ arrays cost
 * a few hundred records. The engine builds the groups (src/engine/mapping); the CLI, the extension
 * and the webview read them with `arrayAt`.
 */
import type { MatrixName } from './matrices';

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
    index: g.firstArray + local,
    kind: g.kind,
    layer: g.layer,
    matrix: g.matrix,
    head: copy % g.kvHeads,
    sequence: Math.floor(copy / g.kvHeads),
    blockRow,
    blockCol,
    slice: Math.floor(within / g.polarities),
    polarity: within % g.polarities,
    usedRows,
    usedCols,
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
