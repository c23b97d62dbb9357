// Regenerates the documentation derived from code: docs/config.md (from the schema).
import { writeFileSync } from 'node:fs';
import { configReferenceMarkdown } from '../src/engine/config/reference';

writeFileSync(new URL('../docs/config.md', import.meta.url), `${configReferenceMarkdown()}\n`);
console.log('wrote docs/config.md');
