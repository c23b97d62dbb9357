import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyzeConfig,
  analyzeDesign,
  InvalidDesignError,
  loadDesign,
  readerOverFiles,
  requireDesign,
  type DesignFileReader,
} from '../../src/engine';

const HF = JSON.stringify({ model_type: 'gpt2', n_layer: 3, n_embd: 64, n_head: 4, vocab_size: 100, n_positions: 128 });

/** A reader that counts what it was asked for. */
function countingReader(files: Record<string, string | Uint8Array>): DesignFileReader & { asked: string[] } {
  const inner = readerOverFiles(files);
  const asked: string[] = [];
  return {
    asked,
    readText: (p) => {
      asked.push(`text:${p}`);
      return inner.readText(p);
    },
    readBytes: (p) => {
      asked.push(`bytes:${p}`);
      return inner.readBytes(p);
    },
  };
}

test('every file a config names is read once, in one pass, and kept for the worker', async () => {
  const text = 'version: 1\nmodel:\n  huggingface: hf/config.json\nfunctional:\n  checkpoint: w.safetensors\n';
  // The smallest safetensors file: an 8-byte header length, then the header `{}`.
  const bytes = new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d]);
  const reader = countingReader({ 'hf/config.json': HF, 'w.safetensors': bytes });
  const loaded = await loadDesign(text, reader, { withCheckpoint: true });
  assert.deepEqual(reader.asked.sort(), ['bytes:w.safetensors', 'text:hf/config.json']);
  assert.equal(loaded.design?.shape.layers, 3);
  assert.deepEqual(Object.keys(loaded.files).sort(), ['hf/config.json', 'w.safetensors']);
  assert.equal(loaded.files['w.safetensors'], bytes);
  // Without withCheckpoint, the checkpoint is not read.
  const costOnly = countingReader({ 'hf/config.json': HF });
  await loadDesign(text, costOnly);
  assert.deepEqual(costOnly.asked, ['text:hf/config.json']);
});

test('an unreadable checkpoint is a positioned error that says why', async () => {
  const text = 'version: 1\nmodel: { preset: gpt2 }\nfunctional:\n  checkpoint: missing.safetensors\n';
  const reader: DesignFileReader = {
    readText: async () => undefined,
    readBytes: () => Promise.reject(Object.assign(new Error('no such file'), { code: 'ENOENT' })),
  };
  const loaded = await loadDesign(text, reader, { withCheckpoint: true });
  const error = loaded.diagnostics.find((d) => d.code === 'checkpoint-unreadable');
  assert.ok(error);
  assert.equal(error.range.start.line, 3);
  assert.match(error.message, /missing\.safetensors.*ENOENT/);
  assert.throws(
    () => requireDesign(loaded),
    (e: unknown) => e instanceof InvalidDesignError && e.diagnostics.length === 1,
  );
});

test('overrides apply to the parsed config, and their diagnostics point into the text as written', async () => {
  const text = 'version: 1\nmodel: { preset: gpt2 }\nweights:\n  adc: { bits: 8 }\n';
  const set = await analyzeDesign(text, readerOverFiles({}), { overrides: [{ key: 'weights.adc.bits', value: 4 }] });
  const base = analyzeConfig(text);
  assert.ok(set.result && base.result);
  assert.ok(
    set.result.breakdown.byComponent.adc < base.result.breakdown.byComponent.adc,
    'a 4-bit ADC costs less than an 8-bit one',
  );
  const bad = await analyzeDesign(text, readerOverFiles({}), { overrides: [{ key: 'weights.adc.bits', value: 40 }] });
  const error = bad.diagnostics.find((d) => d.severity === 'error');
  assert.ok(error, 'an out-of-range override is an error');
  assert.equal(error.range.start.line, 3, 'on the line of the overridden key');
  assert.equal(bad.document.text, text, 'the text is not rewritten');
  const baselines = await analyzeDesign(text, readerOverFiles({}), {
    overrides: [{ key: 'baselines', value: ['a100'] }],
  });
  assert.deepEqual(
    baselines.result?.baselines.map((b) => b.id),
    ['a100'],
  );
});

test('a cost figure that overflows is an error diagnostic, not a crash or an Infinity in the result', () => {
  const a = analyzeConfig(
    'version: 1\nmodel: { preset: gpt2 }\ncomponents:\n  adc: { energy_per_conversion_j: 1.0e308 }\n',
  );
  const error = a.diagnostics.find((d) => d.code === 'cost-not-finite');
  assert.ok(error);
  assert.equal(error.range.start.line, 2);
  assert.match(error.message, /adc/);
  assert.equal(a.result, undefined);
});
