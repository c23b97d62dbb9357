/**
 * Two designs side by side: every figure and breakdown of two simulation results with the ratio
 * B ÷ A, and the difference between their configs as written. What `aimc diff A B` prints and
 * what the results panel's Compare tab shows, so both read the same. Pure.
 */
import { table } from './summary';
import { formatEngineering, formatRatio } from './format';
import type { SimulationResult } from './result';

export type ComparisonUnit = 'J' | 's' | 'mm²' | 'tok/s' | '%' | 'count';

export interface ComparisonRow {
  /** A breakdown key (`adc`, `ffn`, `3`, `lm_head`) or a figure id (`energy`, `latency`, …). */
  readonly key: string;
  /** A figure's name; for breakdown rows the key itself (front ends label keys their own way). */
  readonly label: string;
  readonly unit: ComparisonUnit;
  readonly a: number | null;
  readonly b: number | null;
  /** B ÷ A; null when either is missing or A is zero. */
  readonly ratio: number | null;
  /** Which direction is an improvement, when one is. */
  readonly better: 'lower' | 'higher' | null;
}

export interface ComparisonSection {
  readonly id: string;
  readonly title: string;
  /** Whether the rows are breakdown keys (labelled by the front end) or named figures. */
  readonly keyed: boolean;
  readonly rows: readonly ComparisonRow[];
}

/** One config key whose value differs; null where the config does not set it (the default applies). */
export interface ConfigChange {
  readonly path: string;
  readonly a: string | null;
  readonly b: string | null;
}

function ratioOf(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  if (a === 0) return b === 0 ? 1 : null;
  return b / a;
}

function row(
  key: string,
  label: string,
  unit: ComparisonUnit,
  a: number | null | undefined,
  b: number | null | undefined,
  better: ComparisonRow['better'],
): ComparisonRow {
  const av = a ?? null;
  const bv = b ?? null;
  return { key, label, unit, a: av, b: bv, ratio: ratioOf(av, bv), better };
}

/** Embedding first, blocks in numeric order, LM head, then anything else. */
function layerOrder(a: string, b: string): number {
  const rank = (k: string) => (k === 'embedding' ? 0 : /^\d+$/.test(k) ? 1 : k === 'lm_head' ? 2 : 3);
  return rank(a) - rank(b) || (rank(a) === 1 ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
}

function breakdown(
  id: string,
  title: string,
  unit: ComparisonUnit,
  a: Readonly<Record<string, number>> | undefined,
  b: Readonly<Record<string, number>> | undefined,
  order: 'size' | 'layer',
): ComparisonSection | null {
  if (!a && !b) return null;
  const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])];
  const size = (k: string) => Math.max(a?.[k] ?? 0, b?.[k] ?? 0);
  keys.sort(order === 'layer' ? layerOrder : (x, y) => size(y) - size(x));
  // A key one side lacks costs that side nothing: 0, not unknown (when the side has the breakdown).
  const value = (r: Readonly<Record<string, number>> | undefined, k: string) => (r ? (r[k] ?? 0) : null);
  return {
    id,
    title,
    keyed: true,
    rows: keys.map((k) => row(k, k, unit, value(a, k), value(b, k), 'lower')),
  };
}

/** Every figure and breakdown of two results, A first. */
export function compareResults(a: SimulationResult, b: SimulationResult): ComparisonSection[] {
  const figures: ComparisonRow[] = [
    row('energy', 'Energy per token', 'J', a.perToken.energyJ, b.perToken.energyJ, 'lower'),
    row('latency', 'Latency per token', 's', a.perToken.latencyS, b.perToken.latencyS, 'lower'),
    row('throughput', 'Throughput', 'tok/s', a.tokensPerSecond, b.tokensPerSecond, 'higher'),
    row('area', 'Area', 'mm²', a.areaMm2, b.areaMm2, 'lower'),
    row('step-energy', 'Energy per step', 'J', a.perStep.energyJ, b.perStep.energyJ, 'lower'),
    row('step-latency', 'Latency per step', 's', a.perStep.latencyS, b.perStep.latencyS, 'lower'),
  ];
  if (a.perSequence || b.perSequence)
    figures.push(
      row('sequence-energy', 'Energy per sequence', 'J', a.perSequence?.energyJ, b.perSequence?.energyJ, 'lower'),
      row('sequence-latency', 'Latency per sequence', 's', a.perSequence?.latencyS, b.perSequence?.latencyS, 'lower'),
    );
  figures.push(
    row('arrays', 'Arrays', 'count', a.mapping.arrays, b.mapping.arrays, null),
    row('weight-arrays', 'Weight arrays', 'count', a.mapping.weightArrays, b.mapping.weightArrays, null),
    row('kv-arrays', 'KV arrays', 'count', a.mapping.kvArrays, b.mapping.kvArrays, null),
    row('utilization', 'Array utilisation', '%', 100 * a.mapping.utilization, 100 * b.mapping.utilization, 'higher'),
    row('chips', 'Chips', 'count', a.mapping.chips, b.mapping.chips, 'lower'),
    row(
      'attention-energy',
      'Attention energy per layer',
      'J',
      a.attention.perLayerPerToken.energyJ,
      b.attention.perLayerPerToken.energyJ,
      'lower',
    ),
    row(
      'attention-latency',
      'Attention latency per layer',
      's',
      a.attention.perLayerPerToken.latencyS,
      b.attention.perLayerPerToken.latencyS,
      'lower',
    ),
    row(
      'head-energy',
      'Attention energy per head',
      'J',
      a.attention.perHeadPerTokenEnergyJ,
      b.attention.perHeadPerTokenEnergyJ,
      'lower',
    ),
  );
  const gpus = [...new Set([...a.baselines.map((g) => g.id), ...b.baselines.map((g) => g.id)])];
  const baselineRows = gpus.flatMap((id) => {
    const ga = a.baselines.find((g) => g.id === id);
    const gb = b.baselines.find((g) => g.id === id);
    const name = (ga ?? gb)!.name;
    return [
      row(`${id}-energy`, `${name}: GPU energy ÷ design energy`, 'count', ga?.energyRatio, gb?.energyRatio, 'higher'),
      row(`${id}-speedup`, `${name}: speed-up over the GPU`, 'count', ga?.speedup, gb?.speedup, 'higher'),
    ];
  });
  const sections: (ComparisonSection | null)[] = [
    { id: 'figures', title: 'Key figures', keyed: false, rows: figures },
    breakdown(
      'energy-by-component',
      'Energy per token by component',
      'J',
      a.breakdown.byComponent,
      b.breakdown.byComponent,
      'size',
    ),
    breakdown(
      'energy-by-operation',
      'Energy per token by operation',
      'J',
      a.breakdown.byOperation,
      b.breakdown.byOperation,
      'size',
    ),
    breakdown(
      'latency-by-operation',
      'Latency per token by operation',
      's',
      a.breakdown.latencyByOperation,
      b.breakdown.latencyByOperation,
      'size',
    ),
    breakdown('energy-by-layer', 'Energy per token by layer', 'J', a.breakdown.byLayer, b.breakdown.byLayer, 'layer'),
    breakdown(
      'latency-by-layer',
      'Latency per token by layer',
      's',
      a.breakdown.latencyByLayer,
      b.breakdown.latencyByLayer,
      'layer',
    ),
    breakdown('area-by-component', 'Area by component', 'mm²', a.areaByComponentMm2, b.areaByComponentMm2, 'size'),
    breakdown('area-by-layer', 'Area by layer', 'mm²', a.areaByLayerMm2, b.areaByLayerMm2, 'layer'),
    baselineRows.length ? { id: 'baselines', title: 'Against GPU baselines', keyed: false, rows: baselineRows } : null,
  ];
  return sections.filter((s): s is ComparisonSection => s !== null && s.rows.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Config difference
// ---------------------------------------------------------------------------------------------

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  return String(v);
}

/** A config as dotted paths to scalar values; lists of scalars stay whole (`[h100, a100]`). */
export function flattenConfig(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object'))
      out.set(prefix, `[${value.map(scalarText).join(', ')}]`);
    else value.forEach((v, i) => flattenConfig(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, scalarText(value));
  return out;
}

/** The keys whose values differ between two configs as written, in the order A then B names them. */
export function configDifference(a: unknown, b: unknown): ConfigChange[] {
  const fa = flattenConfig(a);
  const fb = flattenConfig(b);
  const paths = [...new Set([...fa.keys(), ...fb.keys()])];
  return paths
    .filter((p) => fa.get(p) !== fb.get(p))
    .map((path) => ({ path, a: fa.get(path) ?? null, b: fb.get(path) ?? null }));
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

export function formatComparisonValue(v: number | null, unit: ComparisonUnit): string {
  if (v === null) return '–';
  switch (unit) {
    case 'J':
    case 's':
      return formatEngineering(v, unit);
    case 'tok/s':
      return formatEngineering(v, 'tok/s');
    case 'mm²':
      return `${Number(v.toPrecision(4))} mm²`;
    case '%':
      return `${v.toFixed(1)} %`;
    case 'count':
      return Number.isInteger(v) ? v.toLocaleString('en-US') : formatRatio(v);
  }
}

export function formatComparisonRatio(r: number | null): string {
  if (r === null) return '–';
  if (r === 1) return '1×';
  return r >= 100 || r < 0.01 ? formatRatio(r) : `${r.toPrecision(3)}×`;
}

export interface ComparedSide {
  /** Where the design came from (a file path), and its name. */
  readonly label: string;
  readonly result: SimulationResult;
}

/** The whole comparison as text: what `aimc diff` prints. */
export function formatComparison(a: ComparedSide, b: ComparedSide, changes: readonly ConfigChange[]): string {
  const out: string[] = [`A: ${a.label} (${a.result.name})`, `B: ${b.label} (${b.result.name})`];
  for (const s of compareResults(a.result, b.result)) {
    out.push('');
    out.push(
      table([
        [s.title.toLowerCase(), 'A', 'B', 'B/A'],
        ...s.rows.map((r) => [
          r.label,
          formatComparisonValue(r.a, r.unit),
          formatComparisonValue(r.b, r.unit),
          formatComparisonRatio(r.ratio),
        ]),
      ]),
    );
  }
  out.push('');
  if (changes.length === 0) out.push('config difference: none (the configs set the same values)');
  else
    out.push(
      table([
        ['config difference (as written; – not set, the default applies)', 'A', 'B'],
        ...changes.map((c) => [c.path, c.a ?? '–', c.b ?? '–']),
      ]),
    );
  return out.join('\n');
}
