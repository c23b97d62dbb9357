import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { asSweepReport, mergeReports, SweepMergeError } from '../../engine';
import { checkOut, EXIT_OK, InputError, UsageError } from '../io';
import { checkOutputFlags, writeSweepReport } from './sweep';
import type { CliCommand } from './types';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(
      `${file}: not JSON (${(e as Error).message}); merge reads the output of \`aimc sweep --json\``,
    );
  }
}

export const mergeCommand: CliCommand = {
  name: 'merge',
  usage: 'aimc merge FILE... [--json | --csv] [--out FILE]',
  summary: 'Merge the shard outputs of `aimc sweep --shard i/n --json` into one sweep',
  run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, csv: { type: 'boolean' }, out: { type: 'string' } },
    });
    if (positionals.length === 0)
      throw new UsageError('merge takes at least one sweep output (from aimc sweep --json)');
    checkOutputFlags(values);
    checkOut(values.out);
    try {
      const merged = mergeReports(
        positionals.map((file) => ({ source: file, report: asSweepReport(readJson(file), file) })),
      );
      writeSweepReport(merged, values);
    } catch (e) {
      if (e instanceof SweepMergeError) throw new InputError(e.message);
      throw e;
    }
    return EXIT_OK;
  },
};
