/** Packages the extension as a user receives it: the VSIX that `npm run package` builds. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ROOT } from './scratch';

/**
 * Writes the VSIX to `file`. The project's `npm run package` decides what ships (its production
 * build and .vscodeignore); `--out` only redirects the file, so the test installs what a release
 * would publish.
 */
export function buildVsix(file: string): string {
  const r = spawnSync('npm', ['run', '--silent', 'package', '--', '--out', file], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0 || !existsSync(file))
    throw new Error(`npm run package failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return file;
}
