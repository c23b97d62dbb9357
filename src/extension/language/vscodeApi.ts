/**
 * The part of the `vscode` module the language adapters use. The adapters receive it as a value
 * instead of importing `vscode`, so the tests can hand them a small fake.
 */
import type * as vscode from 'vscode';

export type VscodeApi = Pick<
  typeof vscode,
  | 'CodeAction'
  | 'CodeActionKind'
  | 'CodeActionTriggerKind'
  | 'CodeLens'
  | 'CompletionItem'
  | 'CompletionItemKind'
  | 'Diagnostic'
  | 'DiagnosticSeverity'
  | 'DocumentSymbol'
  | 'Hover'
  | 'MarkdownString'
  | 'Position'
  | 'Range'
  | 'SnippetString'
  | 'SymbolKind'
  | 'Uri'
  | 'WorkspaceEdit'
  | 'commands'
  | 'languages'
  | 'window'
  | 'workspace'
>;

/** The engine's language service, loaded on first use so activation stays cheap. */
export type LanguageService = (typeof import('../../engine'))['language'];
export type LoadLanguageService = () => Promise<LanguageService>;

/** Where commands write: the extension's log channel in the extension, a recorder in tests. */
export interface Output {
  info(message: string): void;
  error(message: string): void;
  show(preserveFocus?: boolean): void;
}
