/**
 * What the extension contributes besides commands: activation, the walkthrough and its media, the
 * icons, the problem matcher for `aimc validate` (matched against the CLI's real output), the
 * machine-scoped worker count, and the Marketplace metadata.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { WALKTHROUGH_ID } from '../../src/extension/onboarding';

const ROOT = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const c = pkg.contributes;

test('activates on any *.aimc.yaml, *.aimc.yml or *.aimc.json in the workspace', () => {
  for (const glob of ['**/*.aimc.yaml', '**/*.aimc.yml', '**/*.aimc.json'])
    assert.ok(pkg.activationEvents.includes(`workspaceContains:${glob}`), glob);
});

test('the worker count is a machine setting: a shared workspace cannot set how many threads you run', () => {
  assert.equal(c.configuration.properties['aimc.workerCount'].scope, 'machine');
});

test('the problem matcher reads `aimc validate` output: file, line, column, severity, message', () => {
  const [matcher] = c.problemMatchers;
  assert.equal(matcher.name, 'aimc');
  const re = new RegExp(matcher.pattern.regexp);
  const file = 'test/integration/workspace/broken/unknown-enum.aimc.yaml';
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'validate', file], { cwd: ROOT, encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 2, r.stdout + r.stderr);
  for (const line of lines) {
    const m = re.exec(line);
    assert.ok(m, line);
    const { file: f, line: l, column, severity, message } = matcher.pattern;
    assert.equal(m[f], file);
    assert.match(m[l], /^\d+$/);
    assert.match(m[column], /^\d+$/);
    assert.equal(m[severity], 'error');
    assert.ok(m[message].length > 10);
  }
  // "information" must reach VS Code as "info" (its word), not fall back to an error.
  const info = re.exec('a.aimc.yaml:3:1: information: the model has no bias terms')!;
  assert.equal(info[matcher.pattern.severity], 'info');
  assert.equal(info[matcher.pattern.message], 'the model has no bias terms');
  assert.equal(re.exec('C:\\work\\a.aimc.yaml:3:7: warning: w')![matcher.pattern.file], 'C:\\work\\a.aimc.yaml');
});

test('the walkthrough: its id is the one the extension opens, every step has media, and its links run contributed commands', () => {
  const [w] = c.walkthroughs;
  assert.equal(`${pkg.publisher}.${pkg.name}#${w.id}`, WALKTHROUGH_ID);
  assert.deepEqual(
    w.steps.map((s: { id: string }) => s.id),
    ['openExample', 'simulate', 'readPanel', 'changeAdcBits', 'sweep'],
  );
  const commands = new Set(c.commands.map((x: { command: string }) => x.command));
  for (const s of w.steps) {
    assert.ok(existsSync(join(ROOT, s.media.markdown)), s.media.markdown);
    for (const [, id] of (s.description as string).matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(id), id);
    for (const e of s.completionEvents ?? []) if (e.startsWith('onCommand:')) assert.ok(commands.has(e.slice(10)), e);
  }
});

test('icons: a 128 × 128 PNG for the Marketplace, light and dark file icons for configs', () => {
  const png = readFileSync(join(ROOT, pkg.icon));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  const lang = c.languages.find((l: { id: string }) => l.id === 'aimc');
  for (const f of [lang.icon.light, lang.icon.dark]) assert.match(readFileSync(join(ROOT, f), 'utf8'), /^<svg /);
});

test('Marketplace metadata: repository, keywords, real categories, a banner, a changelog of this version', () => {
  assert.match(pkg.repository.url, /^https:\/\//);
  assert.ok(pkg.keywords.length >= 5 && pkg.keywords.length <= 30);
  assert.ok(!pkg.categories.includes('Other'));
  assert.match(pkg.galleryBanner.color, /^#[0-9a-f]{6}$/i);
  const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
  assert.match(changelog, new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}\\b`, 'm'));
});

test('the README shows screenshots the UI suite writes, and each exists', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const images = [...readme.matchAll(/!\[[^\]]*\]\((docs\/screenshots\/[^)]+\.png)\)/g)].map((m) => m[1]);
  assert.ok(images.length >= 3, images.join());
  const ui = readFileSync(join(ROOT, 'test/host/ui.ts'), 'utf8');
  for (const image of images) {
    assert.ok(existsSync(join(ROOT, image)), image);
    assert.ok(ui.includes(image.replace(/^docs\/screenshots\//, '')), `the UI suite writes ${image}`);
  }
});

test('the shipped JSON schema gives every number a hover with unit, default, range and source, and choices their values', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'media/aimc-config.schema.json'), 'utf8'));
  const bits = schema.properties.weights.properties.adc.properties.bits;
  assert.equal(
    bits.markdownDescription,
    [
      bits.description,
      '',
      '- Unit: bits',
      '- Default: `8`',
      '- Valid range: 1 to 16 bits',
      `- Source of the default: ${bits.source}`,
    ].join('\n'),
  );
  const device = schema.properties.weights.properties.device;
  assert.match(device.markdownDescription, /^- Allowed values: `pcm`, `rram`, `sram`, `ideal`$/m);
  const missing: string[] = [];
  const walk = (s: Record<string, unknown>, path: string) => {
    const props = s.properties as Record<string, Record<string, unknown>> | undefined;
    if (props) for (const [k, v] of Object.entries(props)) walk(v, path ? `${path}.${k}` : k);
    if (s.items) walk(s.items as Record<string, unknown>, `${path}[]`);
    const leaf = s.type === 'number' || s.type === 'integer';
    if (leaf && s.const === undefined && typeof s.markdownDescription !== 'string') missing.push(path);
    if (
      (s.type === 'number' || s.type === 'integer') &&
      s.unit &&
      !String(s.markdownDescription).includes(`Unit: ${s.unit}`)
    )
      missing.push(`${path} (unit)`);
  };
  walk(schema, '');
  assert.deepEqual(missing, []);
});
