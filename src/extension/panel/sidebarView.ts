/**
 * The AIMC side view (activity bar): the last result in brief, a small energy chart, and buttons
 * to simulate, sweep and open the panel. Its page is dist/sidebar.js; it gets results and status.
 */
import type * as vscode from 'vscode';
import type { ExtensionApi, Log } from '../api';
import type { ResultsStore } from '../results/store';
import { handleWebviewMessage, webviewActions, type ViewRequests, type WebviewActions } from './messages';
import { pageHtml, webviewOptions } from './resultsPanel';
import { WebviewChannel } from './webviewChannel';

export const SIDEBAR_VIEW_ID = 'aimc.sidebar';

export class SidebarView implements vscode.WebviewViewProvider {
  constructor(
    private readonly api: ExtensionApi,
    private readonly extensionUri: vscode.Uri,
    private readonly store: ResultsStore,
    private readonly requests: ViewRequests,
    private readonly log: Log,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.api, this.extensionUri);
    const channel = new WebviewChannel(view.webview, 'sidebar', this.store);
    const subscriptions = [
      view.webview.onDidReceiveMessage((m: unknown) =>
        handleWebviewMessage(m, 'sidebar', this.actionsFor(channel), this.log).catch((e: unknown) =>
          this.log.error(`Side view message failed: ${(e as Error).stack ?? String(e)}`),
        ),
      ),
      view.onDidChangeVisibility(() => {
        if (!view.visible) channel.onHidden();
      }),
    ];
    view.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      channel.dispose();
    });
    view.webview.html = pageHtml(this.api, this.extensionUri, view.webview, 'sidebar.js');
  }

  private actionsFor(channel: WebviewChannel): WebviewActions {
    // The side view has no charts to collect: any export is the user's.
    return webviewActions(
      this.requests,
      () => channel.onReady(),
      (format, _requestId, images) => this.requests.exportResults(format, images),
    );
  }
}
