import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricAccumulator, compare, topKOverlap } from '../../src/engine/functional/metrics';

test('a 10 % gain error reads as relative error 0.1, cosine 1 and 20 dB SNR', () => {
  const ref = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i));
  const m = compare(
    ref.map((v) => 1.1 * v),
    ref,
  );
  assert.ok(Math.abs(m.relativeError - 0.1) < 1e-6);
  assert.ok(Math.abs(m.cosineSimilarity - 1) < 1e-9);
  assert.ok(Math.abs(m.snrDb - 20) < 1e-4);
  assert.equal(m.values, 100);
});

test('orthogonal error: cosine follows the angle, SNR follows the power ratio', () => {
  const m = compare([1, 1], [1, 0]);
  assert.ok(Math.abs(m.cosineSimilarity - Math.SQRT1_2) < 1e-12);
  assert.equal(m.snrDb, 0);
  assert.equal(compare([2, 3], [2, 3]).snrDb, Infinity);
});

test('metrics pool sums over everything added', () => {
  const acc = new MetricAccumulator();
  acc.add([1, 0], [1, 0]);
  acc.add([0, 2], [0, 1]);
  // ‖e‖² = 1, ‖r‖² = 2.
  assert.ok(Math.abs(acc.result().relativeError - Math.SQRT1_2) < 1e-12);
});

test('top-k agreement counts shared indices among the k largest', () => {
  assert.equal(topKOverlap([5, 4, 3, 2, 1], [5, 4, 3, 2, 1], 0, 5, 2), 1);
  assert.equal(topKOverlap([5, 4, 3, 2, 1], [1, 2, 3, 4, 5], 0, 5, 2), 0);
  assert.equal(topKOverlap([5, 1, 4, 0], [5, 4, 1, 0], 0, 4, 2), 0.5);
  const acc = new MetricAccumulator();
  // Row 0 agrees, row 1 does not; the window range limits row 1 to its first two entries.
  acc.addTopK([3, 2, 1, 1, 2, 3], [3, 2, 1, 2, 1, 9], 2, 3, 1, (r) => [0, r + 1]);
  assert.equal(acc.result().topKAgreement, 0.5);
});
