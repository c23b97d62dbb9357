/** Engine results (plain ranges, Markdown strings) as `vscode` objects. */
import type * as vscode from 'vscode';
import type { CompletionItem, DocumentSymbol } from '../../engine';
import type { Diagnostic, Range, TextEdit } from '../../shared/diagnostics';
import type { VscodeApi } from './vscodeApi';

export const DIAGNOSTIC_SOURCE = 'aimc';

export function toRange(api: VscodeApi, r: Range): vscode.Range {
  return new api.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function fromPosition(p: vscode.Position): { line: number; character: number } {
  return { line: p.line, character: p.character };
}

export function fromRange(r: vscode.Range): Range {
  return { start: fromPosition(r.start), end: fromPosition(r.end) };
}

export function toDiagnostic(api: VscodeApi, d: Diagnostic): vscode.Diagnostic {
  const severity =
    d.severity === 'error'
      ? api.DiagnosticSeverity.Error
      : d.severity === 'warning'
        ? api.DiagnosticSeverity.Warning
        : api.DiagnosticSeverity.Information;
  const out = new api.Diagnostic(toRange(api, d.range), d.message, severity);
  out.source = DIAGNOSTIC_SOURCE;
  out.code = d.code;
  return out;
}

/** Whether a `vscode` diagnostic is the one the engine reported as `d`. */
export function sameDiagnostic(v: vscode.Diagnostic, d: Diagnostic): boolean {
  const r = v.range;
  return (
    v.source === DIAGNOSTIC_SOURCE &&
    v.code === d.code &&
    v.message === d.message &&
    r.start.line === d.range.start.line &&
    r.start.character === d.range.start.character &&
    r.end.line === d.range.end.line &&
    r.end.character === d.range.end.character
  );
}

export function toWorkspaceEdit(api: VscodeApi, uri: vscode.Uri, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const edit = new api.WorkspaceEdit();
  for (const e of edits) edit.replace(uri, toRange(api, e.range), e.newText);
  return edit;
}

function markdown(api: VscodeApi, text: string): vscode.MarkdownString {
  return new api.MarkdownString(text);
}

export function toCompletionItem(api: VscodeApi, item: CompletionItem): vscode.CompletionItem {
  const K = api.CompletionItemKind;
  const kind = { property: K.Property, section: K.Module, value: K.Value, enum: K.EnumMember, snippet: K.Snippet }[
    item.kind
  ];
  const out = new api.CompletionItem(item.label, kind);
  out.insertText = item.snippet ? new api.SnippetString(item.insertText) : item.insertText;
  out.range = toRange(api, item.range);
  if (item.detail) out.detail = item.detail;
  if (item.documentation) out.documentation = markdown(api, item.documentation);
  if (item.filterText) out.filterText = item.filterText;
  if (item.sortText) out.sortText = item.sortText;
  if (item.preselect) out.preselect = true;
  return out;
}

export function toDocumentSymbol(api: VscodeApi, s: DocumentSymbol): vscode.DocumentSymbol {
  const K = api.SymbolKind;
  const kind = {
    section: K.Module,
    list: K.Array,
    item: K.Object,
    number: K.Number,
    string: K.String,
    boolean: K.Boolean,
    null: K.Null,
  }[s.kind];
  const out = new api.DocumentSymbol(s.name, s.detail, kind, toRange(api, s.range), toRange(api, s.selectionRange));
  out.children = s.children.map((c) => toDocumentSymbol(api, c));
  return out;
}

export function toMarkdown(api: VscodeApi, text: string): vscode.MarkdownString {
  return markdown(api, text);
}
