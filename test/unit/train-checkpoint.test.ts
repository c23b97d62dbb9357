import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { parseSafetensors } from '../../src/engine/functional/safetensors';
import { checkpointWeights } from '../../src/engine/functional/weights';
import { shapeFromHuggingFace } from '../../src/engine/model/huggingface';
import { loadGpt2Checkpoint, saveGpt2Checkpoint } from '../../src/engine/train/checkpoint';
import { gpt2Shape } from '../../src/engine/train/gpt2Params';
import { initialGpt2Weights } from '../../src/engine/train/trainer';

const shape = gpt2Shape({ name: 'tiny', layers: 2, dModel: 8, heads: 2, dFf: 20, vocab: 9, context: 5 });

describe('GPT-2 safetensors checkpoints', () => {
  it("are read back by the functional simulator's checkpointWeights with every tensor equal", () => {
    const w = initialGpt2Weights(shape, 4);
    const bytes = saveGpt2Checkpoint(w, shape, { note: 'ünïcode ok' });
    const file = parseSafetensors(bytes);
    assert.equal(file.metadata.note, 'ünïcode ok');
    assert.equal(file.metadata.n_head, '2');
    assert.deepEqual(file.tensors.get('h.1.attn.c_attn.weight')!.shape, [8, 24]);
    assert.deepEqual(file.tensors.get('h.0.mlp.c_fc.weight')!.shape, [8, 20]);
    const back = checkpointWeights(file, shape, shape.layers, shape.vocab, shape.context);
    assert.deepEqual(back.embedding, w.embedding);
    assert.deepEqual(back.positions, w.positions);
    assert.deepEqual(back.lmHead.w, w.lmHead.w);
    for (let b = 0; b < shape.layers; b++) {
      for (const key of ['q', 'k', 'v', 'o', 'up', 'down'] as const) {
        assert.deepEqual(back.blocks[b][key].w, w.blocks[b][key].w, `${b}.${key}`);
        assert.deepEqual(back.blocks[b][key].bias, w.blocks[b][key].bias, `${b}.${key} bias`);
      }
    }
  });

  it('load with the shape taken from the file, and keep extra float32 tensors', () => {
    const w = initialGpt2Weights(shape, 5);
    const extra = [{ name: 'aimc.scalers', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }];
    const loaded = loadGpt2Checkpoint(saveGpt2Checkpoint(w, shape, {}, extra));
    assert.equal(loaded.shape.layers, 2);
    assert.equal(loaded.shape.heads, 2);
    assert.equal(loaded.shape.dFf, 20);
    assert.equal(loaded.shape.vocab, 9);
    assert.equal(loaded.shape.context, 5);
    assert.deepEqual(loaded.weights.blocks[1].down.w, w.blocks[1].down.w);
    assert.equal(loaded.extra.length, 1);
    assert.equal(loaded.extra[0].name, 'aimc.scalers');
    assert.deepEqual(Array.from(loaded.extra[0].data), [1, 2, 3, 4, 5, 6]);
  });

  it('refuse an extra tensor whose values do not fill its shape', () => {
    const w = initialGpt2Weights(shape, 5);
    assert.throws(
      () => saveGpt2Checkpoint(w, shape, {}, [{ name: 'x', shape: [4], data: new Float32Array(3) }]),
      RangeError,
    );
  });

  it('ship with a config.json that the Hugging Face importer reads as the same shape', () => {
    const dir = new URL('../../examples/kjv-char/', import.meta.url);
    const parsed = shapeFromHuggingFace(readFileSync(new URL('config.json', dir), 'utf8'));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    const loaded = loadGpt2Checkpoint(readFileSync(new URL('model.safetensors', dir)));
    for (const key of ['layers', 'dModel', 'heads', 'dFf', 'vocab', 'context'] as const) {
      assert.equal(loaded.shape[key], parsed.shape[key], key);
    }
  });
});
