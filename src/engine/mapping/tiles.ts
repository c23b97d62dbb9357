/**
 * Mapping of weight matrices and the KV cache onto physical arrays.
 *
 * A weight matrix (in × out) is cut into logical tiles of rows × usable columns; each logical tile
 * becomes `slices × polarities` physical arrays (bit slices, differential pairs). The KV cache of
 * each layer and KV head goes to gain-cell arrays: window × head_dim for K, the same for V.
 *
 * The groups and their decoder are in src/shared/tileMap.ts.
 */
import type { WeightMapping } from '../config/schema';
import type { TileGroup } from '../../shared/tileMap';

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
    kind: base.kind,
    layer: base.layer,
    matrix: base.matrix,
    copies: base.copies,
    kvHeads: base.kvHeads,
    rows: base.rows,
    cols: base.cols,
    blockRows,
    blockCols,
    slices: base.slices,
    polarities: base.polarities,
    logicalRows: base.logicalRows,
    logicalCols: base.logicalCols,
    usableCols,
    firstArray,
    arrayCount: blockRows * blockCols * base.slices * base.polarities * base.copies,
  };
}
