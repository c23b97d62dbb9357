/** What every command works with; built once in extension.ts, faked in the tests. */
import type * as vscode from 'vscode';
import type { ChartImage, PanelTab } from '../../shared/webviewProtocol';
import type { ExtensionApi, Log } from '../api';
import type { LoadLanguageService } from '../language/vscodeApi';
import type { ResultsStore } from '../results/store';
import type { Settings } from '../settings';
import type { SimulationService } from '../simulation/service';

export interface ResultsViews {
  show(tab?: PanelTab, preserveFocus?: boolean): void;
  collectCharts(): Promise<readonly ChartImage[]>;
  /** The editor column of the results panel; undefined while it is closed. */
  readonly viewColumn?: vscode.ViewColumn;
}

export interface CommandContext {
  readonly api: ExtensionApi;
  /** The extension's folder: the shipped examples are the hardware presets. */
  readonly extensionUri: vscode.Uri;
  readonly load: LoadLanguageService;
  readonly service: SimulationService;
  readonly store: ResultsStore;
  readonly views: ResultsViews;
  readonly log: Log;
  settings(): Settings;
  /** The config the last run used: the side view's buttons act on it when no config editor is active. */
  lastConfig: vscode.Uri | undefined;
}
