import type { ModelShape } from '../../shared/modelShape';

export type HuggingFaceResult = { ok: true; shape: ModelShape } | { ok: false; message: string };

type Json = Record<string, unknown>;

/**
 * A value as an error describes it: a number as itself, anything else by its type only, so that an
 * error never quotes a file's text (a string value could be anything).
 */
function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return 'a list';
  return v === null ? 'null' : `a ${typeof v === 'object' ? 'map' : typeof v}`;
}

function positiveInt(cfg: Json, keys: readonly string[]): number | string {
  for (const k of keys) {
    const v = cfg[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      return `\`${k}\` is ${describe(v)}; it must be a positive integer`;
    return v;
  }
  return `it has no \`${keys.join('` or `')}\``;
}

/**
 * Where JSON.parse stopped, without the text it quotes: V8's messages include a few characters of
 * the input (`Unexpected token 'r', "root:*:202"... is not valid JSON`), and the file may be any file.
 */
function jsonErrorPlace(e: unknown, text: string): string {
  const message = (e as Error).message ?? '';
  const line = /line (\d+) column (\d+)/.exec(message);
  if (line) return ` at line ${line[1]}, column ${line[2]}`;
  const position = /position (\d+)/.exec(message);
  if (position) {
    const offset = Number(position[1]);
    const before = text.slice(0, offset);
    const lineNo = before.split('\n').length;
    return ` at line ${lineNo}, column ${offset - before.lastIndexOf('\n')}`;
  }
  return /end of JSON input/.test(message) ? ' (it ends too early)' : '';
}

/** The `model_type` values read, and what each is read as (docs/config.md, "Hugging Face import"). */
export const SUPPORTED_MODEL_TYPES = ['gpt2', 'llama', 'mistral'] as const;

/** A string value shown in a message only when it looks like an identifier (never arbitrary file text). */
function nameOf(v: unknown): string {
  return typeof v === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(v) ? `\`${v}\`` : describe(v);
}

/** Present with a value that switches the feature on: not null, false, 0 or an empty list. */
function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false && v !== 0 && !(Array.isArray(v) && v.length === 0);
}

/** Architectures that are known by name and not modelled, with the reason. */
const UNMODELLED_TYPES: Readonly<Record<string, string>> = {
  mixtral: 'a mixture of experts (Mixtral)',
  qwen2_moe: 'a mixture of experts (Qwen2-MoE)',
  qwen3_moe: 'a mixture of experts (Qwen3-MoE)',
  deepseek_v2: 'multi-head latent attention and routed experts (DeepSeek-V2)',
  deepseek_v3: 'multi-head latent attention and routed experts (DeepSeek-V3)',
  gemma: 'a gated-GELU feed-forward network (Gemma)',
  gemma2: 'a gated-GELU feed-forward network (Gemma 2)',
  gemma3: 'a gated-GELU feed-forward network (Gemma 3)',
  gemma3_text: 'a gated-GELU feed-forward network (Gemma 3)',
};

/** Keys whose presence means an architecture the cost model does not have, whatever `model_type` says. */
const UNMODELLED_KEYS: readonly { readonly key: string; readonly what: string }[] = [
  { key: 'num_local_experts', what: 'a mixture of experts (Mixtral-style routed experts)' },
  { key: 'num_experts_per_tok', what: 'a mixture of experts (top-k routed experts)' },
  { key: 'n_routed_experts', what: 'a mixture of experts (DeepSeek-style routed experts)' },
  { key: 'num_experts', what: 'a mixture of experts' },
  { key: 'moe_intermediate_size', what: 'a mixture of experts' },
  { key: 'kv_lora_rank', what: 'multi-head latent attention (DeepSeek MLA)' },
  { key: 'q_lora_rank', what: 'multi-head latent attention (DeepSeek MLA)' },
  { key: 'hidden_activation', what: 'a gated-GELU feed-forward network (Gemma)' },
];

const NOT_MODELLED =
  'aimc models dense GPT-2, Llama and Mistral decoders only (model_type gpt2, llama or mistral); write `model.shape` by hand for a dense approximation';

/**
 * Refuses what the cost model does not have, naming the key that shows it: an architecture known
 * by name (Mixtral, DeepSeek, Gemma), a key that means experts, latent attention or a gated GELU,
 * or any other `model_type`. Null when the config is one of SUPPORTED_MODEL_TYPES.
 */
function unmodelled(c: Json, gpt2Style: boolean): string | null {
  const type = c.model_type;
  if (typeof type === 'string' && type in UNMODELLED_TYPES)
    return `\`model_type\` is ${nameOf(type)}, ${UNMODELLED_TYPES[type]}, which is not modelled; ${NOT_MODELLED}`;
  for (const { key, what } of UNMODELLED_KEYS)
    if (isSet(c[key])) return `\`${key}\` means ${what}, which is not modelled; ${NOT_MODELLED}`;
  if (type === undefined || type === null) {
    if (gpt2Style) return null;
    return `it has no \`model_type\`, so its architecture is unknown; add \`"model_type": "llama"\` (or \`mistral\`) if it is a dense Llama-style decoder. ${NOT_MODELLED}`;
  }
  if (!(SUPPORTED_MODEL_TYPES as readonly unknown[]).includes(type))
    return `\`model_type\` is ${nameOf(type)}, an architecture that is not modelled; ${NOT_MODELLED}`;
  if (!gpt2Style && typeof c.hidden_act === 'string' && !['silu', 'swish'].includes(c.hidden_act))
    return `\`hidden_act\` is ${nameOf(c.hidden_act)}: a ${type} feed-forward network gated by it is not modelled (only SiLU, SwiGLU); ${NOT_MODELLED}`;
  if (!gpt2Style && c.hidden_act !== undefined && c.hidden_act !== null && typeof c.hidden_act !== 'string')
    return `\`hidden_act\` is ${describe(c.hidden_act)}; it must be a string such as "silu"`;
  return null;
}

/**
 * Reads a Hugging Face `config.json`: GPT-2 key names (`n_layer`, `n_embd`, `n_head`, `n_inner`,
 * `n_positions`) and Llama/Mistral key names (`num_hidden_layers`, `hidden_size`,
 * `num_attention_heads`, `num_key_value_heads`, `intermediate_size`, `max_position_embeddings`,
 * `sliding_window`, `head_dim`). Anything else (another `model_type`, experts, latent attention,
 * a gated GELU) is refused with the key that shows it, never read as the nearest dense model.
 */
export function shapeFromHuggingFace(text: string, name = 'huggingface'): HuggingFaceResult {
  let cfg: unknown;
  try {
    cfg = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `is not valid JSON${jsonErrorPlace(e, text)}` };
  }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg))
    return { ok: false, message: 'is not a JSON object' };
  const c = cfg as Json;
  const gpt2Style =
    c.model_type === 'gpt2' ||
    ((c.model_type === undefined || c.model_type === null) && ('n_layer' in c || 'n_embd' in c));
  const fail = (why: string): HuggingFaceResult => ({
    ok: false,
    message: `cannot be read as a ${gpt2Style ? 'GPT-2' : 'Llama/Mistral'} config: ${why}`,
  });
  const refused = unmodelled(c, gpt2Style);
  if (refused) return { ok: false, message: `cannot be imported: ${refused}` };

  const get = (keys: readonly string[]): number => {
    const v = positiveInt(c, keys);
    if (typeof v === 'string') throw new Error(v);
    return v;
  };
  try {
    if (gpt2Style) {
      const dModel = get(['n_embd', 'hidden_size']);
      const heads = get(['n_head', 'num_attention_heads']);
      if (dModel % heads !== 0) return fail(`n_head (${heads}) does not divide n_embd (${dModel})`);
      const inner = c.n_inner == null ? 4 * dModel : get(['n_inner']);
      return {
        ok: true,
        shape: {
          name: typeof c._name_or_path === 'string' ? c._name_or_path : name,
          family: 'gpt2',
          layers: get(['n_layer', 'num_hidden_layers']),
          dModel,
          heads,
          kvHeads: heads,
          headDim: dModel / heads,
          dFf: inner,
          ffn: 'gelu',
          vocab: get(['vocab_size']),
          context: get(['n_positions', 'n_ctx', 'max_position_embeddings']),
          tiedEmbeddings: c.tie_word_embeddings !== false,
          slidingWindow: null,
          norm: 'layernorm',
          bias: true,
          positional: 'learned',
        },
      };
    }
    const dModel = get(['hidden_size']);
    const heads = get(['num_attention_heads']);
    const kvHeads = c.num_key_value_heads == null ? heads : get(['num_key_value_heads']);
    if (heads % kvHeads !== 0)
      return fail(`num_key_value_heads (${kvHeads}) does not divide num_attention_heads (${heads})`);
    let headDim: number;
    if (c.head_dim != null) headDim = get(['head_dim']);
    else if (dModel % heads !== 0)
      return fail(`num_attention_heads (${heads}) does not divide hidden_size (${dModel}) and no head_dim is given`);
    else headDim = dModel / heads;
    const window = c.sliding_window == null ? null : get(['sliding_window']);
    return {
      ok: true,
      shape: {
        name: typeof c._name_or_path === 'string' ? c._name_or_path : name,
        family: c.model_type === 'mistral' ? 'mistral' : 'llama',
        layers: get(['num_hidden_layers']),
        dModel,
        heads,
        kvHeads,
        headDim,
        dFf: get(['intermediate_size']),
        ffn: 'swiglu',
        vocab: get(['vocab_size']),
        context: get(['max_position_embeddings']),
        tiedEmbeddings: c.tie_word_embeddings === true,
        slidingWindow: window,
        norm: 'rmsnorm',
        bias: c.attention_bias === true,
        positional: 'rope',
      },
    };
  } catch (e) {
    return fail((e as Error).message);
  }
}
