/**
 * Extension entry: wiring only. The engine loads with the first config opened, the worker pool
 * with the first simulation; activation builds objects and registers them, and logs what it cost.
 */
import * as vscode from 'vscode';
import { activateWith } from './activation';
import { createHost } from './host';
import { loadLanguageService, registerLanguageFeatures } from './language/register';
import { log } from './log';
import { openWalkthroughOnce } from './onboarding';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(log());
  activateWith(context.subscriptions, {
    api: vscode,
    log: log(),
    registerLanguage: () => registerLanguageFeatures(context),
    createHost: () =>
      createHost({ api: vscode, extensionUri: context.extensionUri, load: loadLanguageService, log: log() }),
  });
  void openWalkthroughOnce(vscode, context.globalState, context.extensionMode === vscode.ExtensionMode.Test, log());
}

export function deactivate(): void {
  // Disposables registered in context.subscriptions (the worker pool among them) are released by VS Code.
}
