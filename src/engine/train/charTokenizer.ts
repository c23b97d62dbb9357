/**
 * The character tokenizer a model is trained with: its vocabulary, built from the training text,
 * and the tokenizer file written beside the model, `{"type": "char", "vocab": ["<unk>", "\n", …]}`.
 * Reading and encoding go through the one tokenizer reader, src/engine/text/tokenizer.ts.
 */
import { loadTokenizer, type Tokenizer } from '../text/tokenizer';

export const UNKNOWN_TOKEN = '<unk>';

/** `<unk>`, then every distinct character (Unicode code point) of the text in code-point order. */
export function buildCharVocab(text: string): string[] {
  const chars = new Set<number>();
  for (const ch of text) chars.add(ch.codePointAt(0)!);
  return [UNKNOWN_TOKEN, ...[...chars].sort((a, b) => a - b).map((c) => String.fromCodePoint(c))];
}

/** The tokenizer file's text. */
export function charTokenizerJson(vocab: readonly string[]): string {
  return `${JSON.stringify({ type: 'char', vocab })}\n`;
}

/** The tokenizer of a vocabulary, as a model's tokenizer file gives it. */
export function charTokenizer(vocab: readonly string[]): Tokenizer {
  return loadTokenizer(charTokenizerJson(vocab));
}
