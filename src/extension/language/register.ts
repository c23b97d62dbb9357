/** The extension's entry to the config language features. */
import * as vscode from 'vscode';
import { log } from '../log';
import { registerFeatures } from './features';
import type { LanguageService } from './vscodeApi';

let service: Promise<LanguageService> | undefined;

/** The engine (parser, validator, cost model) loads on the first config opened, not at activation. */
export function loadLanguageService(): Promise<LanguageService> {
  service ??= import('../../engine').then((engine) => engine.language);
  return service;
}

export function registerLanguageFeatures(context: vscode.ExtensionContext): void {
  registerFeatures(vscode, context.subscriptions, loadLanguageService, log());
}
