/**
 * Runs the integration suite (test/integration/, built to out/integration/) inside code-server's
 * extension host, offline: the workbench opens with a `payload` naming this repository as the
 * development extension and out/integration/index.js as the tests module; the suite's verdict
 * comes back through `codeAutomationExit`. Exits 0 when every test passed.
 *
 * Run: npm run test:host   (builds first; needs scripts/install-test-host.sh once)
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium, payloadUrl } from './browser';
import { extensionHostLogs, startCodeServer, writeUserSettings, type CodeServer } from './codeServer';
import { cleanUp, copyWorkspace, RESULTS, ROOT, scratch, withTimeout } from './scratch';
import { problemsText } from './workbench';

const SUITE_TIMEOUT_MS = 5 * 60_000;

async function main(): Promise<number> {
  const tests = join(ROOT, 'out/integration/index.js');
  if (!existsSync(tests)) throw new Error(`${tests} is missing; run npm run build first`);
  const dir = scratch('host');
  const folder = copyWorkspace(dir);
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir);
  const report = join(dir, 'mocha-report.txt');
  mkdirSync(RESULTS, { recursive: true });

  let server: CodeServer | undefined;
  const browser = await launchChromium();
  const started = Date.now();
  try {
    server = await startCodeServer({
      folder,
      userDataDir,
      extensionsDir,
      env: {
        AIMC_TEST_REPORT: report,
        ...(process.env.AIMC_TEST_GREP ? { AIMC_TEST_GREP: process.env.AIMC_TEST_GREP } : {}),
      },
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const verdict = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown[]) => {
      if (process.env.AIMC_TEST_VERBOSE) console.log(`[workbench ${level}]`, ...(Array.isArray(args) ? args : [args]));
    });
    await page.goto(payloadUrl(server.origin, folder, ROOT, tests), { timeout: 60_000 });
    const code = await withTimeout('the integration suite', SUITE_TIMEOUT_MS, () => verdict);
    if (existsSync(report)) process.stdout.write(readFileSync(report, 'utf8'));
    const screenshot = join(RESULTS, 'integration-code-server.png');
    await page.screenshot({ path: screenshot }).catch(() => undefined);
    console.log(
      `integration suite in code-server: ${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (code !== 0) {
      console.log(`last screenshot: ${screenshot}`);
      console.log(
        `Problems panel:\n${await withTimeout('reading the Problems panel', 30_000, () => problemsText(page)).catch((e: Error) => e.message)}`,
      );
      console.log(`extension host log:\n${extensionHostLogs(userDataDir)}`);
    }
    return code;
  } catch (e) {
    if (existsSync(report)) process.stdout.write(readFileSync(report, 'utf8'));
    console.error(String((e as Error).stack ?? e));
    console.error(extensionHostLogs(userDataDir));
    if (server) console.error(`code-server output:\n${server.output()}`);
    return 1;
  } finally {
    await browser.close().catch(() => undefined);
    await server?.stop();
    cleanUp(dir);
  }
}

void main().then((code) => {
  process.exitCode = code;
});
