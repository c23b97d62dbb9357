/**
 * Character tokenizer: a JSON file `{"type": "char", "vocab": ["<unk>", "\n", " ", "!", …]}`. A
 * token id is the index of its character in `vocab`; a character not in `vocab` is id 0, `<unk>`.
 * Characters are Unicode code points (a surrogate pair is one character).
 */

export const UNKNOWN_TOKEN = '<unk>';

export interface CharTokenizer {
  readonly vocab: readonly string[];
  encode(text: string): Int32Array;
  /** Ids back to text; `<unk>` (and any id outside the vocabulary) becomes U+FFFD. */
  decode(ids: ArrayLike<number>): string;
}

/** `<unk>`, then every distinct character of the text in code-point order. */
export function buildCharVocab(text: string): string[] {
  const chars = new Set<number>();
  for (const ch of text) chars.add(ch.codePointAt(0)!);
  return [UNKNOWN_TOKEN, ...[...chars].sort((a, b) => a - b).map((c) => String.fromCodePoint(c))];
}

export function charTokenizer(vocab: readonly string[]): CharTokenizer {
  if (vocab[0] !== UNKNOWN_TOKEN) throw new RangeError(`vocab[0] must be ${UNKNOWN_TOKEN}`);
  const ids = new Map<number, number>();
  vocab.forEach((ch, i) => {
    if (i === 0) return;
    const cps = [...ch];
    if (cps.length !== 1) throw new RangeError(`vocab[${i}] is not one character`);
    const cp = cps[0].codePointAt(0)!;
    if (ids.has(cp)) throw new RangeError(`vocab[${i}] repeats an earlier character`);
    ids.set(cp, i);
  });
  return {
    vocab,
    encode(text) {
      const out: number[] = [];
      for (const ch of text) out.push(ids.get(ch.codePointAt(0)!) ?? 0);
      return Int32Array.from(out);
    },
    decode(list) {
      let s = '';
      for (let i = 0; i < list.length; i++) {
        const id = list[i];
        s += id > 0 && id < vocab.length ? vocab[id] : '\uFFFD';
      }
      return s;
    },
  };
}

/** The tokenizer file's text. */
export function charTokenizerJson(vocab: readonly string[]): string {
  return `${JSON.stringify({ type: 'char', vocab })}\n`;
}

/** Reads a tokenizer file's text; throws on anything but the char format. */
export function parseCharTokenizer(text: string): CharTokenizer {
  const json = JSON.parse(text) as { type?: unknown; vocab?: unknown };
  if (json.type !== 'char' || !Array.isArray(json.vocab) || !json.vocab.every((v) => typeof v === 'string')) {
    throw new RangeError('not a char tokenizer: expected {"type": "char", "vocab": [strings]}');
  }
  return charTokenizer(json.vocab as string[]);
}
