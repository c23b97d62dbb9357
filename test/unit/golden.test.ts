import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, GOLDEN_CASES, GOLDEN_DIR, ROOT } from '../golden/cases';

// Every bundled example's output is kept in test/golden/outputs. A change that moves a number on
// purpose regenerates them (`npm run golden`) and says why in its commit message.
for (const c of GOLDEN_CASES) {
  test(`golden: aimc ${c.args.join(' ')}`, () => {
    const r = spawnSync(process.execPath, [CLI, ...c.args], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const actual = c.stream === 'stdout' ? r.stdout : r.stdout + r.stderr;
    const expected = readFileSync(join(GOLDEN_DIR, c.file), 'utf8');
    if (actual !== expected) {
      const a = actual.split('\n');
      const e = expected.split('\n');
      const line = a.findIndex((l, i) => l !== e[i]);
      assert.fail(
        `${c.file} differs from the golden output at line ${line + 1}:\n  golden: ${e[line]}\n  now:    ${a[line]}\n` +
          'If the change is on purpose, run `npm run golden` and give the reason in the commit message.',
      );
    }
  });
}
