/**
 * Registers every config language feature with the given `vscode` API. The commands the CodeLens
 * row runs are the extension's (src/extension/commands/).
 */
import type * as vscode from 'vscode';
import { ConfigDiagnostics, type DiagnosticsOptions } from './diagnostics';
import { CONFIG_SELECTOR, YAML_SELECTOR } from './documents';
import {
  ConfigCodeActionProvider,
  ConfigCodeLensProvider,
  ConfigCompletionProvider,
  ConfigHoverProvider,
  ConfigSymbolProvider,
} from './providers';
import type { LoadLanguageService, Output, VscodeApi } from './vscodeApi';

export function registerFeatures(
  api: VscodeApi,
  subscriptions: vscode.Disposable[],
  load: LoadLanguageService,
  output: Output,
  options: DiagnosticsOptions = {},
): ConfigDiagnostics {
  const diagnostics = new ConfigDiagnostics(api, load, { onError: (m) => output.error(m), ...options });
  const L = api.languages;
  subscriptions.push(
    diagnostics,
    // JSON configs get completion, hover and outline from VS Code's JSON support and the shipped schema.
    L.registerCompletionItemProvider(
      YAML_SELECTOR,
      new ConfigCompletionProvider(api, load),
      ...ConfigCompletionProvider.triggerCharacters,
    ),
    L.registerHoverProvider(YAML_SELECTOR, new ConfigHoverProvider(api, load)),
    L.registerDocumentSymbolProvider(YAML_SELECTOR, new ConfigSymbolProvider(api, load)),
    L.registerCodeActionsProvider(CONFIG_SELECTOR, new ConfigCodeActionProvider(api, load, diagnostics), {
      providedCodeActionKinds: [api.CodeActionKind.QuickFix],
    }),
    L.registerCodeLensProvider(CONFIG_SELECTOR, new ConfigCodeLensProvider(api, load)),
  );
  return diagnostics;
}
