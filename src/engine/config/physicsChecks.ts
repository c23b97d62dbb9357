/**
 * Warnings about physics, each stating the number behind it. They need the mapped and costed
 * design, so they run after the simulation.
 */
import type { SimulationResult } from '../../shared/result';
import type { Diagnostic, Fix, Range } from '../../shared/diagnostics';
import type { ConfigDocument, JsonPath } from './document';
import { fix, setValueEdit } from './edits';
import type { ResolvedDesign, ResolvedWeights } from './resolve';
import { MATRIX_NAMES } from '../../shared/matrices';
import type { AimcConfig } from './schema';
import { pcmDevice } from '../devices/pcm/index';
import { pcmDriftMean } from '../devices/pcm/model';
import { formatEngineering } from '../../shared/format';

/** Bits a column sum spans: input bits per cycle + bits per cell + log2(rows). */
export function losslessAdcBits(w: ResolvedWeights): number {
  const inputBits = w.bitSerial ? 1 : w.dacBits;
  return inputBits + w.bitsPerCell + Math.ceil(Math.log2(Math.max(1, w.rows)));
}

/**
 * Where a finding goes: the first of `paths` written in the file, on its value for the first
 * `valuePaths` paths (settings) and on its key for the rest (sections: a defaulted setting has no
 * text of its own); else the file's first key. Never the whole file.
 */
function anchor(cfg: ConfigDocument, paths: JsonPath[], valuePaths = 1): Range {
  for (const [i, p] of paths.entries()) {
    if (cfg.nodeAt(p) === undefined) continue;
    return i < valuePaths ? cfg.valueRange(p) : cfg.keyRange(p);
  }
  const first = (cfg.doc.contents as { items?: Array<{ key?: { range?: [number, number, number] } }> } | null)
    ?.items?.[0]?.key?.range;
  return first ? cfg.rangeOf(first[0], first[1]) : cfg.rangeOf(0, 0);
}

export function checkPhysics(
  cfg: ConfigDocument,
  config: AimcConfig,
  design: ResolvedDesign,
  result: SimulationResult,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (range: Range, severity: Diagnostic['severity'], code: string, message: string, repair?: Fix) => {
    out.push(repair ? { range, severity, code, message, fix: repair } : { range, severity, code, message });
  };

  // ADC resolution against the column sum, for the global weights and each override that sets converters.
  const adcSites: Array<{ base: JsonPath; w: ResolvedWeights }> = [];
  if (design.weights.implementation === 'analog') adcSites.push({ base: ['weights'], w: design.weights });
  (config.layers ?? []).forEach((o, i) => {
    if (!o.weights) return;
    const layer = o.layers?.[0];
    const l =
      typeof layer === 'number'
        ? layer < 0
          ? design.shape.layers + layer
          : layer
        : typeof layer === 'string'
          ? Number(layer.split('-')[0])
          : 0;
    const matrix = o.matrices?.[0] === 'lm_head' ? 'lm_head' : 'q_proj';
    const w = design.weightsFor(matrix === 'lm_head' ? -1 : l, matrix);
    const touchesConverters =
      o.weights.adc || o.weights.dac || o.weights.array || o.weights.bits_per_cell !== undefined;
    if (w.implementation === 'analog' && touchesConverters) adcSites.push({ base: ['layers', i, 'weights'], w });
  });
  for (const { base, w } of adcSites) {
    const need = losslessAdcBits(w);
    if (w.adcBits >= need) continue;
    const bitsPath = [...base, 'adc', 'bits'];
    const inputs = w.bitSerial ? '1-bit (bit-serial) inputs' : `${w.dacBits}-bit inputs`;
    // The schema caps the ADC at 16 bits: past that no setting is lossless.
    const edit = need <= 16 ? setValueEdit(cfg, bitsPath, need) : undefined;
    push(
      anchor(cfg, [bitsPath, [...base, 'adc'], base, ['model']]),
      'warning',
      'adc-bits-lossy',
      `The ADC has ${w.adcBits} bits, but a column sum of ${w.rows} rows × ${inputs} × ${w.bitsPerCell}-bit cells spans ${need} bits: the ${need - w.adcBits} least significant bits are lost. ${need <= 16 ? `${need} bits would be lossless` : 'Fewer rows or bit-serial inputs would shrink the sum'}.`,
      edit ? fix(`Set the ADC to ${need} bits (lossless)`, edit) : undefined,
    );
  }

  // Gain-cell retention against how long the oldest token of the window has been stored.
  const usesGainCell = Array.from({ length: design.shape.layers }, (_, l) => design.attentionFor(l)).includes(
    'gain-cell',
  );
  if (usesGainCell && design.workload.mode === 'decode') {
    const window = design.attention.window;
    const lifetimeS = window * result.perToken.latencyS;
    const retention = design.attention.retentionS;
    if (lifetimeS > retention) {
      const kept = Math.exp(-lifetimeS / retention);
      const keptText = kept >= 0.001 ? ` = ${(kept * 100).toFixed(1)}% of its value` : `, less than 0.1% of its value`;
      push(
        anchor(cfg, [['attention', 'retention_s'], ['attention', 'window'], ['attention'], ['model']], 2),
        'warning',
        'retention-short',
        `The oldest of the ${window} tokens in the window was written ${formatEngineering(lifetimeS, 's')} ago (${window} tokens × ${formatEngineering(result.perToken.latencyS, 's')} per token), longer than the ${formatEngineering(retention, 's')} retention: it keeps exp(−${(lifetimeS / retention).toFixed(2)})${keptText}. Shorten the window, use longer-retention cells (OSFET/IGZO), or add refresh.`,
      );
    }
  }

  if (design.chipBudget !== null && result.mapping.chips > design.chipBudget) {
    push(
      anchor(cfg, [['chip', 'chips']]),
      'warning',
      'chip-budget',
      `The design needs ${result.mapping.chips} chips (${result.mapping.arrays} arrays at ${design.arraysPerChip} per chip), more than the budget of ${design.chipBudget}.`,
    );
  }

  checkDrift(cfg, config, design, push);

  if (result.mapping.arrays > 0 && result.mapping.utilization < 0.25) {
    push(
      anchor(cfg, [['weights', 'array', 'rows'], ['weights', 'array'], ['weights'], ['model']]),
      'information',
      'low-utilization',
      `Only ${(result.mapping.utilization * 100).toFixed(1)}% of the cells hold data: the arrays are much larger than the matrices' blocks. Smaller arrays would waste less area.`,
    );
  }
  return out;
}

/**
 * A drift time set while drift compensation is off: PCM conductances then decay as (t/t0)^−ν with
 * nothing rescaling the outputs (aihwkit PCMLikeNoiseModel; ν from its fit to measured devices).
 */
function checkDrift(
  cfg: ConfigDocument,
  config: AimcConfig,
  design: ResolvedDesign,
  push: (range: Range, severity: Diagnostic['severity'], code: string, message: string, repair?: Fix) => void,
): void {
  const n = config.nonidealities;
  const tInferenceS = n?.t_inference_s;
  if (tInferenceS === undefined || tInferenceS <= 0 || n?.drift === false || n?.drift_compensation !== false) return;
  const pcm = (w: ResolvedWeights) => w.implementation === 'analog' && w.device === 'pcm';
  const layers = Array.from({ length: design.shape.layers }, (_, l) => l);
  const usesPcm =
    pcm(design.weightsFor(-1, 'lm_head')) ||
    layers.some((l) => MATRIX_NAMES.some((m) => m !== 'lm_head' && pcm(design.weightsFor(l, m))));
  if (!usesPcm) return;
  const { t0S: t0, driftScale: scale } = pcmDevice.settings!.resolve((n as Record<string, unknown>).pcm);
  // ν is smallest for full-scale cells and largest for nearly-off ones.
  const [nuLow, nuHigh] = [pcmDriftMean(1) * scale, pcmDriftMean(0) * scale];
  const ratio = (tInferenceS + t0) / t0;
  const percent = (nu: number) => `${(100 * ratio ** -nu).toFixed(0)}%`;
  const compensation: JsonPath = ['nonidealities', 'drift_compensation'];
  const edit = setValueEdit(cfg, compensation, true);
  push(
    anchor(cfg, [['nonidealities', 't_inference_s']]),
    'information',
    'drift-uncompensated',
    `Weights are read ${formatDuration(tInferenceS)} after programming with drift compensation off: PCM conductances drift to (t/t0)^−ν = ${percent(nuHigh)} to ${percent(nuLow)} of their programmed values (t0 ${formatEngineering(t0, 's')}, ν ${nuLow.toFixed(3)} to ${nuHigh.toFixed(3)}), and nothing rescales the outputs. Set \`drift_compensation: true\` unless the uncompensated loss is what you want to see.`,
    edit ? fix('Turn on drift compensation', edit) : undefined,
  );
}

/** A time as people say it: 20 s, 15 min, 24 h, 30 days. */
function formatDuration(seconds: number): string {
  if (seconds < 60) return formatEngineering(seconds, 's');
  if (seconds < 3600) return `${Number((seconds / 60).toPrecision(3))} min`;
  if (seconds < 2 * 86400) return `${Number((seconds / 3600).toPrecision(3))} h`;
  if (seconds < 2 * 365.25 * 86400) return `${Number((seconds / 86400).toPrecision(3))} days`;
  return `${Number((seconds / (365.25 * 86400)).toPrecision(3))} years`;
}
