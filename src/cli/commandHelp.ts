import { ADAPT_OPTIONS } from './commands/adapt';

/** The options of each command, for `aimc COMMAND --help` (commands with their own help text set `help`). */
export const COMMAND_OPTIONS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  simulate: [
    ['--json', 'the result as JSON (docs/result-schema.md)'],
    ['--csv', 'the key figures and breakdowns as CSV'],
    ['--out FILE', 'write to FILE (atomically) instead of standard output'],
    ['--allow-outside-files', 'let the config read files outside its folder'],
  ],
  accuracy: [
    ['--json', 'the functional result as JSON'],
    ['--out FILE', 'write to FILE instead of standard output'],
    ['--allow-outside-files', 'let the config read files outside its folder (its checkpoint)'],
  ],
  adapt: ADAPT_OPTIONS,
  validate: [['--allow-outside-files', 'let the configs read files outside their folders']],
  sweep: [
    ['--vary KEY=VALUES', 'a config key and its values: 4..8, 4..8:2, a,b,c, true,false (repeat for more axes)'],
    ['--samples N', 'N random points of the grid instead of all of it'],
    ['--seed S', 'seed of the random points'],
    ['--shard i/n | auto', 'run shard i of n (auto: from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT)'],
    ['--error', 'also run the functional simulation of each point for its error'],
    ['--workers N', 'worker threads (default: one per core)'],
    ['--emit-slurm', 'write the Slurm job-array script for this sweep instead of running it'],
    ['--tasks N', 'with --emit-slurm: array tasks (default 16, at most the points)'],
    ['--allow-outside-files', 'let the config read files outside its folder'],
    ['--json | --csv', 'the report as JSON (for aimc merge) or CSV'],
    ['--out FILE', 'write to FILE instead of standard output'],
  ],
  merge: [
    ['--json | --csv', 'the merged report as JSON or CSV'],
    ['--out FILE', 'write to FILE instead of standard output'],
  ],
  device: [
    ['--config FILE', "take the device parameters from a config's nonidealities"],
    ['--json | --csv', 'the curves as JSON or CSV'],
    ['--out FILE', 'write to FILE instead of standard output'],
  ],
  presets: [['--json', 'the model shapes and GPU specs as JSON']],
  schema: [],
};

export function commandHelp(usage: string, summary: string, name: string): string {
  const options = COMMAND_OPTIONS[name] ?? [];
  const width = Math.max(0, ...options.map(([o]) => o.length));
  return [
    `usage: ${usage}`,
    '',
    summary,
    ...(options.length ? ['', 'options:', ...options.map(([o, d]) => `  ${o.padEnd(width)}  ${d}`)] : []),
    `  ${'-h, --help'.padEnd(width)}  this text`,
  ].join('\n');
}
