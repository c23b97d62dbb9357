/** `aimc diff A B`, as shipped (the esbuild bundle; `npm test` builds before testing). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ComparisonSection, ConfigChange } from '../../src/shared/comparison';
import type { SimulationResult } from '../../src/shared/result';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const A = 'examples/gpt2-gaincell.aimc.yaml';
const B = 'examples/gpt2-hybrid.aimc.yaml';

function aimc(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('diff prints both designs side by side with B/A, and the config keys that differ', () => {
  const r = aimc('diff', A, B);
  assert.equal(r.code, 0, r.stderr);
  const simulate = (f: string) => JSON.parse(aimc('simulate', f, '--json').stdout) as SimulationResult;
  const [a, b] = [simulate(A), simulate(B)];
  assert.ok(r.stdout.startsWith(`A: ${A} (${a.name})\nB: ${B} (${b.name})\n`));
  for (const heading of [
    'key figures',
    'energy per token by component',
    'energy per token by operation',
    'latency per token by operation',
    'energy per token by layer',
    'area by component',
    'against gpu baselines',
  ])
    assert.match(r.stdout, new RegExp(`^${heading} +A +B +B/A$`, 'm'), heading);
  assert.match(r.stdout, /^weights\.device +pcm +rram$/m);
  assert.match(r.stdout, /^layers\[0\]\.weights\.implementation +– +digital$/m);
});

test('diff --json carries the same rows and changes, with numbers', () => {
  const r = aimc('diff', A, B, '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    a: { file: string; name: string };
    b: { file: string; name: string };
    sections: ComparisonSection[];
    configChanges: ConfigChange[];
  };
  assert.equal(out.a.file, A);
  const energy = out.sections[0].rows.find((x) => x.key === 'energy')!;
  assert.equal(energy.ratio, energy.b! / energy.a!);
  assert.ok(out.configChanges.some((c) => c.path === 'weights.device' && c.a === 'pcm' && c.b === 'rram'));
});

test('a design against itself: every ratio 1×, no config difference', () => {
  const r = aimc('diff', A, A);
  assert.equal(r.code, 0, r.stderr);
  const ratios = r.stdout
    .split('\n')
    .filter((l) => / \S+×$/.test(l))
    .map((l) => l.trim().split(/\s+/).at(-1));
  assert.ok(ratios.length > 20);
  assert.ok(
    ratios.every((x) => x === '1×'),
    ratios.join(' '),
  );
  assert.match(r.stdout, /^config difference: none/m);
});

test('diff --help prints its usage and options; wrong arguments are usage errors; bad configs exit 1', () => {
  const help = aimc('diff', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: aimc diff A B/);
  assert.match(help.stdout, /--json/);
  const one = aimc('diff', A);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /diff takes exactly two config files/);
  const dir = mkdtempSync(join(tmpdir(), 'aimc-diff-'));
  dirs.push(dir);
  const bad = join(dir, 'bad.aimc.yaml');
  writeFileSync(bad, readFileSync(join(ROOT, A), 'utf8').replace('device: pcm', 'device: memristor'));
  const r = aimc('diff', A, bad);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.aimc\.yaml:\d+:\d+: error: `weights\.device` is "memristor"/);
  assert.equal(r.stdout, '');
});
