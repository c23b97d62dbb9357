// The layering rules of eslint.config.mjs fire on deliberate violations and stay quiet on
// allowed imports, both in the real tree (virtual files next to real modules) and in the
// miniature tree test/fixtures/lint/layers, which has a real src/engine/index.ts.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';

const ROOT = join(import.meta.dirname, '../..');
const CONFIG = join(ROOT, 'eslint.config.mjs');
const FIXTURES = join(ROOT, 'test/fixtures/lint');
const LAYERS = join(FIXTURES, 'layers');

const PATHS = 'import-x/no-restricted-paths';
const MODULES = '@typescript-eslint/no-restricted-imports';
const DYNAMIC = 'no-restricted-syntax';
const CYCLE = 'import-x/no-cycle';
const LAYERING = new Set([PATHS, MODULES, DYNAMIC, CYCLE]);

const repo = new ESLint({ cwd: ROOT });

/** The repository's config with the zones rooted at the miniature tree instead of the repository. */
async function miniatureLinter(): Promise<ESLint> {
  const { zones } = (await import(pathToFileURL(CONFIG).href)) as { zones: unknown[] };
  return new ESLint({
    cwd: LAYERS,
    overrideConfigFile: CONFIG,
    overrideConfig: { files: ['**/*.ts'], rules: { [PATHS]: ['error', { zones, basePath: LAYERS }] } },
  });
}
const miniature = miniatureLinter();

function describeMessages(messages: Linter.LintMessage[]): string {
  return messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? 'fatal'} ${m.message}`).join('\n') || '(none)';
}

async function lint(eslint: ESLint, filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const results = await eslint.lintText(code, { filePath, warnIgnored: true });
  assert.equal(results.length, 1);
  const { messages } = results[0];
  const fatal = messages.filter((m) => m.fatal || m.ruleId === null);
  assert.deepEqual(fatal, [], `${filePath} did not lint:\n${describeMessages(fatal)}`);
  return messages;
}

/** The file breaks exactly one layering rule, `rule`, once per import in `code`. */
async function assertViolation(eslint: ESLint, filePath: string, code: string, rule: string): Promise<void> {
  const messages = (await lint(eslint, filePath, code)).filter((m) => LAYERING.has(m.ruleId ?? ''));
  const imports = code.split('\n').filter((line) => /\bimport\b/.test(line)).length;
  assert.ok(messages.length > 0, `${filePath}: expected ${rule} on\n${code}`);
  assert.deepEqual(
    messages.map((m) => m.ruleId),
    Array<string>(imports).fill(rule),
    `${filePath}:\n${code}\ngave:\n${describeMessages(messages)}`,
  );
}

/** The file produces no message at all (no layering error, and nothing else either). */
async function assertClean(eslint: ESLint, filePath: string, code: string): Promise<void> {
  const messages = await lint(eslint, filePath, code);
  assert.deepEqual(messages, [], `${filePath}:\n${code}\ngave:\n${describeMessages(messages)}`);
}

/** The first module (sorted) under `dir` other than an index.ts, as a path relative to ROOT without extension. */
function firstModule(dir: string, excludeIndex: boolean): string {
  const entries = readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !(excludeIndex && f.endsWith('index.ts')))
    .sort();
  assert.ok(entries.length > 0, `no module under ${dir}`);
  return join(dir, entries[0]).slice(0, -'.ts'.length);
}

/** The import specifier of ROOT-relative module `to` from ROOT-relative file `from`. */
function specifier(from: string, to: string): string {
  const rel = relative(join(ROOT, from, '..'), join(ROOT, to))
    .split(sep)
    .join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** [X, Y]: engine module X imports engine module Y (ROOT-relative, without extension), found at run time. */
function engineImportEdge(): [string, string] {
  const files = readdirSync(join(ROOT, 'src/engine'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  for (const f of files) {
    const from = join('src/engine', f);
    for (const [, spec] of readFileSync(join(ROOT, from), 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = join(from, '..', spec);
      if (existsSync(join(ROOT, `${target}.ts`)) && target.startsWith(`src${sep}engine${sep}`)) {
        return [from.slice(0, -'.ts'.length), target];
      }
    }
  }
  assert.fail('no relative import between two engine modules');
}

describe('layering in the real tree', () => {
  // Picked at run time so that the test survives modules moving around.
  const engineInternal = firstModule('src/engine', true);
  const sharedModule = firstModule('src/shared', false);
  const use = (names: string[]) => `export const used = [${names.join(', ')}];\n`;

  test('src/engine may not import Node builtins or vscode', async () => {
    const file = 'src/engine/__lint_fixture__.ts';
    await assertViolation(repo, file, `import * as fs from 'node:fs';\n${use(['fs'])}`, MODULES);
    await assertViolation(repo, file, `import * as path from 'path';\n${use(['path'])}`, MODULES);
    await assertViolation(repo, file, `import { readFile } from 'fs/promises';\n${use(['readFile'])}`, MODULES);
    await assertViolation(repo, file, `import * as vscode from 'vscode';\n${use(['vscode'])}`, MODULES);
    await assertViolation(repo, file, `export const w = () => import('node:worker_threads');\n`, DYNAMIC);
  });

  test('src/shared and webview may not import the engine', async () => {
    const shared = 'src/shared/__lint_fixture__.ts';
    await assertViolation(
      repo,
      shared,
      `import * as e from '${specifier(shared, engineInternal)}';\n${use(['e'])}`,
      PATHS,
    );
    const webview = 'webview/__lint_fixture__.ts';
    await assertViolation(
      repo,
      webview,
      `import * as e from '${specifier(webview, engineInternal)}';\n${use(['e'])}`,
      PATHS,
    );
  });

  test('src/cli may not import engine internals', async () => {
    const cli = 'src/cli/__lint_fixture__.ts';
    await assertViolation(repo, cli, `import * as e from '${specifier(cli, engineInternal)}';\n${use(['e'])}`, PATHS);
  });

  test('allowed imports in each layer give no message', async () => {
    const engine = 'src/engine/__lint_fixture__.ts';
    await assertClean(
      repo,
      engine,
      `import * as e from '${specifier(engine, engineInternal)}';\nimport * as s from '${specifier(engine, sharedModule)}';\nimport YAML from 'yaml';\n${use(['e', 's', 'YAML'])}`,
    );
    const shared = 'src/shared/__lint_fixture__.ts';
    await assertClean(repo, shared, `import * as s from '${specifier(shared, sharedModule)}';\n${use(['s'])}`);
    for (const file of [
      'src/cli/__lint_fixture__.ts',
      'src/worker/__lint_fixture__.ts',
      'src/extension/__lint_fixture__.ts',
    ]) {
      await assertClean(
        repo,
        file,
        `import * as e from '../engine';\nimport * as s from '${specifier(file, sharedModule)}';\nimport * as fs from 'node:fs';\n${use(['e', 's', 'fs'])}`,
      );
    }
    await assertClean(
      repo,
      'src/extension/__lint_fixture__.ts',
      `import * as vscode from 'vscode';\n${use(['vscode'])}`,
    );
    const webview = 'webview/__lint_fixture__.ts';
    await assertClean(
      repo,
      webview,
      `import * as s from '${specifier(webview, sharedModule)}';\nimport { Chart } from 'chart.js';\n${use(['s', 'Chart'])}`,
    );
  });

  test('tests may import anything', async () => {
    const file = 'test/unit/__lint_fixture__.test.ts';
    await assertClean(
      repo,
      file,
      `import * as e from '${specifier(file, engineInternal)}';\nimport * as fs from 'node:fs';\nimport * as vscode from 'vscode';\n${use(['e', 'fs', 'vscode'])}`,
    );
  });
});

describe('layering in the miniature tree', () => {
  // [file, import specifier] pairs that break a rule; each file gets `import * as m from '<specifier>'`.
  const forbiddenPaths: [string, string][] = [
    ['src/engine/x.ts', '../cli/main'],
    ['src/engine/x.ts', '../extension/extension'],
    ['src/engine/x.ts', '../worker/pool'],
    ['src/engine/x.ts', '../../webview/main'],
    ['src/shared/x.ts', '../engine'],
    ['src/shared/x.ts', '../engine/config/analyze'],
    ['src/shared/x.ts', '../cli/main'],
    ['src/shared/x.ts', '../worker/pool'],
    ['src/shared/x.ts', '../../webview/main'],
    ['src/worker/x.ts', '../engine/config/analyze'],
    ['src/worker/x.ts', '../cli/main'],
    ['src/worker/x.ts', '../extension/extension'],
    ['src/cli/x.ts', '../engine/config/analyze'],
    ['src/cli/x.ts', '../extension/extension'],
    ['src/cli/x.ts', '../../webview/main'],
    ['src/extension/x.ts', '../engine/config/analyze'],
    ['src/extension/x.ts', '../cli/main'],
    ['src/extension/x.ts', '../../webview/main'],
    ['webview/x.ts', '../src/engine'],
    ['webview/x.ts', '../src/engine/config/analyze'],
    ['webview/x.ts', '../src/worker/pool'],
    ['webview/x.ts', '../src/cli/main'],
    ['webview/x.ts', '../src/extension/extension'],
  ];
  const forbiddenModules: [string, string][] = [
    ['src/engine/x.ts', 'node:fs'],
    ['src/engine/x.ts', 'vscode'],
    ['src/shared/x.ts', 'node:path'],
    ['src/shared/x.ts', 'os'],
    ['src/shared/x.ts', 'vscode'],
    ['src/worker/x.ts', 'vscode'],
    ['src/cli/x.ts', 'vscode'],
    ['webview/x.ts', 'node:fs'],
    ['webview/x.ts', 'child_process'],
    ['webview/x.ts', 'vscode'],
  ];
  const allowed: [string, string[]][] = [
    ['src/engine/x.ts', ['./index', './config/analyze', '../shared/label', 'yaml', '@sinclair/typebox', 'ajv']],
    ['src/shared/x.ts', ['./label']],
    ['src/worker/x.ts', ['../engine', '../engine/index', '../shared/label', 'node:worker_threads', 'os']],
    ['src/cli/x.ts', ['../engine', '../engine/index', '../shared/label', '../worker/pool', 'node:fs', 'path']],
    [
      'src/extension/x.ts',
      ['../engine', '../engine/index', '../shared/label', '../worker/pool', 'vscode', 'node:path'],
    ],
    ['webview/x.ts', ['./main', '../src/shared/label', 'chart.js', '@vscode-elements/elements']],
  ];
  const importOf = (spec: string) => `import * as m from '${spec}';\nexport const used = m;\n`;

  for (const [file, spec] of forbiddenPaths) {
    test(`${file} may not import '${spec}'`, async () => {
      await assertViolation(await miniature, file, importOf(spec), PATHS);
    });
  }
  for (const [file, spec] of forbiddenModules) {
    test(`${file} may not import '${spec}'`, async () => {
      await assertViolation(await miniature, file, importOf(spec), MODULES);
    });
  }
  test('dynamic import() of a deep engine path from src/extension is refused', async () => {
    await assertViolation(
      await miniature,
      'src/extension/x.ts',
      `export const load = () => import('../engine/config/analyze');\n`,
      PATHS,
    );
  });
  for (const [file, specs] of allowed) {
    test(`${file} may import ${specs.join(', ')}`, async () => {
      const code = specs.map((s, i) => `import * as m${i} from '${s}';\n`).join('');
      await assertClean(
        await miniature,
        file,
        `${code}export const used = [${specs.map((_, i) => `m${i}`).join(', ')}];\n`,
      );
    });
  }
  test('the miniature tree itself lints clean', async () => {
    const results = await (await miniature).lintFiles(['.']);
    assert.ok(results.length >= 7, `linted ${results.length} files`);
    for (const r of results) assert.deepEqual(r.messages, [], `${r.filePath}:\n${describeMessages(r.messages)}`);
  });
});

describe('import cycles', () => {
  test('a.ts ⇄ b.ts is reported in both files', async () => {
    const eslint = new ESLint({ cwd: FIXTURES, overrideConfigFile: CONFIG });
    const results = await eslint.lintFiles(['cycle/a.ts', 'cycle/b.ts']);
    assert.equal(results.length, 2);
    for (const r of results) {
      assert.deepEqual(
        r.messages.map((m) => m.ruleId),
        [CYCLE],
        `${r.filePath}:\n${describeMessages(r.messages)}`,
      );
    }
  });

  test('a cycle through real engine modules is reported', async () => {
    // X imports Y on disk; linting Y with an added import of X closes the cycle Y → X → Y.
    const [x, y] = engineImportEdge();
    const messages = await lint(
      repo,
      `${y}.ts`,
      `import * as m from '${specifier(`${y}.ts`, x)}';\nexport const used = m;\n`,
    );
    assert.deepEqual(
      messages.map((m) => m.ruleId),
      [CYCLE],
      `${y}.ts importing ${x}:\n${describeMessages(messages)}`,
    );
  });
});
