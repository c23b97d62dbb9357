/**
 * Resolved settings of a functional run: the `nonidealities:` and `functional:` config sections
 * with their defaults applied (the defaults documented in config/functionalSchema.ts).
 */
import type { FunctionalConfig, NonidealitiesConfig } from '../config/functionalSchema';
import { devicePlugins, IR_DROP_DEFAULTS } from '../devices/index';

export type AdcRange = 'fixed' | 'calibrated' | 'full-scale';

export interface NonidealitySettings {
  readonly weightQuantization: boolean;
  readonly programmingNoise: boolean;
  readonly drift: boolean;
  readonly readNoise: boolean;
  readonly driftCompensation: boolean;
  readonly tInferenceS: number;
  /** Each device's resolved `nonidealities.<device>` section, by device id (its plug-in's settings). */
  readonly devices: Readonly<Record<string, unknown>>;
  readonly stuckAt: { readonly onFraction: number; readonly offFraction: number };
  readonly irDrop: { readonly enabled: boolean; readonly wireResistanceOhm: number };
  readonly dacQuantization: boolean;
  readonly adc: {
    readonly quantization: boolean;
    readonly range: AdcRange;
    readonly bound: number;
    readonly boundSigmas: number;
  };
  readonly outputNoise: { readonly enabled: boolean; readonly sigma: number };
  readonly gainCell: {
    readonly inputQuantization: boolean;
    readonly kvQuantization: boolean;
    readonly outputQuantization: boolean;
    readonly nonlinearity: boolean;
    readonly decay: boolean;
  };
}

export interface RunSettings {
  readonly seed: number;
  readonly tokens: number;
  readonly samples: number;
  /** Blocks simulated, at most the model's layers; null: all of them. */
  readonly blocks: number | null;
  readonly checkpoint: string | null;
  /** Evaluation text file, as written in the config; null: random tokens. */
  readonly text: string | null;
  readonly tokenizer: string | null;
  /** Monte-Carlo runs of the analog model. */
  readonly seeds: number;
  readonly topK: number;
  /** Null: min(vocab, 8192). */
  readonly logitsVocab: number | null;
  readonly gainCell: {
    readonly scoreSaturation: number;
    readonly outputSaturation: number;
    readonly linearGain: number;
  };
}

export interface FunctionalSettings {
  readonly nonidealities: NonidealitySettings;
  readonly run: RunSettings;
}

export function resolveNonidealities(n: NonidealitiesConfig = {}): NonidealitySettings {
  return {
    weightQuantization: n.weight_quantization ?? true,
    programmingNoise: n.programming_noise ?? true,
    drift: n.drift ?? true,
    readNoise: n.read_noise ?? true,
    driftCompensation: n.drift_compensation ?? true,
    tInferenceS: n.t_inference_s ?? 3600,
    devices: Object.fromEntries(
      devicePlugins().map((d) => [d.id, d.settings?.resolve((n as Record<string, unknown>)[d.id])]),
    ),
    stuckAt: { onFraction: n.stuck_at?.on_fraction ?? 0, offFraction: n.stuck_at?.off_fraction ?? 0 },
    irDrop: {
      enabled: n.ir_drop?.enabled ?? false,
      wireResistanceOhm: n.ir_drop?.wire_resistance_ohm ?? IR_DROP_DEFAULTS.wireResistanceOhm,
    },
    dacQuantization: n.dac?.quantization ?? true,
    adc: {
      quantization: n.adc?.quantization ?? true,
      range: n.adc?.range ?? 'fixed',
      bound: n.adc?.bound ?? 10,
      boundSigmas: n.adc?.bound_sigmas ?? 4,
    },
    outputNoise: { enabled: n.output_noise?.enabled ?? true, sigma: n.output_noise?.sigma ?? 0.04 },
    gainCell: {
      inputQuantization: n.gain_cell?.input_quantization ?? true,
      kvQuantization: n.gain_cell?.kv_quantization ?? true,
      outputQuantization: n.gain_cell?.output_quantization ?? true,
      nonlinearity: n.gain_cell?.nonlinearity ?? true,
      decay: n.gain_cell?.decay ?? true,
    },
  };
}

export function resolveRunSettings(f: FunctionalConfig = {}): RunSettings {
  return {
    seed: f.seed ?? 1,
    tokens: f.tokens ?? 64,
    samples: f.samples ?? 1,
    blocks: f.blocks ?? null,
    checkpoint: f.checkpoint ?? null,
    text: f.text ?? null,
    tokenizer: f.tokenizer ?? null,
    seeds: f.seeds ?? 3,
    topK: f.top_k ?? 5,
    logitsVocab: f.logits_vocab ?? null,
    gainCell: {
      scoreSaturation: f.gain_cell?.score_saturation ?? 80,
      outputSaturation: f.gain_cell?.output_saturation ?? 40,
      linearGain: f.gain_cell?.linear_gain ?? 19.3,
    },
  };
}

export function resolveFunctionalSettings(config: {
  nonidealities?: NonidealitiesConfig;
  functional?: FunctionalConfig;
}): FunctionalSettings {
  return { nonidealities: resolveNonidealities(config.nonidealities), run: resolveRunSettings(config.functional) };
}

/** Every non-ideality off: the analog path then computes what its float reference computes. */
export function idealNonidealities(base: NonidealitySettings = resolveNonidealities()): NonidealitySettings {
  return {
    ...base,
    weightQuantization: false,
    programmingNoise: false,
    drift: false,
    readNoise: false,
    driftCompensation: false,
    stuckAt: { onFraction: 0, offFraction: 0 },
    irDrop: { ...base.irDrop, enabled: false },
    dacQuantization: false,
    adc: { ...base.adc, quantization: false },
    outputNoise: { ...base.outputNoise, enabled: false },
    gainCell: {
      inputQuantization: false,
      kvQuantization: false,
      outputQuantization: false,
      nonlinearity: false,
      decay: false,
    },
  };
}
