/**
 * Accuracy of an analog result against a float reference.
 *
 *   relative error  ‖y − r‖ / ‖r‖
 *   cosine          ⟨y, r⟩ / (‖y‖·‖r‖)
 *   SNR             10·log10(‖r‖² / ‖y − r‖²) dB (Infinity when y = r exactly)
 *   top-k agreement mean over rows of |top_k(y) ∩ top_k(r)| / k
 *
 * Sums run over everything added, so metrics pool tokens, heads and samples. A NaN or ±Inf in
 * either input (or a sum that overflows) makes every metric NaN: a failure to report, never "no
 * error" (NaN > 0 is false, so the formulas below would otherwise give 0 % error and SNR ∞).
 */
import type { ErrorMetrics } from '../../shared/functionalResult';

export class MetricAccumulator {
  private errSq = 0;
  private refSq = 0;
  private testSq = 0;
  private dot = 0;
  private n = 0;
  private topKSum = 0;
  private topKRows = 0;
  private nonFinite = 0;

  add(test: ArrayLike<number>, ref: ArrayLike<number>): void {
    if (test.length !== ref.length)
      throw new RangeError(`metric inputs differ in length: ${test.length} vs ${ref.length}`);
    for (let i = 0; i < test.length; i++) {
      const t = test[i];
      const r = ref[i];
      if (!Number.isFinite(t) || !Number.isFinite(r)) this.nonFinite++;
      this.errSq += (t - r) * (t - r);
      this.refSq += r * r;
      this.testSq += t * t;
      this.dot += t * r;
    }
    this.n += test.length;
  }

  /** Rows of length `cols`; `range(row)` limits the candidates of a row to [lo, hi). */
  addTopK(
    test: ArrayLike<number>,
    ref: ArrayLike<number>,
    rows: number,
    cols: number,
    k: number,
    range?: (row: number) => [number, number],
  ): void {
    for (let r = 0; r < rows; r++) {
      const [lo, hi] = range ? range(r) : [0, cols];
      if (hi <= lo) continue;
      for (let i = r * cols + lo; i < r * cols + hi; i++)
        if (!Number.isFinite(test[i]) || !Number.isFinite(ref[i])) this.nonFinite++;
      this.topKSum += topKOverlap(test, ref, r * cols + lo, hi - lo, k);
      this.topKRows++;
    }
  }

  /** False when a value added was NaN or ±Inf, or a sum overflowed: the metrics are then NaN. */
  get finite(): boolean {
    return this.nonFinite === 0 && [this.errSq, this.refSq, this.testSq, this.dot].every(Number.isFinite);
  }

  result(): ErrorMetrics {
    if (!this.finite) {
      return {
        relativeError: Number.NaN,
        cosineSimilarity: Number.NaN,
        snrDb: Number.NaN,
        topKAgreement: this.topKRows > 0 ? Number.NaN : null,
        values: this.n,
      };
    }
    return {
      relativeError: this.refSq > 0 ? Math.sqrt(this.errSq / this.refSq) : this.errSq > 0 ? Infinity : 0,
      cosineSimilarity:
        this.testSq > 0 && this.refSq > 0
          ? this.dot / Math.sqrt(this.testSq * this.refSq)
          : this.testSq === this.refSq
            ? 1
            : 0,
      snrDb: this.errSq > 0 ? 10 * Math.log10(this.refSq / this.errSq) : Infinity,
      topKAgreement: this.topKRows > 0 ? this.topKSum / this.topKRows : null,
      values: this.n,
    };
  }
}

/** Indices of the k largest values of a[offset .. offset+len), ties broken by lower index. */
export function topKIndices(a: ArrayLike<number>, offset: number, len: number, k: number): number[] {
  // Insertion into a list of the k best so far: O(len·k) for the small k of top-k agreement,
  // where sorting every row was O(len·log len). A value enters only if strictly larger, so ties
  // keep the lower index.
  const m = Math.min(k, len);
  const top: number[] = [];
  for (let i = 0; i < len; i++) {
    const v = a[offset + i];
    if (top.length === m && !(v > a[offset + top[m - 1]])) continue;
    let p = top.length === m ? m - 1 : top.length;
    if (top.length < m) top.push(i);
    while (p > 0 && v > a[offset + top[p - 1]]) {
      top[p] = top[p - 1];
      p--;
    }
    top[p] = i;
  }
  return top;
}

/** |top_k(test) ∩ top_k(ref)| / min(k, len) over one row. */
export function topKOverlap(
  test: ArrayLike<number>,
  ref: ArrayLike<number>,
  offset: number,
  len: number,
  k: number,
): number {
  const a = new Set(topKIndices(test, offset, len, k));
  const b = topKIndices(ref, offset, len, k);
  let hit = 0;
  for (const i of b) if (a.has(i)) hit++;
  return hit / b.length;
}

export function compare(test: ArrayLike<number>, ref: ArrayLike<number>): ErrorMetrics {
  const m = new MetricAccumulator();
  m.add(test, ref);
  return m.result();
}
