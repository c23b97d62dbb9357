import assert from 'node:assert/strict';
import { test } from 'node:test';
import { transferablesIn } from '../../src/shared/protocol';

test('typed arrays that own their buffer are moved, wherever they sit in a result', () => {
  const a = new Float64Array(4);
  const b = new Float32Array(8);
  const found = transferablesIn({
    curves: [{ g: a }],
    nested: { deeper: [[b]] },
    again: a,
    n: 3,
    s: 'x',
    nothing: null,
  });
  assert.deepEqual(new Set(found), new Set([a.buffer, b.buffer]));
  assert.equal(found.length, 2);
});

test('views into a larger or shared buffer are copied, not moved', () => {
  // A view into WebAssembly memory or an arena: moving its buffer would take memory the sender still uses.
  const arena = new ArrayBuffer(64);
  const shared = new Float32Array(new SharedArrayBuffer(16));
  assert.deepEqual(transferablesIn({ part: new Float32Array(arena, 16, 4), shared }), []);
});

test('cycles do not hang the walk', () => {
  const cyclic: Record<string, unknown> = { data: new Uint8Array(2) };
  cyclic.self = cyclic;
  assert.equal(transferablesIn(cyclic).length, 1);
});
