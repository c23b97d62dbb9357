/**
 * Overrides (sweep values, baseline choices) set on the parsed config rather than on its text:
 * there is no round trip through JSON, and every diagnostic still points into the text as written.
 * A diagnostic about an overridden key lands on that key (or its nearest written ancestor).
 */
import type { ConfigOverride } from '../../shared/overrides';
import type { ConfigDocument, JsonPath } from '../config/document';

/** A deep copy of parsed config data (maps, lists and scalars). */
function copyData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyData);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyData(v)]));
  return value;
}

/** A copy of `value` (plain data) with each override's key set, creating sections as needed. */
export function applyOverrides(value: unknown, overrides: readonly ConfigOverride[]): Record<string, unknown> {
  const out = copyData(value) as Record<string, unknown>;
  for (const o of overrides) {
    const path = o.key.split('.');
    let node = out;
    for (const seg of path.slice(0, -1)) {
      const next = node[seg];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = copyData(o.value);
  }
  return out;
}

function startsWith(path: JsonPath, prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => String(path[i]) === seg);
}

/**
 * The document with the overrides applied to its value. Ranges still come from the text; the text
 * of an overridden node is stale, so the node itself is hidden (checks then describe the value,
 * and offer no edit of text that no longer holds it).
 */
export function overlayDocument(doc: ConfigDocument, overrides: readonly ConfigOverride[]): ConfigDocument {
  if (overrides.length === 0) return doc;
  const paths = overrides.map((o) => o.key.split('.'));
  const overridden = (path: JsonPath) => paths.some((p) => startsWith(path, p));
  return {
    ...doc,
    value: applyOverrides(doc.value, overrides),
    nodeAt: (path) => (overridden(path) ? undefined : doc.nodeAt(path)),
    pairAt: (path) => (overridden(path) ? undefined : doc.pairAt(path)),
  };
}
