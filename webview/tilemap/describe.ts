/**
 * What the tile map says about one array: the hover text, and the details of a clicked array.
 * Pure (no DOM).
 */
import { formatEngineering } from '../../src/shared/format';
import type { SimulationResult } from '../../src/shared/result';
import type { ArrayInfo, TileGroup } from '../../src/shared/tileMap';
import { labelFor } from '../charts/shape';

/** The layer as a person names it: "Layer 17", "LM head". */
export function layerName(layer: number): string {
  return layer < 0 ? 'LM head' : `Layer ${layer}`;
}

/** The key of `breakdown.byLayer` (and latencyByLayer, areaByLayerMm2) for a tile group's layer. */
export function layerKey(layer: number): string {
  return layer < 0 ? 'lm_head' : String(layer);
}

function placement(a: ArrayInfo, g: TileGroup | undefined): string {
  const blocks = g ? ` of ${g.blockRows} × ${g.blockCols}` : '';
  let text = `Block (${a.blockRow}, ${a.blockCol})${blocks}`;
  if (g && g.slices > 1) text += ` · slice ${a.slice + 1} of ${g.slices}`;
  if (g && g.polarities === 2) text += ` · ${a.polarity === 0 ? 'G⁺' : 'G⁻'}`;
  return text;
}

function cellsUsed(a: ArrayInfo, g: TileGroup | undefined): string {
  const size = g ? ` of ${g.rows} × ${g.cols}` : '';
  return `${(100 * a.utilization).toFixed(1)} % used (${a.usedRows} × ${a.usedCols} cells${size})`;
}

/** Tooltip lines: where the array sits in the model, and what it holds. */
export function describeArray(a: ArrayInfo, g: TileGroup | undefined, r: SimulationResult, chip?: number): string[] {
  const lines = [
    `Array ${a.index.toLocaleString('en-US')} of ${r.mapping.arrays.toLocaleString('en-US')}${chip !== undefined && r.mapping.chips > 1 ? ` · chip ${chip}` : ''}`,
    `${layerName(a.layer)} · ${labelFor(a.matrix)} (${a.matrix})`,
  ];
  if (a.kind === 'kv') lines.push(`KV head ${a.head}, sequence ${a.sequence}`);
  lines.push(placement(a, g));
  lines.push(cellsUsed(a, g));
  return lines;
}

function share(part: number, total: number): string {
  if (!(total > 0) || !Number.isFinite(part)) return '–';
  const p = (100 * part) / total;
  return p >= 10 ? `${p.toFixed(0)} %` : p >= 0.1 ? `${p.toFixed(1)} %` : '< 0.1 %';
}

export interface ArrayDetails {
  readonly title: string;
  readonly rows: readonly (readonly [string, string])[];
}

/**
 * The details of a clicked array: its place (chip, layer, matrix, block, slice), how full it is,
 * and its share of the energy and the latency per token, as far as the result carries them.
 */
export function arrayDetails(
  a: ArrayInfo,
  g: TileGroup,
  groupIndex: number,
  r: SimulationResult,
  chip: number,
): ArrayDetails {
  const rows: [string, string][] = [];
  rows.push(['Array', `${a.index.toLocaleString('en-US')} of ${r.mapping.arrays.toLocaleString('en-US')}`]);
  rows.push([
    'Chip',
    r.mapping.chips > 1
      ? `${chip} of ${r.mapping.chips} (chips 0–${r.mapping.chips - 1})`
      : 'the only chip (no `chip.arrays_per_chip`)',
  ]);
  rows.push(['Layer', layerName(a.layer)]);
  rows.push([
    'Matrix',
    `${labelFor(a.matrix)} (${a.matrix}), ${a.kind === 'kv' ? 'KV cache in gain cells' : 'weights'}`,
  ]);
  if (a.kind === 'kv') rows.push(['KV head', `${a.head} of sequence ${a.sequence}`]);
  rows.push(['Block', `row ${a.blockRow} of ${g.blockRows}, column ${a.blockCol} of ${g.blockCols}`]);
  if (g.slices > 1 || g.polarities > 1)
    rows.push([
      'Slice',
      `${a.slice + 1} of ${g.slices}${g.polarities === 2 ? `, ${a.polarity === 0 ? 'G⁺' : 'G⁻'} of a differential pair` : ''}`,
    ]);
  rows.push(['Cells used', cellsUsed(a, g)]);
  rows.push([
    'Matrix size',
    `${g.logicalRows.toLocaleString('en-US')} × ${g.logicalCols.toLocaleString('en-US')} on ${g.arrayCount.toLocaleString('en-US')} arrays`,
  ]);
  const total = r.perToken.energyJ;
  const groupEnergy = r.mapping.groupEnergyPerTokenJ?.[groupIndex];
  if (groupEnergy !== undefined && g.arrayCount > 0) {
    rows.push([
      'Energy / token',
      `${formatEngineering(groupEnergy / g.arrayCount, 'J')} this array (${share(groupEnergy / g.arrayCount, total)}); ${formatEngineering(groupEnergy, 'J')} the matrix (${share(groupEnergy, total)})`,
    ]);
  }
  const key = layerKey(a.layer);
  const layerEnergy = r.breakdown.byLayer[key];
  if (layerEnergy !== undefined)
    rows.push(['Layer energy', `${formatEngineering(layerEnergy, 'J')} (${share(layerEnergy, total)} of the total)`]);
  const latency = r.breakdown.latencyByLayer;
  if (latency && latency[key] !== undefined) {
    const sum = Object.values(latency).reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
    rows.push([
      'Layer latency',
      `${formatEngineering(latency[key], 's')} (${share(latency[key], sum)} of the layers' sum)`,
    ]);
  }
  return { title: `${layerName(a.layer)} · ${labelFor(a.matrix)}`, rows };
}
