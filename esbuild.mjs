// One build script for every bundle: the extension host, the CLI, and (as they appear) the
// worker and the webview.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// The `yaml` package's Node build checks process.env on every token it reads; its browser build
// is the same parser without that and parses a 2,000-line config about twice as fast. Every
// bundle takes the browser build (it needs no Node API).
const yamlBrowserBuild = join(dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser/index.js');
const yamlPlugin = {
  name: 'yaml-browser-build',
  setup: (b) => b.onResolve({ filter: /^yaml$/ }, () => ({ path: yamlBrowserBuild })),
};

/** @type {esbuild.BuildOptions} */
const common = {
  plugins: [yamlPlugin],
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  target: 'node20',
  platform: 'node',
  format: 'cjs',
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
if (existsSync('src/worker/worker.ts')) {
  builds.push({ ...common, entryPoints: ['src/worker/worker.ts'], outfile: 'dist/worker.js' });
}
if (existsSync('webview/main.ts')) {
  builds.push({
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
  });
}
if (existsSync('webview/sidebar/main.ts')) {
  builds.push({
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    entryPoints: ['webview/sidebar/main.ts'],
    outfile: 'dist/sidebar.js',
  });
}
// The integration suite runs inside a real extension host, which provides `vscode`; mocha stays a
// plain require so every test file shares the runner's instance.
// Benchmarks of shipped code run from a bundle built like the shipped ones (`--bench`).
if (process.argv.includes('--bench')) {
  builds.length = 0;
  builds.push({
    ...common,
    sourcemap: false,
    entryPoints: ['test/bench/language.bench.ts'],
    outfile: 'out/bench/language.bench.js',
  });
} else if (existsSync('test/integration/index.ts')) {
  builds.push({
    ...common,
    entryPoints: ['test/integration/index.ts', 'test/integration/*.test.ts'],
    outdir: 'out/integration',
    external: ['vscode', 'mocha'],
  });
}

// The schema `contributes.jsonValidation` ships for *.aimc.json is printed by the CLI just built, from
// the TypeBox definition the validator uses, so the two cannot drift (validate-schema-file test).
const SCHEMA_FILE = 'media/aimc-config.schema.json';
function writeConfigSchema() {
  const text = execFileSync(process.execPath, ['dist/cli.js', 'schema'], { encoding: 'utf8' });
  if (!existsSync(SCHEMA_FILE) || readFileSync(SCHEMA_FILE, 'utf8') !== text) writeFileSync(SCHEMA_FILE, text);
}
const cli = builds.find((b) => b.outfile === 'dist/cli.js');
if (cli)
  cli.plugins = [
    yamlPlugin,
    {
      name: 'config-schema',
      setup: (b) =>
        b.onEnd((r) => {
          if (r.errors.length === 0) writeConfigSchema();
        }),
    },
  ];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
