/**
 * The part of the `vscode` module the extension's host side uses: the language adapters' API plus
 * what commands, the simulation service and the views need. Modules receive it as a value instead
 * of importing `vscode`, so the unit tests can hand them the fake in test/unit/language-fake-vscode.ts.
 */
import type * as vscode from 'vscode';
import type { VscodeApi } from './language/vscodeApi';

export type ExtensionApi = VscodeApi &
  Pick<typeof vscode, 'ProgressLocation' | 'StatusBarAlignment' | 'ViewColumn' | 'Selection' | 'TextEditorRevealType'>;

/** The extension's log as the host side uses it: the LogOutputChannel in VS Code, a recorder in tests. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(preserveFocus?: boolean): void;
}
