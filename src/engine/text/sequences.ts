/**
 * Windows of a token stream for next-token metrics: `samples` contiguous, non-overlapping windows
 * of `tokens` tokens from the start of the stream. Row j of window i is stream position
 * p = i·tokens + j; its target is the token at p + 1 (for the last row of a window, the first token
 * of the next window), or −1 past the end of the stream.
 */

export interface TokenWindows {
  /** `samples` windows of `tokens` ids each. */
  readonly inputs: Int32Array[];
  /** The next token of each position of each window, −1 where the stream ends. */
  readonly targets: Int32Array[];
}

export class TextTooShortError extends Error {
  constructor(
    readonly available: number,
    readonly needed: number,
    samples: number,
    tokens: number,
  ) {
    super(
      `the text has ${available} tokens; ${samples} sample(s) × ${tokens} tokens need ${needed}: use a longer text, or fewer samples or tokens`,
    );
    this.name = 'TextTooShortError';
  }
}

export function tokenWindows(stream: ArrayLike<number>, samples: number, tokens: number): TokenWindows {
  if (!Number.isInteger(samples) || samples < 1 || !Number.isInteger(tokens) || tokens < 1)
    throw new RangeError(`samples (${samples}) and tokens (${tokens}) must be whole numbers of at least 1`);
  const needed = samples * tokens;
  if (stream.length < needed) throw new TextTooShortError(stream.length, needed, samples, tokens);
  const inputs: Int32Array[] = [];
  const targets: Int32Array[] = [];
  for (let i = 0; i < samples; i++) {
    const start = i * tokens;
    const input = new Int32Array(tokens);
    const target = new Int32Array(tokens);
    for (let j = 0; j < tokens; j++) {
      input[j] = stream[start + j];
      target[j] = start + j + 1 < stream.length ? stream[start + j + 1] : -1;
    }
    inputs.push(input);
    targets.push(target);
  }
  return { inputs, targets };
}
