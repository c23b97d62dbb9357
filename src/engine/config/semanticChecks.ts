/**
 * Checks that need more than the schema: the model is given once and is consistent, a Hugging
 * Face file exists and parses, the window fits the context, overrides name layers that exist.
 * Runs on a schema-valid config; returns the model shape when one could be determined.
 */
import { MODEL_PRESETS } from '../model/presets';
import { shapeFromHuggingFace } from '../model/huggingface';
import type { ModelShape } from '../../shared/modelShape';
import type { Diagnostic, Severity } from '../../shared/diagnostics';
import type { ConfigDocument, JsonPath } from './document';
import { DEFAULT_WEIGHTS, mergeWeights } from './resolve';
import type { AimcConfig } from './schema';

export interface SemanticOutcome {
  readonly diagnostics: Diagnostic[];
  readonly shape: ModelShape | undefined;
}

export type ReadFile = (path: string) => string | undefined;

function shapeFromExplicit(c: NonNullable<AimcConfig['model']['shape']>, name: string): ModelShape {
  const swiglu = c.ffn === 'swiglu';
  return {
    name,
    family: 'custom',
    layers: c.layers,
    dModel: c.d_model,
    heads: c.heads,
    kvHeads: c.kv_heads ?? c.heads,
    headDim: c.head_dim ?? c.d_model / c.heads,
    dFf: c.d_ff,
    ffn: c.ffn,
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
      if (r.ok) shape = r.shape;
      else
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
  }

  checkWeightPrecision(config, at);
  return { diagnostics: out, shape };
}

type At = (path: JsonPath, severity: Severity, code: string, message: string, useKey?: boolean) => void;

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
