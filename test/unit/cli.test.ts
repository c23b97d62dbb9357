import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

// The CLI is tested as shipped: the esbuild bundle (`npm test` builds before testing).
const CLI = join(import.meta.dirname, '../../dist/cli.js');
const EXAMPLES = join(import.meta.dirname, '../../examples');

function aimc(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aimc-cli-'));
  tempDirs.push(dir);
  return dir;
}

function tempConfig(text: string): string {
  const dir = tempDir();
  const file = join(dir, 'design.aimc.yaml');
  writeFileSync(file, text);
  return file;
}

const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.aimc.yaml'));

test('the examples are all there', () => {
  assert.ok(examples.length >= 5);
  assert.ok(examples.includes('gpt2-gaincell.aimc.yaml'));
});

for (const file of examples) {
  test(`simulate ${file}: table, JSON and CSV agree`, () => {
    const path = join(EXAMPLES, file);
    const table = aimc('simulate', path);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /energy per token/);
    const json = aimc('simulate', path, '--json');
    assert.equal(json.code, 0);
    const r = JSON.parse(json.stdout);
    assert.equal(r.schemaVersion, 1);
    for (const key of ['arrays', 'weightArrays', 'kvArrays', 'utilization'])
      assert.equal(typeof r.mapping[key], 'number', key);
    assert.ok(r.model.parameters > 1e5);
    assert.ok(r.perToken.energyJ > 0 && r.perToken.latencyS > 0);
    assert.ok(r.areaMm2 > 0);
    for (const b of ['byComponent', 'byOperation', 'byLayer']) assert.ok(Object.keys(r.breakdown[b]).length > 0, b);
    for (const b of r.baselines) {
      for (const k of ['name', 'speedup', 'energyRatio']) assert.ok(k in b, k);
      assert.ok(b.perToken.energyJ > 0 && b.perToken.latencyS > 0);
    }
    const csv = aimc('simulate', path, '--csv');
    assert.equal(csv.code, 0);
    const line = csv.stdout.split('\n').find((l) => l.startsWith('summary,energy_per_token,'));
    assert.ok(line);
    assert.equal(Number(line!.split(',')[2]), r.perToken.energyJ);
    const valid = aimc('validate', path);
    assert.equal(valid.code, 0, valid.stdout);
  });
}

test('--out writes the result to a file', () => {
  const out = join(tempDir(), 'r.json');
  const r = aimc('simulate', join(EXAMPLES, 'gpt2-gaincell.aimc.yaml'), '--json', '--out', out);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).schemaVersion, 1);
});

test('validate prints file:line:col and exits 1 on errors', () => {
  const file = tempConfig('version: 1\nmodel:\n  preset: gpt2\nweights:\n  adc:\n    bitz: 8\n');
  const r = aimc('validate', file);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.trim(), `${file}:6:5: error: Unknown key \`bitz\` in \`weights.adc\`. Did you mean \`bits\`?`);
});

test('simulate refuses an invalid config with positioned errors and no stack trace', () => {
  const file = tempConfig(
    'version: 1\nmodel:\n  shape: { layers: 2, d_model: 100, heads: 3, d_ff: 400, ffn: gelu, vocab: 10, context: 8 }\n',
  );
  const r = aimc('simulate', file);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /:3:\d+: error: `heads` \(3\) must divide `d_model` \(100\)/);
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
});

test('YAML syntax errors and unreadable files exit 1 with a message', () => {
  const bad = aimc('validate', tempConfig('version: 1\nmodel: [unclosed\n'));
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /:\d+:\d+: error: YAML syntax/);
  const missing = aimc('simulate', '/nonexistent/x.aimc.yaml');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read/);
});

test('usage errors exit 2', () => {
  assert.equal(aimc().code, 2);
  assert.equal(aimc('frobnicate').code, 2);
  assert.equal(aimc('simulate').code, 2);
  assert.equal(aimc('simulate', 'a', '--bogus').code, 2);
  assert.equal(aimc('simulate', 'a', '--json', '--csv').code, 2);
});

test('presets and schema', () => {
  const p = aimc('presets', '--json');
  assert.equal(p.code, 0);
  const j = JSON.parse(p.stdout);
  assert.equal(j.models.length, 9);
  assert.equal(j.gpus.length, 6);
  assert.match(aimc('presets').stdout, /llama-2-70b .* 68,976,648,192/);
  const s = JSON.parse(aimc('schema').stdout);
  assert.equal(s.properties.version.const, 1);
  assert.ok(s.properties.weights.properties.adc.properties.bits.unit === 'bits');
});

test('accuracy runs the functional simulation and is reproducible from the seed', () => {
  const path = join(EXAMPLES, 'tiny-accuracy.aimc.yaml');
  const a = aimc('accuracy', path, '--json');
  assert.equal(a.code, 0, a.stderr);
  const r = JSON.parse(a.stdout);
  assert.equal(r.layers.length, 2);
  assert.equal(r.seed, 7);
  for (const l of r.layers) {
    assert.ok(l.attention, 'gain-cell attention is measured');
    for (const m of l.matrices)
      assert.ok(m.metrics.relativeError > 0 && m.metrics.relativeError < 1, `${m.matrix} ${m.metrics.relativeError}`);
  }
  const again = aimc('accuracy', path, '--json');
  assert.equal(again.stdout, a.stdout);
  const table = aimc('accuracy', path);
  assert.match(table.stdout, /layer 1 attention +float HardSigmoid \(hardware\)/);
  assert.match(table.stdout, /logits +float softmax model/);
});

test('every command answers --help with its usage and options, exit 0', () => {
  for (const name of ['simulate', 'accuracy', 'validate', 'sweep', 'merge', 'device', 'presets', 'schema', 'diff']) {
    const r = aimc(name, '--help');
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: aimc ${name}`), name);
    assert.match(r.stdout, /-h, --help/, name);
  }
  assert.match(aimc('sweep', '-h').stdout, /--vary KEY=VALUES/);
});
