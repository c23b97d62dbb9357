/**
 * Data for the browser preview: real simulation results from the engine, and a sweep and an
 * accuracy report in the panel's protocol shapes. The sweep's costs are real (each point is
 * simulated); its error values and the accuracy report are made up, clearly labelled, until the
 * functional simulation produces them — they exercise the tabs, they are not results.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configDifference } from '../../src/shared/comparison';
import type { SimulationResult } from '../../src/shared/result';
import type { AccuracyView, ComparisonView, SweepPointView, SweepView } from '../../src/shared/webviewProtocol';
import { config, simulateText } from '../helpers/design';

const ROOT = join(import.meta.dirname, '../..');

export function gpt2Example(): SimulationResult {
  return simulateText(readFileSync(join(ROOT, 'examples/gpt2-gaincell.aimc.yaml'), 'utf8'));
}

function example(name: string): string {
  return readFileSync(join(ROOT, 'examples', name), 'utf8');
}

/** Llama 2 7B on PCM over 25 chips of 4,096 arrays (examples/llama2-7b-pcm.aimc.yaml). */
export function llama7bChips(): SimulationResult {
  return simulateText(example('llama2-7b-pcm.aimc.yaml'));
}

/** GPT-2 with gain-cell attention (A) against the hybrid GPT-2 (B), as the Compare tab gets them. */
export function comparisonFixture(): ComparisonView {
  const [a, b] = ['gpt2-gaincell.aimc.yaml', 'gpt2-hybrid.aimc.yaml'];
  return {
    id: 'preview-comparison',
    a: { result: simulateText(example(a)), source: { label: `examples/${a}`, uri: null }, role: 'A' },
    b: { result: simulateText(example(b)), source: { label: `examples/${b}`, uri: null }, role: 'B' },
    configChanges: configDifference(parse(example(a)), parse(example(b))),
  };
}

export const LLAMA_70B_CONFIG = config('llama-2-70b', 'weights: { array: { rows: 256, cols: 256 } }\n');

export function llama70b(): SimulationResult {
  return simulateText(LLAMA_70B_CONFIG);
}

/**
 * A 4 × 3 × 2 grid over array size, ADC bits and bits per cell on GPT-2. The error is a stand-in
 * that grows with ADC truncation and rows summed per column, so the front has the usual shape.
 */
export function sweepFixture(): SweepView {
  const points: SweepPointView[] = [];
  for (const rows of [64, 128, 256, 512]) {
    for (const adcBits of [4, 6, 8]) {
      for (const bitsPerCell of [2, 4]) {
        const id = `p${points.length}`;
        const values = {
          'weights.array.rows': rows,
          'weights.adc.bits': adcBits,
          'weights.bits_per_cell': bitsPerCell,
        };
        try {
          const r = simulateText(
            config(
              'gpt2',
              `weights: { array: { rows: ${rows}, cols: ${rows} }, bits_per_cell: ${bitsPerCell}, adc: { bits: ${adcBits} } }\n`,
            ),
          );
          const error = 0.004 + 0.6 * Math.sqrt(rows / 64) * 2 ** -adcBits * (bitsPerCell === 4 ? 1.6 : 1);
          points.push({
            id,
            values,
            energyPerTokenJ: r.perToken.energyJ,
            latencyPerTokenS: r.perToken.latencyS,
            areaMm2: r.areaMm2,
            error,
            failure: null,
          });
        } catch (e) {
          points.push({
            id,
            values,
            energyPerTokenJ: NaN,
            latencyPerTokenS: NaN,
            areaMm2: null,
            error: null,
            failure: (e as Error).message.split('\n')[1] ?? 'failed',
          });
        }
      }
    }
  }
  return {
    id: 'preview-sweep',
    name: 'GPT-2 array size × ADC bits × bits per cell',
    keys: ['weights.array.rows', 'weights.adc.bits', 'weights.bits_per_cell'],
    error: { label: 'Output relative RMS error (synthetic)', unit: '' },
    points,
  };
}

/** Per-layer metrics shaped like a functional run's, with values made up for the preview. */
export function accuracyFixture(layers: number): AccuracyView {
  const rows = [];
  for (let l = 0; l < layers; l++) {
    const rel = 0.012 + 0.004 * Math.sin(l * 0.7) + 0.0015 * l;
    rows.push({
      layer: String(l),
      matrix: null,
      values: { relRms: rel, snrDb: -20 * Math.log10(rel), cosine: 1 - (rel * rel) / 2 },
    });
  }
  rows.push({
    layer: 'lm_head',
    matrix: null,
    values: { relRms: 0.041, snrDb: -20 * Math.log10(0.041), cosine: 1 - 0.041 ** 2 / 2 },
  });
  return {
    name: 'Functional run (synthetic values for the preview)',
    metrics: [
      { key: 'relRms', label: 'Relative RMS error', unit: '', better: 'lower' },
      { key: 'snrDb', label: 'SNR', unit: 'dB', better: 'higher' },
      { key: 'cosine', label: 'Cosine similarity', unit: '', better: 'higher' },
    ],
    rows,
    overall: { relRms: 0.033, snrDb: 29.6, cosine: 0.99946 },
    notes: [
      'Preview fixture: the values are synthetic, not produced by the functional simulation.',
      'PCM programming noise, drift (1 h) and read noise on; ADC 8 bits, fixed range.',
    ],
  };
}
