import { configJsonSchema } from '../../engine';
import { EXIT_OK, UsageError } from '../io';
import type { CliCommand } from './types';

export const schemaCommand: CliCommand = {
  name: 'schema',
  usage: 'aimc schema',
  summary: 'Print the JSON Schema of the config format',
  run(args) {
    if (args.length) throw new UsageError('schema takes no arguments');
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return EXIT_OK;
  },
};
