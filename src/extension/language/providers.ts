/** Completion, hover, quick fixes, CodeLens and outline for configs, over the engine's language service. */
import type * as vscode from 'vscode';
import { analyzeText } from './analysis';
import {
  fromPosition,
  fromRange,
  sameDiagnostic,
  toCompletionItem,
  toDocumentSymbol,
  toMarkdown,
  toRange,
  toWorkspaceEdit,
} from './convert';
import type { ConfigDiagnostics } from './diagnostics';
import type { LoadLanguageService, VscodeApi } from './vscodeApi';

export class ConfigCompletionProvider implements vscode.CompletionItemProvider {
  /** `:` starts a value, a space an indented key or a value, `"` a JSON key, `[` and `,` a list item. */
  static readonly triggerCharacters = [':', ' ', '"', '[', ','];

  constructor(
    private readonly api: VscodeApi,
    private readonly load: LoadLanguageService,
  ) {}

  async provideCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<vscode.CompletionItem[]> {
    const service = await this.load();
    return service.complete(document.getText(), fromPosition(position)).map((i) => toCompletionItem(this.api, i));
  }
}

export class ConfigHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly api: VscodeApi,
    private readonly load: LoadLanguageService,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const service = await this.load();
    const h = service.hover(document.getText(), fromPosition(position));
    return h ? new this.api.Hover(toMarkdown(this.api, h.contents), toRange(this.api, h.range)) : undefined;
  }
}

export class ConfigCodeActionProvider implements vscode.CodeActionProvider {
  constructor(
    private readonly api: VscodeApi,
    private readonly load: LoadLanguageService,
    private readonly diagnostics: ConfigDiagnostics,
  ) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const service = await this.load();
    // The fixes come with the engine's diagnostics; reuse the last validation when it is current.
    // VS Code asks for the light bulb on every cursor move: while typing has outrun validation,
    // that asking waits for the next validation; an explicit Ctrl+. analyzes at once.
    let found = this.diagnostics.current(document);
    if (!found && context.triggerKind === this.api.CodeActionTriggerKind.Automatic) return [];
    found ??= (await analyzeText(this.api, this.load, document.uri, document.getText())).diagnostics;
    return service.codeActions(found, fromRange(range)).map((a) => {
      const action = new this.api.CodeAction(a.title, this.api.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(this.api, document.uri, a.edits);
      action.isPreferred = a.isPreferred;
      const shown = context.diagnostics.filter((d) => sameDiagnostic(d, a.diagnostic));
      if (shown.length) action.diagnostics = shown;
      return action;
    });
  }
}

export class ConfigCodeLensProvider implements vscode.CodeLensProvider {
  constructor(
    private readonly api: VscodeApi,
    private readonly load: LoadLanguageService,
  ) {}

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const service = await this.load();
    return service.codeLenses(document.getText()).map(
      (l) =>
        new this.api.CodeLens(toRange(this.api, l.range), {
          title: l.title,
          command: l.command,
          arguments: [document.uri],
        }),
    );
  }
}

export class ConfigSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(
    private readonly api: VscodeApi,
    private readonly load: LoadLanguageService,
  ) {}

  async provideDocumentSymbols(document: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
    const service = await this.load();
    return service.documentSymbols(document.getText()).map((s) => toDocumentSymbol(this.api, s));
  }
}
