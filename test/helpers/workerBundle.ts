import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Bundles src/worker/worker.ts into a temporary folder, so worker tests run the current sources
 * rather than whatever dist/ last held.
 */
export async function buildWorkerBundle(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'aimc-worker-')), 'worker.js');
  await build({
    entryPoints: [join(import.meta.dirname, '../../src/worker/worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}
