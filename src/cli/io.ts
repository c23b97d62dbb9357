import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ReadFile } from '../engine/config/semanticChecks';

export class UsageError extends Error {}
export class InputError extends Error {}

export const EXIT_OK = 0;
export const EXIT_INVALID_INPUT = 1;
export const EXIT_USAGE = 2;

export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Reads files a config refers to, relative to the config's folder. */
export function fileReaderFor(configFile: string): ReadFile {
  const base = dirname(resolve(configFile));
  return (p) => {
    try {
      return readFileSync(resolve(base, p), 'utf8');
    } catch {
      return undefined;
    }
  };
}

export function emit(text: string, outFile: string | undefined): void {
  if (outFile) writeFileSync(outFile, text.endsWith('\n') ? text : `${text}\n`);
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
