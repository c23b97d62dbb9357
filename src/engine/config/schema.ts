/**
 * The `*.aimc.yaml` / `*.aimc.json` config format, version 1. One TypeBox definition gives the
 * TypeScript types, the JSON Schema shipped with the package (`aimc schema`) and the
 * documentation in docs/config.md. Each numeric key carries `unit` and `source` annotations,
 * which hover and the docs read.
 *
 * Defaults written here are documentation: they are applied by `resolve.ts`, never by the
 * validator, so that a per-layer override can be told apart from a default.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DEFAULT_BASELINES, GPU_IDS } from '../../shared/gpuIds';
import { COMPONENT_LIBRARY, COMPONENT_IDS } from '../components/index';
import { deviceIds } from '../devices/index';
import { MODEL_PRESET_NAMES } from '../model/presets';
import { FunctionalSchema, NonidealitiesSchema } from './functionalSchema';
import { enumOf, int, num, strict, type NumberDoc } from './schemaBuilders';
import { MATRIX_NAMES } from '../../shared/matrices';

/** Names accepted in `layers[].matrices`: every matrix, plus the groups `qkv` and `ffn`. */
export const MATRIX_SELECTORS = [...MATRIX_NAMES, 'qkv', 'ffn'] as const;
export type MatrixSelector = (typeof MATRIX_SELECTORS)[number];

/** A registered device's id (src/engine/devices/index.ts). */
export type Device = string;
export const WEIGHT_MAPPINGS = ['differential', 'offset', 'bit-sliced'] as const;
export type WeightMapping = (typeof WEIGHT_MAPPINGS)[number];

const ModelShapeSchema = strict(
  {
    layers: int({
      description: 'Number of transformer blocks.',
      unit: '',
      minimum: 1,
      maximum: 1000,
      source: 'Model config (n_layer / num_hidden_layers)',
    }),
    d_model: int({
      description: 'Hidden size.',
      unit: '',
      minimum: 1,
      maximum: 131072,
      source: 'Model config (n_embd / hidden_size)',
    }),
    heads: int({
      description: 'Attention (query) heads.',
      unit: '',
      minimum: 1,
      maximum: 1024,
      source: 'Model config (n_head / num_attention_heads)',
    }),
    kv_heads: Type.Optional(
      int({
        description: 'Key/value heads (grouped-query attention). Defaults to `heads`.',
        unit: '',
        minimum: 1,
        maximum: 1024,
        source: 'Model config (num_key_value_heads)',
      }),
    ),
    head_dim: Type.Optional(
      int({
        description: 'Dimension of one head. Defaults to d_model / heads.',
        unit: '',
        minimum: 1,
        maximum: 4096,
        source: 'Model config (head_dim)',
      }),
    ),
    d_ff: int({
      description: 'FFN inner size.',
      unit: '',
      minimum: 1,
      maximum: 1048576,
      source: 'Model config (n_inner or 4·n_embd / intermediate_size)',
    }),
    ffn: Type.Optional(
      enumOf(['gelu', 'swiglu'] as const, {
        description: 'FFN kind: `gelu` has two matrices (up, down); `swiglu` has three (gate, up, down).',
        default: 'gelu',
      }),
    ),
    vocab: int({
      description: 'Vocabulary size.',
      unit: 'tokens',
      minimum: 1,
      maximum: 10000000,
      source: 'Model config (vocab_size)',
    }),
    context: int({
      description: 'Maximum context length.',
      unit: 'tokens',
      minimum: 1,
      maximum: 10000000,
      source: 'Model config (n_positions / max_position_embeddings)',
    }),
    tied_embeddings: Type.Optional(
      Type.Boolean({
        description: 'Whether the LM head reuses the token embedding (GPT-2: yes). Default: false.',
        default: false,
      }),
    ),
    norm: Type.Optional(
      enumOf(['layernorm', 'rmsnorm'] as const, {
        description: 'Normalisation kind. Default: layernorm for gelu FFNs, rmsnorm for swiglu.',
      }),
    ),
    bias: Type.Optional(
      Type.Boolean({
        description:
          'Whether linear layers carry biases. Default: true for gelu FFNs (GPT-2), false for swiglu (Llama).',
      }),
    ),
  },
  'An explicit model shape.',
);

const ModelSchema = strict(
  {
    preset: Type.Optional(enumOf(MODEL_PRESET_NAMES, { description: 'A published model by name.' })),
    shape: Type.Optional(ModelShapeSchema),
    huggingface: Type.Optional(
      Type.String({
        description:
          'Path to a Hugging Face `config.json`, relative to this file. GPT-2 and Llama/Mistral key names are read.',
        minLength: 1,
      }),
    ),
  },
  'The transformer to map. Give exactly one of `preset`, `shape` or `huggingface`.',
);

const WorkloadSchema = strict(
  {
    mode: Type.Optional(
      enumOf(['decode', 'prefill'] as const, {
        description:
          '`decode`: one token at a time from a filled KV cache (costs per generated token). `prefill`: a whole prompt at once (costs per sequence).',
        default: 'decode',
      }),
    ),
    context_tokens: Type.Optional(
      int({
        description:
          'Tokens in the KV cache when decoding starts, or prompt length for prefill. Default: decode fills the model context with the generated tokens (context − generate_tokens); prefill uses the whole context.',
        unit: 'tokens',
        minimum: 1,
        maximum: 10000000,
        source: 'Workload choice',
      }),
    ),
    batch: Type.Optional(
      int({
        description: 'Sequences processed together.',
        unit: 'sequences',
        default: 1,
        minimum: 1,
        maximum: 65536,
        source: 'Workload choice',
      }),
    ),
    generate_tokens: Type.Optional(
      int({
        description: 'Tokens generated per sequence in decode mode; costs are averaged over them.',
        unit: 'tokens',
        default: 1,
        minimum: 1,
        maximum: 10000000,
        source: 'Workload choice',
      }),
    ),
    input_statistics: Type.Optional(
      strict(
        {
          one_bit_fraction: Type.Optional(
            num({
              description:
                'Fraction of 1 bits in the 8-bit sign-magnitude input codes of bit-serial crossbars: only rows whose input bit is 1 draw current and charge their word line in a cycle.',
              unit: '',
              default: 0.39,
              minimum: 0,
              maximum: 1,
              source:
                'Derived: N(0, 1) activations quantised to 8-bit sign-magnitude with full scale at 4σ give 0.39 (docs/cost-model.md); NeuroSim Param.cpp lists measured toggle rates of 0.2–0.33 for CNNs',
            }),
          ),
          mean_abs: Type.Optional(
            num({
              description:
                'Mean input magnitude as a fraction of full scale: the mean pulse width of PWM inputs and the mean level of multi-bit inputs.',
              unit: '',
              default: 0.2,
              minimum: 0,
              maximum: 1,
              source:
                'Derived: E|x| / (4σ) = 0.80σ / 4σ for N(0, 1) activations with full scale at 4σ (docs/cost-model.md)',
            }),
          ),
        },
        'Statistics of the inputs to the crossbars, which set how much current the arrays draw.',
      ),
    ),
  },
  'What the model is asked to do.',
);

const TechnologySchema = strict(
  {
    node_nm: Type.Optional(
      num({
        description: 'CMOS process node of the periphery and digital logic.',
        unit: 'nm',
        default: 22,
        minimum: 3,
        maximum: 180,
        source: 'DNN+NeuroSim V1.4 default technode 22 nm',
      }),
    ),
    clock_ghz: Type.Optional(
      num({
        description: 'Clock of the digital logic and converters.',
        unit: 'GHz',
        default: 1,
        // 1 MHz: below it no converter or digital unit of the library is characterised, and a
        // clock of 5e-324 GHz made every latency infinite.
        minimum: 0.001,
        maximum: 10,
        source: 'DNN+NeuroSim V1.4 default clkFreq 1 GHz',
      }),
    ),
  },
  'Process technology.',
);

const ArraySchema = (defaultRows: number, defaultCols: number, source: string) =>
  strict(
    {
      rows: Type.Optional(
        int({
          description: 'Rows of one physical array (inputs).',
          unit: 'rows',
          default: defaultRows,
          minimum: 1,
          maximum: 65536,
          source,
        }),
      ),
      cols: Type.Optional(
        int({
          description: 'Columns of one physical array (outputs).',
          unit: 'columns',
          default: defaultCols,
          minimum: 1,
          maximum: 65536,
          source,
        }),
      ),
    },
    'Size of one physical array.',
  );

export const WeightsSchema = strict(
  {
    implementation: Type.Optional(
      enumOf(['analog', 'digital'] as const, {
        description: '`analog`: static matrices on crossbar arrays. `digital`: on digital MAC units.',
        default: 'analog',
      }),
    ),
    device: Type.Optional(
      enumOf(deviceIds(), {
        description: 'Memory device of the crossbar cells. `ideal` costs as PCM but has no non-idealities.',
        default: 'pcm',
      }),
    ),
    array: Type.Optional(ArraySchema(512, 512, 'IBM aihwkit hardware-aware-training preset: 512 × 512 tiles')),
    bits_per_cell: Type.Optional(
      int({
        description: 'Bits stored in one cell.',
        unit: 'bits',
        default: 4,
        minimum: 1,
        maximum: 8,
        source: 'Multi-level PCM, about 4 bits per device (Le Gallo et al., Nat. Electron. 2023)',
      }),
    ),
    weight_bits: Type.Optional(
      int({
        description: 'Precision of the weights, sign included.',
        unit: 'bits',
        default: 8,
        minimum: 1,
        maximum: 16,
        source: 'DNN+NeuroSim V1.4 default 8-bit weights',
      }),
    ),
    rows_per_read: Type.Optional(
      int({
        description:
          'Rows of an array activated at once. Fewer than the array rows: row groups are read one after another, each with its own conversions, which narrows the column sum the ADC must resolve. Default: every row at once.',
        unit: 'rows',
        minimum: 1,
        maximum: 65536,
        source: 'DNN+NeuroSim V1.4 parallelRead (e.g. 32 or 64 of 128 rows)',
      }),
    ),
    mean_abs_weight: Type.Optional(
      num({
        description:
          'Mean weight magnitude as a fraction of the largest: sets the mean conductance of programmed cells, and so the read current.',
        unit: '',
        default: 0.16,
        minimum: 0,
        maximum: 1,
        source:
          'Derived: Gaussian weights scaled to their largest magnitude, ≈ 4.9σ for the 590k weights of a 768 × 768 matrix: E|w| / max|w| = 0.80σ / 4.9σ (docs/cost-model.md)',
      }),
    ),
    mapping: Type.Optional(
      enumOf(WEIGHT_MAPPINGS, {
        description:
          '`differential`: a G⁺/G⁻ cell pair per weight. `offset`: one cell plus a reference column per array. `bit-sliced`: ⌈weight_bits / bits_per_cell⌉ cells per weight, recombined digitally with shifts.',
        default: 'differential',
      }),
    ),
    dac: Type.Optional(
      strict(
        {
          bits: Type.Optional(
            int({
              description: 'Input resolution.',
              unit: 'bits',
              default: 8,
              minimum: 1,
              maximum: 16,
              source: 'IBM aihwkit hardware-aware-training preset: 8-bit inputs',
            }),
          ),
          bit_serial: Type.Optional(
            Type.Boolean({
              description:
                'Apply inputs one bit per cycle with 1-bit drivers (NeuroSim style) instead of a multi-bit DAC.',
              default: false,
            }),
          ),
          type: Type.Optional(
            enumOf(['level', 'pwm'] as const, {
              description:
                'How a multi-bit input drives its row: `level`, a voltage set by a capacitive DAC (one clock); `pwm`, a pulse 1 clock per LSB long (2^bits − 1 clocks at most; HERMES, Leroux et al.). Ignored when `bit_serial`.',
              default: 'level',
            }),
          ),
        },
        'Input DACs, one per array row.',
      ),
    ),
    adc: Type.Optional(
      strict(
        {
          bits: Type.Optional(
            int({
              description: 'ADC resolution.',
              unit: 'bits',
              default: 8,
              minimum: 1,
              maximum: 16,
              source: 'IBM aihwkit hardware-aware-training preset: 8-bit outputs',
            }),
          ),
          columns_per_adc: Type.Optional(
            int({
              description: 'Columns sharing one ADC, converted one after another.',
              unit: 'columns',
              default: 8,
              minimum: 1,
              maximum: 65536,
              source: 'DNN+NeuroSim V1.4 default: 8 columns share one ADC',
            }),
          ),
          type: Type.Optional(
            enumOf(['sar', 'flash', 'mlsa'] as const, {
              description:
                "`sar`: successive approximation, one comparator decision per bit. `flash`: 2^bits − 1 comparators decide at once. `mlsa`: multi-level current sense amplifier with 2^bits − 1 references (NeuroSim's default).",
              default: 'sar',
            }),
          ),
        },
        'Column ADCs.',
      ),
    ),
  },
  'How the static weight matrices run.',
);
export type WeightsConfig = Static<typeof WeightsSchema>;

export const AttentionSchema = strict(
  {
    implementation: Type.Optional(
      enumOf(['gain-cell', 'digital'] as const, {
        description:
          '`gain-cell`: Q·Kᵀ and φ(S)·V computed inside gain-cell arrays holding the KV cache (Leroux et al. 2025). `digital`: on digital MAC units with the KV cache in memory.',
        default: 'gain-cell',
      }),
    ),
    window: Type.Optional(
      int({
        description:
          "Sliding-window length: the KV cache keeps the last `window` tokens. Default: the model's own window, else the context.",
        unit: 'tokens',
        minimum: 1,
        maximum: 10000000,
        source: 'Leroux et al. 2025 use 1024 for GPT-2',
      }),
    ),
    activation: Type.Optional(
      enumOf(['hardsigmoid', 'softmax'] as const, {
        description:
          '`hardsigmoid`: the charge-to-pulse circuit, φ(S) = T_max·clip(S/S_sat, 0, 1), no ADC between stages. `softmax`: scores are digitised and a digital unit computes softmax.',
        default: 'hardsigmoid',
      }),
    ),
    array: Type.Optional(ArraySchema(64, 64, 'Leroux et al. 2025: 64 × 64 gain-cell sub-arrays')),
    retention_s: Type.Optional(
      num({
        description: 'Retention time constant of a gain cell. Overrides `components.gain_cell.retention_s`.',
        unit: 's',
        minimum: 0,
        source: 'Leroux et al. 2025: Si-CMOS gain cells about 5 ms',
      }),
    ),
    refresh_s: Type.Optional(
      num({
        description:
          "Refresh period of the gain cells: every stored K and V value is read and written back this often, so no value is older than this when it is read. Costs the write energy of every stored value once per period (energy `refresh`); the functional run restarts each value's leakage at each refresh. Not set: no refresh, values leak for as long as they stay in the window.",
        unit: 's',
        exclusiveMinimum: 0,
        maximum: 1e6,
        source:
          'Design choice: off by default; set it at or below the retention (`retention_s`) when the window outlives it',
      }),
    ),
    levels: Type.Optional(
      strict(
        {
          query: Type.Optional(
            int({
              description: 'Quantisation levels of the query inputs (pulse widths).',
              unit: 'levels',
              default: 16,
              minimum: 2,
              maximum: 65536,
              source: 'Leroux et al. 2025: Q in 16 levels in [0, 1]',
            }),
          ),
          kv: Type.Optional(
            int({
              description: 'Quantisation levels of stored K and V.',
              unit: 'levels',
              default: 8,
              minimum: 2,
              maximum: 65536,
              source: 'Leroux et al. 2025: K, V in 8 levels in [0, 0.9]',
            }),
          ),
          output: Type.Optional(
            int({
              description: 'Quantisation levels of each sub-tile output.',
              unit: 'levels',
              default: 32,
              minimum: 2,
              maximum: 65536,
              source: 'Leroux et al. 2025: outputs in 32 levels in [−1, 1]',
            }),
          ),
        },
        'Quantisation of the analog attention signals.',
      ),
    ),
    nonlinearity: Type.Optional(
      enumOf(['leroux-cubic', 'linear'] as const, {
        description:
          '`leroux-cubic`: the fitted third-order gain-cell read model (Eq. 4 of Leroux et al. 2025). `linear`: ideal multiply.',
        default: 'leroux-cubic',
      }),
    ),
    decay_per_step: Type.Optional(
      num({
        description:
          "Leakage: stored values are multiplied by exp(−decay_per_step) per token step. Default: derived from the design, Δt / τ with Δt its time per token and τ the cells' retention (`retention_s`), as the paper derives 1.6 × 10⁻⁴ from 12 × 65 ns / 5 ms.",
        unit: '1/step',
        minimum: 0,
        maximum: 1,
        source: 'Leroux et al. 2025, Methods, eq. (5)–(6); configs/experiments/gpt-text/ft_dram_gpt2.py uses 1.6e-4',
      }),
    ),
    tiling: Type.Optional(
      enumOf(['ring', 'absolute'] as const, {
        description:
          "Which φ·V sub-tile holds a cached token once the window slides. `ring`: the slot the token was written to (a ring buffer: slot = position mod window), as hardware that overwrites the oldest entry does. `absolute`: tiles counted from the window's first token, as the authors' model_gpt.py does.",
        default: 'ring',
      }),
    ),
  },
  'How attention (Q·Kᵀ and A·V over the KV cache) runs.',
);
export type AttentionConfig = Static<typeof AttentionSchema>;

const DigitalSchema = strict(
  {
    precision: Type.Optional(
      enumOf(['fp16', 'int8'] as const, {
        description: 'Arithmetic of digital matrices and vector units.',
        default: 'fp16',
      }),
    ),
    weight_storage: Type.Optional(
      enumOf(['sram', 'dram'] as const, {
        description: 'Where weights of digital matrices live: on-chip SRAM, or off-chip DRAM read every token.',
        default: 'dram',
      }),
    ),
    kv_storage: Type.Optional(
      enumOf(['sram', 'dram'] as const, {
        description: 'Where the KV cache of digital attention lives.',
        default: 'dram',
      }),
    ),
  },
  'The parts that stay digital: norms, residual adds, activations, partial-sum accumulation, softmax if any, and any matrix or attention mapped to digital.',
);

const ChipSchema = strict(
  {
    arrays_per_chip: Type.Optional(
      int({
        description:
          'Arrays (weight and KV) on one chip. Without it, the design is one chip of whatever size it needs.',
        unit: 'arrays',
        minimum: 1,
        maximum: 100000000,
        source: 'Design choice',
      }),
    ),
    chips: Type.Optional(
      int({
        description: 'Chip budget: a warning is given when the design needs more.',
        unit: 'chips',
        minimum: 1,
        maximum: 1000000,
        source: 'Design choice',
      }),
    ),
  },
  'Packaging of the arrays into chips.',
);

function componentOverrideSchema(): TSchema {
  const props: Record<string, TSchema> = {};
  for (const id of COMPONENT_IDS) {
    const spec = COMPONENT_LIBRARY[id];
    const params: Record<string, TSchema> = {};
    for (const [name, p] of Object.entries(spec.parameters)) {
      const doc: NumberDoc = { description: p.description, unit: p.unit, source: p.source };
      if (p.default !== null) doc.default = p.default;
      if (p.minimum !== undefined) doc.minimum = p.minimum;
      if (p.maximum !== undefined) doc.maximum = p.maximum;
      params[name] = Type.Optional(num(doc));
    }
    props[id] = Type.Optional(strict(params, `${spec.name}: ${spec.description}`));
  }
  return strict(props, 'Overrides of component parameters (energy, latency, area). Each default names its source.');
}

const LayerSelectorSchema = Type.Union([
  Type.Integer({ description: 'A layer index; negative counts from the end (-1 is the last layer).' }),
  Type.String({ pattern: '^\\d+-\\d+$', description: 'An inclusive range of layer indices, e.g. "2-9".' }),
]);

/**
 * Most entries of `layers:` and of one override's `layers:` list: one per layer of the largest
 * model the shape allows (1,000 layers). Ranges and matrix groups cover any design with fewer, and
 * resolving costs grow with overrides × layers.
 */
export const MAX_LAYER_OVERRIDES = 1000;

export const LayerOverrideSchema = strict(
  {
    layers: Type.Optional(
      Type.Array(LayerSelectorSchema, {
        minItems: 1,
        maxItems: MAX_LAYER_OVERRIDES,
        description: 'Layers this override applies to. Default: all layers.',
      }),
    ),
    matrices: Type.Optional(
      Type.Array(enumOf(MATRIX_SELECTORS, { description: 'A matrix, or the group `qkv` or `ffn`.' }), {
        minItems: 1,
        maxItems: MATRIX_SELECTORS.length,
        description:
          'Matrices this override applies to. Default: every matrix of the selected layers (`lm_head` only when named).',
      }),
    ),
    weights: Type.Optional(WeightsSchema),
    attention: Type.Optional(
      strict(
        {
          implementation: Type.Optional(
            enumOf(['gain-cell', 'digital'] as const, {
              description: 'Attention implementation in the selected layers.',
            }),
          ),
        },
        'Attention settings for the selected layers.',
      ),
    ),
  },
  'An override for some layers or matrices: for example the first and last layers digital and the rest analog.',
);
export type LayerOverride = Static<typeof LayerOverrideSchema>;

export const ConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'JSON Schema reference, for editors.' })),
    version: Type.Literal(1, { description: 'Config format version. Always 1.' }),
    name: Type.Optional(Type.String({ description: 'Name of the design, shown in results.' })),
    description: Type.Optional(Type.String({ description: 'Free text about the design.' })),
    model: ModelSchema,
    workload: Type.Optional(WorkloadSchema),
    technology: Type.Optional(TechnologySchema),
    weights: Type.Optional(WeightsSchema),
    attention: Type.Optional(AttentionSchema),
    digital: Type.Optional(DigitalSchema),
    chip: Type.Optional(ChipSchema),
    components: Type.Optional(componentOverrideSchema()),
    nonidealities: Type.Optional(NonidealitiesSchema),
    functional: Type.Optional(FunctionalSchema),
    baselines: Type.Optional(
      Type.Array(enumOf(GPU_IDS, { description: 'A GPU to compare against.' }), {
        description: `GPUs to compare against. Default: [${DEFAULT_BASELINES.join(', ')}].`,
        uniqueItems: true,
      }),
    ),
    layers: Type.Optional(
      Type.Array(LayerOverrideSchema, {
        maxItems: MAX_LAYER_OVERRIDES,
        description: `Per-layer and per-matrix overrides, applied in order (later wins). At most ${MAX_LAYER_OVERRIDES}.`,
      }),
    ),
  },
  {
    additionalProperties: false,
    $id: 'https://aimc-explorer.dev/schema/aimc-config-v1.json',
    title: 'AIMC Explorer hardware config (version 1)',
    description: 'An LLM mapped onto analog in-memory computing hardware.',
  },
);

export type AimcConfig = Static<typeof ConfigSchema>;

/** The JSON Schema document shipped with the package. */
export function configJsonSchema(): object {
  return JSON.parse(JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...ConfigSchema }));
}
