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

/** Rows summed in one conversion: the rows read at once, or every row of the array. */
export function rowsPerConversion(w: ResolvedWeights): number {
  return w.rowsPerRead === null ? w.rows : Math.min(w.rowsPerRead, w.rows);
}

/** Bits a column sum spans: input bits per cycle + bits per cell + log2(rows summed at once). */
export function losslessAdcBits(w: ResolvedWeights): number {
  const inputBits = w.bitSerial ? 1 : w.dacBits;
  return inputBits + w.bitsPerCell + Math.ceil(Math.log2(Math.max(1, rowsPerConversion(w))));
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

/** Every number of `value` that is not finite, by its path (`perToken.latencyS`, `baselines[0].speedup`). */
function nonFiniteFigures(value: unknown): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) out.push([path, v]);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--)
        stack.push([entries[i][1], path ? `${path}.${entries[i][0]}` : entries[i][0]]);
    }
  }
  return out;
}

/**
 * The last guard between the cost model and the user: a result with a non-finite figure is an
 * error naming it (the ledger catches non-finite component energies; this catches the rest, such
 * as a ratio over zero), and a count past 2^53, which a double cannot hold exactly, is a warning.
 */
export function checkResultFigures(cfg: ConfigDocument, result: SimulationResult): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bad = nonFiniteFigures(result);
  if (bad.length > 0) {
    out.push({
      range: anchor(cfg, [['components'], ['technology'], ['weights'], ['model']], 0),
      severity: 'error',
      code: 'result-not-finite',
      message: `The simulation gave ${bad
        .slice(0, 3)
        .map(([p, v]) => `\`${p}\` = ${v}`)
        .join(
          ', ',
        )}${bad.length > 3 ? ` and ${bad.length - 3} more non-finite figures` : ''}: some setting is too extreme for the cost model. Bring \`technology\` and \`components:\` values nearer their defaults.`,
    });
  }
  const counts: Array<[string, number]> = [
    ['model.parameters', result.model.parameters],
    ['mapping.arrays', result.mapping.arrays],
    ['mapping.weightArrays', result.mapping.weightArrays],
    ['mapping.kvArrays', result.mapping.kvArrays],
    ['mapping.chips', result.mapping.chips],
  ];
  const inexact = counts.filter(([, v]) => Number.isFinite(v) && Math.abs(v) > Number.MAX_SAFE_INTEGER);
  if (inexact.length > 0) {
    out.push({
      range: anchor(cfg, [['weights', 'array'], ['weights'], ['model']], 0),
      severity: 'warning',
      code: 'count-imprecise',
      message: `${inexact.map(([k, v]) => `\`${k}\` (${v.toExponential(3)})`).join(', ')} ${inexact.length === 1 ? 'is' : 'are'} above 2^53, where counts are no longer exact: the last digits printed are rounded. Larger arrays or fewer bits per weight bring the count down.`,
    });
  }
  return out;
}

export function checkPhysics(
  cfg: ConfigDocument,
  config: AimcConfig,
  design: ResolvedDesign,
  result: SimulationResult,
): Diagnostic[] {
  const figures = checkResultFigures(cfg, result);
  if (figures.some((d) => d.severity === 'error')) return figures;
  const out: Diagnostic[] = [...figures];
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
      `The ADC has ${w.adcBits} bits, but a column sum of ${rowsPerConversion(w)} rows × ${inputs} × ${w.bitsPerCell}-bit cells spans ${need} bits: the ${need - w.adcBits} least significant bits are lost. ${need <= 16 ? `${need} bits would be lossless` : 'Fewer rows or bit-serial inputs would shrink the sum'}.`,
      edit ? fix(`Set the ADC to ${need} bits (lossless)`, edit) : undefined,
    );
  }

  // Gain-cell retention against how long the oldest token of the window has been stored.
  const usesGainCell = Array.from({ length: design.shape.layers }, (_, l) => design.attentionFor(l)).includes(
    'gain-cell',
  );
  if (usesGainCell && design.workload.mode === 'decode') {
    const window = design.attention.window;
    const refreshS = design.attention.refreshS;
    // With refresh, no value is older than the refresh period when it is read.
    const lifetimeS = Math.min(window * result.perToken.latencyS, refreshS ?? Infinity);
    const retention = design.attention.retentionS;
    if (lifetimeS > retention) {
      const kept = Math.exp(-lifetimeS / retention);
      const keptText = kept >= 0.001 ? ` = ${(kept * 100).toFixed(1)}% of its value` : `, less than 0.1% of its value`;
      push(
        anchor(cfg, [['attention', 'retention_s'], ['attention', 'window'], ['attention'], ['model']], 2),
        'warning',
        'retention-short',
        refreshS !== null && lifetimeS === refreshS
          ? `The gain cells are refreshed every ${formatEngineering(refreshS, 's')}, longer than their ${formatEngineering(retention, 's')} retention: a value keeps exp(−${(lifetimeS / retention).toFixed(2)})${keptText} before it is rewritten. Set \`attention.refresh_s\` at or below the retention.`
          : `The oldest of the ${window} tokens in the window was written ${formatEngineering(lifetimeS, 's')} ago (${window} tokens × ${formatEngineering(result.perToken.latencyS, 's')} per token), longer than the ${formatEngineering(retention, 's')} retention: it keeps exp(−${(lifetimeS / retention).toFixed(2)})${keptText}. Shorten the window, use longer-retention cells (OSFET/IGZO), or refresh them (\`attention.refresh_s\`, for example the retention time).`,
      );
    }
    // One retention model: the functional run's leakage per step is Δt / τ unless the config sets it.
    const set = design.attention.decayPerStep;
    const derived = result.perToken.latencyS / retention;
    if (set !== null && (set > 2 * derived || set < derived / 2)) {
      push(
        anchor(cfg, [['attention', 'decay_per_step']]),
        'warning',
        'decay-disagrees',
        `\`decay_per_step\` is ${set.toExponential(2)}, but this design's ${formatEngineering(result.perToken.latencyS, 's')} per token and ${formatEngineering(retention, 's')} retention give Δt / τ = ${derived.toExponential(2)} per step: the functional run leaks ${set > derived ? 'more' : 'less'} than the cost model's timing implies. Remove the key to derive it, or change the retention.`,
        setValueEdit(cfg, ['attention', 'decay_per_step'], Number(derived.toPrecision(3)))
          ? fix(
              `Set to Δt / τ = ${derived.toPrecision(3)}`,
              setValueEdit(cfg, ['attention', 'decay_per_step'], Number(derived.toPrecision(3)))!,
            )
          : undefined,
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
