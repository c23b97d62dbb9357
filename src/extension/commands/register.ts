/**
 * Registers every AIMC command. The implementations load on first use, so activation registers
 * names only; each command reports its own failures, so none throws into VS Code.
 */
import type * as vscode from 'vscode';
import type { CommandContext } from './context';
import {
  ACCURACY_COMMAND,
  CANCEL_COMMAND,
  COMPARE_COMMAND,
  COMPARE_DESIGNS_COMMAND,
  EXPORT_COMMAND,
  GET_STARTED_COMMAND,
  IMPORT_HF_COMMAND,
  NEW_CONFIG_COMMAND,
  OPEN_EXAMPLE_COMMAND,
  SHOW_RESULTS_COMMAND,
  SHOW_TILE_MAP_COMMAND,
  SIMULATE_COMMAND,
  SWEEP_COMMAND,
} from './ids';

export type Commands = typeof import('./index');

let loaded: Promise<Commands> | undefined;

export function loadCommands(): Promise<Commands> {
  loaded ??= import('./index');
  return loaded;
}

export function cancelCommand(ctx: CommandContext): void {
  if (ctx.service.cancelAll() === 0) void ctx.api.window.showInformationMessage('AIMC: nothing is running.');
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const guarded =
    (name: string, run: (c: Commands, arg?: unknown, more?: unknown) => unknown) =>
    async (arg?: unknown, more?: unknown) => {
      try {
        await run(await loadCommands(), arg, more);
      } catch (e) {
        ctx.log.error(`${name} failed: ${(e as Error).stack ?? String(e)}`);
        void ctx.api.window.showErrorMessage(`AIMC: ${name} failed: ${(e as Error).message}`);
      }
    };
  const commands: Array<[string, string, (c: Commands, arg?: unknown, more?: unknown) => unknown]> = [
    [SIMULATE_COMMAND, 'Simulate', (c, arg) => c.simulateCommand(ctx, arg)],
    [SWEEP_COMMAND, 'Run Sweep', (c, arg) => c.sweepCommand(ctx, arg)],
    [COMPARE_COMMAND, 'Compare with GPU Baselines', (c, arg) => c.compareCommand(ctx, arg)],
    [SHOW_TILE_MAP_COMMAND, 'Show Tile Map', (c, arg) => c.showTileMapCommand(ctx, arg)],
    [SHOW_RESULTS_COMMAND, 'Show Results', () => ctx.views.show(undefined, false)],
    [ACCURACY_COMMAND, 'Run Accuracy Check', (c, arg) => c.accuracyCommand(ctx, arg)],
    [NEW_CONFIG_COMMAND, 'New Config from Preset', (c) => c.newConfigCommand(ctx)],
    [IMPORT_HF_COMMAND, 'Import Hugging Face config.json', (c, arg) => c.importHuggingFaceCommand(ctx, arg)],
    [EXPORT_COMMAND, 'Export Results', (c) => c.exportCommand(ctx)],
    [CANCEL_COMMAND, 'Cancel', () => cancelCommand(ctx)],
    [COMPARE_DESIGNS_COMMAND, 'Compare Designs', (c, arg, more) => c.compareDesignsCommand(ctx, arg, more)],
    [OPEN_EXAMPLE_COMMAND, 'Open an Example', (c) => c.openExampleCommand(ctx)],
    [GET_STARTED_COMMAND, 'Get Started', (c) => c.getStartedCommand(ctx)],
  ];
  return commands.map(([id, name, run]) => ctx.api.commands.registerCommand(id, guarded(name, run)));
}
