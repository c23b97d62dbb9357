/**
 * Runs the integration suite in desktop VS Code through @vscode/test-electron, the convention
 * contributors expect. It downloads VS Code (into .vscode-test/) on first use, so it needs the
 * internet; offline, `npm run test:host` runs the same suite inside code-server.
 *
 * Run: npm run test:electron   (AIMC_VSCODE_VERSION picks another VS Code; default 1.100.3, the
 * oldest the extension's `engines.vscode` allows and the one code-server 4.100.3 carries). On a
 * Linux machine without a display: xvfb-run -a npm run test:electron
 */
import { runTests } from '@vscode/test-electron';
import { join } from 'node:path';
import { cleanUp, copyWorkspace, ROOT, scratch } from './scratch';

async function main(): Promise<number> {
  const dir = scratch('electron');
  try {
    const workspace = copyWorkspace(dir);
    await runTests({
      version: process.env.AIMC_VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: join(ROOT, 'out/integration/index.js'),
      launchArgs: [
        workspace,
        // Only the extension under test: an installed copy of it, or anything else, would interfere.
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        join(dir, 'user-data'),
      ],
      extensionTestsEnv: process.env.AIMC_TEST_GREP ? { AIMC_TEST_GREP: process.env.AIMC_TEST_GREP } : {},
    });
    return 0;
  } catch (e) {
    console.error(`integration suite in VS Code (electron) failed: ${(e as Error).message}`);
    return 1;
  } finally {
    cleanUp(dir);
  }
}

void main().then((code) => {
  process.exitCode = code;
});
