import { parseArgs } from 'node:util';
import { compareResults, configDifference, formatComparison } from '../../shared/comparison';
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
import type { CliCommand } from './types';

const USAGE = 'aimc diff A B [--json] [--out FILE] [--allow-outside-files]';

const HELP = `usage: ${USAGE}

Simulates two configs and prints every figure and breakdown of both side by side with the ratio
B/A (energy, latency, throughput, area, arrays, chips, attention; energy by component, operation
and layer; latency by operation and layer; area by component and layer; the GPU comparisons), then
the config keys whose values differ, as written (– where a config leaves a key to its default).

options:
  --json                 the same as JSON: { a, b, sections, configChanges }
  --out FILE             write to FILE instead of standard output
  --allow-outside-files  let the configs read files outside their folders
  -h, --help             this text`;

export const diffCommand: CliCommand = {
  name: 'diff',
  usage: USAGE,
  summary: 'Two designs side by side: every figure with the ratio B/A, and the config difference',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...FILE_ACCESS_OPTIONS,
      },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return EXIT_OK;
    }
    if (positionals.length !== 2) throw new UsageError('diff takes exactly two config files, A and B');
    checkOut(values.out);
    const [fileA, fileB] = positionals;
    const access = fileAccess(values);
    const [a, b] = [await analyzeFile(fileA, {}, access), await analyzeFile(fileB, {}, access)];
    const badA = reportDiagnostics(fileA, a, ['error', 'warning']) || !a.result;
    const badB = reportDiagnostics(fileB, b, ['error', 'warning']) || !b.result;
    if (badA || badB || !a.result || !b.result) return EXIT_INVALID_INPUT;
    const changes = configDifference(a.config, b.config);
    if (values.json) {
      const side = (file: string, r: typeof a.result) => ({ file, name: r!.name });
      emit(
        JSON.stringify(
          {
            a: side(fileA, a.result),
            b: side(fileB, b.result),
            sections: compareResults(a.result, b.result),
            configChanges: changes,
          },
          null,
          2,
        ),
        values.out,
        'json',
      );
    } else {
      emit(
        formatComparison({ label: fileA, result: a.result }, { label: fileB, result: b.result }, changes),
        values.out,
      );
    }
    return EXIT_OK;
  },
};
