/** Helpers for tests of the config checks and the language service: positions and edits in text. */
import type { Range, TextEdit } from '../../src/shared/diagnostics';

/** The text with the `|` cursor marker removed, and the marker's position. */
export function cursor(marked: string): { text: string; position: { line: number; character: number } } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('no | in text');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const before = text.slice(0, offset);
  return {
    text,
    position: { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) },
  };
}

/**
 * The range of `needle` on the zero-based line `line` (its `nth` occurrence there): tests say
 * where a finding belongs by naming the text it must underline.
 */
export function spanOf(text: string, line: number, needle: string, nth = 0): Range {
  const content = text.split('\n')[line];
  if (content === undefined) throw new Error(`no line ${line}`);
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = content.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" not on line ${line}: ${content}`);
  }
  return { start: { line, character: at }, end: { line, character: at + needle.length } };
}

function offsetOf(text: string, p: { line: number; character: number }): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let l = 0; l < p.line; l++) offset += lines[l].length + 1;
  return offset + p.character;
}

/** The text after `edits`, applied as an editor would (all against the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offsetOf(out, e.range.start)) + e.newText + out.slice(offsetOf(out, e.range.end));
  return out;
}

/** `version: 1`, a gpt2 model and the given extra lines, as one config text. */
export function gpt2(...lines: string[]): string {
  return ['version: 1', 'model:', '  preset: gpt2', ...lines, ''].join('\n');
}
