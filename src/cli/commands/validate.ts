import { parseArgs } from 'node:util';
import { formatDiagnostic, hasErrors } from '../../shared/diagnostics';
import { analyzeFile, EXIT_INVALID_INPUT, EXIT_OK, UsageError } from '../io';
import type { CliCommand } from './types';

export const validateCommand: CliCommand = {
  name: 'validate',
  usage: 'aimc validate FILE...',
  summary: 'Check configs: one line per problem, exit 1 on errors',
  async run(args) {
    const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
    if (positionals.length === 0) throw new UsageError('validate takes at least one config file');
    let failed = false;
    for (const file of positionals) {
      const analysis = await analyzeFile(file);
      for (const d of analysis.diagnostics) process.stdout.write(`${formatDiagnostic(file, d)}\n`);
      if (hasErrors(analysis.diagnostics)) failed = true;
    }
    return failed ? EXIT_INVALID_INPUT : EXIT_OK;
  },
};
