/** Rewrites test/golden/outputs from the built CLI (`npm run golden`). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, GOLDEN_CASES, GOLDEN_DIR, ROOT } from './cases';

mkdirSync(GOLDEN_DIR, { recursive: true });
for (const c of GOLDEN_CASES) {
  const r = spawnSync(process.execPath, [CLI, ...c.args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`aimc ${c.args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  writeFileSync(join(GOLDEN_DIR, c.file), c.stream === 'stdout' ? r.stdout : r.stdout + r.stderr);
  console.log(`golden: ${c.file}`);
}
