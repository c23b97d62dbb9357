/**
 * Tokenizers for next-token metrics on real text.
 *
 *   Hugging Face tokenizer.json   GPT-2's byte-level BPE, Llama/Mistral SentencePiece-style BPE
 *                                 with byte fallback, and the other models tokenizer.json
 *                                 describes (Unigram, WordPiece), through @huggingface/tokenizers
 *                                 (pure JavaScript, synchronous, no network).
 *   character tokenizer           {"type": "char", "vocab": ["<unk>", "\n", " ", …]}: one token
 *                                 per Unicode code point, id = index in `vocab`, any code point
 *                                 not in `vocab` → id 0.
 *
 * `encode` adds no special tokens (no BOS/EOS): a text is one token stream that callers cut into
 * windows; `bos` names the id a caller may prepend. `decode` keeps special tokens and spacing as
 * they are, so decode(encode(text)) gives the text back wherever the vocabulary covers it.
 */
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';

export interface Tokenizer {
  readonly kind: 'char' | 'bpe' | 'sentencepiece' | string;
  /** One more than the largest id the tokenizer can produce (special tokens included). */
  readonly vocabSize: number;
  /** The beginning-of-sequence id, when the tokenizer has one. */
  readonly bos: number | null;
  /** The id of text the vocabulary cannot spell (`<unk>`), when the tokenizer has one. */
  readonly unk: number | null;
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

export class TokenizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizerError';
  }
}

/** The model types tokenizer.json can name that the library implements. */
const HF_MODEL_TYPES = ['BPE', 'Unigram', 'WordPiece'] as const;

const FORMATS =
  'a Hugging Face tokenizer.json (with a "model" section) or a character tokenizer ({"type": "char", "vocab": [...]})';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message ?? '');
    throw new TokenizerError(
      `the ${what} is not valid JSON${m ? ` (at character ${m[1]})` : ''}; it must be ${what === 'tokenizer file' ? FORMATS : 'a JSON object'}`,
    );
  }
}

/** `json`: the text of a tokenizer file; `configJson`: tokenizer_config.json when present. */
export function loadTokenizer(json: string, configJson?: string): Tokenizer {
  const doc = parseJson(json, 'tokenizer file');
  if (!isObject(doc)) throw new TokenizerError(`the tokenizer file is not a JSON object; it must be ${FORMATS}`);
  let config: Json = {};
  if (configJson !== undefined) {
    const c = parseJson(configJson, 'tokenizer config (tokenizer_config.json)');
    if (!isObject(c)) throw new TokenizerError('the tokenizer config (tokenizer_config.json) is not a JSON object');
    config = c;
  }
  if (doc.type === 'char') return charTokenizer(doc);
  if ('model' in doc) return huggingFaceTokenizer(doc, config);
  const hint =
    'added_tokens_decoder' in doc || 'tokenizer_class' in doc
      ? ' (this looks like tokenizer_config.json: give tokenizer.json as the tokenizer and this file as its config)'
      : typeof doc.type === 'string'
        ? ` (its "type" is ${JSON.stringify(doc.type.slice(0, 40))}; the only "type" known is "char")`
        : '';
  throw new TokenizerError(`the tokenizer file is neither ${FORMATS}${hint}`);
}

function charTokenizer(doc: Json): Tokenizer {
  const vocab = doc.vocab;
  if (!Array.isArray(vocab) || vocab.length === 0)
    throw new TokenizerError(
      'the character tokenizer has no vocabulary: "vocab" must be a non-empty array of strings, ["<unk>", "\\n", " ", ...], id = index',
    );
  const bad = vocab.findIndex((v) => typeof v !== 'string');
  if (bad >= 0) throw new TokenizerError(`the character tokenizer's vocab[${bad}] is not a string`);
  const entries = vocab as string[];
  const ids = new Map<string, number>();
  // The first of duplicate entries wins, as a lookup by index would find it first.
  entries.forEach((ch, i) => {
    if (!ids.has(ch)) ids.set(ch, i);
  });
  return {
    kind: 'char',
    vocabSize: entries.length,
    bos: null,
    unk: 0,
    encode(text) {
      const out: number[] = [];
      for (const ch of text) out.push(ids.get(ch) ?? 0);
      return Int32Array.from(out);
    },
    decode(idList) {
      let s = '';
      for (let i = 0; i < idList.length; i++) {
        const id = idList[i];
        if (!Number.isInteger(id) || id < 0 || id >= entries.length)
          throw new TokenizerError(`token id ${id} is outside the character vocabulary (0 to ${entries.length - 1})`);
        s += entries[id];
      }
      return s;
    },
  };
}

/** The model's type, as tokenizer.json names it or as its fields imply (files older than "type"). */
function hfModelType(model: Json): string | undefined {
  if (typeof model.type === 'string') return model.type;
  if (Array.isArray(model.vocab)) return 'Unigram';
  if ('merges' in model) return 'BPE';
  return undefined;
}

function vocabEntries(model: Json, type: string): number {
  const v = model.vocab;
  if (type === 'Unigram') return Array.isArray(v) ? v.length : 0;
  return isObject(v) ? Object.keys(v).length : 0;
}

/** 'bpe' for byte-level BPE (GPT-2); 'sentencepiece' for SentencePiece-style models (▁ for spaces). */
function hfKind(doc: Json, model: Json, type: string): string {
  if (type === 'Unigram') return 'sentencepiece';
  if (type === 'WordPiece') return 'wordpiece';
  const text = JSON.stringify([doc.normalizer ?? null, doc.pre_tokenizer ?? null, doc.decoder ?? null]);
  if (model.byte_fallback === true || text.includes('Metaspace') || text.includes('\u2581')) return 'sentencepiece';
  return 'bpe';
}

function huggingFaceTokenizer(doc: Json, config: Json): Tokenizer {
  const model = doc.model;
  if (!isObject(model)) throw new TokenizerError('the tokenizer file\'s "model" is not an object');
  const type = hfModelType(model);
  if (type === undefined || !(HF_MODEL_TYPES as readonly string[]).includes(type)) {
    const named = type === undefined ? 'has no type' : `has type ${JSON.stringify(type.slice(0, 40))}`;
    throw new TokenizerError(
      `the tokenizer's model ${named}; the model types read are ${HF_MODEL_TYPES.join(', ')} (Hugging Face tokenizer.json)`,
    );
  }
  if (vocabEntries(model, type) === 0)
    throw new TokenizerError(`the tokenizer's ${type} model has an empty vocabulary ("model.vocab")`);
  if (type === 'BPE' && model.merges !== undefined && !Array.isArray(model.merges))
    throw new TokenizerError('the tokenizer\'s BPE "model.merges" is not an array');
  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer(doc, config);
  } catch (e) {
    throw new TokenizerError(`the tokenizer file could not be read: ${(e as Error).message}`);
  }
  let maxId = -1;
  for (const id of hf.get_vocab(true).values()) if (id > maxId) maxId = id;
  const bosName =
    typeof config.bos_token === 'string'
      ? config.bos_token
      : isObject(config.bos_token)
        ? config.bos_token.content
        : undefined;
  const bos =
    (typeof bosName === 'string' ? hf.token_to_id(bosName) : undefined) ??
    ['<s>', '<|begin_of_text|>'].map((t) => hf.token_to_id(t)).find((id) => id !== undefined) ??
    null;
  // Byte-level and byte-fallback tokenizers spell any text; others name their unknown token.
  const unkName = typeof model.unk_token === 'string' ? model.unk_token : undefined;
  const unk = (unkName === undefined ? undefined : hf.token_to_id(unkName)) ?? null;
  return {
    kind: hfKind(doc, model, type),
    vocabSize: maxId + 1,
    bos,
    unk,
    encode(text) {
      try {
        return Int32Array.from(hf.encode(text, { add_special_tokens: false }).ids);
      } catch (e) {
        throw new TokenizerError(`the text could not be tokenized: ${(e as Error).message}`);
      }
    },
    decode(ids) {
      if (ids.length === 0) return '';
      const list = Array.from(ids);
      const bad = list.find((id) => !Number.isInteger(id) || id < 0 || id > maxId);
      if (bad !== undefined) throw new TokenizerError(`token id ${bad} is outside the vocabulary (0 to ${maxId})`);
      return hf.decode(list, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    },
  };
}
