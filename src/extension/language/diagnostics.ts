/**
 * Diagnostics as the user types: each change (re)starts a short timer per document, and the
 * analysis runs when typing pauses. A result for an older version than the document's is
 * dropped. The engine's own diagnostics are kept per document for the quick-fix provider.
 */
import type * as vscode from 'vscode';
import type { Diagnostic } from '../../shared/diagnostics';
import { analyzeText } from './analysis';
import { toDiagnostic } from './convert';
import { isConfigDocument, isJsonConfig } from './documents';
import type { LoadLanguageService, VscodeApi } from './vscodeApi';

/**
 * Problems VS Code's JSON language service already reports for `*.aimc.json` from the shipped
 * schema. They are not published twice; their quick fixes are still offered.
 */
export const SCHEMA_CODES: ReadonlySet<string> = new Set([
  'syntax',
  'not-a-config',
  'unknown-key',
  'missing-key',
  'wrong-type',
  'out-of-range',
  'unknown-value',
  'wrong-value',
  'empty-list',
  'duplicate-item',
  'empty-value',
  'schema',
]);

export interface DiagnosticsOptions {
  readonly delayMs?: number;
  readonly setTimer?: (run: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
  readonly onError?: (message: string) => void;
}

interface Latest {
  readonly version: number;
  readonly diagnostics: readonly Diagnostic[];
}

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection: vscode.DiagnosticCollection;
  private readonly timers = new Map<string, unknown>();
  private readonly latest = new Map<string, Latest>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly delayMs: number;
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(
    private readonly api: VscodeApi,
    private readonly load: LoadLanguageService,
    private readonly options: DiagnosticsOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 250;
    this.setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
    this.collection = api.languages.createDiagnosticCollection('aimc');
    const ws = api.workspace;
    this.subscriptions.push(
      ws.onDidOpenTextDocument((d) => {
        if (isConfigDocument(d)) void this.validate(d);
      }),
      ws.onDidChangeTextDocument((e) => {
        if (isConfigDocument(e.document)) this.schedule(e.document);
      }),
      ws.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
    for (const d of ws.textDocuments) if (isConfigDocument(d)) void this.validate(d);
  }

  /** Validate after typing pauses for `delayMs`. */
  schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const pending = this.timers.get(key);
    if (pending !== undefined) this.clearTimer(pending);
    this.timers.set(
      key,
      this.setTimer(() => {
        this.timers.delete(key);
        void this.validate(document);
      }, this.delayMs),
    );
  }

  async validate(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const version = document.version;
    try {
      const analysis = await analyzeText(this.api, this.load, document.uri, document.getText());
      if (document.isClosed || document.version !== version) return;
      this.latest.set(key, { version, diagnostics: analysis.diagnostics });
      const shown = isJsonConfig(document)
        ? analysis.diagnostics.filter((d) => !SCHEMA_CODES.has(d.code))
        : analysis.diagnostics;
      this.collection.set(
        document.uri,
        shown.map((d) => toDiagnostic(this.api, d)),
      );
    } catch (e) {
      // A validator bug must not leave stale squiggles that look like a verdict.
      this.collection.delete(document.uri);
      this.options.onError?.(`Validating ${document.uri.toString()} failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  /** The engine diagnostics of `document` as last validated, if they are for its current version. */
  current(document: Pick<vscode.TextDocument, 'uri' | 'version'>): readonly Diagnostic[] | undefined {
    const l = this.latest.get(document.uri.toString());
    return l && l.version === document.version ? l.diagnostics : undefined;
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const pending = this.timers.get(key);
    if (pending !== undefined) this.clearTimer(pending);
    this.timers.delete(key);
    this.latest.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) this.clearTimer(t);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
