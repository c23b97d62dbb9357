/**
 * The flagship example's ADC-bits sweep (`aimc sweep examples/gpt2-gaincell.aimc.yaml --vary
 * weights.adc.bits=4..8`) as a stacked chart of energy per token by component, for
 * docs/cost-model.md: `npm run validate -- --write` writes docs/adc-sweep.svg.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setConfigValue, simulate } from '../../src/engine';
import { analyzeConfig } from '../../src/engine';
import type { SimulationResult } from '../../src/shared/result';
import { ROOT } from './cases';

export const SWEEP_CONFIG = 'examples/gpt2-gaincell.aimc.yaml';
export const SWEEP_BITS = [4, 5, 6, 7, 8];

export interface SweepPoint {
  readonly bits: number;
  readonly energyJ: number;
  readonly byComponentJ: Readonly<Record<string, number>>;
}

export function adcSweep(): SweepPoint[] {
  const base = readFileSync(join(ROOT, SWEEP_CONFIG), 'utf8');
  return SWEEP_BITS.map((bits) => {
    const a = analyzeConfig(setConfigValue(base, ['weights', 'adc', 'bits'], bits), { simulate: false });
    if (!a.design) throw new Error(`${SWEEP_CONFIG} at ${bits} ADC bits did not resolve`);
    const r: SimulationResult = simulate(a.design);
    return { bits, energyJ: r.perToken.energyJ, byComponentJ: r.breakdown.byComponent };
  });
}

const COLOURS: Readonly<Record<string, string>> = {
  adc: '#d62728',
  dac: '#ff7f0e',
  attention_dac: '#ffbb78',
  crossbar: '#1f77b4',
  gain_cell: '#17becf',
  accumulator: '#2ca02c',
  sram_buffer: '#9467bd',
  interconnect: '#8c564b',
  digital_unit: '#7f7f7f',
  dram: '#bcbd22',
  leakage: '#e377c2',
  refresh: '#f7b6d2',
};

/** A stacked bar per ADC width, µJ per token by component, with the ADC share above each bar. */
export function adcSweepSvg(points: readonly SweepPoint[]): string {
  const width = 560;
  const height = 360;
  const pad = { left: 60, right: 150, top: 30, bottom: 50 };
  const components = Object.keys(COLOURS).filter((c) => points.some((p) => (p.byComponentJ[c] ?? 0) > 0));
  const max = Math.max(...points.map((p) => p.energyJ)) * 1e6;
  const top = Math.ceil(max);
  const plotH = height - pad.top - pad.bottom;
  const plotW = width - pad.left - pad.right;
  const barW = (plotW / points.length) * 0.6;
  const y = (uj: number) => pad.top + plotH - (uj / top) * plotH;
  const parts: string[] = [];
  points.forEach((p, i) => {
    const x = pad.left + (i + 0.2) * (plotW / points.length);
    let acc = 0;
    for (const c of components) {
      const uj = (p.byComponentJ[c] ?? 0) * 1e6;
      if (uj <= 0) continue;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(acc + uj).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(acc) - y(acc + uj)).toFixed(1)}" fill="${COLOURS[c]}"><title>${c}: ${uj.toPrecision(3)} µJ</title></rect>`,
      );
      acc += uj;
    }
    const share = (p.byComponentJ.adc ?? 0) / p.energyJ;
    parts.push(
      `<text x="${(x + barW / 2).toFixed(1)}" y="${(y(acc) - 6).toFixed(1)}" text-anchor="middle">${(share * 100).toFixed(0)} % ADC</text>`,
      `<text x="${(x + barW / 2).toFixed(1)}" y="${height - pad.bottom + 16}" text-anchor="middle">${p.bits}</text>`,
    );
  });
  const ticks: string[] = [];
  const step = top <= 10 ? 1 : Math.ceil(top / 10);
  for (let v = 0; v <= top; v += step) {
    ticks.push(
      `<line x1="${pad.left - 4}" y1="${y(v).toFixed(1)}" x2="${pad.left + plotW}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${pad.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`,
    );
  }
  const legend = components
    .map(
      (c, i) =>
        `<rect x="${width - pad.right + 16}" y="${pad.top + i * 18}" width="12" height="12" fill="${COLOURS[c]}"/><text x="${width - pad.right + 34}" y="${pad.top + i * 18 + 10}">${c}</text>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${ticks.join('\n')}
${parts.join('\n')}
${legend}
<text x="${pad.left + plotW / 2}" y="${height - 12}" text-anchor="middle">weights.adc.bits (${SWEEP_CONFIG})</text>
<text x="16" y="${pad.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${pad.top + plotH / 2})">energy per token (µJ)</text>
</svg>
`;
}
