import { parseArgs } from 'node:util';
import { InvalidDesignError, runAccuracy } from '../../engine';
import type { ErrorMetrics, FunctionalResult } from '../../shared/functionalResult';
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
    `${r.model}: ${r.blocks} block(s), ${r.tokens} tokens × ${r.samples} sample(s), seed ${r.seed}`,
    `weights: ${r.weights.description}`,
    '',
    table(rows),
    ...(r.warnings.length ? ['', ...r.warnings.map((w) => `note: ${w}`)] : []),
  ].join('\n');
}

export const accuracyCommand: CliCommand = {
  name: 'accuracy',
  usage: 'aimc accuracy FILE [--json] [--out FILE] [--allow-outside-files]',
  summary: 'Functional simulation: error per layer and end to end against float references',
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
    const loaded = await analyzeFile(file, { simulate: false, withCheckpoint: true }, fileAccess(values));
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
