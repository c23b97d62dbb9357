import { parseArgs } from 'node:util';
import {
  analyzeFile,
  EXIT_INVALID_INPUT,
  EXIT_OK,
  FILE_ACCESS_OPTIONS,
  fileAccess,
  printDiagnostics,
  UsageError,
} from '../io';
import type { CliCommand } from './types';

export const validateCommand: CliCommand = {
  name: 'validate',
  usage: 'aimc validate FILE... [--allow-outside-files]',
  summary: 'Check configs: one line per problem, exit 1 on errors',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...FILE_ACCESS_OPTIONS },
    });
    if (positionals.length === 0) throw new UsageError('validate takes at least one config file');
    let failed = false;
    for (const file of positionals) {
      const analysis = await analyzeFile(file, {}, fileAccess(values));
      if (printDiagnostics(process.stdout, file, analysis.diagnostics, ['error', 'warning', 'information']))
        failed = true;
    }
    return failed ? EXIT_INVALID_INPUT : EXIT_OK;
  },
};
