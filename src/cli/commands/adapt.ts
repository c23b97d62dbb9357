import { realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  adaptCheckpoint,
  adaptDesignOf,
  adaptSequences,
  checkpointEntryOf,
  defaultTokenizerPath,
  InvalidDesignError,
  loadTokenizer,
  type AdaptReport,
  type AdaptResult,
} from '../../engine';
import { EVAL_TEXT_MAX_BYTES, fileReadReason, TOKENIZER_MAX_BYTES } from '../../shared/fileLimits';
import {
  analyzeFile,
  checkOut,
  emit,
  EXIT_INVALID_INPUT,
  EXIT_OK,
  FILE_ACCESS_OPTIONS,
  fileAccess,
  fileReaderFor,
  InputError,
  readTextFile,
  reportDiagnostics,
  UsageError,
} from '../io';
import { table } from '../summary';
import type { CliCommand } from './types';

/** Design choices of a short fine-tuning run on a CPU; every one is a flag. */
const DEFAULT_STEPS = 200;
const DEFAULT_LR = 3e-4;
const DEFAULT_BATCH = 8;
/** Evaluation tokens: enough for a perplexity to about ±1 % on a character model, in seconds of CPU. */
const DEFAULT_EVAL_TOKENS = 16384;

export const ADAPT_OPTIONS: readonly (readonly [string, string])[] = [
  ['--steps N', `fine-tuning steps (default ${DEFAULT_STEPS})`],
  ['--lr X', `peak learning rate of the weights (default ${DEFAULT_LR}); the scalers learn at 10 × X`],
  ['--weight-noise S', 'Gaussian weight noise, std S × max|W| per matrix, in each training forward pass (default 0)'],
  ['--calibrate-only', 'no gradients: fit the per-head scalers to softmax attention, keep the weights'],
  ['--out FILE', 'the adapted safetensors file (default: <checkpoint>.adapted.safetensors beside it)'],
  ['--text FILE', 'evaluation text (default: functional.text of the config)'],
  [
    '--train-text FILE',
    'training and calibration text (default: the first half of the evaluation text, which is then evaluated on its second half)',
  ],
  ['--tokenizer FILE', 'tokenizer.json (default: functional.tokenizer, else tokenizer.json beside the checkpoint)'],
  ['--tokens N', 'tokens per sequence (default: functional.tokens, else the model context)'],
  ['--batch N', `sequences per training step (default ${DEFAULT_BATCH})`],
  ['--eval-tokens N', `evaluation tokens at most (default ${DEFAULT_EVAL_TOKENS})`],
  ['--seed S', 'seed of the training batches and the weight noise (default 1)'],
  ['--json', 'the report as JSON'],
  ['--allow-outside-files', 'let the config read files outside its folder'],
];

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a whole number ≥ 1, got '${value}'`);
  return n;
}

function nonNegative(value: string | undefined, flag: string, positive = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (positive && n === 0))
    throw new UsageError(`${flag} takes a number ${positive ? '> 0' : '≥ 0'}, got '${value}'`);
  return n;
}

/** Where the adapted checkpoint goes by default: `<name>.adapted.safetensors` beside the input. */
export function defaultAdaptedPath(checkpoint: string): string {
  const name = basename(checkpoint).replace(/\.safetensors$/i, '');
  return join(dirname(checkpoint), `${name}.adapted.safetensors`);
}

const sameFile = (a: string, b: string) => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
};

/** Writes bytes atomically: a temporary file in the same folder, renamed over the target. */
function writeBytes(target: string, bytes: Uint8Array): void {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, bytes, { flag: 'wx' });
    renameSync(temp, target);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // not created, or already renamed
    }
    throw new InputError(`${target}: cannot write: ${fileReadReason(e)}`);
  }
}

const ppl = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

export function formatAdaptReport(r: AdaptReport, o: { model: string; out: string; evaluation: string }): string {
  const p = r.perplexity;
  const how =
    r.mode === 'finetune'
      ? `fine-tuned for ${r.steps} steps`
      : 'scalers fitted to softmax attention, weights unchanged';
  const rows = [
    ['model', 'attention', 'scalers', 'perplexity'],
    ['original', 'float softmax', '', ppl(p.floatSoftmax)],
    ['original', 'float HardSigmoid', 'calibrated (simulator)', ppl(p.beforeHardSigmoid)],
    ['original (before)', 'gain-cell', 'calibrated (simulator)', ppl(p.before)],
    ['original', 'gain-cell', 'fitted to softmax', ppl(p.calibrated)],
    ['adapted (after)', 'gain-cell', 'stored in the checkpoint', ppl(p.after)],
    ['adapted', 'float softmax', '', ppl(p.afterFloatSoftmax)],
  ];
  return [
    `${o.model}: adapted to its gain-cell attention, ${how}`,
    `perplexity per token on ${r.evaluationTokens} tokens of ${o.evaluation}`,
    '',
    table(rows),
    '',
    `wrote ${o.out}`,
  ].join('\n');
}

export const adaptCommand: CliCommand = {
  name: 'adapt',
  usage:
    'aimc adapt CONFIG [--steps N] [--lr X] [--weight-noise S] [--calibrate-only] [--out FILE] [--json] [--allow-outside-files]',
  summary:
    "Adapt the config's checkpoint to its gain-cell attention (fine-tuning or scaler calibration); perplexity before and after",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        steps: { type: 'string' },
        lr: { type: 'string' },
        'weight-noise': { type: 'string' },
        'calibrate-only': { type: 'boolean' },
        out: { type: 'string' },
        text: { type: 'string' },
        'train-text': { type: 'string' },
        tokenizer: { type: 'string' },
        tokens: { type: 'string' },
        batch: { type: 'string' },
        'eval-tokens': { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
        ...FILE_ACCESS_OPTIONS,
      },
    });
    if (positionals.length !== 1) throw new UsageError('adapt takes exactly one config file');
    const steps = positiveInt(values.steps, '--steps') ?? DEFAULT_STEPS;
    const lr = nonNegative(values.lr, '--lr', true) ?? DEFAULT_LR;
    const weightNoise = nonNegative(values['weight-noise'], '--weight-noise') ?? 0;
    const batch = positiveInt(values.batch, '--batch') ?? DEFAULT_BATCH;
    const evaluationTokens = positiveInt(values['eval-tokens'], '--eval-tokens') ?? DEFAULT_EVAL_TOKENS;
    const seed = values.seed === undefined ? 1 : positiveInt(values.seed, '--seed')!;
    const file = positionals[0];
    const access = fileAccess(values);
    if (values.out !== undefined) checkOut(values.out);

    // The checkpoint, text and tokenizer are read as `aimc accuracy` reads them (a model folder,
    // the tokenizer beside it), whole: the trainer holds the model in memory.
    const loaded = await analyzeFile(file, { simulate: false, withCheckpoint: true }, access);
    if (reportDiagnostics(file, loaded)) return EXIT_INVALID_INPUT;
    let design;
    try {
      design = adaptDesignOf(loaded);
    } catch (e) {
      if (e instanceof InvalidDesignError) {
        reportDiagnostics(file, e);
        return EXIT_INVALID_INPUT;
      }
      throw new InputError(`${file}: nothing to adapt: ${(e as Error).message}`);
    }
    if (design.checkpoint === null)
      throw new InputError(`${file}: the config names no checkpoint (functional.checkpoint) to adapt`);
    const entry = checkpointEntryOf(design.checkpoint, loaded.files);
    if (!entry) throw new InputError(`${file}: functional.checkpoint \`${design.checkpoint}\` was not read`);
    if (entry.sharded)
      throw new InputError(
        `${file}: functional.checkpoint \`${design.checkpoint}\` is sharded; aimc adapt trains a model held in one safetensors file`,
      );
    const checkpointBytes = loaded.files[entry.path] as Uint8Array;

    // Files the config names are read relative to it, confined to its folder unless allowed.
    const reader = fileReaderFor(file, access);
    const configDir = dirname(resolve(file));
    const fromConfig = async (path: string, kind: 'text' | 'tokenizer', key: string): Promise<string> => {
      const read = loaded.files[path];
      if (typeof read === 'string') return read;
      try {
        const text = await reader.readText(path, kind);
        if (text === undefined) throw new Error('it cannot be read');
        return text;
      } catch (e) {
        throw new InputError(`${file}: ${key} \`${path}\` cannot be read: ${fileReadReason(e)}`);
      }
    };
    const checkpointPath = resolve(configDir, entry.path);
    const out = values.out ?? defaultAdaptedPath(checkpointPath);
    if (sameFile(out, checkpointPath))
      throw new InputError(`--out ${out}: that is the input checkpoint; the adapted model goes to a new file`);
    checkOut(out);

    let evalText: string;
    let evalName: string;
    if (values.text !== undefined) {
      evalText = readTextFile(values.text, EVAL_TEXT_MAX_BYTES, 'an evaluation text');
      evalName = values.text;
    } else if (design.text !== null) {
      evalText = await fromConfig(design.text, 'text', 'functional.text');
      evalName = design.text;
    } else throw new InputError(`${file}: no evaluation text: set functional.text or pass --text FILE`);
    const tokenizerText =
      values.tokenizer !== undefined
        ? readTextFile(values.tokenizer, TOKENIZER_MAX_BYTES, 'a tokenizer file')
        : await fromConfig(
            design.tokenizer ?? defaultTokenizerPath(design.checkpoint),
            'tokenizer',
            'functional.tokenizer',
          );
    let tokenizer;
    try {
      tokenizer = loadTokenizer(tokenizerText);
    } catch (e) {
      throw new InputError(`the tokenizer cannot be used: ${(e as Error).message}`);
    }
    if (tokenizer.vocabSize > design.shape.vocab)
      throw new InputError(
        `the tokenizer has ${tokenizer.vocabSize} tokens, more than the model's vocabulary of ${design.shape.vocab}`,
      );
    const evalIds = tokenizer.encode(evalText);
    let trainIds: Int32Array;
    let heldOut = evalIds;
    if (values['train-text'] !== undefined) {
      trainIds = tokenizer.encode(readTextFile(values['train-text'], EVAL_TEXT_MAX_BYTES, 'a training text'));
    } else {
      // One text: train on its first half, evaluate on the second, so the evaluation stays held out.
      const half = Math.floor(evalIds.length / 2);
      trainIds = evalIds.subarray(0, half);
      heldOut = evalIds.subarray(half);
      evalName = `the second half of ${evalName}`;
    }
    const tokens = Math.min(
      design.shape.context,
      positiveInt(values.tokens, '--tokens') ?? design.tokens ?? design.shape.context,
    );

    const tty = process.stderr.isTTY;
    let result: AdaptResult;
    try {
      const sequences = adaptSequences({ training: trainIds, evaluation: heldOut, tokens, evaluationTokens });
      result = adaptCheckpoint({
        checkpoint: checkpointBytes,
        shape: design.shape,
        attention: design.attention,
        effects: design.effects,
        scaling: design.scaling,
        ...sequences,
        gainCellLayers: design.gainCellLayers,
        mode: values['calibrate-only'] ? 'calibrate' : 'finetune',
        steps,
        lr,
        batch,
        weightNoise,
        seed,
        onProgress: tty
          ? (p) =>
              process.stderr.write(
                `\r${(100 * p.fraction).toFixed(0).padStart(3)}% ${`${p.stage}${p.loss === undefined ? '' : `, loss ${p.loss.toFixed(3)}`}`.slice(0, 70).padEnd(70)}`,
              )
          : undefined,
      });
    } catch (e) {
      if (e instanceof RangeError || (e as Error).name === 'SafetensorsError')
        throw new InputError(`cannot adapt \`${design.checkpoint}\`: ${(e as Error).message}`);
      throw e;
    } finally {
      if (tty) process.stderr.write('\r\x1b[K');
    }
    writeBytes(resolve(out), result.checkpoint);
    const model = design.name;
    if (values.json)
      emit(
        JSON.stringify({ model, checkpoint: out, evaluation: evalName, ...result.report }, null, 2),
        undefined,
        'json',
      );
    else emit(formatAdaptReport(result.report, { model, out, evaluation: evalName }), undefined);
    return EXIT_OK;
  },
};
