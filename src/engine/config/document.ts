/**
 * A config file parsed with source positions. YAML 1.2 is a superset of JSON, so `*.aimc.json`
 * goes through the same parser and keeps its positions too.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic, Position, Range } from '../../shared/diagnostics';

export type JsonPath = ReadonlyArray<string | number>;

export interface ConfigDocument {
  readonly text: string;
  /** `json` when the text is a JSON object (`*.aimc.json`), else `yaml`. */
  readonly format: 'yaml' | 'json';
  readonly doc: Document.Parsed;
  /** The plain data, or undefined when the text does not parse. */
  readonly value: unknown;
  readonly syntaxDiagnostics: readonly Diagnostic[];
  positionAt(offset: number): Position;
  rangeOf(start: number, end: number): Range;
  /** Range of the value at `path`, or of the nearest ancestor that exists. */
  valueRange(path: JsonPath): Range;
  /** Range of the key naming `path`'s last segment (for maps), else the value range. */
  keyRange(path: JsonPath): Range;
  /** The YAML node at `path`, if present. */
  nodeAt(path: JsonPath): Node | undefined;
  /** The map pair whose key is the last segment of `path`, if present. */
  pairAt(path: JsonPath): Pair<Node, Node | null> | undefined;
}

export function parseConfigDocument(text: string): ConfigDocument {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true });

  // Line starts come from the text, not the parser's LineCounter: the parser records lines only as
  // far as it reads, and a syntax error can stop it before the end.
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const positionAt = (offset: number): Position => {
    const clamped = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - lineStarts[low] };
  };
  const rangeOf = (start: number, end: number): Range => ({
    start: positionAt(start),
    end: positionAt(Math.max(start, end)),
  });
  const wholeFirstLine = (): Range => {
    const nl = text.indexOf('\n');
    return rangeOf(0, nl < 0 ? text.length : nl);
  };

  const syntaxDiagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const [start, end] = e.pos;
    syntaxDiagnostics.push({
      range: rangeOf(start, end > start ? end : start + 1),
      severity: 'error',
      code: 'syntax',
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
    });
  }

  const walk = (
    path: JsonPath,
  ): { node: Node | undefined; pair: Pair<Node, Node | null> | undefined; depth: number } => {
    let node: unknown = doc.contents;
    let pair: Pair<Node, Node | null> | undefined;
    let depth = 0;
    for (const seg of path) {
      if (isMap(node)) {
        const found = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!found) break;
        pair = found as Pair<Node, Node | null>;
        node = found.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        if (seg < 0 || seg >= node.items.length) break;
        pair = undefined;
        node = node.items[seg];
      } else {
        break;
      }
      depth++;
    }
    return { node: (node ?? undefined) as Node | undefined, pair, depth };
  };

  const rangeOfNode = (node: Node | undefined | null): Range | undefined => {
    const r = node?.range;
    if (!r) return undefined;
    return rangeOf(r[0], r[1]);
  };

  const valueRange = (path: JsonPath): Range => {
    const { node, pair, depth } = walk(path);
    if (depth === path.length) {
      return rangeOfNode(node) ?? rangeOfNode(pair?.key as Node | undefined) ?? wholeFirstLine();
    }
    // The path runs past what exists: point at the deepest key that does.
    return rangeOfNode(pair?.key as Node | undefined) ?? rangeOfNode(node) ?? wholeFirstLine();
  };

  const keyRange = (path: JsonPath): Range => {
    const { pair, depth } = walk(path);
    if (depth === path.length && pair && typeof path[path.length - 1] === 'string') {
      return rangeOfNode(pair.key as Node) ?? valueRange(path);
    }
    return valueRange(path);
  };

  let value: unknown;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      syntaxDiagnostics.push({
        range: wholeFirstLine(),
        severity: 'error',
        code: 'syntax',
        message: `YAML: ${(e as Error).message}`,
      });
    }
  }

  return {
    text,
    format: /^\s*\{/.test(text) ? 'json' : 'yaml',
    doc,
    value,
    syntaxDiagnostics,
    positionAt,
    rangeOf,
    valueRange,
    keyRange,
    nodeAt: (path) => {
      const w = walk(path);
      return w.depth === path.length ? w.node : undefined;
    },
    pairAt: (path) => {
      const w = walk(path);
      return w.depth === path.length ? w.pair : undefined;
    },
  };
}
