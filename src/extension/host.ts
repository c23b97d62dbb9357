/**
 * Everything of the extension besides the language features: the simulation service (its pool
 * started on first use), the results store, the panel and side view, the status bar, commands and
 * the listeners that tie them together. Construction only: nothing here runs a simulation or loads
 * the engine until the user asks.
 */
import type * as vscode from 'vscode';
import { WorkerPool } from '../worker/pool';
import type { ExtensionApi, Log } from './api';
import type { CommandContext } from './commands/context';
import { CANCEL_COMMAND, COMPARE_DESIGNS_COMMAND, SIMULATE_COMMAND, SWEEP_COMMAND } from './commands/ids';
import { loadCommands, registerCommands } from './commands/register';
import { isConfigDocument } from './language/documents';
import type { LoadLanguageService } from './language/vscodeApi';
import type { ViewRequests } from './panel/messages';
import { RESULTS_VIEW_TYPE, ResultsPanel } from './panel/resultsPanel';
import { SIDEBAR_VIEW_ID, SidebarView } from './panel/sidebarView';
import { EnergyStatusBar } from './results/statusBar';
import { ResultsStore } from './results/store';
import { readSettings, SETTINGS_SECTION } from './settings';
import { SimulationService, type SimulationPool } from './simulation/service';

export interface HostOptions {
  readonly api: ExtensionApi;
  readonly extensionUri: vscode.Uri;
  readonly load: LoadLanguageService;
  readonly log: Log;
  /** The worker pool; tests pass a fake. */
  readonly createPool?: (size: number | 'auto') => SimulationPool;
}

export interface Host {
  readonly ctx: CommandContext;
  readonly panel: ResultsPanel;
  readonly statusBar: EnergyStatusBar;
  readonly disposables: vscode.Disposable[];
}

export function createHost(o: HostOptions): Host {
  const { api, log } = o;
  const settings = () => readSettings(api);
  const workerFile = api.Uri.joinPath(o.extensionUri, 'dist', 'worker.js').fsPath;
  const service = new SimulationService({
    createPool: o.createPool ?? ((size) => new WorkerPool({ workerFile, size: size === 'auto' ? undefined : size })),
    poolSize: () => settings().workerCount,
    log,
  });
  const store = new ResultsStore();
  // The panel is created before the context that needs it; the two refer to each other through these requests.
  const requests: ViewRequests = {
    openDesignPoint: async (sweepId, pointId) => (await loadCommands()).openDesignPoint(ctx, sweepId, pointId),
    exportResults: async (format, images) => {
      await (await loadCommands()).exportResults(ctx, format, images);
    },
    simulate: async () => {
      await api.commands.executeCommand(SIMULATE_COMMAND);
    },
    sweep: async () => {
      await api.commands.executeCommand(SWEEP_COMMAND);
    },
    cancel: () => void api.commands.executeCommand(CANCEL_COMMAND),
    openPanel: (tab) => panel.show(tab ?? undefined, false),
    revealConfig: async (layer, matrix) => (await loadCommands()).revealConfigLines(ctx, layer, matrix),
    compareDesignPoint: async (sweepId, pointId) => (await loadCommands()).compareDesignPoint(ctx, sweepId, pointId),
    compare: async () => {
      await api.commands.executeCommand(COMPARE_DESIGNS_COMMAND);
    },
  };
  const panel = new ResultsPanel(api, o.extensionUri, store, requests, log);
  const ctx: CommandContext = {
    api,
    extensionUri: o.extensionUri,
    load: o.load,
    service,
    store,
    views: panel,
    log,
    settings,
    lastConfig: undefined,
  };
  const statusBar = new EnergyStatusBar(
    api,
    (uri) => store.summaryFor(uri),
    () => service.running,
    () => store.shown?.source.uri ?? null,
  );

  const setContext = (key: string, value: boolean) => void api.commands.executeCommand('setContext', key, value);
  const disposables: vscode.Disposable[] = [
    ...registerCommands(ctx),
    api.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, panel),
    api.window.registerWebviewViewProvider(SIDEBAR_VIEW_ID, new SidebarView(api, o.extensionUri, store, requests, log)),
    panel,
    statusBar,
    store.onDidChange((change) => {
      if (change === 'result') {
        statusBar.update();
        setContext('aimc.hasResult', store.shown !== null);
      }
    }),
    service.onDidChange(() => {
      statusBar.update();
      setContext('aimc.running', service.running);
    }),
    api.window.onDidChangeActiveTextEditor(() => statusBar.update()),
    api.workspace.onDidSaveTextDocument((doc) => {
      if (isConfigDocument(doc) && settings().autoSimulateOnSave)
        void loadCommands().then((c) => c.simulateDocument(ctx, doc, { quiet: true }));
    }),
    api.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.workerCount`)) service.resize();
    }),
    { dispose: () => void service.dispose() },
  ];
  return { ctx, panel, statusBar, disposables };
}
