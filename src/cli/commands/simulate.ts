import { parseArgs } from 'node:util';
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
import { formatCsv, formatSummary } from '../summary';
import type { CliCommand } from './types';

export const simulateCommand: CliCommand = {
  name: 'simulate',
  usage: 'aimc simulate FILE [--json | --csv] [--out FILE] [--allow-outside-files]',
  summary: 'Energy, latency, area and GPU comparison of a design',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, csv: { type: 'boolean' }, out: { type: 'string' }, ...FILE_ACCESS_OPTIONS },
    });
    if (positionals.length !== 1) throw new UsageError('simulate takes exactly one config file');
    if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
    checkOut(values.out);
    const file = positionals[0];
    const analysis = await analyzeFile(file, {}, fileAccess(values));
    if (reportDiagnostics(file, analysis, ['error', 'warning']) || !analysis.result) return EXIT_INVALID_INPUT;
    const r = analysis.result;
    emit(
      values.json ? JSON.stringify(r, null, 2) : values.csv ? formatCsv(r) : formatSummary(r),
      values.out,
      values.json ? 'json' : 'text',
    );
    return EXIT_OK;
  },
};
