import { parseArgs } from 'node:util';
import { InvalidDesignError, runAccuracy } from '../../engine';
import type { ErrorMetrics, FunctionalResult, Interval, NextTokenFigures } from '../../shared/functionalResult';
import {
  analyzeFile,
  checkOut,
  emit,
  EXIT_INVALID_INPUT,
  EXIT_OK,
  FILE_ACCESS_OPTIONS,
  fileAccess,
  reportDiagnostics,
  UsageError,
} from '../io';
import { table } from '../summary';
import type { CliCommand } from './types';

const pct = (m: ErrorMetrics) => `${(100 * m.relativeError).toFixed(2)}%`;
const db = (m: ErrorMetrics) => (Number.isFinite(m.snrDb) ? `${m.snrDb.toFixed(1)} dB` : '∞');
const cos = (m: ErrorMetrics) => m.cosineSimilarity.toFixed(4);
const topk = (m: ErrorMetrics) => (m.topKAgreement === null ? '' : `${(100 * m.topKAgreement).toFixed(1)}%`);

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const percent = (x: number) => `${fixed(100 * x, 1)}%`;
/** A Monte-Carlo mean and its 95 % interval, e.g. `4.46 (4.41–4.51)`; a single run has no interval. */
const interval = (i: Interval, f: (x: number) => string) =>
  i.n > 1 ? `${f(i.mean)} (${f(i.low)}–${f(i.high)})` : f(i.mean);

/** The next-token table: the float models and the analog model's runs on the same tokens. */
export function formatTask(r: FunctionalResult): string {
  const t = r.task;
  const withText = t.text !== null;
  const head = withText
    ? ['model', 'perplexity', 'bits/token', 'next-token acc.', 'agreement', 'KL (nats)']
    : ['model', 'agreement', 'KL (nats)'];
  const rows: string[][] = [head];
  const figures = (name: string, m: NextTokenFigures) =>
    rows.push([
      name,
      ...(withText ? [fixed(m.perplexity, 3), fixed(m.bitsPerToken, 3), percent(m.top1Accuracy)] : []),
      m.agreement === null ? '—' : percent(m.agreement),
      m.kl === null ? '—' : fixed(m.kl, 4),
    ]);
  figures('float softmax', t.floatSoftmax);
  if (t.floatAlgorithm) figures('float HardSigmoid (algorithm)', t.floatAlgorithm);
  const a = t.analog;
  rows.push([
    `analog (${r.seeds} run${r.seeds === 1 ? '' : 's'})`,
    ...(withText
      ? [
          interval(a.perplexity, (x) => fixed(x, 3)),
          interval(a.bitsPerToken, (x) => fixed(x, 3)),
          interval(a.top1Accuracy, percent),
        ]
      : []),
    interval(a.agreement, percent),
    interval(a.kl, (x) => fixed(x, 4)),
  ]);
  const source = t.text
    ? `text: the first ${t.text.tokens.toLocaleString('en-US')} tokens of ${t.text.file} (tokenizer ${t.text.tokenizer}), ${t.floatSoftmax.tokens.toLocaleString('en-US')} next-token predictions`
    : `tokens drawn at random (no functional.text): agreement and KL with the float model mean something, perplexity does not`;
  return [source, '', table(rows)].join('\n');
}

export function formatAccuracy(r: FunctionalResult): string {
  const rows: string[][] = [['where', 'against', 'rel. error', 'cosine', 'SNR', `top-${r.topK}`]];
  const row = (where: string, against: string, m: ErrorMetrics) =>
    rows.push([where, against, pct(m), cos(m), db(m), topk(m)]);
  for (const l of r.layers) {
    for (const m of l.matrices) row(`layer ${l.layer} ${m.matrix}`, `float (${m.implementation})`, m.metrics);
    if (l.attention) {
      row(`layer ${l.layer} attention`, 'float HardSigmoid (hardware)', l.attention.hardware);
      row(`layer ${l.layer} attention`, 'float softmax (algorithm)', l.attention.algorithm);
      row(`layer ${l.layer} attention`, 'float softmax (total)', l.attention.total);
    }
    row(`layer ${l.layer} output`, 'float softmax model', l.output.vsSoftmaxModel);
  }
  row('lm_head', `float (${r.lmHead.implementation})`, r.lmHead.metrics);
  row('logits', 'float softmax model', r.endToEnd.logitsVsSoftmaxModel);
  row('logits', 'float model, same algorithm', r.endToEnd.logitsVsAlgorithmModel);
  return [
    `${r.model}: ${r.blocks} block(s), ${r.tokens} tokens × ${r.samples} sample(s), ${r.seeds} Monte-Carlo run(s) from seed ${r.seed}, ${formatDuration(r.tInferenceS)} after programming`,
    `weights: ${r.weights.description}`,
    formatTask(r),
    '',
    `per layer (first run; each part against its float counterpart on the same inputs):`,
    table(rows),
    ...(r.warnings.length ? ['', ...r.warnings.map((w) => `note: ${w}`)] : []),
  ].join('\n');
}

/** A time of inference in the unit a drift study uses. */
export function formatDuration(s: number): string {
  const units: [number, string][] = [
    [365.25 * 86400, 'year'],
    [86400, 'day'],
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  for (const [size, unit] of units)
    if (s >= size) {
      const v = +(s / size).toPrecision(3);
      return unit === 'year' || unit === 'day' ? `${v} ${unit}${v === 1 ? '' : 's'}` : `${v} ${unit}`;
    }
  return `${+s.toPrecision(3)} s`;
}

export const accuracyCommand: CliCommand = {
  name: 'accuracy',
  usage: 'aimc accuracy FILE [--json] [--out FILE] [--allow-outside-files]',
  summary:
    'Functional simulation: perplexity and next-token figures on a text (Monte-Carlo mean and 95 % interval), and error per layer against float references',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, out: { type: 'string' }, ...FILE_ACCESS_OPTIONS },
    });
    if (positionals.length !== 1) throw new UsageError('accuracy takes exactly one config file');
    checkOut(values.out);
    const file = positionals[0];
    const loaded = await analyzeFile(file, { simulate: false, withCheckpoint: 'stream' }, fileAccess(values));
    if (reportDiagnostics(file, loaded)) return EXIT_INVALID_INPUT;
    const tty = process.stderr.isTTY;
    let result: FunctionalResult;
    try {
      result = await runAccuracy(loaded, {
        onProgress: tty
          ? (f, stage) =>
              process.stderr.write(`\r${(100 * f).toFixed(0).padStart(3)}% ${stage.slice(0, 60).padEnd(60)}`)
          : undefined,
      });
    } catch (e) {
      // The checkpoint could not be used, or the run computed NaN: positioned, like any config error.
      if (e instanceof InvalidDesignError) {
        if (tty) process.stderr.write('\r\x1b[K');
        reportDiagnostics(file, e);
        return EXIT_INVALID_INPUT;
      }
      throw e;
    } finally {
      if (tty) process.stderr.write('\r\x1b[K');
    }
    emit(
      values.json ? JSON.stringify(result, null, 2) : formatAccuracy(result),
      values.out,
      values.json ? 'json' : 'text',
    );
    return EXIT_OK;
  },
};
