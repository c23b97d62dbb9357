/**
 * Result → chart data: labels, ordering, stacking and the choice of axis scale. Pure (no DOM, no
 * chart.js) so what the charts show is unit-tested.
 */
import type { SimulationResult } from '../../src/shared/result';

/** Components in dataflow order (input conversion → array → output conversion → digital → memory). */
export const COMPONENT_ORDER = [
  'dac',
  'crossbar',
  'gain_cell',
  'adc',
  'accumulator',
  'sram_buffer',
  'interconnect',
  'digital_unit',
  'dram',
];

/** Operations in the order a token meets them. */
export const OPERATION_ORDER = [
  'qkv',
  'attention_scores',
  'attention_values',
  'output_projection',
  'ffn',
  'lm_head',
  'digital',
];

const LABELS: Readonly<Record<string, string>> = {
  dac: 'DAC',
  attention_dac: 'Attention DAC',
  adc: 'ADC',
  crossbar: 'Crossbar',
  gain_cell: 'Gain cell',
  accumulator: 'Accumulator',
  sram_buffer: 'SRAM buffer',
  interconnect: 'Interconnect',
  digital_unit: 'Digital unit',
  dram: 'DRAM',
  tile_periphery: 'Tile periphery',
  array_periphery: 'Array periphery',
  level_shifter: 'Level shifters',
  leakage: 'Leakage',
  refresh: 'Gain-cell refresh',
  qkv: 'Q/K/V projections',
  attention_scores: 'Attention scores (QKᵀ)',
  attention_values: 'Attention values (φ(S)V)',
  output_projection: 'Output projection',
  ffn: 'Feed-forward',
  lm_head: 'LM head',
  digital: 'Digital ops',
  embedding: 'Embedding',
  q_proj: 'Q projection',
  k_proj: 'K projection',
  v_proj: 'V projection',
  o_proj: 'Output projection',
  ffn_up: 'FFN up',
  ffn_gate: 'FFN gate',
  ffn_down: 'FFN down',
  k_cache: 'K cache',
  v_cache: 'V cache',
  // Not one layer's: the chip's leakage (energy), its digital unit and buffers (area).
  shared: 'Whole chip',
};

/** Display name of a breakdown key; unknown keys (added to the engine later) are prettified. */
export function labelFor(key: string): string {
  return LABELS[key] ?? key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function layerLabel(key: string): string {
  if (/^\d+$/.test(key)) return `Layer ${key}`;
  return labelFor(key);
}

/** Embedding first, blocks in numeric order, LM head last, anything else after. */
export function compareLayerKeys(a: string, b: string): number {
  const rank = (k: string) => (k === 'embedding' ? 0 : /^\d+$/.test(k) ? 1 : k === 'lm_head' ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Series {
  readonly keys: readonly string[];
  readonly labels: readonly string[];
  readonly values: readonly number[];
  readonly total: number;
}

/**
 * Entries of a breakdown, largest first, without zeros (a log axis cannot show them and a doughnut
 * slice of nothing is noise). Non-finite values are dropped rather than poisoning the total.
 */
export function rankedSeries(record: Readonly<Record<string, number>>): Series {
  const entries = Object.entries(record)
    .filter(([, v]) => Number.isFinite(v) && v > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    keys: entries.map(([k]) => k),
    labels: entries.map(([k]) => labelFor(k)),
    values: entries.map(([, v]) => v),
    total: entries.reduce((s, [, v]) => s + v, 0),
  };
}

export interface StackedSeries {
  readonly categories: readonly string[];
  readonly categoryLabels: readonly string[];
  /** One dataset per stack component, in COMPONENT_ORDER; each value per category. */
  readonly datasets: readonly { readonly key: string; readonly label: string; readonly values: readonly number[] }[];
  readonly totals: readonly number[];
}

/** `breakdown.byLayerComponent` as stacked bars: layers along the axis, components stacked. */
export function layerComponentStack(
  byLayerComponent: SimulationResult['breakdown']['byLayerComponent'],
): StackedSeries {
  const categories = Object.keys(byLayerComponent).sort(compareLayerKeys);
  const present = new Set<string>();
  for (const layer of categories) {
    for (const [k, v] of Object.entries(byLayerComponent[layer])) if (Number.isFinite(v) && v > 0) present.add(k);
  }
  const componentKeys = [
    ...COMPONENT_ORDER.filter((k) => present.has(k)),
    ...[...present].filter((k) => !COMPONENT_ORDER.includes(k)).sort(),
  ];
  const datasets = componentKeys.map((key) => ({
    key,
    label: labelFor(key),
    values: categories.map((layer) => {
      const v = byLayerComponent[layer][key];
      return Number.isFinite(v) && v > 0 ? v : 0;
    }),
  }));
  const totals = categories.map((_, i) => datasets.reduce((s, d) => s + d.values[i], 0));
  return { categories, categoryLabels: categories.map(layerLabel), datasets, totals };
}

/**
 * A per-layer record (latency or area by layer) in layer order: embedding, blocks, LM head, then
 * anything else (`shared`). Non-finite and negative values are dropped; zeros stay, so every layer
 * has its place on the axis.
 */
export function layerSeries(record: Readonly<Record<string, number>>): Series {
  const keys = Object.keys(record)
    .filter((k) => Number.isFinite(record[k]) && record[k] >= 0)
    .sort(compareLayerKeys);
  const values = keys.map((k) => record[k]);
  return { keys, labels: keys.map(layerLabel), values, total: values.reduce((s, v) => s + v, 0) };
}

/** Ratio of largest to smallest positive value beyond which a linear axis hides the small bars. */
export const LOG_SCALE_SPAN = 100;

/** Whether positive values span enough orders of magnitude to need a log axis. */
export function spansOrdersOfMagnitude(values: readonly number[], span = LOG_SCALE_SPAN): boolean {
  let lo = Infinity;
  let hi = 0;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi > 0 && hi / lo >= span;
}

export type ScaleChoice = 'auto' | 'linear' | 'log';

/**
 * The axis a chart uses. Stacked bars stay linear under 'auto': on a log axis the segments' lengths
 * no longer add up, which is what a stack promises. The user can still ask for log explicitly.
 */
export function axisScale(choice: ScaleChoice, values: readonly number[], stacked: boolean): 'linear' | 'logarithmic' {
  if (choice === 'linear') return 'linear';
  if (choice === 'log') return 'logarithmic';
  return !stacked && spansOrdersOfMagnitude(values) ? 'logarithmic' : 'linear';
}

export function percentOf(value: number, total: number): string {
  if (!(total > 0)) return '–';
  const p = (100 * value) / total;
  return p >= 10 ? `${p.toFixed(0)} %` : p >= 0.1 ? `${p.toFixed(1)} %` : '< 0.1 %';
}
