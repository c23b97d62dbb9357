/**
 * A config file parsed with source positions. YAML 1.2 is a superset of JSON, so `*.aimc.json`
 * goes through the same parser and keeps its positions too.
 *
 * Before parsing, one linear scan of the text bounds what the parser may be handed (see
 * `scanLimits`): the YAML parser recurses once per nesting level (about 800 levels overflow the
 * stack) and its cost grows with the number of entries, so a hostile file is refused with one
 * positioned diagnostic instead of exhausting the stack, the memory or the user's patience.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic, Position, Range } from '../../shared/diagnostics';

/**
 * Deepest nesting of sections and lists the scan lets through. The deepest path a valid config has
 * is five levels (`layers[0].weights.adc.bits`); 64 leaves room for any hand-written file while
 * staying far below the ~800 levels at which the parser runs out of stack.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * Most entries (map keys, list items, lines) a config may have. The examples have under 200; one
 * override per layer of the largest model the schema allows (1,000 layers) is about 5,000. At
 * 50,000 parsing and validating take well under a second and a few tens of MB; a 5 MB file of a
 * million entries took the parser seconds and about a gigabyte.
 */
export const MAX_ENTRIES = 50_000;

/** Most syntax findings reported for one file, like the schema's (schemaCheck.ts). */
const MAX_SYNTAX_DIAGNOSTICS = 100;

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
  const limit = scanLimits(text);
  // Repeated keys are found below in linear time: the parser's own check compares each key with
  // every earlier key of its map, quadratic in the keys of one map (20,000 keys took 5 s).
  const doc = parseDocument(limit ? '' : text, { prettyErrors: false, uniqueKeys: false, strict: true });

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
  if (limit) {
    syntaxDiagnostics.push({
      range: rangeOf(limit.offset, limit.offset + 1),
      severity: 'error',
      code: limit.code,
      message: limit.message,
    });
  }
  for (const e of doc.errors) {
    const [start, end] = e.pos;
    syntaxDiagnostics.push({
      range: rangeOf(start, end > start ? end : start + 1),
      severity: 'error',
      code: 'syntax',
      message: `YAML syntax: ${e.message.split('\n')[0]}`,
    });
  }
  for (const at of repeatedKeys(doc.contents)) {
    syntaxDiagnostics.push({
      range: rangeOf(at, at + 1),
      severity: 'error',
      code: 'syntax',
      message: 'YAML syntax: Map keys must be unique',
    });
  }
  syntaxDiagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  // A file of 40,000 repeated keys has as many findings; the first hundred say what is wrong.
  syntaxDiagnostics.splice(MAX_SYNTAX_DIAGNOSTICS);

  // Each map's pairs by key, built on the first lookup: locating many diagnostics in a map of
  // many keys stays linear rather than a scan of the map per lookup.
  const pairsByKey = new WeakMap<object, Map<string, Pair<Node, Node | null>>>();
  const keysOf = (map: { items: unknown[] }): Map<string, Pair<Node, Node | null>> => {
    let index = pairsByKey.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        if (!isPair(p) || !isScalar(p.key)) continue;
        const k = String(p.key.value);
        if (!index.has(k)) index.set(k, p as Pair<Node, Node | null>);
      }
      pairsByKey.set(map, index);
    }
    return index;
  };

  const walk = (
    path: JsonPath,
  ): { node: Node | undefined; pair: Pair<Node, Node | null> | undefined; depth: number } => {
    let node: unknown = doc.contents;
    let pair: Pair<Node, Node | null> | undefined;
    let depth = 0;
    for (const seg of path) {
      if (isMap(node)) {
        const found = keysOf(node).get(String(seg));
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
  if (syntaxDiagnostics.length === 0) {
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

interface LimitProblem {
  readonly offset: number;
  readonly code: 'nesting-too-deep' | 'too-many-entries';
  readonly message: string;
}

const isBlank = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** Index just past the quoted scalar opening at `start` (or the end of the text when it never closes). */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return text.length;
}

/**
 * One pass over the text, before the parser sees it: the nesting depth (block indentation levels,
 * compact `- ` and `? ` items, flow brackets) and the number of entries (lines, flow items), each
 * an upper bound of what the parser would build. Quotes, comments and block scalars are skipped as
 * YAML reads them, so a `[` inside a string does not count; where the scan cannot tell, it
 * counts, so it never lets through more than the parser would build.
 */
export function scanLimits(text: string): LimitProblem | undefined {
  const n = text.length;
  const indents: number[] = [];
  let flow = 0;
  let entries = 0;
  /** Indentation of the line that opened a block scalar (`|`, `>`); its more indented lines are text. */
  let blockScalarIndent = -1;
  const tooDeep = (offset: number): LimitProblem => ({
    offset,
    code: 'nesting-too-deep',
    message: `The file nests sections and lists more than ${MAX_NESTING_DEPTH} levels deep here; a config needs at most 5 (\`layers[0].weights.adc.bits\`). Remove the extra nesting.`,
  });
  const tooMany = (offset: number): LimitProblem => ({
    offset,
    code: 'too-many-entries',
    message: `The file has more than ${MAX_ENTRIES.toLocaleString('en-US')} entries (keys, list items and lines) by here; a config needs a few hundred. Remove repeated or unknown keys, and cover layers with ranges such as "0-31" rather than one override each.`,
  });
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && text[j] === ' ') j++;
    const indent = j - i;
    const c = text[j];
    if (j >= n || c === '\n' || (c === '\r' && text[j + 1] === '\n') || c === '#') {
      // Blank or comment line.
      const nl = text.indexOf('\n', j);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (++entries > MAX_ENTRIES) return tooMany(j);
    if (blockScalarIndent >= 0) {
      if (indent > blockScalarIndent) {
        const nl = text.indexOf('\n', j);
        i = nl < 0 ? n : nl + 1;
        continue;
      }
      blockScalarIndent = -1;
    }
    if (flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1] > indent) indents.pop();
      if (indents.length === 0 || indents[indents.length - 1] < indent) indents.push(indent);
      if (indents.length > MAX_NESTING_DEPTH) return tooDeep(j);
    }
    let compact = 0;
    let atStart = true;
    let k = j;
    while (k < n && text[k] !== '\n') {
      const ch = text[k];
      if (ch === ' ' || ch === '\t' || ch === '\r') {
        k++;
        continue;
      }
      if (ch === '#' && isBlank(text[k - 1])) {
        while (k < n && text[k] !== '\n') k++;
        break;
      }
      if (atStart && (ch === "'" || ch === '"')) {
        // May run over several lines; the scan goes on after it, on whatever line it ends.
        k = skipQuoted(text, k);
        atStart = false;
        continue;
      }
      if (flow === 0 && atStart && (ch === '-' || ch === '?') && isBlank(text[k + 1])) {
        if (++entries > MAX_ENTRIES) return tooMany(k);
        if (indents.length + ++compact > MAX_NESTING_DEPTH) return tooDeep(k);
        k++;
        continue;
      }
      if ((ch === '[' || ch === '{') && (flow > 0 || atStart)) {
        if (++entries > MAX_ENTRIES) return tooMany(k);
        if (indents.length + compact + ++flow > MAX_NESTING_DEPTH) return tooDeep(k);
        atStart = true;
        k++;
        continue;
      }
      if (flow > 0 && (ch === ']' || ch === '}')) {
        flow--;
        atStart = false;
        k++;
        continue;
      }
      if (flow > 0 && ch === ',') {
        if (++entries > MAX_ENTRIES) return tooMany(k);
        atStart = true;
        k++;
        continue;
      }
      if (ch === ':' && (flow > 0 || isBlank(text[k + 1]))) {
        atStart = true;
        k++;
        continue;
      }
      if (flow === 0 && atStart && (ch === '|' || ch === '>')) {
        blockScalarIndent = indent;
        while (k < n && text[k] !== '\n') k++;
        break;
      }
      if (atStart && (ch === '&' || ch === '!' || ch === '*')) {
        // An anchor, tag or alias: the node (if any) follows it.
        while (k < n && !isBlank(text[k]) && !(flow > 0 && ',[]{}'.includes(text[k]))) k++;
        continue;
      }
      atStart = false;
      k++;
    }
    i = k + 1;
  }
  return undefined;
}

/** Offsets of keys repeated within one map: each key of each map goes into a set, linear in the keys. */
function repeatedKeys(root: unknown): number[] {
  const out: number[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          // The parser's own rule: scalar keys are the same when their values are identical (1 and "1" differ).
          const id = `${typeof key.value}:${String(key.value)}`;
          if (seen.has(id) && key.range) out.push(key.range[0]);
          seen.add(id);
        } else if (key) stack.push(key);
        if (pair.value) stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
  }
  return out.sort((a, b) => a - b);
}
