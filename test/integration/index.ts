/**
 * Entry of the integration suite inside a real extension host. Both hosts load this module as
 * `extensionTestsPath` and await `run()`: @vscode/test-electron (test/host/runElectron.ts)
 * and code-server through the workbench `payload` (test/host/runInCodeServer.ts).
 *
 * code-server forwards the extension host's console to the page only as unformatted arguments, so
 * the reporter's lines are also written to the file named by AIMC_TEST_REPORT when a driver sets it.
 */
import Mocha from 'mocha';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** Copies the reporter's lines to `file` (mocha's reporters print through `Base.consoleLog`). */
function mirrorReportTo(file: string): () => void {
  writeFileSync(file, '');
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const original = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    appendFileSync(file, `${format(...args)}\n`);
    original(...args);
  };
  return () => {
    base.consoleLog = original;
  };
}

export async function run(): Promise<void> {
  const report = process.env.AIMC_TEST_REPORT;
  const restore = report ? mirrorReportTo(report) : () => undefined;
  try {
    // Simulations and the first load of the engine take seconds on a cold host, not milliseconds.
    const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, slow: 5_000 });
    const grep = process.env.AIMC_TEST_GREP;
    if (grep) mocha.grep(grep);
    // Name order is run order: activation.test.js must run before anything opens a config.
    const files = readdirSync(__dirname)
      .filter((f) => f.endsWith('.test.js'))
      .sort();
    if (files.length === 0) throw new Error(`no *.test.js beside ${__filename}; was the suite built?`);
    for (const file of files) mocha.addFile(join(__dirname, file));
    const failures = await new Promise<number>((resolve) => {
      const runner = mocha.run(resolve);
      // A plain closing line that CI logs and the drivers can count on.
      runner.on('end', () =>
        (Mocha.reporters.Base as unknown as { consoleLog: (s: string) => void }).consoleLog(
          `integration: ${runner.stats?.passes ?? 0} passed, ${runner.stats?.failures ?? 0} failed, ${runner.stats?.pending ?? 0} skipped`,
        ),
      );
    });
    if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
  } finally {
    restore();
  }
}
