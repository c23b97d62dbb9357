/**
 * A hand-written fake of the `vscode` APIs the extension uses: the config language adapters (see
 * src/extension/language/vscodeApi.ts) and the host side (src/extension/api.ts: commands, quick
 * picks and dialogs, progress, the status bar, webview panels and views, settings). It records
 * registrations, diagnostics, messages, posts and edits, serves files from memory, and answers
 * quick picks, input boxes, dialogs and message buttons from a script the test sets, so the tests
 * run under `node --test`.
 */
import type { ExtensionApi } from '../../src/extension/api';

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
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
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly authority = '',
  ) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  /** `scheme:path` or `scheme://authority/path`, as Uri.toString() writes them. */
  static parse(value: string): Uri {
    const m = /^([A-Za-z][\w+.-]*):(?:\/\/([^/]*))?(.*)$/.exec(value);
    if (!m) throw new Error(`not a URI: ${value}`);
    return new Uri(m[1], m[3], m[2] ?? '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    const out: string[] = [];
    for (const seg of [...base.path.split('/'), ...parts.flatMap((p) => p.split('/'))]) {
      if (seg === '..') out.pop();
      else if (seg !== '.' && seg !== '') out.push(seg);
    }
    return new Uri(base.scheme, `/${out.join('/')}`, base.authority);
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; path?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.path ?? this.path, this.authority);
  }
  toString(): string {
    return this.path.startsWith('/') || this.authority
      ? `${this.scheme}://${this.authority}${this.path}`
      : `${this.scheme}:${this.path}`;
  }
}

export const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 } as const;

export class Diagnostic {
  source?: string;
  code?: string | number;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: number,
  ) {}
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
  constructor(
    readonly label: string,
    readonly kind: number,
  ) {}
}

export class Hover {
  constructor(
    readonly contents: MarkdownString,
    readonly range: Range,
  ) {}
}

export const CodeActionKind = { QuickFix: { value: 'quickfix' } } as const;
export const CodeActionTriggerKind = { Invoke: 1, Automatic: 2 } as const;

export class WorkspaceEdit {
  readonly replacements: Array<{ uri: Uri; range: Range; newText: string }> = [];
  readonly insertions: Array<{ uri: Uri; position: Position; newText: string }> = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.replacements.push({ uri, range, newText });
  }
  insert(uri: Uri, position: Position, newText: string): void {
    this.insertions.push({ uri, position, newText });
  }
}

export class CodeAction {
  edit?: WorkspaceEdit;
  isPreferred?: boolean;
  diagnostics?: Diagnostic[];
  constructor(
    readonly title: string,
    readonly kind: { value: string },
  ) {}
}

export class CodeLens {
  constructor(
    readonly range: Range,
    readonly command: { title: string; command: string; arguments?: unknown[] },
  ) {}
}

export class DocumentSymbol {
  children: DocumentSymbol[] = [];
  constructor(
    readonly name: string,
    readonly detail: string,
    readonly kind: number,
    readonly range: Range,
    readonly selectionRange: Range,
  ) {}
}

type Listener<T> = (e: T) => void;

class Emitter<T> {
  private listeners: Array<Listener<T>> = [];
  readonly event = (l: Listener<T>) => {
    this.listeners.push(l);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((x) => x !== l);
      },
    };
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
  constructor(
    readonly uri: Uri,
    public text: string,
    readonly languageId: string,
  ) {}
  getText(): string {
    return this.text;
  }
}

export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;
export const StatusBarAlignment = { Left: 1, Right: 2 } as const;
export const ViewColumn = { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 } as const;

export class FakeStatusBarItem {
  text = '';
  tooltip: string | undefined;
  command: string | undefined;
  name: string | undefined;
  visible = false;
  disposed = false;
  constructor(
    readonly id: string,
    readonly alignment: number,
    readonly priority: number,
  ) {}
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  dispose(): void {
    this.disposed = true;
  }
}

/** A webview: what the host posted, and a way to send it messages as the page would. */
export class FakeWebview {
  html = '';
  options: { enableScripts?: boolean; localResourceRoots?: Uri[] } = {};
  /** What code-server gives: a list of sources, not one. */
  readonly cspSource = "'self' https://*.vscode-cdn.net";
  readonly posted: unknown[] = [];
  private readonly received = new Emitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  asWebviewUri(uri: Uri): Uri {
    return uri.with({ scheme: 'https' });
  }
  async postMessage(message: unknown): Promise<boolean> {
    this.posted.push(message);
    return true;
  }
  /** The page sends `message`; resolves once the host's handler has run. */
  async send(message: unknown): Promise<void> {
    this.received.fire(message);
    await new Promise((r) => setImmediate(r));
  }
  types(): string[] {
    return this.posted.map((m) => (m as { type: string }).type);
  }
}

export class FakeWebviewPanel {
  readonly webview = new FakeWebview();
  visible = true;
  disposed = false;
  readonly reveals: Array<{ column: number | undefined; preserveFocus: boolean | undefined }> = [];
  private readonly disposeEmitter = new Emitter<void>();
  private readonly viewStateEmitter = new Emitter<unknown>();
  readonly onDidDispose = this.disposeEmitter.event;
  readonly onDidChangeViewState = this.viewStateEmitter.event;
  constructor(
    readonly viewType: string,
    readonly title: string,
    public viewColumn: number | undefined,
    readonly createOptions: Record<string, unknown>,
  ) {}
  reveal(column?: number, preserveFocus?: boolean): void {
    this.reveals.push({ column, preserveFocus });
    this.visible = true;
  }
  /** The user switched to another tab in its group: VS Code discards the page. */
  hide(): void {
    this.visible = false;
    this.viewStateEmitter.fire({ webviewPanel: this });
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}

export class FakeWebviewView {
  readonly webview = new FakeWebview();
  visible = true;
  private readonly visibility = new Emitter<void>();
  private readonly disposeEmitter = new Emitter<void>();
  readonly onDidChangeVisibility = this.visibility.event;
  readonly onDidDispose = this.disposeEmitter.event;
  hide(): void {
    this.visible = false;
    this.visibility.fire();
  }
}

/** What a scripted answer gets: the items or options the extension showed. */
export type Answer = unknown | ((shown: unknown, options: unknown) => unknown);

export interface UiCall {
  readonly kind: UiKind;
  readonly shown: unknown;
  readonly options: unknown;
}

export type UiKind = 'quickPick' | 'inputBox' | 'saveDialog' | 'openDialog' | 'message';

/** Answers to the user interface, in order per kind; a call with no answer left gets undefined (the user pressed Escape). */
export class ScriptedUser {
  private readonly answers = new Map<UiKind, Answer[]>();
  readonly calls: UiCall[] = [];
  answer(kind: UiKind, ...answers: Answer[]): this {
    this.answers.set(kind, [...(this.answers.get(kind) ?? []), ...answers]);
    return this;
  }
  async next(kind: UiKind, shown: unknown, options: unknown): Promise<unknown> {
    this.calls.push({ kind, shown, options });
    const a = this.answers.get(kind)?.shift();
    return typeof a === 'function' ? (a as (s: unknown, o: unknown) => unknown)(shown, options) : a;
  }
  callsOf(kind: UiKind): UiCall[] {
    return this.calls.filter((c) => c.kind === kind);
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
  const messages: Array<{ level: 'warning' | 'error' | 'info'; text: string }> = [];
  const opened = new Emitter<FakeDocument>();
  const changed = new Emitter<{ document: FakeDocument }>();
  const closed = new Emitter<FakeDocument>();
  const documents: FakeDocument[] = [];
  let disposedCollections = 0;
  const user = new ScriptedUser();
  const statusBarItems: FakeStatusBarItem[] = [];
  const panels: FakeWebviewPanel[] = [];
  const serializers = new Map<string, { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> }>();
  const viewProviders = new Map<string, { resolveWebviewView(view: unknown): void }>();
  const executed: Array<{ id: string; args: unknown[] }> = [];
  const progress: Array<{
    options: { location: number; title?: string; cancellable?: boolean };
    reports: Array<{ message?: string; increment?: number }>;
    cancel(): void;
  }> = [];
  const written = new Map<string, Uint8Array>();
  const settings = new Map<string, unknown>();
  const saved = new Emitter<FakeDocument>();
  const activeEditor = new Emitter<unknown>();
  const configurationChanged = new Emitter<{ affectsConfiguration(section: string): boolean }>();
  const shownDocuments: FakeDocument[] = [];
  const appliedEdits: WorkspaceEdit[] = [];
  let untitledCount = 0;
  const message =
    (level: 'warning' | 'error' | 'info') =>
    async (text: string, ...items: unknown[]) => {
      messages.push({ level, text });
      const choices = items.filter((i) => typeof i === 'string');
      return user.next(
        'message',
        { level, text, items: choices },
        items.find((i) => typeof i === 'object'),
      );
    };
  const openDocument = (d: FakeDocument): FakeDocument => {
    documents.push(d);
    opened.fire(d);
    return d;
  };
  const window = {
    activeTextEditor: undefined as { document: FakeDocument; viewColumn?: number } | undefined,
    visibleTextEditors: [] as Array<{ document: FakeDocument; viewColumn?: number }>,
    onDidChangeActiveTextEditor: activeEditor.event,
    showWarningMessage: message('warning'),
    showErrorMessage: message('error'),
    showInformationMessage: message('info'),
    showQuickPick: async (items: unknown, options?: { canPickMany?: boolean }) =>
      user.next('quickPick', await items, options),
    showInputBox: async (options?: { value?: string; validateInput?(v: string): unknown }) =>
      user.next('inputBox', options?.value, options),
    showSaveDialog: async (options?: unknown) => user.next('saveDialog', undefined, options),
    showOpenDialog: async (options?: unknown) => user.next('openDialog', undefined, options),
    showTextDocument: async (doc: FakeDocument) => {
      shownDocuments.push(doc);
      window.activeTextEditor = { document: doc, viewColumn: 1 };
      activeEditor.fire(window.activeTextEditor);
      return window.activeTextEditor;
    },
    withProgress: async (
      options: { location: number; title?: string; cancellable?: boolean },
      task: (p: unknown, token: unknown) => Promise<unknown>,
    ) => {
      const cancelled = new Emitter<void>();
      const token = { isCancellationRequested: false, onCancellationRequested: cancelled.event };
      const entry = {
        options,
        reports: [] as Array<{ message?: string; increment?: number }>,
        cancel: () => {
          token.isCancellationRequested = true;
          cancelled.fire();
        },
      };
      progress.push(entry);
      return task({ report: (r: { message?: string; increment?: number }) => entry.reports.push(r) }, token);
    },
    createStatusBarItem: (id: string, alignment: number, priority: number) => {
      const item = new FakeStatusBarItem(id, alignment, priority);
      statusBarItems.push(item);
      return item;
    },
    createWebviewPanel: (
      viewType: string,
      title: string,
      show: { viewColumn?: number },
      options: Record<string, unknown>,
    ) => {
      const panel = new FakeWebviewPanel(
        viewType,
        title,
        show.viewColumn === ViewColumn.Beside ? 2 : show.viewColumn,
        options,
      );
      panels.push(panel);
      return panel;
    },
    registerWebviewPanelSerializer: (
      viewType: string,
      serializer: { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> },
    ) => {
      serializers.set(viewType, serializer);
      return { dispose: () => serializers.delete(viewType) };
    },
    registerWebviewViewProvider: (id: string, provider: { resolveWebviewView(view: unknown): void }) => {
      viewProviders.set(id, provider);
      return { dispose: () => viewProviders.delete(id) };
    },
  };
  const register =
    (kind: string) =>
    (selector: unknown, provider: unknown, ...extra: unknown[]) => {
      registrations.push({ kind, selector, provider, extra });
      return { dispose: () => undefined };
    };

  const api = {
    Position,
    Range,
    Uri,
    Diagnostic,
    DiagnosticSeverity,
    CompletionItem,
    CompletionItemKind,
    SnippetString,
    MarkdownString,
    Hover,
    CodeAction,
    CodeActionKind,
    CodeActionTriggerKind,
    WorkspaceEdit,
    CodeLens,
    DocumentSymbol,
    SymbolKind,
    ProgressLocation,
    StatusBarAlignment,
    ViewColumn,
    languages: {
      createDiagnosticCollection: (name: string) => {
        const store = new Map<string, Diagnostic[]>();
        collections.set(name, store);
        return {
          set: (uri: Uri, d: Diagnostic[]) => {
            store.set(uriKey(uri), d);
          },
          delete: (uri: Uri) => {
            store.delete(uriKey(uri));
          },
          get: (uri: Uri) => store.get(uriKey(uri)),
          dispose: () => {
            disposedCollections++;
          },
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
      get textDocuments() {
        return documents;
      },
      onDidSaveTextDocument: saved.event,
      onDidChangeConfiguration: configurationChanged.event,
      workspaceFolders: [{ uri: Uri.file('/work'), name: 'work', index: 0 }],
      getConfiguration: (section: string) => ({
        get: <T>(key: string, fallback?: T) =>
          settings.has(`${section}.${key}`) ? (settings.get(`${section}.${key}`) as T) : fallback,
      }),
      isTrusted: true,
      fs: {
        stat: async (uri: Uri) => {
          const bytes = written.get(uri.path) ?? files.get(uri.path);
          if (bytes === undefined) throw Object.assign(new Error(`ENOENT ${uri.path}`), { code: 'FileNotFound' });
          const size = typeof bytes === 'string' ? new TextEncoder().encode(bytes).length : bytes.length;
          return { type: 1, ctime: 0, mtime: 0, size };
        },
        readFile: async (uri: Uri) => {
          const bytes = written.get(uri.path);
          if (bytes) return bytes;
          const text = files.get(uri.path);
          if (text === undefined) throw new Error(`ENOENT ${uri.path}`);
          return new TextEncoder().encode(text);
        },
        writeFile: async (uri: Uri, bytes: Uint8Array) => {
          written.set(uri.path, bytes);
        },
        readDirectory: async (uri: Uri) => {
          const prefix = `${uri.path}/`;
          const names = [...files.keys(), ...written.keys()].filter(
            (f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/'),
          );
          if (names.length === 0) throw new Error(`ENOENT ${uri.path}`);
          return names.map((f) => [f.slice(prefix.length), 1] as const);
        },
      },
      /** Like VS Code: an open document, else the file read from disk, else a new untitled one. */
      openTextDocument: async (what: Uri | { language?: string; content?: string }) => {
        if (!(what instanceof Uri)) {
          return openDocument(
            new FakeDocument(
              Uri.parse(`untitled:Untitled-${++untitledCount}`),
              what.content ?? '',
              what.language ?? 'plaintext',
            ),
          );
        }
        const d = documents.find((x) => x.uri.toString() === what.toString());
        if (d) return d;
        const language = (p: string) =>
          p.endsWith('.json') ? 'json' : /\.aimc\.ya?ml$/.test(p) ? 'aimc' : 'plaintext';
        if (what.scheme === 'untitled') return openDocument(new FakeDocument(what, '', language(what.path)));
        const bytes = written.get(what.path);
        const text = bytes ? new TextDecoder().decode(bytes) : files.get(what.path);
        if (text === undefined) throw new Error(`cannot open ${what.toString()}`);
        return openDocument(new FakeDocument(what, text, language(what.path)));
      },
      applyEdit: async (edit: WorkspaceEdit) => {
        appliedEdits.push(edit);
        for (const ins of edit.insertions) {
          const d = documents.find((x) => x.uri.toString() === ins.uri.toString());
          if (!d) return false;
          // Inserts at (0, 0) are all the extension does.
          d.text = ins.newText + d.text;
          d.version++;
        }
        return true;
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
      executeCommand: async (id: string, ...args: unknown[]) => {
        executed.push({ id, args });
        return commands.get(id)?.(...args);
      },
    },
  };

  return {
    api: api as unknown as ExtensionApi,
    registrations,
    collections,
    files,
    commands,
    messages,
    documents,
    window,
    user,
    statusBarItems,
    panels,
    serializers,
    viewProviders,
    executed,
    progress,
    written,
    settings,
    shownDocuments,
    appliedEdits,
    /** The text of a file the extension wrote. */
    writtenText(path: string): string | undefined {
      const bytes = written.get(path);
      return bytes && new TextDecoder().decode(bytes);
    },
    /** Makes `d` the active editor, as clicking its tab does. */
    activate(d: FakeDocument | undefined): void {
      window.activeTextEditor = d && { document: d, viewColumn: 1 };
      window.visibleTextEditors = d ? [window.activeTextEditor!] : [];
      activeEditor.fire(window.activeTextEditor);
    },
    save(d: FakeDocument): void {
      saved.fire(d);
    },
    setting(key: string, value: unknown): void {
      settings.set(key, value);
      configurationChanged.fire({
        affectsConfiguration: (section: string) => key === section || key.startsWith(`${section}.`),
      });
    },
    /** Resolves the side view as VS Code does when the user opens it. */
    openSideView(id: string): FakeWebviewView {
      const view = new FakeWebviewView();
      const provider = viewProviders.get(id);
      if (!provider) throw new Error(`no webview view provider for ${id}`);
      provider.resolveWebviewView(view);
      return view;
    },
    get disposedCollections() {
      return disposedCollections;
    },
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
