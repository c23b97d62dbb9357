import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

// As shipped: dist/cli.js and dist/worker.js (`npm test` builds before testing).
const CLI = join(import.meta.dirname, '../../dist/cli.js');
const EXAMPLE = join(import.meta.dirname, '../../examples/gpt2-gaincell.aimc.yaml');
const VARY = ['--vary', 'weights.adc.bits=4..7', '--vary', 'attention.window=256,512,1024'];

function aimc(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'aimc-sweep-'));

describe('aimc sweep and aimc merge', () => {
  test('three shards merged give byte for byte the unsharded output', () => {
    const whole = aimc(['sweep', EXAMPLE, ...VARY, '--json', '--workers', '2']);
    assert.equal(whole.code, 0, whole.stderr);
    const report = JSON.parse(whole.stdout);
    assert.equal(report.points.length, 12);
    assert.deepEqual(report.fronts, ['energy-latency']);
    assert.ok(report.points.some((p: { pareto: string[] }) => p.pareto.length > 0));

    const files = [0, 1, 2].map((i) => {
      const out = join(dir, `shard-${i}.json`);
      const r = aimc(['sweep', EXAMPLE, ...VARY, '--json', '--shard', `${i}/3`, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')).shard, { index: i, count: 3 });
      return out;
    });
    const merged = aimc(['merge', files[1], files[2], files[0], '--json']);
    assert.equal(merged.code, 0, merged.stderr);
    assert.equal(merged.stdout, whole.stdout);
  });

  test('--shard auto takes its index from a Slurm job array', () => {
    const env = { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' };
    const r = aimc(['sweep', EXAMPLE, ...VARY, '--json', '--shard', 'auto'], env);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.shard, { index: 1, count: 4 });
    assert.deepEqual(
      report.points.map((p: { index: number }) => p.index),
      [1, 5, 9],
    );
  });

  test('--samples runs a seeded random subset; CSV has one row per point with the varied keys', () => {
    const r = aimc(['sweep', EXAMPLE, ...VARY, '--samples', '5', '--seed', '42', '--csv']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(
      lines[0],
      'index,weights.adc.bits,attention.window,status,energy_per_token_j,latency_per_token_s,area_mm2,arrays,error,pareto_energy_latency,message',
    );
    assert.equal(lines.length, 6);
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      assert.equal(cells[3], 'ok');
      assert.ok(Number(cells[4]) > 0 && Number(cells[5]) > 0);
    }
    assert.equal(aimc(['sweep', EXAMPLE, ...VARY, '--samples', '5', '--seed', '42', '--csv']).stdout, r.stdout);
  });

  test('the default output is a table; no progress line when stderr is not a terminal', () => {
    const r = aimc(['sweep', EXAMPLE, '--vary', 'weights.device=pcm,rram']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /grid of 2 points/);
    assert.match(r.stdout, /weights\.device\s+energy\/token/);
    assert.doesNotMatch(r.stderr, /sweep: \d+\/\d+/);
  });

  test('--error adds the functional error and fronts against it', () => {
    const tiny = join(dir, 'tiny.aimc.yaml');
    writeFileSync(
      tiny,
      'version: 1\nmodel:\n  shape: { layers: 2, d_model: 64, heads: 4, d_ff: 256, ffn: gelu, vocab: 256, context: 128 }\nfunctional: { tokens: 16 }\n',
    );
    const r = aimc(['sweep', tiny, '--vary', 'weights.adc.bits=3,8', '--error', '--csv']);
    assert.equal(r.code, 0, r.stderr);
    const [head, ...rows] = r.stdout.trim().split('\n');
    assert.match(head, /,error,pareto_energy_error,pareto_latency_error,message$/);
    const errors = rows.map((row) => Number(row.split(',')[7]));
    assert.equal(errors.length, 2);
    assert.ok(errors[0] > errors[1] && errors[1] > 0, String(errors));
  });

  test('a bad --vary is a usage error naming the key', () => {
    const r = aimc(['sweep', EXAMPLE, '--vary', 'weights.adc.bitz=4..8']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown config key `weights\.adc\.bitz`; did you mean `weights\.adc\.bits`\?/);
  });

  test('a base config with errors is invalid input, with positions', () => {
    const bad = join(dir, 'bad.aimc.yaml');
    writeFileSync(bad, 'version: 1\nmodel:\n  preset: gpt3\n');
    const r = aimc(['sweep', bad, '--vary', 'weights.adc.bits=4..5']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.aimc\.yaml:3:\d+: error/);
  });

  test('merge refuses incomplete sets and files that are not sweep outputs', () => {
    const out = join(dir, 'only-0.json');
    assert.equal(aimc(['sweep', EXAMPLE, ...VARY, '--json', '--shard', '0/2', '--out', out]).code, 0);
    const missing = aimc(['merge', out]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /6 of 12 points are missing \(missing shards of 2: 1\)/);
    const other = aimc(['merge', EXAMPLE]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /not JSON/);
  });
});
