/**
 * The results panel's host: one WebviewPanel, created on demand and restored after a reload by its
 * serializer (the page restores its own content from `getState`; the host only sets the HTML
 * again). Scripts run from dist/ and styles from media/, nothing else; no
 * `retainContextWhenHidden` (see WebviewChannel for what that means for messages).
 */
import type * as vscode from 'vscode';
import type { ChartImage, ExportFormat, PanelTab } from '../../shared/webviewProtocol';
import type { ExtensionApi, Log } from '../api';
import type { ResultsStore } from '../results/store';
import { createNonce, webviewHtml } from './html';
import { handleWebviewMessage, webviewActions, type ViewRequests, type WebviewActions } from './messages';
import { WebviewChannel } from './webviewChannel';

export const RESULTS_VIEW_TYPE = 'aimc.results';
const TITLE = 'AIMC Results';

/** How long the panel may take to render every chart to PNG before an export gives up. */
export const COLLECT_CHARTS_TIMEOUT_MS = 60_000;

/** The webview options both views use: scripts on, files from dist/ and media/ only. */
export function webviewOptions(api: ExtensionApi, extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [api.Uri.joinPath(extensionUri, 'dist'), api.Uri.joinPath(extensionUri, 'media')],
  };
}

export function pageHtml(
  api: ExtensionApi,
  extensionUri: vscode.Uri,
  webview: vscode.Webview,
  script: 'webview.js' | 'sidebar.js',
): string {
  return webviewHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: webview.asWebviewUri(api.Uri.joinPath(extensionUri, 'dist', script)).toString(),
    styleUri: webview.asWebviewUri(api.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString(),
    title: TITLE,
  });
}

interface PendingCharts {
  resolve(images: readonly ChartImage[]): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class ResultsPanel implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private channel: WebviewChannel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private nextRequestId = 1;
  private readonly pendingCharts = new Map<number, PendingCharts>();

  constructor(
    private readonly api: ExtensionApi,
    private readonly extensionUri: vscode.Uri,
    private readonly store: ResultsStore,
    private readonly requests: ViewRequests,
    private readonly log: Log,
  ) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get viewColumn(): vscode.ViewColumn | undefined {
    return this.panel?.viewColumn;
  }

  /** Opens the panel beside the editor, or brings it forward, optionally on a tab. */
  show(tab?: PanelTab, preserveFocus = true): void {
    if (this.panel) {
      // Never over the config being edited: a panel sharing its editor group moves beside it.
      const editorColumn = this.api.window.activeTextEditor?.viewColumn;
      const beside = editorColumn !== undefined && editorColumn === this.panel.viewColumn;
      this.panel.reveal(beside ? this.api.ViewColumn.Beside : undefined, preserveFocus);
    } else {
      this.attach(
        this.api.window.createWebviewPanel(
          RESULTS_VIEW_TYPE,
          TITLE,
          { viewColumn: this.api.ViewColumn.Beside, preserveFocus },
          webviewOptions(this.api, this.extensionUri),
        ),
      );
    }
    if (tab) this.channel!.post({ type: 'reveal', tab });
  }

  /** The serializer: VS Code restarted with the panel open. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.attach(panel);
  }

  /** PNGs of every chart the panel can draw, rendered by the page; opens the panel if need be. */
  collectCharts(timeoutMs = COLLECT_CHARTS_TIMEOUT_MS): Promise<readonly ChartImage[]> {
    this.show();
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingCharts.delete(requestId);
        reject(new Error(`the results panel did not send its charts within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pendingCharts.set(requestId, { resolve, reject, timer });
      this.channel!.post({ type: 'collectCharts', requestId });
    });
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private attach(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.panel = panel;
    // A restored panel gets its options back from VS Code, but not necessarily these exact ones.
    panel.webview.options = webviewOptions(this.api, this.extensionUri);
    const channel = new WebviewChannel(panel.webview, 'panel', this.store);
    this.channel = channel;
    this.panelSubscriptions = [
      panel.webview.onDidReceiveMessage((m: unknown) =>
        handleWebviewMessage(m, 'panel', this.actionsFor(channel), this.log).catch((e: unknown) =>
          this.log.error(`Panel message failed: ${(e as Error).stack ?? String(e)}`),
        ),
      ),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) channel.onHidden();
      }),
      panel.onDidDispose(() => this.detach(panel)),
    ];
    panel.webview.html = pageHtml(this.api, this.extensionUri, panel.webview, 'webview.js');
  }

  private actionsFor(channel: WebviewChannel): WebviewActions {
    return webviewActions(
      this.requests,
      () => channel.onReady(),
      (format, requestId, images) => this.exported(format, requestId, images),
    );
  }

  private exported(format: ExportFormat, requestId: number | null, images: readonly ChartImage[]): Promise<void> {
    if (requestId !== null) {
      const pending = this.pendingCharts.get(requestId);
      if (!pending) {
        this.log.warn(`The results panel answered chart request ${requestId}, which nobody is waiting for; ignored.`);
        return Promise.resolve();
      }
      this.pendingCharts.delete(requestId);
      clearTimeout(pending.timer);
      pending.resolve(images);
      return Promise.resolve();
    }
    return this.requests.exportResults(format, images);
  }

  private detach(panel: vscode.WebviewPanel): void {
    if (this.panel !== panel) return;
    for (const s of this.panelSubscriptions) s.dispose();
    this.panelSubscriptions = [];
    this.channel?.dispose();
    this.channel = undefined;
    this.panel = undefined;
    for (const [id, p] of this.pendingCharts) {
      clearTimeout(p.timer);
      p.reject(new Error('the results panel was closed before it sent its charts'));
      this.pendingCharts.delete(id);
    }
  }
}
