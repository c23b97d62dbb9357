import type { MatrixName } from '../../shared/matrices';
import type { ResolvedDesign, ResolvedWeights } from '../config/resolve';
import { blockMatrices, lmHeadMatrix } from '../model/blockMatrices';
import { groupUsedCells, type TileGroup } from '../../shared/tileMap';
import { makeGroup, weightLayout } from './tiles';

export interface MatrixMapping {
  readonly layer: number;
  readonly matrix: MatrixName;
  readonly weights: ResolvedWeights;
  /** Null when the matrix runs on digital logic. */
  readonly group: TileGroup | null;
}

export interface KvMapping {
  readonly layer: number;
  /** The layer's K and V cache groups; empty when attention of the layer is digital. */
  readonly groups: readonly TileGroup[];
}

export interface Mapping {
  readonly groups: readonly TileGroup[];
  readonly matrices: readonly MatrixMapping[];
  readonly kv: readonly KvMapping[];
  readonly arrays: number;
  readonly weightArrays: number;
  readonly kvArrays: number;
  /** Cells holding data ÷ cells present, over all arrays. */
  readonly utilization: number;
  readonly chips: number;
  readonly arraysPerChip: number | null;
}

export function mapDesign(d: ResolvedDesign): Mapping {
  const s = d.shape;
  const groups: TileGroup[] = [];
  const matrices: MatrixMapping[] = [];
  const kv: KvMapping[] = [];
  let next = 0;
  let weightArrays = 0;
  let kvArrays = 0;
  let usedCells = 0;
  let totalCells = 0;

  const add = (g: TileGroup) => {
    groups.push(g);
    next += g.arrayCount;
    usedCells += groupUsedCells(g);
    totalCells += g.arrayCount * g.rows * g.cols;
    if (g.kind === 'weight') weightArrays += g.arrayCount;
    else kvArrays += g.arrayCount;
    return g;
  };

  const mapMatrix = (layer: number, matrix: MatrixName, inF: number, outF: number) => {
    const w = d.weightsFor(layer, matrix);
    if (w.implementation === 'digital') {
      matrices.push({ layer, matrix, weights: w, group: null });
      return;
    }
    const layout = weightLayout(w.mapping, w.weightBits, w.bitsPerCell);
    const g = add(
      makeGroup(
        {
          kind: 'weight',
          layer,
          matrix,
          copies: 1,
          kvHeads: 1,
          rows: w.rows,
          cols: w.cols,
          slices: layout.slices,
          polarities: layout.polarities,
          logicalRows: inF,
          logicalCols: outF,
        },
        layout.referenceColumns,
        next,
      ),
    );
    matrices.push({ layer, matrix, weights: w, group: g });
  };

  const a = d.attention;
  for (let layer = 0; layer < s.layers; layer++) {
    for (const b of blockMatrices(s)) mapMatrix(layer, b.matrix, b.inFeatures, b.outFeatures);
    const kvGroups: TileGroup[] = [];
    if (d.attentionFor(layer) === 'gain-cell') {
      // Every KV head of every sequence holds its own window: kv_heads × batch copies. K is
      // stored transposed (head_dim rows driven by Q, one column per token); V has one row per
      // token (driven by φ(S)) and head_dim columns. Both are cut into sub-tiles of the array size.
      const copies = s.kvHeads * d.workload.batch;
      kvGroups.push(
        add(
          makeGroup(
            {
              kind: 'kv',
              layer,
              matrix: 'k_cache',
              copies,
              kvHeads: s.kvHeads,
              rows: a.rows,
              cols: a.cols,
              slices: 1,
              polarities: 1,
              logicalRows: s.headDim,
              logicalCols: a.window,
            },
            0,
            next,
          ),
        ),
      );
      kvGroups.push(
        add(
          makeGroup(
            {
              kind: 'kv',
              layer,
              matrix: 'v_cache',
              copies,
              kvHeads: s.kvHeads,
              rows: a.rows,
              cols: a.cols,
              slices: 1,
              polarities: 1,
              logicalRows: a.window,
              logicalCols: s.headDim,
            },
            0,
            next,
          ),
        ),
      );
    }
    kv.push({ layer, groups: kvGroups });
  }
  const head = lmHeadMatrix(s);
  mapMatrix(-1, head.matrix, head.inFeatures, head.outFeatures);

  const arrays = next;
  const chips = d.arraysPerChip ? Math.max(1, Math.ceil(arrays / d.arraysPerChip)) : 1;
  return {
    groups,
    matrices,
    kv,
    arrays,
    weightArrays,
    kvArrays,
    utilization: totalCells > 0 ? usedCells / totalCells : 0,
    chips,
    arraysPerChip: d.arraysPerChip,
  };
}
