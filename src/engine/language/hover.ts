/**
 * Hover: the documentation of the key under the cursor (description, unit, default, valid range,
 * source of the default) and, on a value, what that value means (a preset's shape, a GPU's
 * datasheet figures, an enum choice).
 */
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { Position } from '../../shared/diagnostics';
import type { JsonPath } from '../config/document';
import { offsetAt } from './cursor';
import { keyDocumentation, valueDocumentation } from './describe';
import { parsed } from './parsed';
import { schemaAt } from './schemaNav';
import type { Hover } from './types';

interface Hit {
  readonly path: JsonPath;
  readonly on: 'key' | 'value';
  readonly start: number;
  readonly end: number;
  readonly value?: unknown;
}

const inside = (r: readonly number[] | null | undefined, offset: number): r is readonly number[] =>
  !!r && r[0] <= offset && offset <= r[1];

/** The key or scalar under `offset`, with its config path. */
export function nodeAtOffset(node: unknown, offset: number, path: Array<string | number> = []): Hit | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const keyPath = [...path, String(item.key.value)];
      if (inside(item.key.range, offset))
        return { path: keyPath, on: 'key', start: item.key.range![0], end: item.key.range![1] };
      const v = item.value as Node | null;
      if (v && inside(v.range, offset)) return nodeAtOffset(v, offset, keyPath);
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i] as Node | null;
      if (item && inside(item.range, offset)) return nodeAtOffset(item, offset, [...path, i]);
    }
    return undefined;
  }
  if (isScalar(node) && node.range)
    return { path, on: 'value', start: node.range[0], end: node.range[1], value: node.value };
  return undefined;
}

export function hover(text: string, position: Position): Hover | undefined {
  const doc = parsed(text);
  const hit = nodeAtOffset(doc.doc.contents, offsetAt(text, position));
  if (!hit) return undefined;
  const s = schemaAt(hit.path);
  if (!s) return undefined;
  // A list item is documented by its list: `baselines[1]` by `baselines`.
  const keyPath = typeof hit.path[hit.path.length - 1] === 'number' ? hit.path.slice(0, -1) : hit.path;
  const keySchema = schemaAt(keyPath) ?? s;
  const parts: string[] = [];
  if (hit.on === 'value') {
    const about = valueDocumentation(hit.path, s, hit.value);
    if (about.documentation) parts.push(about.documentation, '---');
  }
  parts.push(keyDocumentation(keyPath, keySchema));
  return { contents: parts.join('\n\n'), range: doc.rangeOf(hit.start, hit.end) };
}
