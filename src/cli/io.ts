import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { analyzeDesign, type Analysis, type AnalyzeOptions, type DesignFileReader } from '../engine';
import { formatDiagnostic, hasErrors, type Severity } from '../shared/diagnostics';

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

/**
 * Reads the files a config names, relative to the config's folder. Bytes land in shared memory:
 * a sweep hands the same checkpoint to every worker, and a shared buffer is not copied per request.
 */
export function fileReaderFor(configFile: string): DesignFileReader {
  const base = dirname(resolve(configFile));
  return {
    readText: (p) => readFile(resolve(base, p), 'utf8').catch(() => undefined),
    readBytes: async (p) => {
      const bytes = await readFile(resolve(base, p));
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
      shared.set(bytes);
      return shared;
    },
  };
}

/** Reads, loads and (unless told not to) costs a config file. */
export function analyzeFile(file: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  return analyzeDesign(readConfigText(file), fileReaderFor(file), options);
}

/**
 * Prints the diagnostics of `severities` as `file:line:col: severity: message` to stderr; true
 * when there are errors.
 */
export function reportDiagnostics(
  file: string,
  analysis: Analysis,
  severities: readonly Severity[] = ['error'],
): boolean {
  for (const d of analysis.diagnostics)
    if (severities.includes(d.severity)) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
  return hasErrors(analysis.diagnostics);
}

export function emit(text: string, outFile: string | undefined): void {
  if (outFile) writeFileSync(outFile, text.endsWith('\n') ? text : `${text}\n`);
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
