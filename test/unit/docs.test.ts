import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configReferenceMarkdown } from '../../src/engine/config/reference';
import { configJsonSchema } from '../../src/engine/config/schema';

test('docs/config.md is generated from the current schema (run `npm run docs` after changing it)', () => {
  const committed = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
  assert.equal(committed, `${configReferenceMarkdown()}\n`);
});

test('every numeric config key documents its unit and the source of its default', () => {
  const missing: string[] = [];
  const walk = (s: Record<string, unknown>, path: string) => {
    const props = s.properties as Record<string, Record<string, unknown>> | undefined;
    if (props) for (const [k, v] of Object.entries(props)) walk(v, path ? `${path}.${k}` : k);
    if (s.items) walk(s.items as Record<string, unknown>, `${path}[]`);
    if ((s.type === 'number' || s.type === 'integer') && s.const === undefined && !path.includes('[]')) {
      if (s.unit === undefined || !s.source) missing.push(path);
    }
  };
  walk(configJsonSchema() as Record<string, unknown>, '');
  assert.deepEqual(missing, []);
});
