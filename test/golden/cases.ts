/**
 * The golden outputs: what the CLI prints for every bundled example. An output that changes on
 * purpose is regenerated with `npm run golden` and the reason goes in the commit message; any other
 * change fails `test/unit/golden.test.ts`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
export const GOLDEN_DIR = join(ROOT, 'test/golden/outputs');
export const CLI = join(ROOT, 'dist/cli.js');

export interface GoldenCase {
  /** File name under test/golden/outputs. */
  readonly file: string;
  /** CLI arguments, paths relative to the repository root. */
  readonly args: readonly string[];
  /** Compare stderr (the config's warnings) too. */
  readonly stream: 'stdout' | 'stdout+stderr';
}

function exampleCases(): GoldenCase[] {
  const examples = readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.aimc.yaml'))
    .sort();
  return examples.flatMap((f) => {
    const name = f.replace(/\.aimc\.yaml$/, '');
    const path = `examples/${f}`;
    return [
      { file: `${name}.simulate.json`, args: ['simulate', path, '--json'], stream: 'stdout' as const },
      { file: `${name}.simulate.txt`, args: ['simulate', path], stream: 'stdout+stderr' as const },
    ];
  });
}

export const GOLDEN_CASES: readonly GoldenCase[] = [
  ...exampleCases(),
  {
    file: 'tiny-accuracy.accuracy.json',
    args: ['accuracy', 'examples/tiny-accuracy.aimc.yaml', '--json'],
    stream: 'stdout',
  },
  {
    file: 'kjv-char-gaincell-adapted.accuracy.json',
    args: ['accuracy', 'examples/kjv-char-gaincell-adapted.aimc.yaml', '--json'],
    stream: 'stdout',
  },
  {
    file: 'gpt2-gaincell.sweep-adc.json',
    args: ['sweep', 'examples/gpt2-gaincell.aimc.yaml', '--vary', 'weights.adc.bits=4..8', '--json'],
    stream: 'stdout',
  },
  {
    file: 'tiny-accuracy.sweep-error.json',
    args: [
      'sweep',
      'examples/tiny-accuracy.aimc.yaml',
      '--vary',
      'weights.adc.bits=6,8',
      '--error',
      '--workers',
      '1',
      '--json',
    ],
    stream: 'stdout',
  },
];
