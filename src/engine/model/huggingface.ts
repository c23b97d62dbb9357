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

/**
 * Reads a Hugging Face `config.json`: GPT-2 key names (`n_layer`, `n_embd`, `n_head`, `n_inner`,
 * `n_positions`) and Llama/Mistral key names (`num_hidden_layers`, `hidden_size`,
 * `num_attention_heads`, `num_key_value_heads`, `intermediate_size`, `max_position_embeddings`,
 * `sliding_window`, `head_dim`).
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
  const gpt2Style = c.model_type === 'gpt2' || 'n_layer' in c || 'n_embd' in c;
  const fail = (why: string): HuggingFaceResult => ({
    ok: false,
    message: `cannot be read as a ${gpt2Style ? 'GPT-2' : 'Llama/Mistral'} config: ${why}`,
  });

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
    const act = typeof c.hidden_act === 'string' ? c.hidden_act : 'silu';
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
        ffn: act === 'silu' || act === 'swish' ? 'swiglu' : 'gelu',
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
