/** Quick fixes: the `fix` a check attached to its diagnostic, offered where the diagnostic is. */
import type { Diagnostic, Range } from '../../shared/diagnostics';
import type { CodeAction } from './types';

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Whether two ranges share a position (touching counts: a cursor at the end of a word is on it). */
export function rangesTouch(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function codeActions(diagnostics: readonly Diagnostic[], range: Range): CodeAction[] {
  const hits = diagnostics.filter((d) => d.fix && rangesTouch(d.range, range));
  return hits.map((d) => ({ title: d.fix!.title, edits: d.fix!.edits, diagnostic: d, isPreferred: true }));
}
