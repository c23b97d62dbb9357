/**
 * Extension entry: wiring only. Heavy work (the engine) loads lazily in the features that need it.
 */
import * as vscode from 'vscode';
import { registerLanguageFeatures } from './language/register';
import { log } from './log';

export function activate(context: vscode.ExtensionContext): void {
  try {
    context.subscriptions.push(log());
    registerLanguageFeatures(context);
    log().info('AIMC Explorer activated');
  } catch (e) {
    // VS Code shows nothing when activation fails, so say it ourselves.
    const message = `AIMC Explorer failed to start: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(message);
    log().error(message);
  }
}

export function deactivate(): void {
  // Disposables registered in context.subscriptions are released by VS Code.
}
