/**
 * The CSV form of a simulation (`aimc simulate --csv`, the extension's Export Results), so both
 * front ends write the same columns.
 */
import type { SimulationResult } from './result';

export function csvCell(v: string | number): string {
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
