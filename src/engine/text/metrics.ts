/**
 * Next-token metrics of a language model on a text, added a chunk of rows at a time so that the
 * logits of a whole run (50,257 × 4,096 floats for GPT-2) never need to be held at once.
 *
 * Per row r with a target token y_r (rows with target −1 are skipped), in float64:
 *
 *   log Z_r    = m_r + ln Σ_j exp(z_rj − m_r),  m_r = max_j z_rj   (log-sum-exp)
 *   NLL        = mean_r (log Z_r − z_r,y_r)                        nats per token
 *   perplexity = exp(NLL);   bits per token = NLL / ln 2
 *   top-1      = mean_r [argmax_j z_rj = y_r]
 *
 * and with reference logits s (the float model on the same rows):
 *
 *   agreement  = mean_r [argmax_j z_rj = argmax_j s_rj]
 *   KL         = mean_r Σ_j p_rj (ln p_rj − ln q_rj),  p = softmax(s), q = softmax(z)   nats
 *
 * Ties in argmax go to the lowest index. A NaN or ±Inf logit in a counted row (test or reference)
 * makes every metric NaN: a broken run must not show a finite perplexity.
 */

export interface NextTokenMetrics {
  /** Rows counted (rows with a target). */
  tokens: number;
  /** Mean negative log-likelihood of the targets, nats. */
  nll: number;
  perplexity: number;
  bitsPerToken: number;
  /** Fraction of rows whose most likely token is the text's next token. */
  top1Accuracy: number;
  /** Fraction of rows whose most likely token is the reference model's; null without a reference. */
  agreement: number | null;
  /** Mean KL(reference ‖ test), nats; null without a reference. */
  kl: number | null;
  /** Counted rows that held a NaN or ±Inf logit (every other metric is NaN when this is not 0). */
  nonFiniteRows: number;
}

/** Log-sum-exp of row `row` and its argmax; NaN when the row holds a non-finite value. */
function rowStats(z: Float32Array, offset: number, vocab: number): { lse: number; argmax: number } {
  let max = -Infinity;
  let argmax = 0;
  for (let j = 0; j < vocab; j++) {
    const v = z[offset + j];
    if (!Number.isFinite(v)) return { lse: Number.NaN, argmax: -1 };
    if (v > max) {
      max = v;
      argmax = j;
    }
  }
  let sum = 0;
  for (let j = 0; j < vocab; j++) sum += Math.exp(z[offset + j] - max);
  return { lse: max + Math.log(sum), argmax };
}

export class NextTokenAccumulator {
  private rows = 0;
  private nllSum = 0;
  private top1 = 0;
  private agree = 0;
  private klSum = 0;
  private nonFinite = 0;
  private withReference: boolean | undefined;

  /**
   * `logits`: rows × vocab, row-major; `targets[r]`: the next token of row r, −1 for none;
   * `reference`: the reference model's logits for the same rows, when there is one.
   */
  add(logits: Float32Array, rows: number, vocab: number, targets: Int32Array, reference?: Float32Array): void {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(vocab) || vocab < 1)
      throw new RangeError(`rows (${rows}) and vocab (${vocab}) must be whole numbers, vocab at least 1`);
    if (logits.length < rows * vocab)
      throw new RangeError(`logits hold ${logits.length} values, ${rows} rows × ${vocab} need ${rows * vocab}`);
    if (targets.length < rows) throw new RangeError(`${targets.length} targets for ${rows} rows`);
    if (reference !== undefined && reference.length < rows * vocab)
      throw new RangeError(`reference logits hold ${reference.length} values, ${rows} × ${vocab} need ${rows * vocab}`);
    if (this.withReference !== undefined && (reference !== undefined) !== this.withReference)
      throw new RangeError('every chunk must come with reference logits, or none');
    this.withReference = reference !== undefined;
    for (let r = 0; r < rows; r++) {
      const y = targets[r];
      if (y < 0) continue;
      if (y >= vocab)
        throw new RangeError(`target token ${y} at row ${r} is outside the model's vocabulary of ${vocab}`);
      const off = r * vocab;
      this.rows++;
      const q = rowStats(logits, off, vocab);
      const p = reference !== undefined ? rowStats(reference, off, vocab) : undefined;
      if (Number.isNaN(q.lse) || (p !== undefined && Number.isNaN(p.lse))) {
        this.nonFinite++;
        continue;
      }
      this.nllSum += q.lse - logits[off + y];
      if (q.argmax === y) this.top1++;
      if (reference !== undefined && p !== undefined) {
        if (p.argmax === q.argmax) this.agree++;
        let kl = 0;
        for (let j = 0; j < vocab; j++) {
          const lp = reference[off + j] - p.lse;
          kl += Math.exp(lp) * (lp - (logits[off + j] - q.lse));
        }
        // Rounding can take a near-zero divergence a hair below zero; KL is never negative.
        this.klSum += Math.max(0, kl);
      }
    }
  }

  result(): NextTokenMetrics {
    const n = this.rows;
    const broken = this.nonFinite > 0 || n === 0;
    const mean = (sum: number) => (broken ? Number.NaN : sum / n);
    const nll = mean(this.nllSum);
    return {
      tokens: n,
      nll,
      perplexity: Math.exp(nll),
      bitsPerToken: nll / Math.LN2,
      top1Accuracy: mean(this.top1),
      agreement: this.withReference ? mean(this.agree) : null,
      kl: this.withReference ? mean(this.klSum) : null,
      nonFiniteRows: this.nonFinite,
    };
  }
}

export interface Interval {
  mean: number;
  low: number;
  high: number;
  n: number;
}

/**
 * ln Γ(x): Lanczos approximation (C. Lanczos, SIAM J. Numer. Anal. B 1, 86 (1964)) with the g = 7,
 * n = 9 coefficients tabulated by P. Godfrey (relative error about 1e-15), reflection for x < ½.
 */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const xm = x - 1;
  let a = c[0];
  const t = xm + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (xm + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes §6.4 betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b) (Numerical Recipes §6.4). */
function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom: 1 − ½·I_{df/(df+t²)}(df/2, ½) for t ≥ 0. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

/** The `p` quantile of Student's t with `df` degrees of freedom (p in (0, 1)), by bisection on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`t quantile needs 0 < p < 1 and df > 0 (p ${p}, df ${df})`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Mean and confidence interval over Monte-Carlo runs: mean ± t_{(1+level)/2, n−1} · s/√n, s the
 * sample standard deviation (Student t; n = 1 → low = high = mean). A non-finite value gives NaN.
 */
export function meanInterval(values: readonly number[], level = 0.95): Interval {
  const n = values.length;
  if (n === 0) throw new RangeError('a confidence interval needs at least one value');
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level ${level} is not between 0 and 1`);
  const mean = values.reduce((a, v) => a + v, 0) / n;
  if (!Number.isFinite(mean)) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, n };
  if (n === 1) return { mean, low: mean, high: mean, n };
  const variance = values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / (n - 1);
  const half = studentTQuantile((1 + level) / 2, n - 1) * Math.sqrt(variance / n);
  return { mean, low: mean - half, high: mean + half, n };
}
