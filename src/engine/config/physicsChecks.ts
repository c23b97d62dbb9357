/**
 * Warnings about physics, each stating the number behind it. They need the mapped and costed
 * design, so they run after the simulation.
 */
import type { SimulationResult } from '../result';
import type { Diagnostic, Fix } from './diagnostics';
import type { ConfigDocument, JsonPath } from './document';
import type { ResolvedDesign, ResolvedWeights } from './resolve';
import type { AimcConfig } from './schema';
import { formatEngineering } from '../format';

/** Bits a column sum spans: input bits per cycle + bits per cell + log2(rows). */
export function losslessAdcBits(w: ResolvedWeights): number {
  const inputBits = w.bitSerial ? 1 : w.dacBits;
  return inputBits + w.bitsPerCell + Math.ceil(Math.log2(Math.max(1, w.rows)));
}

/** The path of the most specific place a key is written, falling back to its section. */
function firstExisting(cfg: ConfigDocument, paths: JsonPath[]): JsonPath {
  for (const p of paths) if (cfg.nodeAt(p) !== undefined) return p;
  return paths[paths.length - 1];
}

export function checkPhysics(cfg: ConfigDocument, config: AimcConfig, design: ResolvedDesign, result: SimulationResult): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (path: JsonPath, severity: Diagnostic['severity'], code: string, message: string, fix?: Fix, key = false) => {
    const range = key ? cfg.keyRange(path) : cfg.valueRange(path);
    out.push(fix ? { range, severity, code, message, fix } : { range, severity, code, message });
  };

  // ADC resolution against the column sum, for the global weights and each override that sets converters.
  const adcSites: Array<{ base: JsonPath; w: ResolvedWeights }> = [];
  if (design.weights.implementation === 'analog') adcSites.push({ base: ['weights'], w: design.weights });
  (config.layers ?? []).forEach((o, i) => {
    if (!o.weights) return;
    const layer = o.layers?.[0];
    const l = typeof layer === 'number' ? (layer < 0 ? design.shape.layers + layer : layer) : typeof layer === 'string' ? Number(layer.split('-')[0]) : 0;
    const matrix = o.matrices?.[0] === 'lm_head' ? 'lm_head' : 'q_proj';
    const w = design.weightsFor(matrix === 'lm_head' ? -1 : l, matrix);
    const touchesConverters = o.weights.adc || o.weights.dac || o.weights.array || o.weights.bits_per_cell !== undefined;
    if (w.implementation === 'analog' && touchesConverters) adcSites.push({ base: ['layers', i, 'weights'], w });
  });
  for (const { base, w } of adcSites) {
    const need = losslessAdcBits(w);
    if (w.adcBits >= need) continue;
    const path = firstExisting(cfg, [[...base, 'adc', 'bits'], [...base, 'adc'], base]);
    const explicit = cfg.nodeAt([...base, 'adc', 'bits']) !== undefined;
    const inputs = w.bitSerial ? '1-bit (bit-serial) inputs' : `${w.dacBits}-bit inputs`;
    const fix = explicit && need <= 16
      ? { title: `Set the ADC to ${need} bits (lossless)`, edits: [{ range: cfg.valueRange([...base, 'adc', 'bits']), newText: String(need) }] }
      : undefined;
    push(path, 'warning', 'adc-bits-lossy',
      `The ADC has ${w.adcBits} bits, but a column sum of ${w.rows} rows × ${inputs} × ${w.bitsPerCell}-bit cells spans ${need} bits: the ${need - w.adcBits} least significant bits are lost. ${need <= 16 ? `${need} bits would be lossless` : 'Fewer rows or bit-serial inputs would shrink the sum'}.`,
      fix, path.length === base.length);
  }

  // Gain-cell retention against how long the oldest token of the window has been stored.
  const usesGainCell = Array.from({ length: design.shape.layers }, (_, l) => design.attentionFor(l)).includes('gain-cell');
  if (usesGainCell && design.workload.mode === 'decode') {
    const window = design.attention.window;
    const lifetimeS = window * result.perToken.latencyS;
    const retention = design.attention.retentionS;
    if (lifetimeS > retention) {
      const kept = Math.exp(-lifetimeS / retention);
      push(firstExisting(cfg, [['attention', 'retention_s'], ['attention', 'window'], ['attention']]), 'warning', 'retention-short',
        `The oldest of the ${window} tokens in the window was written ${formatEngineering(lifetimeS, 's')} ago (${window} tokens × ${formatEngineering(result.perToken.latencyS, 's')} per token), longer than the ${formatEngineering(retention, 's')} retention: it keeps exp(−${(lifetimeS / retention).toFixed(2)}) = ${(kept * 100).toFixed(1)}% of its value. Shorten the window, use longer-retention cells (OSFET/IGZO), or add refresh.`);
    }
  }

  if (design.chipBudget !== null && result.mapping.chips > design.chipBudget) {
    push(['chip', 'chips'], 'warning', 'chip-budget',
      `The design needs ${result.mapping.chips} chips (${result.mapping.arrays} arrays at ${design.arraysPerChip} per chip), more than the budget of ${design.chipBudget}.`);
  }

  if (result.mapping.arrays > 0 && result.mapping.utilization < 0.25) {
    push(firstExisting(cfg, [['weights', 'array'], ['weights'], ['model']]), 'information', 'low-utilization',
      `Only ${(result.mapping.utilization * 100).toFixed(1)}% of the cells hold data: the arrays are much larger than the matrices' blocks. Smaller arrays would waste less area.`, undefined, true);
  }
  return out;
}
