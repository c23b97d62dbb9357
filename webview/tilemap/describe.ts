/**
 * The tile map's hover text for one array. Pure (no DOM).
 */
import type { ArrayInfo, TileGroup } from '../../src/shared/tileMap';
import type { SimulationResult } from '../../src/shared/result';
import { labelFor } from '../charts/shape';

/** Tooltip lines: where the array sits in the model, and what it holds. */
export function describeArray(a: ArrayInfo, g: TileGroup | undefined, r: SimulationResult): string[] {
  const layer = a.layer < 0 ? 'LM head' : `Layer ${a.layer}`;
  const lines = [
    `Array ${a.index.toLocaleString('en-US')} of ${r.mapping.arrays.toLocaleString('en-US')}`,
    `${layer} · ${labelFor(a.matrix)} (${a.matrix})`,
  ];
  if (a.kind === 'kv') lines.push(`KV head ${a.head}, sequence ${a.sequence}`);
  const blocks = g ? ` of ${g.blockRows} × ${g.blockCols}` : '';
  let placement = `Block (${a.blockRow}, ${a.blockCol})${blocks}`;
  if (g && g.slices > 1) placement += ` · slice ${a.slice + 1} of ${g.slices}`;
  if (g && g.polarities === 2) placement += ` · ${a.polarity === 0 ? 'G⁺' : 'G⁻'}`;
  lines.push(placement);
  const size = g ? ` of ${g.rows} × ${g.cols}` : '';
  lines.push(`${(100 * a.utilization).toFixed(1)} % used (${a.usedRows} × ${a.usedCols} cells${size})`);
  return lines;
}
