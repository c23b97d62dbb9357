/**
 * The status bar item: the energy per token of the active config's last result. Clicking it opens
 * the results panel, or simulates a config that has no result yet.
 */
import type * as vscode from 'vscode';
import { formatEngineering } from '../../shared/format';
import type { ExtensionApi } from '../api';
import { SHOW_RESULTS_COMMAND, SIMULATE_COMMAND } from '../commands/ids';
import { isConfigDocument } from '../language/documents';
import type { ResultSummary } from './store';

export interface StatusBarContent {
  readonly text: string;
  readonly tooltip: string;
  readonly command: string;
}

/** What the item shows for the active config: its last result, a run in progress, or an invitation. */
export function statusBarContent(summary: ResultSummary | undefined, running: boolean): StatusBarContent {
  if (running)
    return {
      text: '$(sync~spin) AIMC',
      tooltip: 'AIMC: simulating… (AIMC: Cancel stops it)',
      command: SHOW_RESULTS_COMMAND,
    };
  if (!summary)
    return {
      text: '$(pulse) AIMC: simulate',
      tooltip: 'AIMC: no result for this config yet. Click to simulate it.',
      command: SIMULATE_COMMAND,
    };
  const energy = formatEngineering(summary.energyPerTokenJ, 'J');
  return {
    text: `$(pulse) ${energy}/token`,
    tooltip: `${summary.name}\nEnergy per token ${energy}, latency per token ${formatEngineering(summary.latencyPerTokenS, 's')}, ${formatEngineering(summary.tokensPerSecond, 'tok/s')}\nClick to open the AIMC results panel.`,
    command: SHOW_RESULTS_COMMAND,
  };
}

export class EnergyStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(
    private readonly api: ExtensionApi,
    private readonly summaryFor: (uri: string) => ResultSummary | undefined,
    private readonly running: () => boolean,
    private readonly shownConfig: () => string | null,
  ) {
    this.item = api.window.createStatusBarItem('aimc.energyPerToken', api.StatusBarAlignment.Right, 100);
    this.item.name = 'AIMC energy per token';
    this.update();
  }

  update(): void {
    const uri = this.configUri();
    if (uri === undefined) {
      this.item.hide();
      return;
    }
    const c = statusBarContent(this.summaryFor(uri), this.running());
    this.item.text = c.text;
    this.item.tooltip = c.tooltip;
    this.item.command = c.command;
    this.item.show();
  }

  /**
   * The active config; with no text editor active (the results panel or the side view has focus)
   * the config whose result is shown. Undefined when another kind of file is active.
   */
  private configUri(): string | undefined {
    const editor = this.api.window.activeTextEditor;
    if (editor) return isConfigDocument(editor.document) ? editor.document.uri.toString() : undefined;
    return this.shownConfig() ?? undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
