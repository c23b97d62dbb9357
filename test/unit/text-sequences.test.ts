import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextTooShortError, tokenWindows } from '../../src/engine/text/sequences';

test('windows are contiguous from the start; each position targets the next token of the stream', () => {
  const stream = Int32Array.from({ length: 11 }, (_, i) => 100 + i);
  const { inputs, targets } = tokenWindows(stream, 3, 3);
  assert.deepEqual(
    inputs.map((w) => [...w]),
    [
      [100, 101, 102],
      [103, 104, 105],
      [106, 107, 108],
    ],
  );
  // The last position of a window targets the first token of the next one; the last window's
  // last position targets the token after it, which the stream still has.
  assert.deepEqual(
    targets.map((w) => [...w]),
    [
      [101, 102, 103],
      [104, 105, 106],
      [107, 108, 109],
    ],
  );
});

test('where the stream ends, the target is −1', () => {
  const { inputs, targets } = tokenWindows([5, 6, 7, 8], 2, 2);
  assert.deepEqual([...inputs[1]], [7, 8]);
  assert.deepEqual([...targets[1]], [8, -1]);
});

test('a text too short says how many tokens it has and how many are needed', () => {
  assert.throws(
    () => tokenWindows(new Int32Array(10), 3, 4),
    (e: unknown) =>
      e instanceof TextTooShortError &&
      e.available === 10 &&
      e.needed === 12 &&
      /has 10 tokens; 3 sample\(s\) × 4 tokens need 12/.test(e.message),
  );
  assert.throws(() => tokenWindows(new Int32Array(10), 0, 4), RangeError);
  assert.throws(() => tokenWindows(new Int32Array(10), 2, 1.5), RangeError);
});
