/**
 * Config sections of the functional (accuracy) simulation: which non-idealities are on, and how
 * the functional run is set up. Same conventions as schema.ts: snake_case keys, every numeric key
 * with `unit` and `source` annotations, defaults as documentation only (they are applied by
 * src/engine/functional/settings.ts). This file must not import schema.ts, which imports it.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { devicePlugins } from '../devices/index';
import { int as intSchema, num as numSchema, strict as strictSchema, type NumberDoc } from './schemaBuilders';

const int = (doc: NumberDoc) => Type.Optional(intSchema(doc));
const num = (doc: NumberDoc) => Type.Optional(numSchema(doc));
const flag = (description: string, defaultValue: boolean) =>
  Type.Optional(Type.Boolean({ description, default: defaultValue }));
const strict = <T extends Record<string, TSchema>>(props: T, description: string) =>
  Type.Optional(strictSchema(props, description));

/** `nonidealities.<device>`: the settings section of each registered device that has one (src/engine/devices). */
function deviceSettingsSections(): Record<string, TSchema> {
  const out: Record<string, TSchema> = {};
  for (const d of devicePlugins()) if (d.settings) out[d.id] = Type.Optional(d.settings.schema);
  return out;
}

const AIHWKIT_HWA = 'IBM aihwkit hardware-aware-training preset (simulator/presets/inference.py)';

export const NonidealitiesSchema = Type.Object(
  {
    weight_quantization: flag(
      'Round weights to `weights.weight_bits` before mapping. Always on for `bit-sliced`, which needs integer codes.',
      true,
    ),
    programming_noise: flag('Programming noise of the cells (PCM polynomial; RRAM variation).', true),
    drift: flag('PCM conductance drift, g·(t/t0)^(−ν) with a ν per device.', true),
    read_noise: flag('PCM 1/f read noise accumulated up to the time of inference.', true),
    drift_compensation: flag(
      "Global drift compensation: each array's outputs are rescaled digitally by the ratio of a reference read taken after programming to one taken at the time of inference (aihwkit GlobalDriftCompensation).",
      true,
    ),
    t_inference_s: num({
      description: 'Time from programming to inference, counted after t0.',
      unit: 's',
      default: 3600,
      minimum: 0,
      maximum: 1e10,
      source: 'One hour after programming, a usual evaluation point of aihwkit drift studies (check)',
    }),
    ...deviceSettingsSections(),
    stuck_at: strict(
      {
        on_fraction: num({
          description: 'Fraction of cells stuck at the on state (g_max).',
          unit: '',
          default: 0,
          minimum: 0,
          maximum: 1,
          source: 'Off by default; measured RRAM: 9.04 % (Chen et al., IEEE Trans. Computers 2015; check)',
        }),
        off_fraction: num({
          description: 'Fraction of cells stuck at the off state (g_min).',
          unit: '',
          default: 0,
          minimum: 0,
          maximum: 1,
          source: 'Off by default; measured RRAM: 1.75 % (Chen et al., IEEE Trans. Computers 2015; check)',
        }),
      },
      'Stuck-at faults (MNSIM 2.0, MemTorch).',
    ),
    ir_drop: strict(
      {
        enabled: flag(
          'First-order IR drop along the array columns. Slow: computed per input vector in plain JavaScript.',
          false,
        ),
        wire_resistance_ohm: num({
          description: 'Wire resistance between neighbouring cells of a column.',
          unit: 'ohm',
          default: 0.35,
          minimum: 0,
          maximum: 1e6,
          source: 'IBM aihwkit IOParameters.ir_drop_g_ratio: 0.35 Ω wire resistance',
        }),
      },
      'IR drop (CrossSim Rp_col, first-order term).',
    ),
    dac: strict(
      {
        quantization: flag(
          'Quantise inputs to `weights.dac.bits`. Always on with `bit_serial`, which needs integer codes.',
          true,
        ),
      },
      'Input DACs.',
    ),
    adc: strict(
      {
        quantization: flag('Quantise array outputs to `weights.adc.bits`, clipping at the range.', true),
        range: Type.Optional(
          Type.Unsafe<'fixed' | 'calibrated' | 'full-scale'>({
            type: 'string',
            enum: ['fixed', 'calibrated', 'full-scale'],
            default: 'fixed',
            description:
              "`fixed`: every ADC spans ±`bound`. `calibrated`: each ADC (one per `columns_per_adc` columns) spans `bound_sigmas` standard deviations of its columns' expected outputs. `full-scale`: the largest possible output, with a power-of-two step, so nothing clips.",
          }),
        ),
        bound: num({
          description: 'ADC range for `range: fixed`, in units of one full-range cell driven at full-scale input.',
          unit: '',
          default: 10,
          exclusiveMinimum: 0,
          maximum: 1e6,
          source: `${AIHWKIT_HWA}: out_bound 10`,
        }),
        bound_sigmas: num({
          description: 'ADC range for `range: calibrated`, in standard deviations of the expected column output.',
          unit: 'sigma',
          default: 4,
          exclusiveMinimum: 0,
          maximum: 1000,
          source: 'Design choice: 4σ clips about 6e-5 of Gaussian outputs',
        }),
      },
      'Column ADCs.',
    ),
    output_noise: strict(
      {
        enabled: flag('Additive Gaussian noise on every array output before its ADC.', true),
        sigma: num({
          description: 'Standard deviation, in units of one full-range cell driven at full-scale input.',
          unit: '',
          default: 0.04,
          minimum: 0,
          maximum: 100,
          source: `${AIHWKIT_HWA}: out_noise 0.04`,
        }),
      },
      'Output (read-circuit) noise.',
    ),
    gain_cell: strict(
      {
        input_quantization: flag('Quantise queries (input pulse widths) to `attention.levels.query`.', true),
        kv_quantization: flag('Quantise K and V as written to `attention.levels.kv`.', true),
        output_quantization: flag(
          'Clip each 64-token sub-tile output to [−1, 1] and quantise it to `attention.levels.output`.',
          true,
        ),
        nonlinearity: flag(
          'Use the fitted third-order read model when `attention.nonlinearity` is `leroux-cubic`; off reads linearly.',
          true,
        ),
        decay: flag('Leakage of stored K and V by exp(−attention.decay_per_step) per token step.', true),
      },
      'Gain-cell attention non-idealities (Leroux et al. 2025).',
    ),
  },
  {
    additionalProperties: false,
    description:
      'Device and circuit non-idealities of the functional simulation; each can be switched on and off on its own.',
  },
);
export type NonidealitiesConfig = Static<typeof NonidealitiesSchema>;

export const FunctionalSchema = Type.Object(
  {
    seed: int({
      description: 'Seed of every random draw (weights, tokens, noise); the same seed gives the same result.',
      unit: '',
      default: 1,
      minimum: 0,
      maximum: 4294967295,
      source: 'Reproducibility',
    }),
    tokens: int({
      description: 'Tokens per simulated sequence.',
      unit: 'tokens',
      default: 64,
      minimum: 1,
      maximum: 65536,
      source: 'Issue 3 benchmark shape: GEMM over 64 tokens',
    }),
    samples: int({
      description: 'Independent sequences simulated; metrics pool all of them.',
      unit: 'sequences',
      default: 1,
      minimum: 1,
      maximum: 10000,
      source: 'Design choice',
    }),
    blocks: int({
      description:
        'Transformer blocks simulated from the first one; logits are read after the last of them. Default: every block of the model (perplexity needs the whole model); fewer make a quicker check of the first layers.',
      unit: 'blocks',
      minimum: 1,
      maximum: 1000,
      source: 'Design choice: the whole model by default',
    }),
    checkpoint: Type.Optional(
      Type.String({
        description:
          "The weights, relative to this config file: a safetensors file, a sharded checkpoint's `model.safetensors.index.json`, or a Hugging Face model folder holding either, with GPT-2 or Llama tensor names (fp32, fp16 or bf16). Tensors are read layer by layer. Without one, synthetic weights are drawn (N(0, 0.02²), Hugging Face initializer_range).",
        minLength: 1,
      }),
    ),
    text: Type.Optional(
      Type.String({
        description:
          'An evaluation text (UTF-8), relative to this config file. With it, the run reads `samples` consecutive windows of `tokens` tokens from the text and reports perplexity, bits per token, next-token accuracy, top-1 agreement with the float model and the KL divergence from it. Without it, tokens are drawn at random and only agreement and KL are meaningful.',
        minLength: 1,
      }),
    ),
    tokenizer: Type.Optional(
      Type.String({
        description:
          'The tokenizer of `text`, relative to this config file: a Hugging Face `tokenizer.json` (GPT-2 byte-level BPE, Llama/Mistral SentencePiece BPE) or a character tokenizer `{"type": "char", "vocab": [...]}`. Default: `tokenizer.json` beside the checkpoint.',
        minLength: 1,
      }),
    ),
    seeds: int({
      description:
        'Monte-Carlo runs of the analog model, each with its own draw of every random non-ideality (programming noise, drift exponents, read and output noise, stuck cells). Figures are reported as the mean and its 95 % confidence interval (Student t).',
      unit: 'runs',
      default: 3,
      minimum: 1,
      maximum: 1000,
      source: 'Design choice: the fewest runs that give an interval; raise it for tighter intervals',
    }),
    top_k: int({
      description: 'k of the top-k agreement of logits and attention weights.',
      unit: '',
      default: 5,
      minimum: 1,
      maximum: 1000,
      source: 'Design choice',
    }),
    logits_vocab: int({
      description:
        'Vocabulary rows used for synthetic embeddings and for the logits (the first ones of a checkpoint). Default: min(vocab, 8192).',
      unit: 'tokens',
      minimum: 1,
      maximum: 10000000,
      source: 'Design choice: bounds the LM-head cost',
    }),
    gain_cell: strict(
      {
        score_saturation: num({
          description: 'S_sat of φ(S) = clip(S/S_sat, 0, 1), the charge-to-pulse HardSigmoid of the Q·Kᵀ stage.',
          unit: '',
          default: 80,
          exclusiveMinimum: 0,
          maximum: 1e6,
          source: 'Leroux et al. 2025, modules/model_gpt.py: att_score_scaler a = 1/80',
        }),
        output_saturation: num({
          description: 'Scale of the φ(S)·V sub-tile outputs before their [−1, 1] range.',
          unit: '',
          default: 40,
          exclusiveMinimum: 0,
          maximum: 1e6,
          source: 'Leroux et al. 2025, modules/model_gpt.py: weight_average_scaler a = 1/40',
        }),
        linear_gain: num({
          description: 'Linear read gain of a gain cell: S = gain · q·(k − K_off).',
          unit: '',
          default: 19.3,
          exclusiveMinimum: 0,
          maximum: 1e6,
          source: 'Leroux et al. 2025, modules/model_gpt.py: amp_coefficient 19.3 (linear fit of the cell read)',
        }),
      },
      'Scalings of gain-cell attention (algorithm constants, the same in the float HardSigmoid reference).',
    ),
  },
  {
    additionalProperties: false,
    description: 'Set-up of the functional (accuracy) simulation.',
  },
);
export type FunctionalConfig = Static<typeof FunctionalSchema>;
