/**
 * The key figures of a result as text with units, shared by the panel's overview and the side
 * view. Pure (no DOM).
 */
import { formatEngineering, formatRatio } from '../../src/shared/format';
import type { BaselineResult, SimulationResult } from '../../src/shared/result';

export interface Figure {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  /** A second line: what the number is per, or how it is made up. */
  readonly detail: string;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** Parameter counts as people say them: 124M, 6.74B, 69B. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1e12) return `${Number((n / 1e12).toPrecision(3))}T`;
  if (n >= 1e9) return `${Number((n / 1e9).toPrecision(3))}B`;
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))}M`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(3))}k`;
  return String(Number(n.toPrecision(3)));
}

export function formatArea(mm2: number): string {
  if (!Number.isFinite(mm2)) return String(mm2);
  if (mm2 >= 1e4) return `${count(mm2)} mm²`;
  return `${Number(mm2.toPrecision(3))} mm²`;
}

export function keyFigures(r: SimulationResult): Figure[] {
  const per = r.workload.mode === 'decode' ? 'per generated token' : 'per prompt token';
  const m = r.mapping;
  return [
    { id: 'energy', label: 'Energy / token', value: formatEngineering(r.perToken.energyJ, 'J'), detail: per },
    { id: 'latency', label: 'Latency / token', value: formatEngineering(r.perToken.latencyS, 's'), detail: per },
    {
      id: 'throughput',
      label: 'Throughput',
      value: `${formatCount(r.tokensPerSecond)} tokens/s`,
      detail: `${r.workload.tokensPerStep} token${r.workload.tokensPerStep === 1 ? '' : 's'} per step, batch ${r.workload.batch}`,
    },
    {
      id: 'area',
      label: 'Area',
      value: formatArea(r.areaMm2),
      detail: `${r.technology.nodeNm} nm, ${formatEngineering(r.technology.clockHz, 'Hz')}`,
    },
    {
      id: 'arrays',
      label: 'Arrays',
      value: count(m.arrays),
      detail: `${count(m.weightArrays)} weight + ${count(m.kvArrays)} KV · ${(100 * m.utilization).toFixed(1)} % cells used`,
    },
    {
      id: 'chips',
      label: 'Chips',
      value: count(m.chips),
      detail: m.arraysPerChip ? `${count(m.arraysPerChip)} arrays per chip` : 'no per-chip limit set',
    },
  ];
}

export interface BaselineComparison {
  readonly id: string;
  readonly name: string;
  /** "5,145× less energy" or "2.1× more energy". */
  readonly energy: string;
  /** "11.9× faster" or "3.2× slower". */
  readonly speed: string;
  readonly energyFavoursDesign: boolean;
  readonly speedFavoursDesign: boolean;
  readonly gpuEnergy: string;
  readonly gpuLatency: string;
  readonly devices: string;
}

/** Ratios phrased so the larger number is always shown (0.5× faster reads badly; 2× slower does not). */
export function compareWithBaseline(b: BaselineResult): BaselineComparison {
  const phrase = (ratio: number, better: string, worse: string) =>
    ratio >= 1 ? `${formatRatio(ratio)} ${better}` : ratio > 0 ? `${formatRatio(1 / ratio)} ${worse}` : '–';
  return {
    id: b.id,
    name: b.name,
    energy: phrase(b.energyRatio, 'less energy', 'more energy'),
    speed: phrase(b.speedup, 'faster', 'slower'),
    energyFavoursDesign: b.energyRatio >= 1,
    speedFavoursDesign: b.speedup >= 1,
    gpuEnergy: formatEngineering(b.perToken.energyJ, 'J'),
    gpuLatency: formatEngineering(b.perToken.latencyS, 's'),
    devices: `${b.devices} × ${b.bound}-bound`,
  };
}

export function modelSummary(r: SimulationResult): string {
  const m = r.model;
  const w = r.workload;
  return `${m.name} · ${formatCount(m.parameters)} parameters · ${m.layers} layers · ${w.mode}, context ${count(w.contextTokens)}, batch ${w.batch}`;
}
