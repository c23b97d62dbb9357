/**
 * A hand-written fake of the few `vscode` APIs the config language adapters use (see
 * src/extension/language/vscodeApi.ts). It records registrations, diagnostics, messages and
 * edits, and serves files from memory, so adapter tests run under `node --test`.
 */
import type { VscodeApi } from '../../src/extension/language/vscodeApi';

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(sl: number, sc: number, el: number, ec: number) {
    this.start = new Position(sl, sc);
    this.end = new Position(el, ec);
  }
}

export class Uri {
  private constructor(readonly scheme: string, readonly path: string) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static parse(value: string): Uri {
    const [scheme, path] = value.split(':');
    return new Uri(scheme, path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    const out: string[] = [];
    for (const seg of [...base.path.split('/'), ...parts.flatMap((p) => p.split('/'))]) {
      if (seg === '..') out.pop();
      else if (seg !== '.' && seg !== '') out.push(seg);
    }
    return new Uri(base.scheme, `/${out.join('/')}`);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 } as const;

export class Diagnostic {
  source?: string;
  code?: string | number;
  constructor(readonly range: Range, readonly message: string, readonly severity: number) {}
}

export const CompletionItemKind = { Value: 11, Property: 9, Module: 8, EnumMember: 19, Snippet: 14 } as const;
export const SymbolKind = { Module: 1, Object: 18, Array: 17, Number: 15, String: 14, Boolean: 16, Null: 20 } as const;

export class SnippetString {
  constructor(readonly value: string) {}
}

export class MarkdownString {
  constructor(readonly value: string) {}
}

export class CompletionItem {
  insertText?: string | SnippetString;
  range?: Range;
  detail?: string;
  documentation?: MarkdownString;
  filterText?: string;
  sortText?: string;
  preselect?: boolean;
  constructor(readonly label: string, readonly kind: number) {}
}

export class Hover {
  constructor(readonly contents: MarkdownString, readonly range: Range) {}
}

export const CodeActionKind = { QuickFix: { value: 'quickfix' } } as const;
export const CodeActionTriggerKind = { Invoke: 1, Automatic: 2 } as const;

export class WorkspaceEdit {
  readonly replacements: Array<{ uri: Uri; range: Range; newText: string }> = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.replacements.push({ uri, range, newText });
  }
}

export class CodeAction {
  edit?: WorkspaceEdit;
  isPreferred?: boolean;
  diagnostics?: Diagnostic[];
  constructor(readonly title: string, readonly kind: { value: string }) {}
}

export class CodeLens {
  constructor(readonly range: Range, readonly command: { title: string; command: string; arguments?: unknown[] }) {}
}

export class DocumentSymbol {
  children: DocumentSymbol[] = [];
  constructor(readonly name: string, readonly detail: string, readonly kind: number, readonly range: Range, readonly selectionRange: Range) {}
}

type Listener<T> = (e: T) => void;

class Emitter<T> {
  private listeners: Array<Listener<T>> = [];
  readonly event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  get size(): number {
    return this.listeners.length;
  }
}

export class FakeDocument {
  version = 1;
  isClosed = false;
  constructor(readonly uri: Uri, public text: string, readonly languageId: string) {}
  getText(): string {
    return this.text;
  }
}

export interface Registration {
  readonly kind: string;
  readonly selector: unknown;
  readonly provider: unknown;
  readonly extra: unknown[];
}

/** A fresh fake `vscode` with its recorders. */
export function fakeVscode() {
  const registrations: Registration[] = [];
  const collections = new Map<string, Map<string, Diagnostic[]>>();
  const uriKey = (uri: Uri) => uri.toString();
  const files = new Map<string, string>();
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const messages: Array<{ level: 'warning' | 'error'; text: string }> = [];
  const opened = new Emitter<FakeDocument>();
  const changed = new Emitter<{ document: FakeDocument }>();
  const closed = new Emitter<FakeDocument>();
  const documents: FakeDocument[] = [];
  let disposedCollections = 0;
  const window = { activeTextEditor: undefined as { document: FakeDocument } | undefined, showWarningMessage: async (text: string) => { messages.push({ level: 'warning', text }); }, showErrorMessage: async (text: string) => { messages.push({ level: 'error', text }); } };
  const register = (kind: string) => (selector: unknown, provider: unknown, ...extra: unknown[]) => {
    registrations.push({ kind, selector, provider, extra });
    return { dispose: () => undefined };
  };

  const api = {
    Position, Range, Uri, Diagnostic, DiagnosticSeverity, CompletionItem, CompletionItemKind, SnippetString, MarkdownString, Hover,
    CodeAction, CodeActionKind, CodeActionTriggerKind, WorkspaceEdit, CodeLens, DocumentSymbol, SymbolKind,
    languages: {
      createDiagnosticCollection: (name: string) => {
        const store = new Map<string, Diagnostic[]>();
        collections.set(name, store);
        return {
          set: (uri: Uri, d: Diagnostic[]) => { store.set(uriKey(uri), d); },
          delete: (uri: Uri) => { store.delete(uriKey(uri)); },
          get: (uri: Uri) => store.get(uriKey(uri)),
          dispose: () => { disposedCollections++; },
        };
      },
      registerCompletionItemProvider: register('completion'),
      registerHoverProvider: register('hover'),
      registerCodeActionsProvider: register('codeActions'),
      registerCodeLensProvider: register('codeLens'),
      registerDocumentSymbolProvider: register('symbols'),
    },
    workspace: {
      onDidOpenTextDocument: opened.event,
      onDidChangeTextDocument: changed.event,
      onDidCloseTextDocument: closed.event,
      get textDocuments() { return documents; },
      fs: {
        readFile: async (uri: Uri) => {
          const text = files.get(uri.path);
          if (text === undefined) throw new Error(`ENOENT ${uri.path}`);
          return new TextEncoder().encode(text);
        },
      },
      openTextDocument: async (uri: Uri) => {
        const d = documents.find((x) => x.uri.toString() === uri.toString());
        if (!d) throw new Error(`not open: ${uri.toString()}`);
        return d;
      },
      asRelativePath: (uri: Uri) => uri.path.replace(/^\/work\//, ''),
    },
    window,
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        if (commands.has(id)) throw new Error(`command '${id}' already exists`);
        commands.set(id, fn);
        return { dispose: () => commands.delete(id) };
      },
    },
  };

  return {
    api: api as unknown as VscodeApi,
    registrations, collections, files, commands, messages, documents, window,
    get disposedCollections() { return disposedCollections; },
    listenerCount: () => opened.size + changed.size + closed.size,
    /** Opens a document the way VS Code does: it joins `textDocuments`, then the open event fires. */
    open(path: string, text: string, languageId = path.endsWith('.json') ? 'json' : 'aimc'): FakeDocument {
      const d = new FakeDocument(Uri.file(path), text, languageId);
      documents.push(d);
      opened.fire(d);
      return d;
    },
    edit(d: FakeDocument, text: string): void {
      d.text = text;
      d.version++;
      changed.fire({ document: d });
    },
    close(d: FakeDocument): void {
      d.isClosed = true;
      documents.splice(documents.indexOf(d), 1);
      closed.fire(d);
    },
    provider<T>(kind: string): T {
      const r = registrations.find((x) => x.kind === kind);
      if (!r) throw new Error(`no ${kind} provider registered`);
      return r.provider as T;
    },
  };
}
