import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adaptCommand, defaultAdaptedPath, ADAPT_OPTIONS } from '../../src/cli/commands/adapt';
import { commandHelp } from '../../src/cli/commandHelp';
import { Rng } from '../../src/engine/functional/rng';
import { parseSafetensors } from '../../src/engine/functional/safetensors';
import { adaptCheckpoint, adaptSequences } from '../../src/engine/train/adapt';
import { buildCharVocab, charTokenizer, charTokenizerJson } from '../../src/engine/train/charTokenizer';
import { scalersFromTensor, scalerTensorName } from '../../src/engine/train/gainCellOps';
import { createTrainer, gpt2Shape, initialGpt2Weights, saveGpt2Checkpoint } from '../../src/engine/train/index';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Sentences of a tiny grammar: enough structure for a small model to learn in a few hundred steps. */
function corpus(chars: number, seed: number): string {
  const rng = new Rng(seed);
  const subjects = ['the cat', 'a dog', 'the king', 'my son'];
  const verbs = ['sees', 'keeps', 'finds', 'loves'];
  const objects = ['the bread', 'a lamb', 'the gold', 'his land'];
  const pick = (a: string[]) => a[rng.int(a.length)];
  let text = '';
  while (text.length < chars) text += `${pick(subjects)} ${pick(verbs)} ${pick(objects)}.\n`;
  return text;
}

const CONTEXT = 32;

/** A small GPT-2 trained briefly with softmax attention on the grammar, written with its tokenizer and texts. */
const fixture = (() => {
  const text = corpus(12000, 1);
  const vocab = buildCharVocab(text);
  const tok = charTokenizer(vocab);
  const shape = gpt2Shape({ layers: 2, dModel: 32, heads: 2, dFf: 64, vocab: vocab.length, context: CONTEXT });
  const ids = tok.encode(text);
  const trainer = createTrainer({ weights: initialGpt2Weights(shape, 3), shape, lr: 3e-3, totalSteps: 150 });
  const rng = new Rng(2);
  for (let s = 0; s < 150; s++) {
    const batch = Array.from({ length: 8 }, () => {
      const start = rng.int(ids.length - CONTEXT - 1);
      return ids.slice(start, start + CONTEXT + 1);
    });
    trainer.step(batch);
  }
  return { shape, vocab, text, checkpoint: saveGpt2Checkpoint(trainer.weights(), shape) };
})();

const ATTENTION = {
  window: CONTEXT,
  rows: 8,
  activation: 'hardsigmoid' as const,
  levels: { query: 16, kv: 8, output: 32 },
  nonlinearity: 'leroux-cubic' as const,
  decayPerStep: 1.6e-4,
};
const ALL_ON = {
  inputQuantization: true,
  kvQuantization: true,
  outputQuantization: true,
  nonlinearity: true,
  decay: true,
};
const SCALING = { scoreSaturation: 80, outputSaturation: 40, linearGain: 19.3 };

function modelDir(o: { text?: boolean } = {}): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'aimc-adapt-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'model.safetensors'), fixture.checkpoint);
  writeFileSync(join(dir, 'tokenizer.json'), charTokenizerJson(fixture.vocab));
  writeFileSync(join(dir, 'eval.txt'), corpus(1500, 9));
  writeFileSync(join(dir, 'train.txt'), corpus(6000, 8));
  const s = fixture.shape;
  const config = join(dir, 'design.aimc.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'name: tiny char model',
      'model:',
      `  shape: { layers: ${s.layers}, d_model: ${s.dModel}, heads: ${s.heads}, d_ff: ${s.dFf}, ffn: gelu, vocab: ${s.vocab}, context: ${s.context}, tied_embeddings: true }`,
      'attention:',
      '  implementation: gain-cell',
      `  window: ${CONTEXT}`,
      '  array: { rows: 8, cols: 8 }',
      '  decay_per_step: 1.6e-4',
      'functional:',
      '  checkpoint: model.safetensors',
      `  tokens: ${CONTEXT}`,
      ...(o.text === false ? [] : ['  text: eval.txt']),
      '',
    ].join('\n'),
  );
  return { dir, config };
}

/** The CLI from its sources, as `aimc adapt …` runs it. */
function aimc(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'adapt', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('fine-tuning to gain-cell attention recovers perplexity the unadapted model loses', () => {
  const tok = charTokenizer(fixture.vocab);
  const seqs = adaptSequences({
    training: tok.encode(corpus(6000, 4)),
    evaluation: tok.encode(corpus(1500, 5)),
    tokens: CONTEXT,
  });
  const base = {
    checkpoint: fixture.checkpoint,
    shape: fixture.shape,
    attention: ATTENTION,
    effects: ALL_ON,
    scaling: SCALING,
    ...seqs,
    steps: 60,
    lr: 1e-3,
  };
  const calibrated = adaptCheckpoint({ ...base, mode: 'calibrate' }).report;
  const tuned = adaptCheckpoint({ ...base, mode: 'finetune' }).report;
  const p = tuned.perplexity;
  // The same unadapted model under both modes.
  assert.equal(calibrated.perplexity.before, p.before);
  assert.equal(calibrated.perplexity.after, calibrated.perplexity.calibrated);
  // The cubic read model costs the unadapted model; fitting the scalers and then fine-tuning win it back.
  assert.ok(p.before > p.floatSoftmax * 1.05, JSON.stringify(p));
  assert.ok(p.calibrated < p.before, JSON.stringify(p));
  assert.ok(p.after < p.calibrated, JSON.stringify(p));
  assert.equal(tuned.trainingLoss.length, 60);
  assert.equal(tuned.scalers.length, fixture.shape.layers);
});

test('a layer with digital attention keeps softmax and stores no scalers', () => {
  const tok = charTokenizer(fixture.vocab);
  const seqs = adaptSequences({
    training: tok.encode(corpus(3000, 6)),
    evaluation: tok.encode(corpus(800, 7)),
    tokens: CONTEXT,
  });
  const base = {
    checkpoint: fixture.checkpoint,
    shape: fixture.shape,
    attention: ATTENTION,
    effects: ALL_ON,
    scaling: SCALING,
    ...seqs,
    steps: 1,
    lr: 1e-3,
  };
  const all = adaptCheckpoint({ ...base, mode: 'calibrate' });
  const mixed = adaptCheckpoint({ ...base, mode: 'calibrate', gainCellLayers: [false, true] });
  assert.equal(mixed.report.scalers[0], null);
  assert.equal(mixed.report.scalers[1]?.length, fixture.shape.heads);
  const file = parseSafetensors(mixed.checkpoint);
  assert.ok(!file.tensors.has(scalerTensorName(0)) && file.tensors.has(scalerTensorName(1)));
  // Softmax in layer 0 leaves less of the model to the hardware's error.
  assert.ok(mixed.report.perplexity.before < all.report.perplexity.before);
  assert.equal(mixed.report.perplexity.floatSoftmax, all.report.perplexity.floatSoftmax);
});

test('weight noise perturbs the training forward passes, and held scalers stay at their calibration', () => {
  const tok = charTokenizer(fixture.vocab);
  const seqs = adaptSequences({
    training: tok.encode(corpus(3000, 10)),
    evaluation: tok.encode(corpus(600, 11)),
    tokens: CONTEXT,
  });
  const base = {
    checkpoint: fixture.checkpoint,
    shape: fixture.shape,
    attention: ATTENTION,
    effects: ALL_ON,
    scaling: SCALING,
    ...seqs,
    mode: 'finetune' as const,
    steps: 3,
    lr: 1e-3,
  };
  const clean = adaptCheckpoint(base).report;
  const noisy = adaptCheckpoint({ ...base, weightNoise: 0.05 }).report;
  assert.equal(noisy.trainingLoss.length, 3);
  assert.notEqual(noisy.trainingLoss[0], clean.trainingLoss[0]);
  const held = adaptCheckpoint({ ...base, mode: 'calibrate' }).report;
  const fixed = adaptCheckpoint({ ...base, trainScalers: false }).report;
  assert.deepEqual(fixed.scalers, held.scalers);
  assert.notDeepEqual(clean.scalers, held.scalers);
});

test('adaptation sequences: overlapping training windows, calibration spread over them, every evaluation token once', () => {
  const training = Int32Array.from({ length: 200 }, (_, i) => i % 7);
  const evaluation = Int32Array.from({ length: 100 }, (_, i) => i % 5);
  const s = adaptSequences({ training, evaluation, tokens: 16, evaluationTokens: 50 });
  assert.ok(s.training.every((w) => w.length === 17));
  assert.equal(s.training[1][0], training[4]); // a quarter window apart
  assert.equal(s.calibration.length, 8);
  assert.notDeepEqual(s.calibration[0], s.calibration[7]);
  // Windows overlap by one token: 50 predictions over the first 51 tokens.
  assert.equal(
    s.evaluation.reduce((n, w) => n + w.length - 1, 0),
    50,
  );
  assert.throws(
    () => adaptSequences({ training: training.subarray(0, 10), evaluation, tokens: 16 }),
    /one window needs 17/,
  );
});

test('adapt writes the adapted checkpoint beside the input with its scalers, and prints the table', () => {
  const { dir, config } = modelDir();
  const before = readFileSync(join(dir, 'model.safetensors'));
  const r = aimc(config, '--steps', '20', '--lr', '1e-3', '--train-text', join(dir, 'train.txt'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /original \(before\) +gain-cell +calibrated \(simulator\) +\d+\.\d{3}/);
  assert.match(r.stdout, /adapted \(after\) +gain-cell +stored in the checkpoint +\d+\.\d{3}/);
  assert.match(r.stdout, /fine-tuned for 20 steps/);
  const out = join(dir, 'model.adapted.safetensors');
  assert.equal(defaultAdaptedPath(join(dir, 'model.safetensors')), out);
  assert.deepEqual(readFileSync(join(dir, 'model.safetensors')), before, 'the input checkpoint is untouched');
  const file = parseSafetensors(readFileSync(out));
  for (let l = 0; l < fixture.shape.layers; l++) {
    const info = file.tensors.get(scalerTensorName(l))!;
    assert.deepEqual(info.shape, [fixture.shape.heads, 5]);
    assert.equal(scalersFromTensor(file.read(scalerTensorName(l)), fixture.shape.heads).length, fixture.shape.heads);
  }
  // Fine-tuning changed the weights.
  const input = parseSafetensors(before);
  const w = (f: typeof file) => f.read('h.0.attn.c_attn.weight');
  assert.notDeepEqual(w(file), w(input));
});

test('adapt --calibrate-only --json keeps the weights and reports the perplexities as numbers', () => {
  const { dir, config } = modelDir();
  const out = join(dir, 'calibrated.safetensors');
  const r = aimc(config, '--calibrate-only', '--json', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.mode, 'calibrate');
  assert.match(report.evaluation, /second half of eval\.txt/);
  for (const k of ['floatSoftmax', 'before', 'beforeHardSigmoid', 'calibrated', 'after', 'afterFloatSoftmax'])
    assert.ok(Number.isFinite(report.perplexity[k]) && report.perplexity[k] > 1, k);
  assert.equal(report.perplexity.afterFloatSoftmax, report.perplexity.floatSoftmax);
  const file = parseSafetensors(readFileSync(out));
  const input = parseSafetensors(fixture.checkpoint);
  for (const name of ['h.1.mlp.c_fc.weight', 'wte.weight']) assert.deepEqual(file.read(name), input.read(name), name);
  assert.ok(file.tensors.has(scalerTensorName(1)));
});

test('adapt refuses to overwrite its input, and says what is missing', () => {
  const { dir, config } = modelDir();
  const input = join(dir, 'model.safetensors');
  const same = aimc(config, '--out', input, '--calibrate-only');
  assert.equal(same.code, 1);
  assert.match(same.stderr, /that is the input checkpoint/);
  assert.deepEqual(readFileSync(input), Buffer.from(fixture.checkpoint));
  const bare = modelDir({ text: false });
  const noText = aimc(bare.config, '--calibrate-only');
  assert.equal(noText.code, 1);
  assert.match(noText.stderr, /no evaluation text: set functional\.text or pass --text/);
  assert.ok(!existsSync(join(bare.dir, 'model.adapted.safetensors')));
  for (const bad of [
    ['--steps', '0'],
    ['--lr', 'fast'],
    ['--weight-noise', '-1'],
  ]) {
    const r = aimc(config, ...bad);
    assert.equal(r.code, 2, bad.join(' '));
    assert.match(r.stderr, /usage: aimc adapt CONFIG/);
  }
});

test('adapt --help lists its options', () => {
  const r = aimc('--help');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), commandHelp(adaptCommand.usage, adaptCommand.summary, 'adapt'));
  const help = r.stdout;
  assert.match(help, /^usage: aimc adapt CONFIG/);
  for (const [option] of ADAPT_OPTIONS) assert.ok(help.includes(option), option);
});
