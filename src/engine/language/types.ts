/**
 * What the language service answers with: plain data over zero-based positions, so the VS Code
 * adapter, a language server or a test can turn it into whatever they need.
 */
import type { Diagnostic, Range, TextEdit } from '../../shared/diagnostics';

export type { Diagnostic, Position, Range, TextEdit } from '../../shared/diagnostics';

export type CompletionKind = 'property' | 'section' | 'value' | 'enum' | 'snippet';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  /** One line shown next to the label: the unit and default, a preset's size, a GPU's name. */
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** Text replacing `range`; with `snippet`, in VS Code snippet syntax (`${1:8}`, `${1|a,b|}`). */
  readonly insertText: string;
  readonly snippet: boolean;
  readonly range: Range;
  /** What the editor matches the typed prefix against (the key without quotes). */
  readonly filterText?: string;
  readonly sortText?: string;
  readonly preselect?: boolean;
}

export interface Hover {
  /** Markdown. */
  readonly contents: string;
  readonly range: Range;
}

export type SymbolKind = 'section' | 'list' | 'item' | 'number' | 'string' | 'boolean' | 'null';

export interface DocumentSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: SymbolKind;
  /** From the key to the end of the value. */
  readonly range: Range;
  /** The key (or, for a list item, the item's first line); always inside `range`. */
  readonly selectionRange: Range;
  readonly children: readonly DocumentSymbol[];
}

export interface CodeLens {
  readonly range: Range;
  readonly title: string;
  /** A command id the extension contributes. */
  readonly command: string;
}

export interface CodeAction {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  readonly diagnostic: Diagnostic;
  /** The one fix to apply with "auto fix" when a problem has exactly one. */
  readonly isPreferred: boolean;
}
