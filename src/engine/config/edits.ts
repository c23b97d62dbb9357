/**
 * Text edits behind quick fixes. They keep the file's own style: a quoted scalar stays quoted,
 * JSON stays JSON, a key goes into a block map as a new line at the map's indentation and into a
 * flow map (`{ rows: 256 }`, or any JSON object) as one more entry.
 */
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Fix, TextEdit } from '../../shared/diagnostics';
import type { ConfigDocument, JsonPath } from './document';

type Value = string | number | boolean | { readonly [key: string]: Value };

// YAML reads these plain words as booleans or null, so text that looks like them must be quoted.
const YAML_SPECIAL = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;

/** A scalar as YAML or JSON source; `quote` forces the quoting of the scalar it replaces. */
export function scalarSource(
  value: string | number | boolean,
  format: 'yaml' | 'json',
  quote?: 'double' | 'single' | 'plain',
): string {
  if (typeof value !== 'string') return String(value);
  if (quote === 'single') return `'${value.replace(/'/g, "''")}'`;
  if (quote === 'double' || format === 'json') return JSON.stringify(value);
  return /^[A-Za-z_][\w.-]*$/.test(value) && !YAML_SPECIAL.test(value) ? value : JSON.stringify(value);
}

function quoteOf(node: Node | null | undefined): 'double' | 'single' | 'plain' | undefined {
  if (!isScalar(node)) return undefined;
  return node.type === 'QUOTE_DOUBLE' ? 'double' : node.type === 'QUOTE_SINGLE' ? 'single' : 'plain';
}

/** A value written inline: scalars as themselves, sections as flow maps (`{ bits: 10 }`). */
function inlineSource(value: Value, format: 'yaml' | 'json'): string {
  if (typeof value !== 'object') return scalarSource(value, format);
  const entries = Object.entries(value).map(([k, v]) => `${scalarSource(k, format)}: ${inlineSource(v, format)}`);
  return entries.length ? `{ ${entries.join(', ')} }` : '{}';
}

/** A `key: value` entry of a block map at `indent` spaces; sections become nested block maps. */
function blockEntry(key: string, value: Value, indent: number): string {
  const pad = ' '.repeat(indent);
  if (typeof value !== 'object') return `${pad}${scalarSource(key, 'yaml')}: ${scalarSource(value, 'yaml')}`;
  return [
    `${pad}${scalarSource(key, 'yaml')}:`,
    ...Object.entries(value).map(([k, v]) => blockEntry(k, v, indent + 2)),
  ].join('\n');
}

/** Replaces the scalar at `path`, keeping its quoting. */
export function replaceScalarEdit(cfg: ConfigDocument, path: JsonPath, value: string | number | boolean): TextEdit {
  const quote = typeof value === 'string' ? quoteOf(cfg.nodeAt(path)) : undefined;
  return { range: cfg.valueRange(path), newText: scalarSource(value, cfg.format, quote) };
}

/** Renames the key of `path` (a map key), keeping its quoting. */
export function renameKeyEdit(cfg: ConfigDocument, path: JsonPath, newKey: string): TextEdit {
  const pair = cfg.pairAt(path);
  return {
    range: cfg.keyRange(path),
    newText: scalarSource(newKey, cfg.format, quoteOf(pair?.key as Node | undefined)),
  };
}

export function fix(title: string, ...edits: TextEdit[]): Fix {
  return { title, edits };
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the last non-blank character before `end`. */
function contentEnd(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && /\s/.test(text[i - 1])) i--;
  return i;
}

/**
 * Adds `key: value` to the map at `mapPath`. Sections named in `value` that do not exist yet are
 * written out whole. `first` puts the key before the others (for `version`), else it goes last.
 * Returns undefined when there is no map at `mapPath` to add to.
 */
export function insertKeyEdit(
  cfg: ConfigDocument,
  mapPath: JsonPath,
  key: string,
  value: Value,
  first = false,
): TextEdit | undefined {
  const node = mapPath.length === 0 ? (cfg.doc.contents as Node | null) : cfg.nodeAt(mapPath);
  if (!isMap(node) || !node.range) return undefined;
  const map = node as YAMLMap<Node, Node | null>;
  const text = cfg.text;
  const pairs = map.items as Array<Pair<Node, Node | null>>;
  const at = (offset: number, newText: string): TextEdit => ({ range: cfg.rangeOf(offset, offset), newText });

  if (map.flow) {
    const open = map.range![0];
    const close = text.lastIndexOf('}', map.range![1]);
    const entry = `${scalarSource(key, cfg.format)}: ${inlineSource(value, cfg.format)}`;
    if (pairs.length === 0) return at(open + 1, cfg.format === 'json' ? entry : ` ${entry} `);
    const firstKey = pairs[0].key?.range?.[0] ?? open + 1;
    const multiLine = text.slice(open, firstKey).includes('\n');
    if (multiLine) {
      const indent = ' '.repeat(firstKey - lineStartOf(text, firstKey));
      if (first) return at(firstKey, `${entry},\n${indent}`);
      const last = pairs[pairs.length - 1];
      const end = contentEnd(text, open, (last.value ?? last.key)?.range?.[1] ?? close);
      return at(end, `,\n${indent}${entry}`);
    }
    if (first) return at(firstKey, `${entry}, `);
    const last = pairs[pairs.length - 1];
    return at(contentEnd(text, open, (last.value ?? last.key)?.range?.[1] ?? close), `, ${entry}`);
  }

  const firstKeyStart = pairs[0]?.key?.range?.[0] ?? map.range![0];
  const indent = firstKeyStart - lineStartOf(text, firstKeyStart);
  const entry = blockEntry(key, value, indent);
  if (first) return at(lineStartOf(text, firstKeyStart), `${entry}\n`);
  // After the end of the map's last line of content, so a trailing comment stays on its own line.
  const end = contentEnd(text, map.range![0], map.range![1]);
  const lineEnd = text.indexOf('\n', end);
  return at(lineEnd < 0 ? text.length : lineEnd, `\n${entry}`);
}

/**
 * Sets the value at `path`: replaces it when present, else adds it to the deepest map that exists,
 * creating the missing sections on the way (`adc: { bits: 10 }`).
 */
export function setValueEdit(
  cfg: ConfigDocument,
  path: JsonPath,
  value: string | number | boolean,
): TextEdit | undefined {
  if (cfg.nodeAt(path) !== undefined && isScalar(cfg.nodeAt(path))) return replaceScalarEdit(cfg, path, value);
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const parent = path.slice(0, depth);
    const parentNode = depth === 0 ? (cfg.doc.contents as Node | null) : cfg.nodeAt(parent);
    if (parentNode === undefined || parentNode === null) continue;
    if (!isMap(parentNode)) return undefined;
    const rest = path.slice(depth);
    if (rest.some((s) => typeof s !== 'string')) return undefined;
    let nested: Value = value;
    for (let i = rest.length - 1; i >= 1; i--) nested = { [rest[i] as string]: nested };
    return insertKeyEdit(cfg, parent, rest[0] as string, nested);
  }
  return undefined;
}

/** Removes item `index` of the sequence at `seqPath` with its separator (comma or line). */
export function removeItemEdit(cfg: ConfigDocument, seqPath: JsonPath, index: number): TextEdit | undefined {
  const seq = cfg.nodeAt(seqPath) as (Node & { items?: Array<Node | null>; flow?: boolean }) | undefined;
  const items = seq?.items;
  const item = items?.[index];
  if (!seq || !items || !item?.range) return undefined;
  const text = cfg.text;
  if (seq.flow) {
    const prev = index > 0 ? items[index - 1]?.range : undefined;
    // `[a, b, c]` loses `, b`; the first item loses `a, ` up to the next item.
    if (prev)
      return { range: cfg.rangeOf(contentEnd(text, 0, prev[1]), contentEnd(text, 0, item.range[1])), newText: '' };
    const next = items[index + 1]?.range;
    return { range: cfg.rangeOf(item.range[0], next ? next[0] : contentEnd(text, 0, item.range[1])), newText: '' };
  }
  const start = lineStartOf(text, item.range[0]);
  const end = text.indexOf('\n', contentEnd(text, item.range[0], item.range[1]));
  return { range: cfg.rangeOf(start, end < 0 ? text.length : end + 1), newText: '' };
}
