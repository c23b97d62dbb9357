import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countParameters } from '../../src/engine/model/parameters';
import { MODEL_PRESETS, MODEL_PRESET_NAMES } from '../../src/engine/model/presets';
import { shapeFromHuggingFace } from '../../src/engine/model/huggingface';
import { readFileSync } from 'node:fs';

test('every preset has the parameter count of its released checkpoint', () => {
  assert.equal(MODEL_PRESET_NAMES.length, 9);
  for (const name of MODEL_PRESET_NAMES) {
    const p = MODEL_PRESETS[name];
    assert.equal(countParameters(p.shape).total, p.publishedParameters, name);
  }
});

test('published counts are the well-known model sizes', () => {
  const billions = (n: keyof typeof MODEL_PRESETS) => MODEL_PRESETS[n].publishedParameters / 1e9;
  assert.ok(Math.abs(billions('gpt2') - 0.124) < 0.001);
  assert.ok(Math.abs(billions('llama-2-7b') - 6.74) < 0.01);
  assert.ok(Math.abs(billions('llama-2-70b') - 68.98) < 0.01);
  assert.ok(Math.abs(billions('mistral-7b') - 7.24) < 0.01);
  assert.ok(Math.abs(billions('llama-3-8b') - 8.03) < 0.01);
});

test('GPT-2 ties its LM head to the embedding; Llama does not', () => {
  assert.equal(countParameters(MODEL_PRESETS.gpt2.shape).lmHead, 0);
  const llama = countParameters(MODEL_PRESETS['llama-2-7b'].shape);
  assert.equal(llama.lmHead, 32000 * 4096);
});

test('a Llama config.json gives the same shape as the preset', () => {
  const text = readFileSync(new URL('../../examples/hf/llama-3-8b.config.json', import.meta.url), 'utf8');
  const r = shapeFromHuggingFace(text);
  assert.ok(r.ok);
  if (!r.ok) return;
  const p = MODEL_PRESETS['llama-3-8b'].shape;
  for (const k of [
    'layers',
    'dModel',
    'heads',
    'kvHeads',
    'headDim',
    'dFf',
    'ffn',
    'vocab',
    'context',
    'tiedEmbeddings',
  ] as const) {
    assert.equal(r.shape[k], p[k], k);
  }
  assert.equal(countParameters(r.shape).total, 8_030_261_248);
});

test('GPT-2 key names are read, with n_inner defaulting to 4·n_embd', () => {
  const r = shapeFromHuggingFace(
    JSON.stringify({ model_type: 'gpt2', n_layer: 24, n_embd: 1024, n_head: 16, vocab_size: 50257, n_positions: 1024 }),
  );
  assert.ok(r.ok);
  if (r.ok) assert.equal(countParameters(r.shape).total, 354_823_168);
});

test('a config.json missing a key says which', () => {
  const r = shapeFromHuggingFace(JSON.stringify({ model_type: 'llama', hidden_size: 4096 }));
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.message, /num_attention_heads/);
  const bad = shapeFromHuggingFace('{ not json');
  assert.equal(bad.ok, false);
});
