import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const CLI = join(import.meta.dirname, '../../dist/cli.js');

function aimc(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Curves {
  drift: Array<{ gTargetUs: number; points: Array<{ tS: number; gUs: number }> }>;
  programming: Array<{ gTargetUs: number; sigmaUs: number }>;
  readNoise: Array<{ gProgrammedUs: number; points: Array<{ tS: number; sigmaUs: number }> }>;
}

test('aimc device pcm --json: conductance falls under drift, programming noise is nonzero', () => {
  const r = aimc('device', 'pcm', '--json');
  assert.equal(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout) as Curves;
  for (const s of c.drift) {
    const g = s.points.map((p) => p.gUs);
    assert.ok(
      g.every((v, i) => i === 0 || v <= g[i - 1]),
      `series ${s.gTargetUs}`,
    );
    assert.ok(g.at(-1)! < s.gTargetUs);
  }
  assert.ok(c.programming.every((p) => p.sigmaUs > 0));
});

test('--csv holds the three curves in one long table', () => {
  const json = JSON.parse(aimc('device', 'pcm', '--json').stdout) as Curves;
  const r = aimc('device', 'pcm', '--csv');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'curve,series_g_us,x,x_unit,y,y_unit');
  const count = (curve: string) => lines.filter((l) => l.startsWith(`${curve},`)).length;
  assert.equal(
    count('drift'),
    json.drift.reduce((n, s) => n + s.points.length, 0),
  );
  assert.equal(count('programming_sigma'), json.programming.length);
  assert.equal(
    count('read_noise_sigma'),
    json.readNoise.reduce((n, s) => n + s.points.length, 0),
  );
});

test('--config takes the device parameters from a config: no drift when drift is off', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'aimc-device-')), 'd.aimc.yaml');
  writeFileSync(file, 'version: 1\nmodel:\n  preset: gpt2\nnonidealities:\n  drift: false\n');
  const c = JSON.parse(aimc('device', 'pcm', '--config', file, '--json').stdout) as Curves;
  for (const s of c.drift) for (const p of s.points) assert.equal(p.gUs, s.gTargetUs);
});

test('the readable form names the device and the curves; an unknown model is a usage error', () => {
  const r = aimc('device', 'rram');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^rram: conductance/);
  assert.match(r.stdout, /programming σ against target conductance/);
  const bad = aimc('device', 'fefet');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown device model `fefet`; models: pcm, rram, ideal/);
});
