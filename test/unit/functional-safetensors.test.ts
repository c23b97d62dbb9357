import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  halfToFloat,
  mergeSafetensors,
  parseSafetensors,
  parseSafetensorsHeader,
  safetensorsHeaderLength,
  SafetensorsError,
} from '../../src/engine/functional/safetensors';
import { checkpointFamily, checkpointWeights } from '../../src/engine/functional/weights';
import { Rng } from '../../src/engine/functional/rng';
import { tinyShape, writeSafetensors } from '../fixtures/functional/helpers';

test('F32, F16 and BF16 tensors read back as float32, at any alignment', () => {
  const values = [0, 1, -2.5, 0.1, 65504, -1e-3, 3.14159];
  for (const pad of [0, 1, 3]) {
    const bytes = writeSafetensors(
      {
        a: { dtype: 'F32', shape: [7], data: values },
        b: { dtype: 'F16', shape: [7, 1], data: values },
        c: { dtype: 'BF16', shape: [1, 7], data: values },
      },
      { format: 'pt' },
      pad,
    );
    const f = parseSafetensors(bytes.buffer);
    assert.deepEqual(f.metadata, { format: 'pt' });
    assert.deepEqual(f.tensors.get('b')?.shape, [7, 1]);
    assert.deepEqual([...f.read('a')], values.map(Math.fround));
    f.read('b').forEach((v, i) =>
      assert.ok(Math.abs(v - values[i]) <= Math.abs(values[i]) * 2 ** -11 + 1e-7, `F16 ${v} vs ${values[i]}`),
    );
    // The test writer truncates to BF16 (7 stored mantissa bits), so the bound is one BF16 step.
    f.read('c').forEach((v, i) =>
      assert.ok(Math.abs(v - values[i]) <= Math.abs(values[i]) * 2 ** -7, `BF16 ${v} vs ${values[i]}`),
    );
    assert.deepEqual([...f.read('a', 2)], [0, 1]);
  }
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0xfc00), -Infinity);
});

test('malformed files are refused with a reason', () => {
  const good = writeSafetensors({ a: { dtype: 'F32', shape: [2], data: [1, 2] } });
  assert.throws(() => parseSafetensors(good.subarray(0, 5)), SafetensorsError);
  assert.throws(() => parseSafetensors(good.subarray(0, good.length - 1)), /data ends past the file/);
  const badJson = good.slice();
  badJson[8] = 0x7b + 1;
  assert.throws(() => parseSafetensors(badJson), /not valid UTF-8 JSON/);
  const wrongSize = writeSafetensors({ a: { dtype: 'F32', shape: [3], data: [1, 2] } });
  assert.throws(() => parseSafetensors(wrongSize), /needs 12 bytes/);
  const ints = new TextEncoder().encode(JSON.stringify({ i: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }));
  const file = new Uint8Array(8 + ints.length + 4);
  new DataView(file.buffer).setUint32(0, ints.length, true);
  file.set(ints, 8);
  assert.throws(() => parseSafetensors(file).read('i'), /not a float type/);
  assert.throws(() => parseSafetensors(good).read('zz'), /no tensor/);
});

test('a header is checked from its first bytes and the file size alone, without the data', () => {
  const bytes = writeSafetensors({
    a: { dtype: 'F32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
    b: { dtype: 'BF16', shape: [5], data: [1, 2, 3, 4, 5] },
  });
  const n = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.length);
  const header = parseSafetensorsHeader(bytes.slice(8, 8 + n), bytes.length);
  assert.equal(header.dataStart, 8 + n);
  assert.deepEqual(
    [...header.tensors.values()].map((t) => [t.name, t.begin - header.dataStart, t.end - header.dataStart]),
    [
      ['a', 0, 24],
      ['b', 24, 34],
    ],
  );
  // The same header in a file that is 1 byte shorter: the last tensor runs past its end.
  assert.throws(
    () => parseSafetensorsHeader(bytes.slice(8, 8 + n), bytes.length - 1),
    /tensor "b": data ends past the file/,
  );
  assert.throws(() => safetensorsHeaderLength(bytes.subarray(0, 8), 8 + n - 1), /runs past the end of the file/);
  assert.throws(() => safetensorsHeaderLength(bytes.subarray(0, 4), bytes.length), /too short/);
  const huge = new Uint8Array(8);
  new DataView(huge.buffer).setUint32(4, 1, true);
  assert.throws(() => safetensorsHeaderLength(huge, 2 ** 40), /over the 16 MiB limit/);
});

test('sharded files merge, and a name in two shards is an error', () => {
  const a = parseSafetensors(writeSafetensors({ x: { dtype: 'F32', shape: [1], data: [1] } }));
  const b = parseSafetensors(writeSafetensors({ y: { dtype: 'F32', shape: [1], data: [2] } }));
  const m = mergeSafetensors([a, b]);
  assert.deepEqual([...m.read('y')], [2]);
  assert.throws(() => mergeSafetensors([a, a]), /more than one file/);
});

function randomTensor(r: Rng, shape: number[]) {
  return {
    dtype: 'F32' as const,
    shape,
    data: r.normals(
      shape.reduce((x, y) => x * y, 1),
      0.02,
    ),
  };
}

test('GPT-2 names load: fused c_attn splits into q, k, v; Conv1D weights stay in × out', () => {
  const shape = tinyShape('gpt2', { layers: 1 });
  const d = shape.dModel;
  const r = new Rng(1);
  const t = {
    'wte.weight': randomTensor(r, [shape.vocab, d]),
    'wpe.weight': randomTensor(r, [shape.context, d]),
    'h.0.ln_1.weight': randomTensor(r, [d]),
    'h.0.ln_1.bias': randomTensor(r, [d]),
    'h.0.attn.c_attn.weight': randomTensor(r, [d, 3 * d]),
    'h.0.attn.c_attn.bias': randomTensor(r, [3 * d]),
    'h.0.attn.c_proj.weight': randomTensor(r, [d, d]),
    'h.0.attn.c_proj.bias': randomTensor(r, [d]),
    'h.0.ln_2.weight': randomTensor(r, [d]),
    'h.0.ln_2.bias': randomTensor(r, [d]),
    'h.0.mlp.c_fc.weight': randomTensor(r, [d, shape.dFf]),
    'h.0.mlp.c_fc.bias': randomTensor(r, [shape.dFf]),
    'h.0.mlp.c_proj.weight': randomTensor(r, [shape.dFf, d]),
    'h.0.mlp.c_proj.bias': randomTensor(r, [d]),
    'ln_f.weight': randomTensor(r, [d]),
    'ln_f.bias': randomTensor(r, [d]),
  };
  const file = parseSafetensors(writeSafetensors(t));
  assert.equal(checkpointFamily(file), 'gpt2');
  const m = checkpointWeights(file, shape, 1, 20);
  const qkv = t['h.0.attn.c_attn.weight'].data;
  // k_proj[row 3, col 5] is c_attn[3, d + 5].
  assert.equal(m.blocks[0].k.w[3 * d + 5], Math.fround(qkv[3 * 3 * d + d + 5]));
  assert.equal(m.blocks[0].v.bias![2], Math.fround(t['h.0.attn.c_attn.bias'].data[2 * d + 2]));
  assert.equal(m.embedding.length, 20 * d);
  // Tied LM head: lm_head[c, token] = wte[token, c].
  assert.equal(m.lmHead.w[7 * 20 + 4], Math.fround(t['wte.weight'].data[4 * d + 7]));
  const broken = { ...t, 'h.0.mlp.c_fc.weight': randomTensor(r, [d, shape.dFf + 1]) };
  assert.throws(
    () => checkpointWeights(parseSafetensors(writeSafetensors(broken)), shape, 1, 20),
    /has shape \[32, 65\], the model config needs \[32, 64\]/,
  );
  assert.throws(
    () => checkpointWeights(file, tinyShape('llama'), 1, 20),
    /GPT-2 tensor names but the model config is llama/,
  );
});

test('Llama names load: nn.Linear weights are transposed to in × out', () => {
  const shape = tinyShape('llama', { layers: 1 });
  const d = shape.dModel;
  const kv = shape.kvHeads * shape.headDim;
  const r = new Rng(2);
  const p = 'model.layers.0.';
  const t = {
    'model.embed_tokens.weight': randomTensor(r, [shape.vocab, d]),
    [`${p}input_layernorm.weight`]: randomTensor(r, [d]),
    [`${p}self_attn.q_proj.weight`]: randomTensor(r, [d, d]),
    [`${p}self_attn.k_proj.weight`]: randomTensor(r, [kv, d]),
    [`${p}self_attn.v_proj.weight`]: randomTensor(r, [kv, d]),
    [`${p}self_attn.o_proj.weight`]: randomTensor(r, [d, d]),
    [`${p}post_attention_layernorm.weight`]: randomTensor(r, [d]),
    [`${p}mlp.gate_proj.weight`]: randomTensor(r, [shape.dFf, d]),
    [`${p}mlp.up_proj.weight`]: randomTensor(r, [shape.dFf, d]),
    [`${p}mlp.down_proj.weight`]: randomTensor(r, [d, shape.dFf]),
    'model.norm.weight': randomTensor(r, [d]),
    'lm_head.weight': randomTensor(r, [shape.vocab, d]),
  };
  const m = checkpointWeights(parseSafetensors(writeSafetensors(t)), shape, 1, shape.vocab);
  // k_proj is [out, in] on file: W_in×out[3, 5] = file[5, 3].
  assert.equal(m.blocks[0].k.w[3 * kv + 5], Math.fround(t[`${p}self_attn.k_proj.weight`].data[5 * d + 3]));
  assert.equal(m.blocks[0].k.outFeatures, kv);
  assert.equal(m.lmHead.w[2 * shape.vocab + 9], Math.fround(t['lm_head.weight'].data[9 * d + 2]));
  assert.equal(m.blocks[0].q.bias, null);
});
