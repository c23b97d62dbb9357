import { accuracyCommand } from './commands/accuracy';
import { adaptCommand } from './commands/adapt';
import { deviceCommand } from './commands/device';
import { diffCommand } from './commands/diff';
import { mergeCommand } from './commands/merge';
import { presetsCommand } from './commands/presets';
import { schemaCommand } from './commands/schema';
import { simulateCommand } from './commands/simulate';
import { sweepCommand } from './commands/sweep';
import type { CliCommand } from './commands/types';
import { validateCommand } from './commands/validate';
import { commandHelp } from './commandHelp';
import { EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE, InputError, UsageError } from './io';

export const COMMANDS: readonly CliCommand[] = [
  simulateCommand,
  diffCommand,
  accuracyCommand,
  adaptCommand,
  validateCommand,
  sweepCommand,
  mergeCommand,
  deviceCommand,
  presetsCommand,
  schemaCommand,
];

function help(): string {
  return [
    'aimc: LLMs on analog in-memory computing hardware: energy, latency, area, accuracy, GPU comparison.',
    '',
    'Usage:',
    ...COMMANDS.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    '',
    'Exit codes: 0 success, 1 invalid input, 2 usage.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`aimc: unknown command '${name}'\n\n${help()}\n`);
    return EXIT_USAGE;
  }
  // Commands with help of their own (diff) parse --help themselves.
  if ((rest.includes('--help') || rest.includes('-h')) && command.name !== 'diff') {
    process.stdout.write(`${commandHelp(command.usage, command.summary, command.name)}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`aimc ${name}: ${(e as Error).message}\nusage: ${command.usage}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      process.stderr.write(`aimc ${name}: ${e.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw e;
  }
}

// A closed pipe (`aimc simulate … | head`) is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(
      `aimc: internal error: ${(e as Error).stack ?? String(e)}\nPlease report this with the config that caused it.\n`,
    );
    process.exitCode = 70;
  },
);
