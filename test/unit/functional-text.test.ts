/**
 * The functional run on a text: next-token figures for the float and analog models, Monte-Carlo
 * intervals, adapted scalers from the checkpoint, and the diagnostics of a text or tokenizer that
 * cannot be used. The checkpoint is written by the test from seeded weights.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFunctionalSimulation } from '../../src/engine/functional/simulation';
import { resolveFunctionalSettings } from '../../src/engine/functional/settings';
import { bytesFile, openCheckpoint } from '../../src/engine/functional/checkpoint';
import { checkpointWeightsFrom, syntheticWeights } from '../../src/engine/functional/weights';
import { saveGpt2Checkpoint } from '../../src/engine/train/checkpoint';
import { evaluate } from '../../src/engine/train/trainer';
import { softmaxAttentionOp } from '../../src/engine/train/attentionOp';
import { loadTokenizer } from '../../src/engine/text/tokenizer';
import { loadDesign } from '../../src/engine/design/loadDesign';
import { readerOverFiles } from '../../src/engine/design/files';
import { runAccuracy } from '../../src/engine/accuracy';
import { InvalidDesignError } from '../../src/engine/design/errors';
import { tinyDesign, tinyShape, writeSafetensors } from '../fixtures/functional/helpers';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileReaderFor } from '../../src/cli/io';

const shape = tinyShape('gpt2', { layers: 2, vocab: 40, context: 32 });
const TEXT = 'in the beginning god created the heaven and the earth. and the earth was without form, and void; '.repeat(
  4,
);
const VOCAB = ['<unk>', ...[...new Set(TEXT)].sort()];
const TOKENIZER = JSON.stringify({ type: 'char', vocab: VOCAB });

/** Seeded weights with a larger spread than initialisation, so that predictions are not uniform. */
function checkpoint(extra: Record<string, { shape: number[]; data: Float32Array }> = {}): Uint8Array {
  const w = syntheticWeights(shape, shape.layers, shape.vocab, 3, shape.context);
  for (let l = 0; l < shape.layers; l++)
    for (const m of [w.block(l).q, w.block(l).k]) m.w.forEach((x, i) => (m.w[i] = 4 * x));
  w.embedding.forEach((x, i) => (w.embedding[i] = 4 * x));
  return saveGpt2Checkpoint(
    w,
    shape,
    {},
    Object.entries(extra).map(([name, t]) => ({ name, ...t })),
  );
}

function text() {
  const tok = loadTokenizer(TOKENIZER);
  return { ids: tok.encode(TEXT), bos: null, file: 'eval.txt', tokenizer: 'tokenizer.json' };
}

const run = (o: {
  bytes: Uint8Array;
  design?: ReturnType<typeof tinyDesign>;
  seeds?: number;
  nonlinearity?: boolean;
}) =>
  runFunctionalSimulation({
    design: o.design ?? tinyDesign(shape, { attention: { window: 16 } }),
    settings: resolveFunctionalSettings({
      functional: { tokens: 24, samples: 4, seeds: o.seeds ?? 1, checkpoint: 'model.safetensors' },
      nonidealities: { gain_cell: { nonlinearity: o.nonlinearity ?? false } },
    }),
    checkpoint: openCheckpoint('model.safetensors', () => bytesFile(o.bytes)),
    text: text(),
  });

test('the float model scores the text as the training engine does, on the same windows', async () => {
  const bytes = checkpoint();
  const r = await run({
    bytes,
    design: tinyDesign(shape, {
      weights: { implementation: 'digital' },
      attention: { implementation: 'digital', window: 16 },
    }),
  });
  assert.ok(r.task.text);
  assert.equal(r.task.floatSoftmax.tokens, 4 * 24);
  // The same 4 windows of 24 tokens, each predicting the token after each position.
  const ids = text().ids;
  const windows = Array.from({ length: 4 }, (_, s) => ids.slice(s * 24, s * 24 + 25));
  const reference = evaluate(openCheckpointWeights(bytes), shape, softmaxAttentionOp(16), windows);
  assert.ok(
    Math.abs(r.task.floatSoftmax.perplexity - reference.perplexity) < 1e-3 * reference.perplexity,
    `${r.task.floatSoftmax.perplexity} vs ${reference.perplexity}`,
  );
  // Not the uniform prediction of an untrained model (perplexity = vocabulary).
  assert.ok(Math.abs(r.task.floatSoftmax.perplexity - shape.vocab) > 1, String(r.task.floatSoftmax.perplexity));
  assert.ok(Math.abs(r.task.floatSoftmax.bitsPerToken - Math.log2(r.task.floatSoftmax.perplexity)) < 1e-9);
  // An all-digital design computes the float model: same predictions, no divergence.
  assert.equal(r.task.analog.perplexity.mean, r.task.floatSoftmax.perplexity);
  assert.equal(r.task.analog.agreement.mean, 1);
  assert.ok(Math.abs(r.task.analog.kl.mean) < 1e-9);
  assert.equal(r.task.floatAlgorithm, null);
});

/** The checkpoint's weights as the functional simulator reads them. */
function openCheckpointWeights(bytes: Uint8Array) {
  return checkpointWeightsFrom(
    openCheckpoint('model.safetensors', () => bytesFile(bytes)),
    shape,
    shape.vocab,
    shape.context,
  );
}

test('a beginning-of-sequence token starts every window, and predicts its first token of text', async () => {
  const bytes = checkpoint();
  const bos = 1; // a stand-in: any id of the vocabulary
  const digital = tinyDesign(shape, {
    weights: { implementation: 'digital' },
    attention: { implementation: 'digital', window: 16 },
  });
  const r = await runFunctionalSimulation({
    design: digital,
    settings: resolveFunctionalSettings({
      functional: { tokens: 24, samples: 4, seeds: 1, checkpoint: 'model.safetensors' },
    }),
    checkpoint: openCheckpoint('model.safetensors', () => bytesFile(bytes)),
    text: { ...text(), bos },
  });
  // Each window: the BOS and 23 tokens of text, predicting those 23 and the token after them.
  const ids = text().ids;
  const windows = Array.from({ length: 4 }, (_, s) => Int32Array.of(bos, ...ids.slice(s * 23, s * 23 + 24)));
  const reference = evaluate(openCheckpointWeights(bytes), shape, softmaxAttentionOp(16), windows);
  assert.equal(r.task.floatSoftmax.tokens, 4 * 24);
  assert.ok(
    Math.abs(r.task.floatSoftmax.perplexity - reference.perplexity) < 1e-3 * reference.perplexity,
    `${r.task.floatSoftmax.perplexity} vs ${reference.perplexity}`,
  );
});

test('unknown characters in the text are counted and named in a warning', async () => {
  const bytes = checkpoint();
  const tok = loadTokenizer(TOKENIZER);
  assert.equal(tok.unk, 0);
  const digital = tinyDesign(shape, {
    weights: { implementation: 'digital' },
    attention: { implementation: 'digital', window: 16 },
  });
  const score = (t: string) =>
    runFunctionalSimulation({
      design: digital,
      settings: resolveFunctionalSettings({
        functional: { tokens: 24, samples: 4, seeds: 1, checkpoint: 'model.safetensors' },
      }),
      checkpoint: openCheckpoint('model.safetensors', () => bytesFile(bytes)),
      text: { ids: tok.encode(t), bos: null, unk: tok.unk, file: 'eval.txt', tokenizer: 'tokenizer.json' },
    });
  assert.ok(!(await score(TEXT)).warnings.some((w) => w.includes('unknown token')));
  // Every 10th character replaced by one the vocabulary lacks.
  const odd = [...TEXT].map((c, i) => (i % 10 === 5 ? '€' : c)).join('');
  const warned = (await score(odd)).warnings.find((w) => w.includes('unknown token'));
  assert.ok(warned);
  assert.match(warned, /^10 of the 96 tokens scored \(10\.4 %\)/);
});

test('Monte-Carlo runs draw their own noise and report a mean inside its 95 % interval', async () => {
  const r = await run({ bytes: checkpoint(), seeds: 3 });
  const a = r.task.analog;
  assert.equal(r.seeds, 3);
  assert.equal(a.runs.length, 3);
  assert.equal(a.perplexity.n, 3);
  assert.ok(new Set(a.runs.map((x) => x.perplexity)).size === 3, 'each run has its own noise');
  for (const i of [a.perplexity, a.kl, a.bitsPerToken]) assert.ok(i.low < i.mean && i.mean < i.high, JSON.stringify(i));
  assert.ok(a.agreement.low <= a.agreement.mean && a.agreement.mean <= a.agreement.high);
  const mean = a.runs.reduce((s, x) => s + x.perplexity, 0) / 3;
  assert.ok(Math.abs(a.perplexity.mean - mean) < 1e-9);
  assert.ok(r.task.floatAlgorithm, 'HardSigmoid attention: a float algorithm model of its own');
  // The first run is the configured seed's: the same as a one-run result.
  const one = await run({ bytes: checkpoint(), seeds: 1 });
  assert.equal(one.task.analog.runs[0].perplexity, a.runs[0].perplexity);
});

test("a checkpoint's adapted gain-cell scalers replace the calibrated ones", async () => {
  const plain = await run({ bytes: checkpoint(), nonlinearity: true });
  assert.ok(
    plain.warnings.some((w) => w.includes('aimc adapt')),
    'an unadapted model is warned about',
  );
  const scalers = (l: number) => ({
    shape: [shape.heads, 5],
    data: Float32Array.from({ length: shape.heads * 5 }, (_, i) => [0.05, 0.5, 0.02, 0.03, 2 + l][i % 5]),
  });
  const adapted = await run({
    bytes: checkpoint({
      'transformer.h.0.attn.aimc_scalers': scalers(0),
      'transformer.h.1.attn.aimc_scalers': scalers(1),
    }),
    nonlinearity: true,
  });
  assert.notEqual(adapted.task.floatAlgorithm!.perplexity, plain.task.floatAlgorithm!.perplexity);
  assert.equal(plain.task.floatSoftmax.perplexity, adapted.task.floatSoftmax.perplexity);
  assert.ok(!adapted.warnings.some((w) => w.includes('aimc adapt')));
});

const CONFIG = (functional: string) => `version: 1
model:
  huggingface: model/config.json
weights: { device: pcm, array: { rows: 16, cols: 16 } }
attention: { implementation: gain-cell, window: 16 }
functional:
  checkpoint: model
  tokens: 24
  samples: 4
  seeds: 1
${functional}`;

const HF_CONFIG = JSON.stringify({
  model_type: 'gpt2',
  n_layer: shape.layers,
  n_embd: shape.dModel,
  n_head: shape.heads,
  n_inner: shape.dFf,
  vocab_size: shape.vocab,
  n_positions: shape.context,
});

const files = (over: Record<string, string | Uint8Array> = {}) =>
  readerOverFiles({
    'model/config.json': HF_CONFIG,
    'model/model.safetensors': checkpoint(),
    'model/tokenizer.json': TOKENIZER,
    'eval.txt': TEXT,
    ...over,
  });

test('a model folder gives the checkpoint and the tokenizer; the text is read and scored', async () => {
  const loaded = await loadDesign(CONFIG('  text: eval.txt'), files(), { withCheckpoint: true });
  assert.deepEqual(
    loaded.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const r = await runAccuracy(loaded);
  assert.equal(r.task.text?.tokenizer, 'model/tokenizer.json');
  // The 4 windows of 24 tokens and the token after the last: what the run read of the text.
  assert.equal(r.task.text?.tokens, 4 * 24 + 1);
  assert.ok(Number.isFinite(r.task.analog.perplexity.mean));
});

test('a text too short, a missing tokenizer and a tokenizer of another model are positioned errors', async () => {
  const short = await loadDesign(CONFIG('  text: eval.txt'), files({ 'eval.txt': 'too short' }), {
    withCheckpoint: true,
  });
  await assert.rejects(runAccuracy(short), (e: unknown) => {
    assert.ok(e instanceof InvalidDesignError);
    const d = e.diagnostics[0];
    assert.equal(d.code, 'text-unusable');
    assert.match(d.message, /the text has 9 tokens/);
    assert.equal(d.range.start.line, 10);
    return true;
  });

  const noTokenizer = await loadDesign(
    CONFIG('  text: eval.txt'),
    readerOverFiles({ 'model/config.json': HF_CONFIG, 'model/model.safetensors': checkpoint(), 'eval.txt': TEXT }),
    { withCheckpoint: true },
  );
  const missing = noTokenizer.diagnostics.find((d) => d.code === 'tokenizer-missing');
  assert.ok(missing, JSON.stringify(noTokenizer.diagnostics));
  assert.match(missing.message, /functional\.tokenizer/);

  const big = JSON.stringify({
    type: 'char',
    vocab: ['<unk>', ...Array.from({ length: 60 }, (_, i) => String.fromCodePoint(0x4e00 + i)), ...VOCAB.slice(1)],
  });
  const other = await loadDesign(CONFIG('  text: eval.txt'), files({ 'model/tokenizer.json': big }), {
    withCheckpoint: true,
  });
  await assert.rejects(runAccuracy(other), /outside the model's vocabulary of 40/);

  const broken = await loadDesign(
    CONFIG('  text: eval.txt\n  tokenizer: tok.json'),
    files({ 'tok.json': '{"model": 3' }),
    {
      withCheckpoint: true,
    },
  );
  const invalid = broken.diagnostics.find((d) => d.code === 'tokenizer-invalid');
  assert.ok(invalid);
  assert.equal(invalid.range.start.line, 11);
});

test('a sharded checkpoint folder on disk is streamed tensor by tensor and scores as the one-file checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aimc-shards-'));
  try {
    const one = checkpoint();
    const tensors = openCheckpoint('model.safetensors', () => bytesFile(one));
    const names = tensors.names().sort();
    const half = Math.ceil(names.length / 2);
    const shards = [names.slice(0, half), names.slice(half)];
    const weightMap: Record<string, string> = {};
    mkdirSync(join(dir, 'model'));
    shards.forEach((part, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      const content: Parameters<typeof writeSafetensors>[0] = {};
      for (const n of part) {
        content[n] = { dtype: 'F32', shape: [...tensors.info(n)!.shape], data: tensors.read(n) };
        weightMap[n] = file;
      }
      writeFileSync(join(dir, 'model', file), writeSafetensors(content));
    });
    writeFileSync(join(dir, 'model', 'model.safetensors.index.json'), JSON.stringify({ weight_map: weightMap }));
    writeFileSync(join(dir, 'model', 'config.json'), HF_CONFIG);
    writeFileSync(join(dir, 'model', 'tokenizer.json'), TOKENIZER);
    writeFileSync(join(dir, 'eval.txt'), TEXT);
    const config = join(dir, 'design.aimc.yaml');
    writeFileSync(config, CONFIG('  text: eval.txt'));

    const streamed = await loadDesign(CONFIG('  text: eval.txt'), fileReaderFor(config), { withCheckpoint: 'stream' });
    assert.deepEqual(streamed.files['model/model-00001-of-00002.safetensors'], undefined, 'shards are not read whole');
    const fromShards = await runAccuracy(streamed);
    const fromFile = await runAccuracy(await loadDesign(CONFIG('  text: eval.txt'), files(), { withCheckpoint: true }));
    assert.equal(fromShards.task.floatSoftmax.perplexity, fromFile.task.floatSoftmax.perplexity);
    assert.equal(fromShards.task.analog.perplexity.mean, fromFile.task.analog.perplexity.mean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
