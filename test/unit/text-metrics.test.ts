import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanInterval, NextTokenAccumulator, studentTQuantile } from '../../src/engine/text/metrics';

const close = (a: number, b: number, tol: number, what = '') =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tolerance ${tol})`);

test('uniform logits: perplexity = vocabulary size, whatever the logit value', () => {
  const vocab = 7;
  for (const level of [0, 3.7, -250, 1e4]) {
    const acc = new NextTokenAccumulator();
    acc.add(new Float32Array(3 * vocab).fill(level), 3, vocab, Int32Array.from([0, 3, 5]));
    const m = acc.result();
    assert.equal(m.tokens, 3);
    close(m.nll, Math.log(vocab), 1e-12, 'nll');
    close(m.perplexity, vocab, 1e-10, 'perplexity');
    close(m.bitsPerToken, Math.log2(vocab), 1e-12, 'bits');
    // All tie: the argmax is token 0, so only the first row is right.
    close(m.top1Accuracy, 1 / 3, 1e-15, 'top-1');
    assert.equal(m.agreement, null);
    assert.equal(m.kl, null);
  }
});

test('one-hot-ish logits: NLL = −ln p(target), large offsets stay exact', () => {
  // Vocab 4, the target's logit ln 3 above the others: p = 3/(3+3) = ½.
  for (const offset of [0, 1000, -3e4]) {
    const vocab = 4;
    const logits = new Float32Array([0, 0, Math.log(3), 0, 0, 0, 0, 0].map((v) => v + offset));
    const acc = new NextTokenAccumulator();
    acc.add(logits, 2, vocab, Int32Array.from([2, 1]));
    const m = acc.result();
    // Row 0: −ln ½; row 1 (uniform): −ln ¼. The tolerance is float32 rounding of the offset logits.
    close(m.nll, (Math.log(2) + Math.log(4)) / 2, 4e-3 * Math.max(1, Math.abs(offset) / 1000), `offset ${offset}`);
    close(m.top1Accuracy, 0.5, 0);
  }
});

test('chunks add up to the whole; rows with target −1 are not counted', () => {
  const vocab = 5;
  const rows = 6;
  const logits = Float32Array.from({ length: rows * vocab }, (_, i) => Math.sin(i * 1.7) * 4);
  const reference = Float32Array.from({ length: rows * vocab }, (_, i) => Math.cos(i * 0.9) * 3);
  const targets = Int32Array.from([1, 4, -1, 0, 2, 3]);
  const whole = new NextTokenAccumulator();
  whole.add(logits, rows, vocab, targets, reference);
  const parts = new NextTokenAccumulator();
  parts.add(logits.subarray(0, 2 * vocab), 2, vocab, targets.subarray(0, 2), reference.subarray(0, 2 * vocab));
  parts.add(logits.subarray(2 * vocab), 4, vocab, targets.subarray(2), reference.subarray(2 * vocab));
  const a = whole.result();
  const b = parts.result();
  assert.equal(a.tokens, 5);
  for (const k of ['nll', 'top1Accuracy', 'agreement', 'kl'] as const) close(a[k]!, b[k]!, 1e-12, k);
  // The NLL by hand for row 1 alone.
  const single = new NextTokenAccumulator();
  single.add(logits.subarray(vocab, 2 * vocab), 1, vocab, Int32Array.from([4]));
  const row = [...logits.subarray(vocab, 2 * vocab)];
  close(single.result().nll, Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[4], 1e-9, 'row 1');
  assert.throws(() => parts.add(logits, rows, vocab, targets), /reference logits, or none/);
});

test('KL: identical models give 0 and full agreement; a two-token case by hand', () => {
  const vocab = 3;
  const logits = Float32Array.from([0.5, -1, 2, 3, 3, -4]);
  const same = new NextTokenAccumulator();
  same.add(logits, 2, vocab, Int32Array.from([2, 0]), logits.slice());
  assert.equal(same.result().kl, 0);
  assert.equal(same.result().agreement, 1);
  // p = (½, ½), q = (¾, ¼): KL(p‖q) = ½ ln(½/¾) + ½ ln(½/¼) = ½ ln(4/3).
  const acc = new NextTokenAccumulator();
  acc.add(Float32Array.from([Math.log(3), 0]), 1, 2, Int32Array.from([1]), Float32Array.from([0, 0]));
  const m = acc.result();
  close(m.kl!, 0.5 * Math.log(4 / 3), 1e-7, 'KL');
  // Test argmax 0, reference argmax 0 (a tie goes to the lowest index).
  assert.equal(m.agreement, 1);
  close(m.nll, Math.log(4), 1e-7, 'nll');
});

test('a non-finite logit makes every metric NaN, never a finite figure', () => {
  for (const bad of [Number.NaN, Infinity, -Infinity]) {
    const acc = new NextTokenAccumulator();
    acc.add(Float32Array.from([1, 2, 3, 4]), 2, 2, Int32Array.from([0, 1]));
    acc.add(Float32Array.from([1, bad]), 1, 2, Int32Array.from([0]));
    const m = acc.result();
    assert.equal(m.nonFiniteRows, 1);
    for (const k of ['nll', 'perplexity', 'bitsPerToken', 'top1Accuracy'] as const) assert.ok(Number.isNaN(m[k]), k);
  }
  const ref = new NextTokenAccumulator();
  ref.add(Float32Array.from([1, 2]), 1, 2, Int32Array.from([0]), Float32Array.from([Number.NaN, 0]));
  assert.ok(Number.isNaN(ref.result().kl!) && Number.isNaN(ref.result().nll));
  // A row without a target is not looked at.
  const skipped = new NextTokenAccumulator();
  skipped.add(Float32Array.from([1, 2, Number.NaN, 0]), 2, 2, Int32Array.from([1, -1]));
  assert.equal(skipped.result().nonFiniteRows, 0);
  assert.ok(Number.isFinite(skipped.result().nll));
  assert.ok(Number.isNaN(new NextTokenAccumulator().result().nll), 'no tokens: no figure');
});

test('inputs that do not fit are refused', () => {
  const acc = new NextTokenAccumulator();
  assert.throws(() => acc.add(new Float32Array(5), 2, 3, Int32Array.from([0, 1])), /need 6/);
  assert.throws(
    () => acc.add(new Float32Array(6), 2, 3, Int32Array.from([0, 3])),
    /outside the model's vocabulary of 3/,
  );
});

test('Student t quantiles match the printed table', () => {
  // Two-sided 95 % (p = 0.975) and 90 % (p = 0.95) critical values, e.g. NIST/SEMATECH e-Handbook
  // of Statistical Methods, §1.3.6.7.2 (three decimals).
  const table: [number, number, number][] = [
    [0.975, 1, 12.706],
    [0.975, 2, 4.303],
    [0.975, 3, 3.182],
    [0.975, 4, 2.776],
    [0.975, 5, 2.571],
    [0.975, 10, 2.228],
    [0.975, 30, 2.042],
    [0.95, 1, 6.314],
    [0.95, 10, 1.812],
    [0.995, 7, 3.499],
  ];
  for (const [p, df, t] of table) close(studentTQuantile(p, df), t, 5e-4, `t(${p}, ${df})`);
  close(studentTQuantile(0.975, 1e7), 1.959964, 1e-5, 'normal limit');
  close(studentTQuantile(0.025, 4), -2.776, 5e-4, 'lower tail');
});

test('meanInterval: mean ± t·s/√n; one run has no spread', () => {
  const i = meanInterval([1, 2, 3]);
  assert.equal(i.mean, 2);
  assert.equal(i.n, 3);
  // s = 1, t(0.975, 2) = 4.303.
  close(i.high - i.mean, 4.303 / Math.sqrt(3), 1e-3, 'half width');
  close(i.mean - i.low, i.high - i.mean, 1e-12, 'symmetric');
  const ninety = meanInterval([1, 2, 3], 0.9);
  close(ninety.high - 2, 2.92 / Math.sqrt(3), 1e-3, '90 %');
  assert.deepEqual(meanInterval([4.5]), { mean: 4.5, low: 4.5, high: 4.5, n: 1 });
  assert.ok(Number.isNaN(meanInterval([1, Number.NaN]).low));
  assert.throws(() => meanInterval([]), /at least one value/);
  assert.throws(() => meanInterval([1, 2], 95), /not between 0 and 1/);
});
