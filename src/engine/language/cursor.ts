/**
 * What the cursor is on: a key being typed into a section, or a value being typed for a key, and
 * the config path of either. Found by putting a marker at the cursor and parsing the result with
 * the real YAML parser, so block maps, compact lists, flow maps and JSON all resolve the same way
 * as they do for validation, half-typed lines included.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Range } from '../../shared/diagnostics';
import { scanLimits, type JsonPath } from '../config/document';

export interface CursorContext {
  /** `key`: a key of the section at `path`. `value`: the value at `path`. */
  readonly kind: 'key' | 'value';
  readonly path: JsonPath;
  /** The text a completion replaces: the word at the cursor, with its quotes if it has them. */
  readonly range: Range;
  /** The part of the word before the cursor. */
  readonly prefix: string;
  /** Keys the section already has (for `key`). */
  readonly existingKeys: readonly string[];
  /** `flow` inside `{…}` / `[…]` (all of JSON), `block` on an indented YAML line. */
  readonly style: 'block' | 'flow';
  readonly format: 'yaml' | 'json';
  /** A `:` already follows the word, so a key completion adds no `: `. */
  readonly colonFollows: boolean;
  /** The word starts right after a `:` (`key:|`), so a value needs a space before it. */
  readonly afterColon: boolean;
}

const MARK = 'aimc_cursor_7f3a';
const WORD = /[\w.$/+-]/;

/** Zero-based line and character of `offset`. */
function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

export function offsetAt(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  for (let l = 0; l < position.line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + Math.max(0, position.character), lineEnd < 0 ? text.length : lineEnd);
}

function indentOfLine(text: string, lineStart: number): number {
  let i = lineStart;
  while (text[i] === ' ') i++;
  return i - lineStart;
}

interface Bracket {
  readonly char: '{' | '[';
  readonly offset: number;
}

/**
 * Open flow brackets before `end`, skipping comments and quoted strings. In YAML a bracket opens a
 * flow collection only where a value starts (`name: a [b` is plain text), so the same scan serves
 * both formats.
 */
function openBrackets(
  text: string,
  end: number,
  json: boolean,
): { stack: Bracket[]; inComment: boolean; inString: boolean } {
  const stack: Bracket[] = [];
  let prev = '\n';
  for (let i = 0; i < end; i++) {
    const c = text[i];
    if (c === '#' && !json && /\s/.test(text[i - 1] ?? '\n')) {
      const nl = text.indexOf('\n', i);
      if (nl < 0 || nl >= end) return { stack, inComment: true, inString: false };
      i = nl - 1;
      continue;
    }
    const valueStart = prev === '\n' || ':[{,-'.includes(prev);
    if ((c === '"' || c === "'") && (json || valueStart)) {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' && c === '"' ? 2 : 1;
      if (j >= end) return { stack, inComment: false, inString: true };
      i = j;
      prev = c;
      continue;
    }
    if ((c === '{' || c === '[') && (json || valueStart || stack.length > 0)) stack.push({ char: c, offset: i });
    else if ((c === '}' || c === ']') && stack.length > 0) stack.pop();
    if (c === '\n') {
      prev = '\n';
      // YAML ends an unclosed flow collection at a line indented no deeper than the line it opened on.
      if (
        !json &&
        stack.length > 0 &&
        indentOfLine(text, i + 1) <= indentOfLine(text, text.lastIndexOf('\n', stack[0].offset) + 1)
      ) {
        const next = text.slice(i + 1, text.indexOf('\n', i + 1) < 0 ? undefined : text.indexOf('\n', i + 1));
        if (next.trim() !== '' && !/^\s*[}\]]/.test(next)) stack.length = 0;
      }
    } else if (!/\s/.test(c)) prev = c;
  }
  return { stack, inComment: false, inString: false };
}

/** The last character before `from` that is not white space (a newline when there is none). */
function lastNonSpace(text: string, from: number): string {
  for (let i = from - 1; i >= 0; i--) if (!/\s/.test(text[i])) return text[i];
  return '\n';
}

interface Found {
  readonly kind: 'key' | 'value';
  readonly path: JsonPath;
  readonly siblings: readonly string[];
}

function findMarker(node: unknown, path: Array<string | number>): Found | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? String(item.key.value) : undefined;
      if (key?.includes(MARK)) {
        const siblings = node.items.flatMap((p) =>
          isPair(p) && isScalar(p.key) && !String(p.key.value).includes(MARK) ? [String(p.key.value)] : [],
        );
        return { kind: 'key', path: [...path], siblings };
      }
      if (key === undefined) continue;
      const inner = findMarker(item.value, [...path, key]);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const inner = findMarker(node.items[i], [...path, i]);
      if (inner) return inner;
    }
  } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes(MARK)) {
    return { kind: 'value', path: [...path], siblings: [] };
  }
  return undefined;
}

/** The cursor's context at `offset`, or undefined in a comment or where nothing can be typed. */
export function cursorContext(text: string, offset: number): CursorContext | undefined {
  offset = Math.max(0, Math.min(offset, text.length));
  const format: 'yaml' | 'json' = /^\s*\{/.test(text) ? 'json' : 'yaml';
  const json = format === 'json';

  let start = offset;
  while (start > 0 && WORD.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && WORD.test(text[end])) end++;
  // A YAML list dash is not part of the word after it.
  if (text[start] === '-' && (text[start + 1] === ' ' || start + 1 === end)) start = Math.min(start + 1, offset);
  const prefix = text.slice(start, offset);
  const quote = text[start - 1] === '"' || text[start - 1] === "'" ? text[start - 1] : undefined;
  const replaceStart = quote ? start - 1 : start;
  const replaceEnd = quote && text[end] === quote ? end + 1 : end;

  const scan = openBrackets(text, replaceStart, json);
  if (scan.inComment || scan.inString) return undefined;
  let after = replaceEnd;
  while (after < text.length && (text[after] === ' ' || text[after] === '\t')) after++;
  const colonFollows = text[after] === ':';

  // What is being typed: a value (after `:` or in a list), or a key (which on a `- ` line of a block
  // list may also turn out to be the item itself; the parse below tells).
  let typing: 'key' | 'value';
  const inner = scan.stack[scan.stack.length - 1];
  if (inner) {
    const prev = lastNonSpace(text, replaceStart);
    if (inner.char === '[' || prev === ':') typing = 'value';
    else if (prev === '{' || prev === ',') typing = 'key';
    else return undefined;
  } else {
    if (json) return undefined;
    const before = text.slice(text.lastIndexOf('\n', replaceStart - 1) + 1, replaceStart);
    if (/^\s*(?:-\s+)*$/.test(before)) typing = 'key';
    else if (/:\s*$/.test(before)) typing = 'value';
    else return undefined;
  }

  // `key:value` with no space is one plain scalar in YAML, so a value marker keeps its distance.
  const marker =
    typing === 'value' ? `${text[replaceStart - 1] === ':' ? ' ' : ''}${MARK}` : colonFollows ? MARK : `${MARK}: null`;
  const patched = text.slice(0, replaceStart) + marker + text.slice(replaceEnd);
  // A file past the nesting or entry limits gets no completion: its diagnostic says why, and the
  // parser is never given a nesting deep enough to exhaust the stack.
  if (scanLimits(patched)) return undefined;
  const doc = parseDocument(patched, { uniqueKeys: false, strict: false, prettyErrors: false });
  const found = findMarker(doc.contents, []);
  if (!found) return undefined;

  const range = { start: positionOf(text, replaceStart), end: positionOf(text, replaceEnd) };
  return {
    kind: found.kind,
    path: found.path,
    existingKeys: found.siblings,
    range,
    prefix,
    style: inner ? 'flow' : 'block',
    format,
    colonFollows,
    afterColon: text[replaceStart - 1] === ':',
  };
}

/**
 * Whether the cursor starts a list item (`- |`): the marker then parsed as the item's only key,
 * and the item may as well be a scalar (`baselines`) as a section (`layers`).
 */
export function isNewListItem(ctx: CursorContext): boolean {
  return ctx.kind === 'key' && typeof ctx.path[ctx.path.length - 1] === 'number' && ctx.existingKeys.length === 0;
}
