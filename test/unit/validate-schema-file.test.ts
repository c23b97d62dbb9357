/** The JSON Schema shipped for `*.aimc.json` (contributes.jsonValidation) is the validator's own. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configJsonSchema } from '../../src/engine/config/schema';

const ROOT = join(import.meta.dirname, '../..');

test('media/aimc-config.schema.json equals the schema generated from schema.ts (run `npm run build` to refresh it)', () => {
  const shipped = JSON.parse(readFileSync(join(ROOT, 'media/aimc-config.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(shipped, configJsonSchema());
});

test('package.json wires the schema to *.aimc.json and the aimc language to *.aimc.yaml', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    activationEvents: string[];
    contributes: {
      jsonValidation: Array<{ fileMatch: string; url: string }>;
      languages: Array<{ id: string; extensions: string[]; configuration: string }>;
      grammars: Array<{ language: string; scopeName: string; path: string }>;
      commands: Array<{ command: string; title: string; category?: string }>;
    };
  };
  const c = pkg.contributes;
  assert.deepEqual(c.jsonValidation.find((j) => j.fileMatch === '*.aimc.json')?.url, './media/aimc-config.schema.json');
  const lang = c.languages.find((l) => l.id === 'aimc');
  assert.deepEqual(lang?.extensions, ['.aimc.yaml', '.aimc.yml']);
  const grammar = c.grammars.find((g) => g.language === 'aimc');
  assert.ok(grammar);
  const tm = JSON.parse(readFileSync(join(ROOT, grammar.path), 'utf8')) as {
    scopeName: string;
    patterns: Array<{ include: string }>;
  };
  assert.equal(tm.scopeName, grammar.scopeName);
  assert.deepEqual(tm.patterns, [{ include: 'source.yaml' }]);
  const config = JSON.parse(readFileSync(join(ROOT, lang!.configuration), 'utf8')) as {
    comments: { lineComment: string };
  };
  assert.equal(config.comments.lineComment, '#');
  const titles = Object.fromEntries(
    c.commands.map((x) => [x.command, `${x.category ? `${x.category}: ` : ''}${x.title}`]),
  );
  assert.equal(titles['aimc.simulate'], 'AIMC: Simulate Current Config');
  assert.equal(titles['aimc.runSweep'], 'AIMC: Run Sweep');
  assert.equal(titles['aimc.compareBaselines'], 'AIMC: Compare with GPU Baselines');
  assert.ok(pkg.activationEvents.includes('onLanguage:aimc'));
});
