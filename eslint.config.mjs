// ESLint 9 flat config. Its point is the layering of the code (which directory may import which)
// and real bugs; formatting is Prettier's job (.prettierrc.json), so no style rules here.
//
// Layers:
//   src/engine    the simulator: src/engine, src/shared and npm libraries only (no vscode, no Node builtins)
//   src/shared    the floor: src/shared only
//   src/worker    engine through src/engine/index.ts only, shared, Node builtins
//   src/cli       as worker, plus src/worker
//   src/extension as cli, plus vscode (no src/cli)
//   webview       webview, src/shared and npm libraries only
// and no import cycles anywhere. test/** and scripts/** may import anything.
import { builtinModules } from 'node:module';
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

const ENGINE = './src/engine';
const SHARED = './src/shared';
const WORKER = './src/worker';
const CLI = './src/cli';
const EXTENSION = './src/extension';
const WEBVIEW = './webview';

/** Node builtins, bare ('fs', 'fs/promises') and prefixed ('node:fs'). */
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

/** A `no-restricted-imports` option object forbidding vscode and/or Node builtins in a layer. */
function forbidModules(layer, { vscode, node }) {
  const paths = [];
  const patterns = [];
  if (vscode) paths.push({ name: 'vscode', message: `${layer} must not import vscode.` });
  if (node) {
    for (const name of nodeBuiltins) paths.push({ name, message: `${layer} must not import Node builtins.` });
    patterns.push({ group: ['node:*'], message: `${layer} must not import Node builtins.` });
  }
  return { paths, patterns };
}

/** A `no-restricted-syntax` entry for dynamic `import('…')` of the same modules (no-restricted-imports misses those). */
function forbidDynamic(layer, { vscode, node }) {
  const names = [...(vscode ? ['vscode'] : []), ...(node ? nodeBuiltins : [])].map((n) => n.replace(/\//g, '\\/'));
  const alternatives = [...names, ...(node ? ['node:.*'] : [])].join('|');
  return {
    selector: `ImportExpression[source.value=/^(${alternatives})$/]`,
    message: `${layer} must not import ${[vscode && 'vscode', node && 'Node builtins'].filter(Boolean).join(' or ')}.`,
  };
}

function layer(dir, name, forbidden) {
  return {
    name: `aimc/layer/${name}`,
    files: [`${dir.slice(2)}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', forbidModules(name, forbidden)],
      'no-restricted-syntax': ['error', forbidDynamic(name, forbidden)],
    },
  };
}

/**
 * Zones of import-x/no-restricted-paths: files in `target` must not import files in `from`. Exported for
 * test/unit/lint.test.ts, which roots them at a miniature tree. Type-only imports count too; `typeof import('…')`
 * type expressions are not checked by the rule.
 */
export const zones = [
  {
    target: ENGINE,
    from: [CLI, EXTENSION, WORKER, WEBVIEW],
    message: 'src/engine may import only src/engine, src/shared and npm libraries.',
  },
  {
    target: SHARED,
    from: [ENGINE, CLI, EXTENSION, WORKER, WEBVIEW],
    message: 'src/shared may import only src/shared.',
  },
  {
    target: [WORKER, CLI, EXTENSION],
    from: ENGINE,
    except: ['./index.ts'],
    message: "Import the engine through its public entry src/engine/index.ts ('…/engine'), not its internals.",
  },
  { target: WORKER, from: [CLI, EXTENSION, WEBVIEW], message: 'src/worker must not import cli, extension or webview.' },
  { target: CLI, from: [EXTENSION, WEBVIEW], message: 'src/cli must not import extension or webview.' },
  { target: EXTENSION, from: [CLI, WEBVIEW], message: 'src/extension must not import cli or webview.' },
  {
    target: WEBVIEW,
    from: [ENGINE, CLI, EXTENSION, WORKER],
    message: 'webview may import only webview, src/shared and npm libraries.',
  },
];

export default defineConfig(
  {
    name: 'aimc/ignores',
    ignores: [
      'dist/**',
      'out/**',
      'media/**',
      '.test-host/**',
      '.vscode-test/**',
      'test-results/**',
      'test/golden/outputs/**',
      // Deliberate violations (an import cycle, a miniature layered tree) that test/unit/lint.test.ts lints.
      'test/fixtures/lint/**',
    ],
  },
  {
    name: 'aimc/js',
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'aimc/ts',
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    settings: {
      // import-x parses imported .ts files only when told (no-cycle follows imports through them).
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: path.join(root, 'tsconfig.json'), alwaysTryTypes: true }),
        createNodeResolver(),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // The layering rules skip imports they cannot resolve, so an unresolved import must not pass silently.
      'import-x/no-unresolved': 'error',
      'import-x/no-restricted-paths': ['error', { zones, basePath: root }],
      // As tsc's noUnusedLocals/noUnusedParameters: `{ omitted: _, ...rest }` and `_`-prefixed names are deliberate.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  layer(ENGINE, 'src/engine', { vscode: true, node: true }),
  layer(SHARED, 'src/shared', { vscode: true, node: true }),
  layer(WORKER, 'src/worker', { vscode: true, node: false }),
  layer(CLI, 'src/cli', { vscode: true, node: false }),
  layer(WEBVIEW, 'webview', { vscode: true, node: true }),
  {
    name: 'aimc/webview-globals',
    files: ['webview/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
);
