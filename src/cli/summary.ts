/** The readable summary table `aimc simulate` prints, and the CSV form. */
import { formatCount, formatEngineering, formatRatio } from '../engine/format';
import type { SimulationResult } from '../engine/result';

function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ').trimEnd()).join('\n');
}

function share(part: number, total: number): string {
  return total > 0 ? `${((100 * part) / total).toFixed(1)}%` : '';
}

export function formatSummary(r: SimulationResult): string {
  const out: string[] = [];
  const m = r.model;
  const w = r.workload;
  out.push(`${r.name}`);
  out.push(`model ${m.name}: ${m.layers} layers, d_model ${m.dModel}, ${m.heads} heads (${m.kvHeads} KV), FFN ${m.dFf} ${m.ffn}, ${formatCount(m.parameters)} parameters`);
  out.push(`workload: ${w.mode}, batch ${w.batch}, ${w.contextTokens} context tokens, window ${w.window}, ${w.attendedKeysPerQuery.toFixed(0)} keys per query`);
  out.push(`technology: ${r.technology.nodeNm} nm, ${formatEngineering(r.technology.clockHz, 'Hz')}`);
  out.push('');
  out.push(table([
    ['figure', 'value'],
    ['energy per token', formatEngineering(r.perToken.energyJ, 'J')],
    ['latency per token', formatEngineering(r.perToken.latencyS, 's')],
    ['tokens per second', formatEngineering(r.tokensPerSecond, 'tok/s')],
    ...(r.perSequence ? [['energy per sequence', formatEngineering(r.perSequence.energyJ, 'J')], ['latency per sequence', formatEngineering(r.perSequence.latencyS, 's')]] : []),
    ['area', `${Number(r.areaMm2.toPrecision(4))} mm²`],
    ['arrays (weight + KV)', `${r.mapping.arrays.toLocaleString('en-US')} (${r.mapping.weightArrays.toLocaleString('en-US')} + ${r.mapping.kvArrays.toLocaleString('en-US')})`],
    ['array utilisation', `${(r.mapping.utilization * 100).toFixed(1)}%`],
    ['chips', String(r.mapping.chips)],
    [`attention per layer (layer ${r.attention.layer}, ${r.attention.implementation})`, `${formatEngineering(r.attention.perLayerPerToken.energyJ, 'J')}, ${formatEngineering(r.attention.perLayerPerToken.latencyS, 's')}`],
    ['attention per head', formatEngineering(r.attention.perHeadPerTokenEnergyJ, 'J')],
  ]));
  out.push('');
  const total = r.perToken.energyJ;
  const byComponent = Object.entries(r.breakdown.byComponent).sort((a, b) => b[1] - a[1]);
  out.push(table([['energy by component', 'per token', 'share'], ...byComponent.map(([k, v]) => [k, formatEngineering(v, 'J'), share(v, total)])]));
  out.push('');
  const byOp = Object.entries(r.breakdown.byOperation).sort((a, b) => b[1] - a[1]);
  out.push(table([['energy by operation', 'per token', 'share', 'latency'], ...byOp.map(([k, v]) => [k, formatEngineering(v, 'J'), share(v, total), formatEngineering(r.breakdown.latencyByOperation[k] ?? 0, 's')])]));
  if (r.baselines.length) {
    out.push('');
    out.push(table([
      ['baseline (roofline, datasheet peaks)', 'energy/token', 'latency/token', 'GPUs', 'speed-up', 'energy ratio'],
      ...r.baselines.map((b) => [b.name, formatEngineering(b.perToken.energyJ, 'J'), formatEngineering(b.perToken.latencyS, 's'), String(b.devices), formatRatio(b.speedup), formatRatio(b.energyRatio)]),
    ]));
  }
  return out.join('\n');
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Long-format CSV: one row per figure, `section,key,value,unit`. */
export function formatCsv(r: SimulationResult): string {
  const rows: Array<[string, string, number | string, string]> = [
    ['summary', 'energy_per_token', r.perToken.energyJ, 'J'],
    ['summary', 'latency_per_token', r.perToken.latencyS, 's'],
    ['summary', 'tokens_per_second', r.tokensPerSecond, 'tok/s'],
    ['summary', 'area', r.areaMm2, 'mm2'],
    ['summary', 'arrays', r.mapping.arrays, ''],
    ['summary', 'weight_arrays', r.mapping.weightArrays, ''],
    ['summary', 'kv_arrays', r.mapping.kvArrays, ''],
    ['summary', 'utilization', r.mapping.utilization, ''],
    ['summary', 'chips', r.mapping.chips, ''],
    ['summary', 'parameters', r.model.parameters, ''],
  ];
  for (const [k, v] of Object.entries(r.breakdown.byComponent)) rows.push(['energy_by_component', k, v, 'J']);
  for (const [k, v] of Object.entries(r.breakdown.byOperation)) rows.push(['energy_by_operation', k, v, 'J']);
  for (const [k, v] of Object.entries(r.breakdown.byLayer)) rows.push(['energy_by_layer', k, v, 'J']);
  for (const [k, v] of Object.entries(r.breakdown.latencyByOperation)) rows.push(['latency_by_operation', k, v, 's']);
  for (const [k, v] of Object.entries(r.areaByComponentMm2)) rows.push(['area_by_component', k, v, 'mm2']);
  for (const b of r.baselines) {
    rows.push([`baseline:${b.id}`, 'energy_per_token', b.perToken.energyJ, 'J']);
    rows.push([`baseline:${b.id}`, 'latency_per_token', b.perToken.latencyS, 's']);
    rows.push([`baseline:${b.id}`, 'speedup', b.speedup, '']);
    rows.push([`baseline:${b.id}`, 'energy_ratio', b.energyRatio, '']);
  }
  return ['section,key,value,unit', ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}
