/** Paths, scratch folders and deadlines shared by the real-host drivers. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
/** Screenshots and reports; gitignored. */
export const RESULTS = join(ROOT, 'test-results');

const made = new Set<string>();

/**
 * A scratch folder for one run, removed by `cleanUp`, or when the process exits (an interrupted
 * driver skips its `finally`), unless AIMC_KEEP_TEST_DIRS is set.
 */
export function scratch(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `aimc-${label}-`));
  made.add(dir);
  return dir;
}

export function cleanUp(dir: string): void {
  made.delete(dir);
  if (!process.env.AIMC_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
}

process.on('exit', () => {
  for (const dir of [...made]) cleanUp(dir);
});

/**
 * A copy of the test workspace with its links to examples and fixtures resolved, so a test that
 * edits or saves a config changes nothing in the repository.
 */
export function copyWorkspace(into: string): string {
  const target = join(into, 'workspace');
  cpSync(join(ROOT, 'test/integration/workspace'), target, { recursive: true, dereference: true });
  return target;
}

/** Runs `fn` with a deadline, so no step of a driver can hang a CI job. */
export async function withTimeout<T>(what: string, ms: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([fn(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
