import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bytesFile,
  checkCheckpoint,
  CheckpointError,
  openCheckpoint,
  type OpenFile,
  type RandomAccessFile,
} from '../../src/engine/functional/checkpoint';
import { parseSafetensors, SafetensorsError } from '../../src/engine/functional/safetensors';
import { checkpointWeights, checkpointWeightsFrom, syntheticWeights } from '../../src/engine/functional/weights';
import { Rng } from '../../src/engine/functional/rng';
import { openCheckpointFolder } from '../../src/cli/checkpointFile';
import { tinyShape, writeSafetensors } from '../fixtures/functional/helpers';

type Tensors = Record<string, { dtype: 'F32' | 'F16' | 'BF16'; shape: number[]; data: Float32Array }>;

function randomTensor(r: Rng, shape: number[], dtype: 'F32' | 'F16' | 'BF16' = 'F32') {
  return {
    dtype,
    shape,
    data: r.normals(
      shape.reduce((x, y) => x * y, 1),
      0.02,
    ),
  };
}

/** A RandomAccessFile that counts what is read through it. */
function counting(file: RandomAccessFile): RandomAccessFile & { bytesRead: number; reads: number } {
  const c = {
    size: file.size,
    bytesRead: 0,
    reads: 0,
    read(offset: number, length: number) {
      c.bytesRead += length;
      c.reads++;
      return file.read(offset, length);
    },
  };
  return c;
}

/** An OpenFile over files held in memory, counting opens and bytes read per file. */
function memoryFolder(files: Record<string, Uint8Array>) {
  const opened = new Map<string, ReturnType<typeof counting>>();
  const open: OpenFile = (p) => {
    const bytes = files[p];
    if (bytes === undefined) throw new Error('no such file');
    const f = counting(bytesFile(bytes));
    opened.set(p, f);
    return f;
  };
  return { open, opened };
}

function indexJson(weightMap: Record<string, string>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
}

/** A tiny GPT-2 checkpoint's tensors (two layers; layer 1 with adapted gain-cell scalers). */
function gpt2Tensors(r: Rng) {
  const shape = tinyShape('gpt2', { layers: 2 });
  const d = shape.dModel;
  const f = shape.dFf;
  const t: Tensors = {
    'wte.weight': randomTensor(r, [shape.vocab, d]),
    'wpe.weight': randomTensor(r, [shape.context, d]),
    'ln_f.weight': randomTensor(r, [d]),
    'ln_f.bias': randomTensor(r, [d]),
  };
  for (let l = 0; l < 2; l++) {
    const p = `h.${l}.`;
    Object.assign(t, {
      [`${p}ln_1.weight`]: randomTensor(r, [d]),
      [`${p}ln_1.bias`]: randomTensor(r, [d]),
      [`${p}attn.c_attn.weight`]: randomTensor(r, [d, 3 * d], 'F16'),
      [`${p}attn.c_attn.bias`]: randomTensor(r, [3 * d]),
      [`${p}attn.c_proj.weight`]: randomTensor(r, [d, d], 'BF16'),
      [`${p}attn.c_proj.bias`]: randomTensor(r, [d]),
      [`${p}ln_2.weight`]: randomTensor(r, [d]),
      [`${p}ln_2.bias`]: randomTensor(r, [d]),
      [`${p}mlp.c_fc.weight`]: randomTensor(r, [d, f]),
      [`${p}mlp.c_fc.bias`]: randomTensor(r, [f]),
      [`${p}mlp.c_proj.weight`]: randomTensor(r, [f, d]),
      [`${p}mlp.c_proj.bias`]: randomTensor(r, [d]),
    });
  }
  t['h.1.attn.aimc_scalers'] = { dtype: 'F32', shape: [shape.heads, 5], data: r.normals(shape.heads * 5, 1) };
  return { shape, t };
}

/** Splits tensors into two shards: names matching `second` go to the second. */
function shard(t: Tensors, second: (name: string) => boolean) {
  const a: Tensors = {};
  const b: Tensors = {};
  const map: Record<string, string> = {};
  for (const [name, v] of Object.entries(t)) {
    (second(name) ? b : a)[name] = v;
    map[name] = second(name) ? 'model-00002-of-00002.safetensors' : 'model-00001-of-00002.safetensors';
  }
  return {
    'model.safetensors.index.json': indexJson(map),
    'model-00001-of-00002.safetensors': writeSafetensors(a),
    'model-00002-of-00002.safetensors': writeSafetensors(b),
  };
}

test('reading one tensor reads its byte range only, after the header', () => {
  const r = new Rng(3);
  const big = randomTensor(r, [256, 64]);
  const small = randomTensor(r, [4, 3], 'F16');
  const bytes = writeSafetensors({ big, small, other: randomTensor(r, [128, 32], 'BF16') });
  const file = counting(bytesFile(bytes));
  const c = openCheckpoint('model.safetensors', () => file);
  const headerBytes = file.bytesRead;
  assert.ok(headerBytes < 400, `opening reads the header only (${headerBytes} of ${bytes.length} bytes)`);
  assert.deepEqual(c.names(), ['big', 'small', 'other']);
  assert.deepEqual(c.info('small'), { dtype: 'F16', shape: [4, 3] });
  assert.equal(c.info('nothing'), undefined);
  const values = c.read('small');
  assert.equal(file.bytesRead - headerBytes, 4 * 3 * 2, 'a 4 × 3 F16 tensor is 24 bytes');
  values.forEach((v, i) => assert.ok(Math.abs(v - small.data[i]) <= Math.abs(small.data[i]) * 2 ** -11 + 1e-8));
  const before = file.bytesRead;
  const rows = c.readRows('big', 10, 2);
  assert.equal(file.bytesRead - before, 2 * 64 * 4);
  assert.deepEqual([...rows], [...big.data.slice(10 * 64, 12 * 64)].map(Math.fround));
  assert.ok(file.bytesRead < bytes.length / 2, 'the whole file was never read');
  assert.throws(() => c.read('nothing'), /no tensor "nothing"/);
  assert.throws(() => c.readRows('big', 255, 2), /has 256 rows; rows 255 to 257/);
});

test('a sharded checkpoint on disk: the index maps tensors to shards, opened when first needed', () => {
  const r = new Rng(4);
  const { shape, t } = gpt2Tensors(r);
  const files = shard(t, (n) => n.startsWith('h.1.') || n.startsWith('ln_f'));
  const dir = mkdtempSync(join(tmpdir(), 'aimc-checkpoint-'));
  const folder = openCheckpointFolder(dir);
  try {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const opened: string[] = [];
    const c = openCheckpoint('model.safetensors.index.json', (p) => {
      opened.push(p);
      return folder.open(p);
    });
    assert.deepEqual(opened, ['model.safetensors.index.json'], 'only the index is read on opening');
    assert.equal(c.names().length, Object.keys(t).length);
    assert.equal(c.fileOf('h.1.mlp.c_fc.weight'), 'model-00002-of-00002.safetensors');
    assert.deepEqual([...c.read('h.1.mlp.c_fc.bias')], [...t['h.1.mlp.c_fc.bias'].data].map(Math.fround));
    assert.deepEqual(opened, ['model.safetensors.index.json', 'model-00002-of-00002.safetensors']);
    const shard2 = folder.open('model-00002-of-00002.safetensors');
    const before = shard2.bytesRead;
    c.read('h.1.mlp.c_proj.bias');
    assert.equal(shard2.bytesRead - before, shape.dModel * 4, 'the header is cached; only the tensor is read');

    // The model, block by block, is the model read from one merged file.
    const model = checkpointWeightsFrom(c, shape, shape.vocab, 8);
    const merged = checkpointWeights(parseSafetensors(writeSafetensors(t)), shape, 2, shape.vocab, 8);
    for (const l of [1, 0]) {
      const a = model.block(l);
      const b = merged.blocks[l];
      for (const k of ['q', 'k', 'v', 'o', 'up', 'down'] as const) {
        assert.deepEqual(a[k].w, b[k].w, `block ${l} ${k}`);
        assert.deepEqual(a[k].bias, b[k].bias, `block ${l} ${k} bias`);
      }
      assert.deepEqual(a.norm2, b.norm2);
    }
    assert.equal(model.block(0).scalers, null);
    assert.deepEqual([...model.block(1).scalers!], [...t['h.1.attn.aimc_scalers'].data].map(Math.fround));
    assert.equal(model.layers, 2);
    assert.throws(() => model.block(2), /blocks 0 to 1/);
  } finally {
    folder.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('blocks are read when asked for, not when the checkpoint is opened', () => {
  const { shape, t } = gpt2Tensors(new Rng(5));
  const bytes = writeSafetensors(t);
  const file = counting(bytesFile(bytes));
  const model = checkpointWeightsFrom(
    openCheckpoint('model.safetensors', () => file),
    shape,
    shape.vocab,
    8,
  );
  const blockBytes = (l: number) =>
    Object.entries(t)
      .filter(([n]) => n.startsWith(`h.${l}.`))
      .reduce((s, [, v]) => s + v.data.length * (v.dtype === 'F32' ? 4 : 2), 0);
  const opened = file.bytesRead;
  assert.ok(opened < bytes.length - blockBytes(0) - blockBytes(1), 'no block is read on opening');
  model.block(1);
  assert.equal(file.bytesRead - opened, blockBytes(1), 'block 1 reads its own tensors, once each');
  model.block(1);
  assert.equal(file.bytesRead - opened, blockBytes(1), 'asked again, the block is not read again');
});

test('GPT-2 ties the LM head to the embedding: rows and columns of one table', () => {
  const { shape, t } = gpt2Tensors(new Rng(6));
  const c = openCheckpoint('m.safetensors', () => bytesFile(writeSafetensors(t)));
  const model = checkpointWeightsFrom(c, shape, shape.vocab, 8);
  const d = shape.dModel;
  const wte = t['wte.weight'].data;
  const rows = model.embeddingRows([7, 0, 7]);
  assert.deepEqual([...rows.subarray(0, d)], [...wte.slice(7 * d, 8 * d)].map(Math.fround));
  assert.deepEqual([...rows.subarray(2 * d)], [...rows.subarray(0, d)]);
  // lm_head[c, token] = wte[token, c].
  assert.equal(model.lmHead.w[5 * shape.vocab + 9], Math.fround(wte[9 * d + 5]));
  assert.equal(model.lmHead.outFeatures, shape.vocab);
  assert.deepEqual(model.embedding.subarray(3 * d, 4 * d), Float32Array.from(wte.slice(3 * d, 4 * d)));
  assert.equal(model.positions!.length, 8 * d);
  assert.throws(() => model.embeddingRows([shape.vocab]), /outside the 50 vocabulary rows/);
});

test('Llama names in two shards: the LM head is the whole vocabulary, transposed', () => {
  const shape = tinyShape('llama', { layers: 1 });
  const d = shape.dModel;
  const kv = shape.kvHeads * shape.headDim;
  const r = new Rng(7);
  const p = 'model.layers.0.';
  const t: Tensors = {
    'model.embed_tokens.weight': randomTensor(r, [shape.vocab, d], 'BF16'),
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
  const { open } = memoryFolder(shard(t, (n) => n === 'lm_head.weight' || n.includes('mlp')));
  const model = checkpointWeightsFrom(openCheckpoint('model.safetensors.index.json', open), shape, shape.vocab);
  const head = t['lm_head.weight'].data;
  for (const [c, token] of [
    [0, 0],
    [2, 9],
    [d - 1, shape.vocab - 1],
  ])
    assert.equal(model.lmHead.w[c * shape.vocab + token], Math.fround(head[token * d + c]));
  const gate = t[`${p}mlp.gate_proj.weight`].data;
  assert.equal(model.block(0).gate!.w[3 * shape.dFf + 5], Math.fround(gate[5 * d + 3]));
  const embRow = model.embeddingRows([4]);
  const stored = parseSafetensors(writeSafetensors({ e: t['model.embed_tokens.weight'] })).read('e');
  assert.deepEqual(embRow, stored.slice(4 * d, 5 * d));
  assert.equal(model.block(0).scalers, null);
});

test('broken checkpoints are refused, naming the tensor and the file', () => {
  const { shape, t } = gpt2Tensors(new Rng(8));
  const files = shard(t, (n) => n.startsWith('h.1.'));
  const err = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof SafetensorsError && re.test(e.message), re.source);

  // A shard the index names is missing: the error names the shard (and comes when it is needed).
  const { ['model-00002-of-00002.safetensors']: _gone, ...missing } = files;
  const c = openCheckpoint('model.safetensors.index.json', memoryFolder(missing).open);
  err(() => c.read('h.1.ln_1.bias'), /shard "model-00002-of-00002\.safetensors" cannot be opened: no such file/);
  err(() => checkCheckpoint(c), /model-00002-of-00002/);
  assert.deepEqual([...c.read('h.0.ln_1.bias')].length, shape.dModel, 'the other shard still reads');

  // Paths that leave the checkpoint's folder.
  for (const bad of ['../model.safetensors', '/etc/model.safetensors', 'C:\\model.safetensors', 'a/../../b']) {
    const index = indexJson({ x: bad });
    err(() => openCheckpoint('model.safetensors.index.json', () => bytesFile(index)), /not a plain file name inside/);
  }
  // A shard in a subfolder is fine, relative to the index's own folder.
  const nested = openCheckpoint('ckpt/model.safetensors.index.json', (p) =>
    bytesFile(
      p === 'ckpt/model.safetensors.index.json'
        ? indexJson({ a: 'parts/one.safetensors' })
        : writeSafetensors({ a: { dtype: 'F32', shape: [1], data: [2.5] } }),
    ),
  );
  assert.deepEqual([...nested.read('a')], [2.5]);

  // The index places a tensor in a shard that does not hold it.
  const wrongIndex = {
    ...files,
    'model.safetensors.index.json': indexJson({ 'h.0.ln_1.bias': 'model-00002-of-00002.safetensors' }),
  };
  err(
    () => openCheckpoint('model.safetensors.index.json', memoryFolder(wrongIndex).open).read('h.0.ln_1.bias'),
    /places tensor "h\.0\.ln_1\.bias" in shard "model-00002-of-00002\.safetensors", which does not hold it/,
  );
  err(
    () => openCheckpoint('model.safetensors.index.json', () => bytesFile(new TextEncoder().encode('{"weights": {}}'))),
    /no "weight_map" object/,
  );

  // A truncated file: its header says the data runs past the end.
  const whole = files['model-00001-of-00002.safetensors'];
  err(
    () => openCheckpoint('m.safetensors', () => bytesFile(whole.subarray(0, whole.length - 3))),
    /data ends past the file/,
  );
  // A file whose reads come up short (cut while it is read).
  const lying: RandomAccessFile = {
    size: whole.length,
    read: (offset, length) => {
      if (offset + length > whole.length - 100) throw new Error('unexpected end of file');
      return whole.subarray(offset, offset + length);
    },
  };
  const cut = openCheckpoint('m.safetensors', () => lying);
  const last = cut.names().at(-1)!;
  err(
    () => cut.read(last),
    new RegExp(`tensor "${last.replace(/\./g, '\\.')}" cannot be read: unexpected end of file`),
  );
  assert.ok(new CheckpointError('x') instanceof SafetensorsError);

  // A shape the model config does not have, in a shard: the error names the tensor and the shard.
  const wide = shape.dFf + 1;
  const bent = shard({ ...t, 'h.1.mlp.c_fc.weight': randomTensor(new Rng(1), [shape.dModel, wide]) }, (n) =>
    n.startsWith('h.1.'),
  );
  err(
    () =>
      checkpointWeightsFrom(
        openCheckpoint('model.safetensors.index.json', memoryFolder(bent).open),
        shape,
        shape.vocab,
      ),
    /tensor "h\.1\.mlp\.c_fc\.weight" \(in "model-00002-of-00002\.safetensors"\) has shape \[32, 65\], the model config needs \[32, 64\]/,
  );
  // A tensor the model config needs is missing.
  const { ['h.1.ln_2.bias']: _dropped, ...lacking } = t;
  err(
    () =>
      checkpointWeightsFrom(
        openCheckpoint('m.safetensors', () => bytesFile(writeSafetensors(lacking))),
        shape,
        shape.vocab,
      ),
    /no tensor "h\.1\.ln_2\.bias", which the model config needs/,
  );
  // A dtype the format does not know.
  const json = new TextEncoder().encode(JSON.stringify({ a: { dtype: 'F4', shape: [2], data_offsets: [0, 1] } }));
  const odd = new Uint8Array(8 + json.length + 1);
  new DataView(odd.buffer).setUint32(0, json.length, true);
  odd.set(json, 8);
  err(() => openCheckpoint('m.safetensors', () => bytesFile(odd)), /tensor "a": unknown dtype F4/);
});

test('synthetic weights drawn block by block are the weights drawn before, whatever the order', () => {
  const shape = tinyShape('llama', { layers: 3 });
  const a = syntheticWeights(shape, 3, 20, 11, 8);
  const b = syntheticWeights(shape, 3, 20, 11, 8);
  const later = a.block(2);
  a.block(0);
  assert.deepEqual(a.block(2), later);
  assert.deepEqual(b.blocks[2], later);
  // The stream of each matrix is (seed, "weights/<layer>/<matrix>").
  const { inFeatures, outFeatures } = later.up;
  assert.deepEqual(later.up.w, Rng.derive(11, 'weights/2/up').normals(inFeatures * outFeatures, 0.02));
  assert.equal(later.scalers, null);
  assert.deepEqual(a.embeddingRows([3]), a.embedding.slice(3 * shape.dModel, 4 * shape.dModel));
  assert.throws(() => a.block(3), /blocks 0 to 2/);
});
