/**
 * Trains the small character-level GPT-2 shipped in examples/kjv-char on the King James Bible, with
 * the engine's own trainer (src/engine/train: forward and backward on WebAssembly SIMD kernels).
 *
 * Run: node --import tsx scripts/train-small-lm.ts [--steps N] [--out examples/kjv-char]
 *        [--batch 16] [--layers 4] [--d-model 128] [--heads 4] [--d-ff 512] [--context 128]
 *        [--lr 2e-3] [--warmup 100] [--seed 1] [--log-every 25] [--checkpoint-every 200]
 *        [--max-minutes M] [--corpus-only]
 *
 * Corpus: Debian's bible-kjv-text (public domain text; `apt-get install bible-kjv-text`), read
 * through the package's own `bible` reader, which decompresses /usr/lib/bible.data. Chapters are
 * numbered 1..1189 in canonical order; every chapter whose number is a multiple of 100 is held
 * out for evaluation (11 chapters), every other chapter is training text.
 *
 * Writes into --out: model.safetensors (Hugging Face GPT-2 names), config.json (GPT-2 config
 * keys), tokenizer.json (char format), eval.txt (the held-out chapters), calibration.txt (the
 * first verses of chapters 50, 150, …, 1150, training text), training.json (settings, loss log,
 * final figures). The model files are rewritten every --checkpoint-every steps, so a stopped run
 * leaves a usable model. --max-minutes stops after that much wall time, saving first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/engine/functional/rng';
import { sgemmPath } from '../src/engine/kernels/floatGemm';
import {
  buildCharVocab,
  charTokenizer,
  charTokenizerJson,
  createTrainer,
  evaluateParams,
  evaluationWindows,
  gpt2Shape,
  initialGpt2Weights,
  paramsToModelWeights,
  saveGpt2Checkpoint,
  softmaxAttentionOp,
} from '../src/engine/train';
import type { Trainer } from '../src/engine/train';

const BIBLE_DATA = '/usr/lib/bible.data';
const BIBLE_READER = '/usr/bin/bible';
/** Every chapter whose 1-based canonical number is a multiple of this is held out. */
const HOLD_OUT_EVERY = 100;
/** Calibration text: chapters HOLD_OUT_EVERY/2 + k·HOLD_OUT_EVERY (training side), first verses. */
const CALIBRATION_VERSES = 4;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const num = (name: string, fallback: number): number => {
  const v = Number(option(name, String(fallback)));
  if (Number.isNaN(v)) throw new Error(`--${name} must be a number`);
  return v;
};

interface Chapter {
  readonly number: number;
  readonly heading: string;
  readonly verses: readonly string[];
}

/** The whole text through the package's reader, one verse per line (no wrapping). */
function readBible(): Chapter[] {
  if (!existsSync(BIBLE_DATA) || !existsSync(BIBLE_READER)) {
    throw new Error(
      `the King James Bible corpus is missing (${BIBLE_DATA}, ${BIBLE_READER}); install it with: apt-get install -y bible-kjv-text`,
    );
  }
  const text = execFileSync(BIBLE_READER, ['-l100000', 'Gen1:1-Rev22:21'], {
    encoding: 'latin1',
    maxBuffer: 64 << 20,
  });
  const chapters: Chapter[] = [];
  let current: { heading: string; verses: string[] } | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (line === '') continue;
    const verse = /^\s+(\d+) (.*)$/.exec(line);
    if (verse && current) current.verses.push(`${verse[1]} ${verse[2]}`);
    else if (/^\S.* \d+$/.test(line)) {
      current = { heading: line, verses: [] };
      chapters.push({ number: chapters.length + 1, heading: line, verses: current.verses });
    } else throw new Error(`unexpected line in the bible reader's output: ${line.slice(0, 60)}`);
  }
  if (chapters.length !== 1189) throw new Error(`expected 1189 chapters, read ${chapters.length}`);
  return chapters;
}

const chapterText = (c: Chapter): string => `${c.heading}\n${c.verses.join('\n')}\n`;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

function main(): void {
  const out = option('out', 'examples/kjv-char');
  const steps = num('steps', 1800);
  const batchSize = num('batch', 16);
  const seed = num('seed', 1);
  const logEvery = num('log-every', 25);
  const checkpointEvery = num('checkpoint-every', 200);
  const maxMinutes = num('max-minutes', Infinity);
  const lr = num('lr', 2e-3);
  const warmup = num('warmup', 100);

  const chapters = readBible();
  const held = chapters.filter((c) => c.number % HOLD_OUT_EVERY === 0);
  const train = chapters.filter((c) => c.number % HOLD_OUT_EVERY !== 0);
  const evalText = held.map(chapterText).join('');
  const trainText = train.map(chapterText).join('');
  const calibrationText = train
    .filter((c) => c.number % HOLD_OUT_EVERY === HOLD_OUT_EVERY / 2)
    .map((c) => `${c.heading}\n${c.verses.slice(0, CALIBRATION_VERSES).join('\n')}\n`)
    .join('');
  const vocab = buildCharVocab(trainText);
  const tokenizer = charTokenizer(vocab);
  mkdirSync(out, { recursive: true });
  writeAtomic(join(out, 'eval.txt'), evalText);
  writeAtomic(join(out, 'calibration.txt'), calibrationText);
  writeAtomic(join(out, 'tokenizer.json'), charTokenizerJson(vocab));
  console.log(
    `corpus: ${chapters.length} chapters; train ${trainText.length} chars, held out ${held.length} chapters ` +
      `(${held.map((c) => c.heading).join(', ')}) ${evalText.length} chars; calibration ${calibrationText.length} chars; vocab ${vocab.length}`,
  );
  if (process.argv.includes('--corpus-only')) return;

  const shape = gpt2Shape({
    name: 'kjv-char',
    layers: num('layers', 4),
    dModel: num('d-model', 128),
    heads: num('heads', 4),
    dFf: num('d-ff', 512),
    vocab: vocab.length,
    context: num('context', 128),
  });
  const T = shape.context;
  const config = {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    _name_or_path: 'kjv-char',
    n_layer: shape.layers,
    n_embd: shape.dModel,
    n_head: shape.heads,
    n_inner: shape.dFf,
    vocab_size: shape.vocab,
    n_positions: shape.context,
    n_ctx: shape.context,
    activation_function: 'gelu_new',
    layer_norm_epsilon: 1e-5,
    tie_word_embeddings: true,
  };
  writeAtomic(join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);

  const attention = softmaxAttentionOp(T);
  const trainer: Trainer = createTrainer({
    weights: initialGpt2Weights(shape, seed),
    shape,
    attention,
    lr,
    warmupSteps: warmup,
    totalSteps: steps,
  });
  const trainIds = tokenizer.encode(trainText);
  const evalIds = tokenizer.encode(evalText);
  const evalWindows = evaluationWindows(evalIds, T + 1);
  // A fixed sample of training windows, as many tokens as the held-out text, for the train loss.
  const sampleRng = Rng.derive(seed, 'train/loss-sample');
  const trainSample = evalWindows.map((w) => {
    const start = sampleRng.int(trainIds.length - w.length);
    return trainIds.slice(start, start + w.length);
  });
  const batchRng = Rng.derive(seed, 'train/batches');
  console.log(
    `model: ${shape.layers} layers, d_model ${shape.dModel}, ${shape.heads} heads, d_ff ${shape.dFf}, context ${T}, ` +
      `vocab ${shape.vocab}: ${trainer.parameterCount} parameters; sgemm ${sgemmPath()}; ${steps} steps of ${batchSize}×${T} tokens`,
  );

  const cpu0 = cpuSeconds();
  const wall0 = performance.now();
  const log: { step: number; loss: number; lr: number; gradNorm: number; cpuS: number; wallS: number }[] = [];
  const evals: { step: number; heldOutNll: number; cpuS: number }[] = [];
  let window = 0;
  let windowSteps = 0;

  const save = (final: boolean): void => {
    const params = trainer.params();
    const heldOut = evaluateParams(params, shape, attention, evalWindows);
    evals.push({ step: trainer.stepCount, heldOutNll: heldOut.nll, cpuS: cpuSeconds() - cpu0 });
    const trainLoss = final ? evaluateParams(params, shape, attention, trainSample) : null;
    const metadata = {
      name: 'kjv-char',
      description: 'character-level GPT-2 trained on the King James Bible (Debian bible-kjv-text)',
      steps: String(trainer.stepCount),
      held_out_nll_nats_per_char: heldOut.nll.toFixed(5),
    };
    const weights = paramsToModelWeights(params, shape, `kjv-char after ${trainer.stepCount} steps`);
    writeAtomic(join(out, 'model.safetensors'), saveGpt2Checkpoint(weights, shape, metadata));
    const summary = {
      corpus: {
        source: 'Debian package bible-kjv-text (King James Version, public domain)',
        split: `chapters numbered 1..1189 in canonical order; held out: every multiple of ${HOLD_OUT_EVERY}`,
        heldOutChapters: held.map((c) => c.heading),
        trainChars: trainText.length,
        heldOutChars: evalText.length,
      },
      model: { ...config, parameters: trainer.parameterCount },
      training: {
        steps: trainer.stepCount,
        plannedSteps: steps,
        batch: batchSize,
        tokensPerStep: batchSize * T,
        lr,
        minLr: lr / 10,
        warmupSteps: warmup,
        weightDecay: 0.1,
        betas: [0.9, 0.95],
        clipNorm: 1,
        seed,
        sgemm: sgemmPath(),
        cpuSeconds: cpuSeconds() - cpu0,
        wallSeconds: (performance.now() - wall0) / 1e3,
        node: process.version,
      },
      results: {
        heldOutNllNatsPerChar: heldOut.nll,
        heldOutPerplexityPerChar: heldOut.perplexity,
        heldOutBitsPerChar: heldOut.nll / Math.LN2,
        heldOutPredictedChars: heldOut.tokens,
        trainSampleNllNatsPerChar: trainLoss?.nll ?? null,
        final,
      },
      evals,
      log,
    };
    writeAtomic(join(out, 'training.json'), `${JSON.stringify(summary, null, 1)}\n`);
    console.log(
      `  saved at step ${trainer.stepCount}: held-out ${heldOut.nll.toFixed(4)} nats/char, ` +
        `${(heldOut.nll / Math.LN2).toFixed(4)} bits/char, perplexity ${heldOut.perplexity.toFixed(3)}` +
        (trainLoss ? `; train sample ${trainLoss.nll.toFixed(4)} nats/char` : ''),
    );
  };

  for (let s = 0; s < steps; s++) {
    const batch: Int32Array[] = [];
    for (let b = 0; b < batchSize; b++) {
      const start = batchRng.int(trainIds.length - T - 1);
      batch.push(trainIds.slice(start, start + T + 1));
    }
    const lrNow = trainer.learningRate(s);
    window += trainer.step(batch);
    windowSteps++;
    if (trainer.stepCount % logEvery === 0 || s === steps - 1) {
      const entry = {
        step: trainer.stepCount,
        loss: window / windowSteps,
        lr: lrNow,
        gradNorm: trainer.lastGradNorm,
        cpuS: cpuSeconds() - cpu0,
        wallS: (performance.now() - wall0) / 1e3,
      };
      log.push(entry);
      console.log(
        `step ${entry.step}/${steps} loss ${entry.loss.toFixed(4)} lr ${lrNow.toExponential(2)} ` +
          `|g| ${entry.gradNorm.toFixed(3)} cpu ${entry.cpuS.toFixed(1)} s wall ${entry.wallS.toFixed(1)} s`,
      );
      window = 0;
      windowSteps = 0;
    }
    const outOfTime = (performance.now() - wall0) / 60e3 >= maxMinutes;
    if (outOfTime) {
      console.log(`stopping after ${trainer.stepCount} steps: --max-minutes ${maxMinutes} reached`);
      break;
    }
    if (trainer.stepCount % checkpointEvery === 0 && s !== steps - 1) save(false);
  }
  save(true);
}

main();
