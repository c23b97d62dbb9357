import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { shellQuote, slurmScript } from '../../src/cli/slurm';

// As shipped: dist/cli.js and dist/worker.js (`npm test` builds before testing).
const CLI = join(import.meta.dirname, '../../dist/cli.js');
const EXAMPLE = join(import.meta.dirname, '../../examples/gpt2-gaincell.aimc.yaml');
const VARY = ['--vary', 'weights.adc.bits=4..8'];

function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const aimc = (args: string[]) => run(process.execPath, [CLI, ...args]);

describe('aimc sweep --emit-slurm', () => {
  test('the script, run as three array tasks, gives shards that merge into the single-machine sweep', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aimc-slurm-'));
    const script = join(dir, 'sweep.sbatch');
    const emitted = aimc([
      'sweep',
      EXAMPLE,
      ...VARY,
      '--emit-slurm',
      '--tasks',
      '3',
      '--workers',
      '1',
      '--out',
      script,
    ]);
    assert.equal(emitted.code, 0, emitted.stderr);
    const text = readFileSync(script, 'utf8');
    assert.match(text, /^#!\/bin\/bash\n/);
    assert.match(text, /^#SBATCH --array=0-2$/m);
    assert.match(text, /^#SBATCH --cpus-per-task=1$/m);
    assert.match(text, /--shard auto/);
    assert.match(text, /aimc merge results\/shard-\*\.json --json --out sweep\.json/);

    // What Slurm does for each task of --array=0-2, without Slurm (the real cluster runs in
    // scripts/slurm-sweep-check.sh).
    for (const id of ['0', '1', '2']) {
      const r = run('bash', [script], {
        cwd: dir,
        env: {
          AIMC: `${process.execPath} ${CLI}`,
          SLURM_ARRAY_TASK_ID: id,
          SLURM_ARRAY_TASK_COUNT: '3',
          SLURM_CPUS_PER_TASK: '1',
        },
      });
      assert.equal(r.code, 0, r.stderr);
    }
    const shards = readdirSync(join(dir, 'results')).sort();
    assert.deepEqual(shards, ['shard-0.json', 'shard-1.json', 'shard-2.json']);
    const merged = aimc(['merge', ...shards.map((s) => join(dir, 'results', s)), '--json']);
    assert.equal(merged.code, 0, merged.stderr);
    const single = aimc(['sweep', EXAMPLE, ...VARY, '--json']);
    assert.equal(single.code, 0, single.stderr);
    assert.equal(merged.stdout, single.stdout);
  });

  test('tasks are capped at the point count; a bad plan or base config writes no script', () => {
    const r = aimc(['sweep', EXAMPLE, '--vary', 'weights.adc.bits=4,5', '--emit-slurm', '--tasks', '9']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^#SBATCH --array=0-1$/m);
    assert.match(r.stdout, /^#SBATCH --cpus-per-task=4$/m);
    const bad = aimc(['sweep', EXAMPLE, '--vary', 'weights.adc.bits=oops', '--emit-slurm']);
    assert.notEqual(bad.code, 0);
    assert.equal(bad.stdout, '');
  });

  test('--emit-slurm refuses --shard, --json and --csv; --tasks needs --emit-slurm', () => {
    for (const extra of [['--shard', '0/2'], ['--json'], ['--csv']]) {
      const r = aimc(['sweep', EXAMPLE, ...VARY, '--emit-slurm', ...extra]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--emit-slurm/);
    }
    const r = aimc(['sweep', EXAMPLE, ...VARY, '--tasks', '3']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--tasks goes with --emit-slurm/);
  });

  test('values reach the script shell-quoted', () => {
    assert.equal(shellQuote('weights.adc.bits=4..8'), 'weights.adc.bits=4..8');
    assert.equal(shellQuote("it's $HOME"), `'it'\\''s $HOME'`);
    const s = slurmScript({
      configPath: '/a b/c.yaml',
      varies: ['x=1,2'],
      seed: '3',
      samples: '2',
      error: true,
      allowOutsideFiles: true,
      tasks: 2,
      cpusPerTask: 2,
      pointCount: 2,
      jobName: 'aimc sweep',
    });
    assert.match(s, /^ {2}'\/a b\/c\.yaml' \\$/m);
    assert.match(s, /--samples 2 \\\n {2}--seed 3 \\\n {2}--error \\\n {2}--allow-outside-files \\/);
    assert.match(s, /^#SBATCH --job-name=aimc_sweep$/m);
  });
});
