/**
 * Checks that need more than the schema: the model is given once and is consistent, a Hugging
 * Face file exists and parses, the window fits the context, overrides name layers that exist.
 * Runs on a schema-valid config; returns the model shape when one could be determined.
 */
import { MODEL_PRESETS } from '../model/presets';
import { shapeFromHuggingFace } from '../model/huggingface';
import { RRAM_DEFAULTS } from '../devices/rram/model';
import type { ModelShape } from '../../shared/modelShape';
import type { Diagnostic, Severity } from '../../shared/diagnostics';
import { formatEngineering } from '../../shared/format';
import type { ConfigDocument, JsonPath } from './document';
import { fix, replaceScalarEdit } from './edits';
import { DEFAULT_WEIGHTS, mergeWeights } from './resolve';
import { configJsonSchema, type AimcConfig } from './schema';

export interface SemanticOutcome {
  readonly diagnostics: Diagnostic[];
  readonly shape: ModelShape | undefined;
}

export type ReadFile = (path: string) => string | undefined;

/** `model.shape.ffn` when the shape does not set it (docs/config.md). */
export const DEFAULT_FFN = 'gelu';

function shapeFromExplicit(c: NonNullable<AimcConfig['model']['shape']>, name: string): ModelShape {
  const ffn = c.ffn ?? DEFAULT_FFN;
  const swiglu = ffn === 'swiglu';
  return {
    name,
    family: 'custom',
    layers: c.layers,
    dModel: c.d_model,
    heads: c.heads,
    kvHeads: c.kv_heads ?? c.heads,
    headDim: c.head_dim ?? c.d_model / c.heads,
    dFf: c.d_ff,
    ffn,
    vocab: c.vocab,
    context: c.context,
    tiedEmbeddings: c.tied_embeddings ?? false,
    slidingWindow: null,
    norm: c.norm ?? (swiglu ? 'rmsnorm' : 'layernorm'),
    bias: c.bias ?? !swiglu,
    positional: swiglu ? 'rope' : 'learned',
  };
}

export function checkSemantics(
  cfg: ConfigDocument,
  config: AimcConfig,
  readFile: ReadFile | undefined,
): SemanticOutcome {
  const out: Diagnostic[] = [];
  const at = (
    path: JsonPath,
    severity: Severity,
    code: string,
    message: string,
    useKey = false,
    fix?: Diagnostic['fix'],
  ) => {
    const range = useKey ? cfg.keyRange(path) : cfg.valueRange(path);
    out.push(fix ? { range, severity, code, message, fix } : { range, severity, code, message });
  };

  const m = config.model;
  const given = (['preset', 'shape', 'huggingface'] as const).filter((k) => m[k] !== undefined);
  let shape: ModelShape | undefined;
  if (given.length !== 1) {
    at(
      ['model'],
      'error',
      'model-source',
      given.length === 0
        ? '`model` needs exactly one of `preset`, `shape` or `huggingface`; it has none. Add e.g. `preset: gpt2`.'
        : `\`model\` needs exactly one of \`preset\`, \`shape\` or \`huggingface\`; it has ${given.map((g) => `\`${g}\``).join(' and ')}. Keep one.`,
      true,
    );
  } else if (m.preset) {
    shape = MODEL_PRESETS[m.preset].shape;
  } else if (m.shape) {
    const sh = m.shape;
    let ok = true;
    if (sh.head_dim === undefined && sh.d_model % sh.heads !== 0) {
      at(
        ['model', 'shape', 'heads'],
        'error',
        'heads-divide-d-model',
        `\`heads\` (${sh.heads}) must divide \`d_model\` (${sh.d_model}) so each head gets d_model / heads dimensions; or give \`head_dim\` explicitly.`,
      );
      ok = false;
    }
    const kv = sh.kv_heads ?? sh.heads;
    if (sh.heads % kv !== 0) {
      at(
        ['model', 'shape', 'kv_heads'],
        'error',
        'kv-heads-divide-heads',
        `\`kv_heads\` (${kv}) must divide \`heads\` (${sh.heads}): each KV head serves an equal group of query heads.`,
      );
      ok = false;
    }
    if (ok) shape = shapeFromExplicit(sh, 'custom');
  } else if (m.huggingface) {
    const text = readFile?.(m.huggingface);
    if (text === undefined) {
      at(
        ['model', 'huggingface'],
        'error',
        'huggingface-unreadable',
        `Cannot read Hugging Face config \`${m.huggingface}\` (paths are relative to this file). Check the path, or use \`preset\` instead.`,
      );
    } else {
      const r = shapeFromHuggingFace(text, m.huggingface);
      if (r.ok) {
        const problem = importedShapeProblem(r.shape, text);
        if (problem)
          at(
            ['model', 'huggingface'],
            'error',
            'huggingface-out-of-range',
            `Hugging Face config \`${m.huggingface}\`: ${problem}; imported models get the limits of \`model.shape\`. Import a smaller model, or write its \`model.shape\` within the limits.`,
          );
        else shape = r.shape;
      } else
        at(
          ['model', 'huggingface'],
          'error',
          'huggingface-invalid',
          `Hugging Face config \`${m.huggingface}\` ${r.message}.`,
        );
    }
  }

  if (shape) {
    const window = config.attention?.window;
    if (window !== undefined && window > shape.context) {
      at(
        ['attention', 'window'],
        'error',
        'window-exceeds-context',
        `\`attention.window\` (${window} tokens) exceeds the model context (${shape.context} tokens); a window can hold at most the context.`,
        false,
        {
          title: `Clamp to ${shape.context}`,
          edits: [{ range: cfg.valueRange(['attention', 'window']), newText: String(shape.context) }],
        },
      );
    }
    const w = config.workload;
    const ctx = w?.context_tokens;
    const gen = w?.generate_tokens ?? 1;
    if (ctx !== undefined && (w?.mode ?? 'decode') === 'decode' && ctx + gen > shape.context) {
      at(
        ['workload', 'context_tokens'],
        'warning',
        'beyond-context',
        `Decoding ${gen} token(s) after ${ctx} context tokens reaches position ${ctx + gen}, past the model context of ${shape.context}; the model was not trained that far.`,
      );
    }
    if (ctx !== undefined && w?.mode === 'prefill' && ctx > shape.context) {
      at(
        ['workload', 'context_tokens'],
        'warning',
        'beyond-context',
        `A ${ctx}-token prompt is longer than the model context of ${shape.context}.`,
      );
    }
    checkLayerOverrides(config, shape, at);
    checkFunctionalTokens(cfg, config, shape, at);
  }

  checkWeightPrecision(config, at);
  checkDeviceSettings(config, at);
  return { diagnostics: out, shape };
}

type At = (
  path: JsonPath,
  severity: Severity,
  code: string,
  message: string,
  useKey?: boolean,
  fix?: Diagnostic['fix'],
) => void;

/** Each imported shape field, the `model.shape` key whose limits it gets, and the Hugging Face keys it is read from. */
const IMPORTED_FIELDS: ReadonlyArray<{ field: keyof ModelShape; key: string; from: readonly string[] }> = [
  { field: 'layers', key: 'layers', from: ['n_layer', 'num_hidden_layers'] },
  { field: 'dModel', key: 'd_model', from: ['n_embd', 'hidden_size'] },
  { field: 'heads', key: 'heads', from: ['n_head', 'num_attention_heads'] },
  { field: 'kvHeads', key: 'kv_heads', from: ['num_key_value_heads', 'n_head', 'num_attention_heads'] },
  { field: 'headDim', key: 'head_dim', from: ['head_dim', 'n_embd', 'hidden_size'] },
  { field: 'dFf', key: 'd_ff', from: ['n_inner', 'intermediate_size', 'n_embd'] },
  { field: 'vocab', key: 'vocab', from: ['vocab_size'] },
  { field: 'context', key: 'context', from: ['n_positions', 'n_ctx', 'max_position_embeddings'] },
  // A model's own window is at most its context.
  { field: 'slidingWindow', key: 'context', from: ['sliding_window'] },
];

let shapeLimits: Record<string, { minimum?: number; maximum?: number }> | undefined;

/** Bounds of each `model.shape` key, from the schema, so imported shapes get exactly the same ones. */
function limitsOfShape(): Record<string, { minimum?: number; maximum?: number }> {
  type Node = { properties?: Record<string, Node>; minimum?: number; maximum?: number };
  shapeLimits ??= (configJsonSchema() as Node).properties!.model.properties!.shape.properties! as Record<
    string,
    { minimum?: number; maximum?: number }
  >;
  return shapeLimits;
}

/**
 * The first imported value outside the bounds `model.shape` has, named by the Hugging Face key it
 * came from (`num_hidden_layers: 1000000` ran for minutes and gigabytes before this check).
 */
function importedShapeProblem(shape: ModelShape, text: string): string | undefined {
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
  } catch {
    // The importer read it, so it parses; an empty map only loses the key's name.
  }
  for (const { field, key, from } of IMPORTED_FIELDS) {
    const value = shape[field];
    if (typeof value !== 'number') continue;
    const { minimum = 1, maximum = Number.MAX_SAFE_INTEGER } = limitsOfShape()[key] ?? {};
    if (Number.isSafeInteger(value) && value >= minimum && value <= maximum) continue;
    const source = from.find((k) => json[k] !== undefined && json[k] !== null);
    const what = source === undefined ? `the derived \`${key}\`` : `\`${source}\``;
    const derived = source !== undefined && json[source] !== value ? ` (giving \`${key}\` ${value})` : '';
    return `${what} is ${source === undefined ? value : JSON.stringify(json[source])}${derived}, outside ${minimum} … ${maximum}`;
  }
  return undefined;
}

/** Positions the functional run embeds: a model with learned positions has none past its context. */
function checkFunctionalTokens(cfg: ConfigDocument, config: AimcConfig, shape: ModelShape, at: At): void {
  const f = config.functional;
  if (shape.positional !== 'learned' || f === undefined) return;
  const context = shape.context;
  if (f.tokens !== undefined && f.tokens > context) {
    at(
      ['functional', 'tokens'],
      'error',
      'tokens-exceed-context',
      `\`functional.tokens\` (${f.tokens}) exceeds the model context (${context} tokens): the model has learned positions only up to its context. Set it to at most ${context}.`,
      false,
      fix(`Clamp to ${context}`, replaceScalarEdit(cfg, ['functional', 'tokens'], context)),
    );
  } else if (f.tokens === undefined && DEFAULT_FUNCTIONAL_TOKENS > context) {
    at(
      ['functional'],
      'error',
      'tokens-exceed-context',
      `The functional simulation runs ${DEFAULT_FUNCTIONAL_TOKENS} tokens by default, more than the model context (${context} tokens) with learned positions. Set \`functional.tokens\` to at most ${context}.`,
      true,
    );
  }
}

/** `functional.tokens` when the config does not set it (src/engine/functional/settings.ts). */
const DEFAULT_FUNCTIONAL_TOKENS = 64;

/**
 * Device settings that each pass the schema but not together: the RRAM on state must conduct more
 * than the off state, and at most every cell can be stuck. The functional run and `aimc device`
 * refused both with an exception.
 */
function checkDeviceSettings(config: AimcConfig, at: At): void {
  const n = config.nonidealities as
    | {
        rram?: { r_on_ohm?: number; r_off_ohm?: number };
        stuck_at?: { on_fraction?: number; off_fraction?: number };
      }
    | undefined;
  const rram = n?.rram;
  const rOn = rram?.r_on_ohm ?? RRAM_DEFAULTS.rOnOhm;
  const rOff = rram?.r_off_ohm ?? RRAM_DEFAULTS.rOffOhm;
  if (rOn >= rOff) {
    const ohm = (v: number, written: boolean) => `${formatEngineering(v, 'Ω')}${written ? '' : ', the default'}`;
    at(
      ['nonidealities', 'rram', rram?.r_on_ohm !== undefined ? 'r_on_ohm' : 'r_off_ohm'],
      'error',
      'rram-resistance-order',
      `\`nonidealities.rram.r_on_ohm\` (${ohm(rOn, rram?.r_on_ohm !== undefined)}) must be below \`r_off_ohm\` (${ohm(rOff, rram?.r_off_ohm !== undefined)}): the on state is the low-resistance one. Swap the two values, or set \`r_off_ohm\` above \`r_on_ohm\`.`,
    );
  }
  const stuck = n?.stuck_at;
  const on = stuck?.on_fraction ?? 0;
  const off = stuck?.off_fraction ?? 0;
  // The same test as the functional run's (devices/stuckAt.ts), so the two never disagree.
  if (on + off > 1) {
    at(
      ['nonidealities', 'stuck_at'],
      'error',
      'stuck-at-sum',
      `\`stuck_at.on_fraction\` (${on}) and \`off_fraction\` (${off}) add up to ${Number((on + off).toPrecision(6))}: more than every cell. Lower them so that they add up to at most 1.`,
      true,
    );
  }
}

function checkLayerOverrides(config: AimcConfig, shape: ModelShape, at: At): void {
  const n = shape.layers;
  (config.layers ?? []).forEach((o, i) => {
    (o.layers ?? []).forEach((sel, j) => {
      const path = ['layers', i, 'layers', j];
      if (typeof sel === 'number') {
        if (sel >= n || sel < -n) {
          at(
            path,
            'error',
            'unknown-layer',
            `Layer ${sel} does not exist: the model has ${n} layers (0 to ${n - 1}, or -1 to -${n} from the end).`,
          );
        }
      } else {
        const [a, b] = sel.split('-').map(Number);
        if (a > b) at(path, 'error', 'bad-layer-range', `Layer range "${sel}" runs backwards; write "${b}-${a}".`);
        else if (b >= n)
          at(path, 'error', 'unknown-layer', `Layer range "${sel}" goes past the last layer (${n - 1}).`);
      }
    });
    const matrices = o.matrices ?? [];
    if (shape.ffn !== 'swiglu') {
      matrices.forEach((mName, j) => {
        if (mName === 'ffn_gate') {
          at(
            ['layers', i, 'matrices', j],
            'error',
            'unknown-matrix',
            `\`ffn_gate\` does not exist in this model: a GELU FFN has only \`ffn_up\` and \`ffn_down\`.`,
          );
        }
      });
    }
    if (o.layers && matrices.length > 0 && matrices.every((mName) => mName === 'lm_head')) {
      at(
        ['layers', i, 'layers'],
        'warning',
        'lm-head-layers',
        'The LM head follows the last block and has no layer index; `layers` is ignored for it.',
        true,
      );
    }
    if (o.attention && o.matrices) {
      at(
        ['layers', i, 'attention'],
        'warning',
        'attention-with-matrices',
        'An attention override applies to whole layers; `matrices` does not restrict it.',
        true,
      );
    }
  });
}

function checkWeightPrecision(config: AimcConfig, at: At): void {
  const global = mergeWeights(DEFAULT_WEIGHTS, config.weights);
  const check = (w: AimcConfig['weights'], base: JsonPath) => {
    if (!w?.mapping && w?.weight_bits === undefined && w?.bits_per_cell === undefined) return;
    // An override inherits what it does not set from the global weights section.
    const { weightBits: bits, bitsPerCell: cell, mapping } = mergeWeights(global, w);
    if (mapping === 'offset' && bits > cell) {
      at(
        w.mapping ? [...base, 'mapping'] : base,
        'warning',
        'weight-precision-lost',
        `With \`offset\` mapping each weight is one cell of ${cell} bits, so ${bits}-bit weights lose ${bits - cell} bits. Use \`bit-sliced\` mapping, or set \`bits_per_cell\` to ${bits}.`,
        !w.mapping,
      );
    }
  };
  check(config.weights, ['weights']);
  (config.layers ?? []).forEach((o, i) => check(o.weights, ['layers', i, 'weights']));
}
