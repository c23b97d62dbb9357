/**
 * The config reference (docs/config.md) generated from the schema, so the documentation cannot
 * drift from what the validator accepts.
 */
import { COMPONENT_LIBRARY, COMPONENT_IDS } from '../components/index';
import { configJsonSchema } from './schema';

type Json = Record<string, unknown>;

interface Row {
  key: string;
  type: string;
  unit: string;
  default: string;
  range: string;
  description: string;
  source: string;
}

function typeOf(s: Json): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => `\`${String(v)}\``).join(' | ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (s.anyOf) return (s.anyOf as Json[]).map(typeOf).join(' or ');
  if (s.type === 'array') return `list of ${typeOf((s.items ?? {}) as Json)}`;
  return String(s.type ?? 'any');
}

function rangeOf(s: Json): string {
  const lo =
    s.minimum !== undefined
      ? `≥ ${String(s.minimum)}`
      : s.exclusiveMinimum !== undefined
        ? `> ${String(s.exclusiveMinimum)}`
        : '';
  const hi = s.maximum !== undefined ? `≤ ${String(s.maximum)}` : '';
  return [lo, hi].filter(Boolean).join(', ');
}

const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function walk(s: Json, path: string, rows: Row[]): void {
  const props = s.properties as Record<string, Json> | undefined;
  if (s.type === 'object' && props) {
    if (path)
      rows.push({
        key: path,
        type: 'section',
        unit: '',
        default: '',
        range: '',
        description: String(s.description ?? ''),
        source: '',
      });
    for (const [k, v] of Object.entries(props)) {
      if (k === '$schema' || (path === '' && k === 'components')) continue;
      walk(v, path ? `${path}.${k}` : k, rows);
    }
    return;
  }
  if (s.type === 'array' && (s.items as Json | undefined)?.type === 'object') {
    rows.push({
      key: `${path}[]`,
      type: 'list of sections',
      unit: '',
      default: '',
      range: '',
      description: String(s.description ?? ''),
      source: '',
    });
    walk(s.items as Json, `${path}[]`, rows);
    return;
  }
  rows.push({
    key: path,
    type: typeOf(s),
    unit: String(s.unit ?? ''),
    default: s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : '',
    range: rangeOf(s),
    description: String(s.description ?? ''),
    source: String(s.source ?? ''),
  });
}

export function configReferenceMarkdown(): string {
  const rows: Row[] = [];
  walk(configJsonSchema() as Json, '', rows);
  const out: string[] = [
    '# Config reference (`*.aimc.yaml`, `*.aimc.json`), version 1',
    '',
    'Generated from `src/engine/config/schema.ts` by `npm run docs`; do not edit by hand.',
    'Keys are snake_case. A key left out takes its default; "derived" defaults are computed as the description says.',
    '',
    '| key | type | unit | default | range | description | source of the default |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.unit)} | ${cell(r.default)} | ${cell(r.range)} | ${cell(r.description)} | ${cell(r.source)} |`,
    ),
    '',
    '## `components`: component parameters',
    '',
    'Every cost-model component and its parameters. Override any of them under `components.<id>.<parameter>`.',
    'A default of "derived" means the value is computed from other settings, as described.',
    '',
  ];
  for (const id of COMPONENT_IDS) {
    const c = COMPONENT_LIBRARY[id];
    out.push(
      `### \`${id}\`: ${c.name}`,
      '',
      c.description,
      '',
      '| parameter | unit | default | description | source |',
      '|---|---|---|---|---|',
    );
    for (const [name, p] of Object.entries(c.parameters)) {
      out.push(
        `| \`${name}\` | ${cell(p.unit)} | ${p.default === null ? 'derived' : `\`${String(Number(p.default.toPrecision(6)))}\``} | ${cell(p.description)} | ${cell(p.source)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
