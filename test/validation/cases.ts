/**
 * The validation gallery: each case is a config in examples/validation/ (or a bundled example), a
 * published or peer-simulated figure with its source, a tolerance stated in advance, and whether
 * the model's constants were fitted to that figure (`calibration`) or not (`prediction`). A case
 * can be marked a known gap, with the reason: it is shown as failing and does not fail the run,
 * so that what the model cannot yet match stays visible. `npm run validate` prints the table and
 * writes docs/validation.md; test/unit/validation.test.ts runs it in `npm test`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyzeConfig } from '../../src/engine';
import type { SimulationResult } from '../../src/shared/result';

export const ROOT = join(import.meta.dirname, '../..');

export interface ValidationCase {
  readonly id: string;
  readonly title: string;
  /** Config files (relative to the repository root) the figure is computed from. */
  readonly configs: readonly string[];
  readonly figure: string;
  readonly unit: string;
  readonly published: number;
  readonly source: string;
  /** Fitted to this figure, or not. */
  readonly kind: 'calibration' | 'prediction';
  /** Accepted ratio model/published: [low, high]. */
  readonly tolerance: readonly [number, number];
  readonly toleranceWhy: string;
  /** The figure from the simulated configs, in `unit`. */
  compute(results: readonly SimulationResult[]): number;
  /** Set when the model is known to fall outside the tolerance: why. */
  readonly knownGap?: string;
}

export interface CaseOutcome {
  readonly c: ValidationCase;
  readonly model: number;
  readonly ratio: number;
  readonly within: boolean;
}

interface NeuroSimConfiguration {
  readonly id: string;
  readonly memory: string;
  readonly adcBits: number;
  readonly block: {
    readonly dynamicEnergyPerMac_pJ: number;
    readonly adcShare: number;
    readonly latency_ns: { readonly sumOfLayers: number };
    readonly area_um2: { readonly total: number; readonly unattributed: number };
  };
}

const NEUROSIM = JSON.parse(readFileSync(join(ROOT, 'test/validation/neurosim/gpt2-block.json'), 'utf8')) as {
  readonly neurosim: { readonly commit: string };
  readonly workload: { readonly macsPerToken: number };
  readonly configurations: readonly NeuroSimConfiguration[];
};
const NEUROSIM_SOURCE = `DNN+NeuroSim V1.4 (commit ${NEUROSIM.neurosim.commit.slice(0, 7)}) run here on one GPT-2-small block (test/validation/neurosim/)`;
const MATRIX_OPS = ['qkv', 'output_projection', 'ffn'];

/** Energy per MAC of the block's weight matrices, pJ. */
function blockEnergyPerMacPj(r: SimulationResult): number {
  const j = MATRIX_OPS.reduce((s, k) => s + (r.breakdown.byOperation[k] ?? 0), 0);
  return (j / NEUROSIM.workload.macsPerToken) * 1e12;
}

function adcShare(r: SimulationResult): number {
  const total = MATRIX_OPS.reduce((s, k) => s + (r.breakdown.byOperation[k] ?? 0), 0);
  return (r.breakdown.byLayerComponent['0']?.adc ?? 0) / total;
}

const neurosimConfig = (id: string) => `examples/validation/neurosim-${id}.aimc.yaml`;

function neurosimCases(): ValidationCase[] {
  const cases: ValidationCase[] = [];
  for (const n of NEUROSIM.configurations) {
    const label = `${n.memory}, ${n.adcBits}-bit MLSA`;
    const calibrated = n.id === 'rram-adc4';
    cases.push({
      id: `neurosim-${n.id}-energy`,
      title: `NeuroSim GPT-2 block, ${label}: energy per MAC`,
      configs: [neurosimConfig(n.id)],
      figure: 'dynamic energy per MAC of the four weight matrices',
      unit: 'pJ',
      published: n.block.dynamicEnergyPerMac_pJ,
      source: calibrated
        ? `${NEUROSIM_SOURCE}; the MLSA energy per level is fitted to this run`
        : `${NEUROSIM_SOURCE}; shares the MLSA energy per level fitted to the RRAM 4-bit run, so it tests the model's scaling with bits and device, not that constant`,
      kind: calibrated ? 'calibration' : 'prediction',
      tolerance: [0.5, 2],
      toleranceWhy: 'Issue 10: within 2× of NeuroSim on the same design',
      compute: ([r]) => blockEnergyPerMacPj(r),
    });
    cases.push({
      id: `neurosim-${n.id}-latency`,
      title: `NeuroSim GPT-2 block, ${label}: latency of one token`,
      configs: [neurosimConfig(n.id)],
      figure: 'sum of the four layers’ latencies (no pipelining)',
      unit: 'ns',
      published: n.block.latency_ns.sumOfLayers,
      source: NEUROSIM_SOURCE,
      kind: 'prediction',
      tolerance: [0.5, 2],
      toleranceWhy: 'Issue 10: within 2×; the config takes NeuroSim’s clock period',
      compute: ([r]) => MATRIX_OPS.reduce((s, k) => s + (r.breakdown.latencyByOperation[k] ?? 0), 0) * 1e9,
    });
    cases.push({
      id: `neurosim-${n.id}-area`,
      title: `NeuroSim GPT-2 block, ${label}: area`,
      configs: [neurosimConfig(n.id)],
      figure: 'area NeuroSim attributes to parts (its unattributed bounding-box space left out)',
      unit: 'mm²',
      published: (n.block.area_um2.total - n.block.area_um2.unattributed) / 1e6,
      source: NEUROSIM_SOURCE,
      kind: 'prediction',
      tolerance: [0.5, 2],
      toleranceWhy: 'Issue 10: within 2×',
      compute: ([r]) => r.areaByLayerMm2?.['0'] ?? NaN,
      // Outside today for these four: see docs/cost-model.md (Area).
      knownGap: ['rram-adc4', 'rram-adc5', 'rram-adc6', 'sram-adc4'].includes(n.id)
        ? 'row decoders, column multiplexers and switch matrices are not modelled per array; NeuroSim attributes 19.6 mm² of its RRAM block to such "other" periphery'
        : undefined,
    });
  }
  for (const memory of ['rram', 'sram']) {
    const ref = (bits: number) => NEUROSIM.configurations.find((c) => c.id === `${memory}-adc${bits}`)!;
    cases.push({
      id: `neurosim-${memory}-adc-4-to-5`,
      title: `NeuroSim GPT-2 block, ${memory.toUpperCase()}: energy ratio of a 5-bit to a 4-bit ADC`,
      configs: [neurosimConfig(`${memory}-adc4`), neurosimConfig(`${memory}-adc5`)],
      figure: 'energy per MAC at 5 bits ÷ at 4 bits',
      unit: '×',
      published: ref(5).block.dynamicEnergyPerMac_pJ / ref(4).block.dynamicEnergyPerMac_pJ,
      source: NEUROSIM_SOURCE,
      kind: 'prediction',
      tolerance: [0.75, 1.25],
      toleranceWhy: 'Issue 10: the 4→5-bit energy ratio within ±25 %',
      compute: ([a, b]) => blockEnergyPerMacPj(b) / blockEnergyPerMacPj(a),
    });
  }
  const ranked = [...NEUROSIM.configurations].sort((a, b) => b.block.adcShare - a.block.adcShare);
  cases.push({
    id: 'neurosim-adc-share-ranking',
    title: 'NeuroSim GPT-2 block: ranking of the six designs by ADC share of energy',
    configs: ranked.map((n) => neurosimConfig(n.id)),
    figure: 'ADC shares in NeuroSim’s order that are also in decreasing order in the model (6 = same ranking)',
    unit: 'in order',
    published: ranked.length,
    source: NEUROSIM_SOURCE,
    kind: 'prediction',
    tolerance: [1, 1],
    toleranceWhy: 'Issue 10: the ADC share ranking agrees',
    compute: (rs) => {
      const shares = rs.map(adcShare);
      return 1 + shares.slice(1).filter((s, i) => s <= shares[i]).length;
    },
  });
  return cases;
}

const LEROUX = 'Leroux et al., Nat. Comput. Sci. 5, 813–824 (2025), "Energy consumption and latency"';

export const CASES: readonly ValidationCase[] = [
  {
    id: 'leroux-attention-energy',
    title: 'Leroux et al. 2025: gain-cell attention energy per head per token (GPT-2, window 1024)',
    configs: ['examples/gpt2-gaincell.aimc.yaml'],
    figure: 'attention energy per head per token',
    unit: 'nJ',
    published: 6.15,
    source: LEROUX,
    kind: 'calibration',
    tolerance: [0.99, 1.01],
    toleranceWhy: 'The per-unit constants are this figure divided back: it must come out exactly',
    compute: ([r]) => r.attention.perHeadPerTokenEnergyJ * 1e9,
  },
  {
    id: 'leroux-attention-latency',
    title: 'Leroux et al. 2025: gain-cell attention latency per token',
    configs: ['examples/gpt2-gaincell.aimc.yaml'],
    figure: 'attention latency per layer per token',
    unit: 'ns',
    published: 65,
    source: LEROUX,
    kind: 'calibration',
    tolerance: [0.99, 1.01],
    toleranceWhy: 'T_max and the digital read-out time are the paper’s own',
    compute: ([r]) => r.attention.perLayerPerToken.latencyS * 1e9,
  },
  ...neurosimCases(),
];

/** Reads a config and the files it names relative to it. */
function simulateFile(path: string): SimulationResult {
  const file = join(ROOT, path);
  const a = analyzeConfig(readFileSync(file, 'utf8'), {
    readFile: (p) => {
      try {
        return readFileSync(resolve(dirname(file), p), 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  if (!a.result) throw new Error(`${path} did not simulate: ${a.diagnostics.map((d) => d.message).join('; ')}`);
  return a.result;
}

export function runCases(cases: readonly ValidationCase[] = CASES): CaseOutcome[] {
  const cache = new Map<string, SimulationResult>();
  const result = (p: string) => {
    if (!cache.has(p)) cache.set(p, simulateFile(p));
    return cache.get(p)!;
  };
  return cases.map((c) => {
    const model = c.compute(c.configs.map(result));
    const ratio = model / c.published;
    const within = Number.isFinite(ratio) && ratio >= c.tolerance[0] - 1e-12 && ratio <= c.tolerance[1] + 1e-12;
    return { c, model, ratio, within };
  });
}
