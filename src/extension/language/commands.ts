/**
 * First versions of the commands behind the CodeLens row: they analyze the config and print the
 * result to the log. The extension UI replaces them with the results panel and the sweep view.
 */
import type * as vscode from 'vscode';
import { formatDiagnostic, hasErrors } from '../../engine/config/diagnostics';
import { COMPARE_COMMAND, SIMULATE_COMMAND, SWEEP_COMMAND } from '../../engine/language/commandIds';
import type { Analysis } from '../../engine/language/index';
import { formatSummary } from '../../shared/summary';
import { analyzeText } from './analysis';
import { isConfigDocument } from './documents';
import type { LoadLanguageService, Output, VscodeApi } from './vscodeApi';

async function configDocument(api: VscodeApi, uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof api.Uri) return api.workspace.openTextDocument(uri);
  const active = api.window.activeTextEditor?.document;
  return active && isConfigDocument(active) ? active : undefined;
}

function baselineTable(analysis: Analysis): string {
  const r = analysis.result!;
  const lines = r.baselines.map((b) => `  ${b.name}: ${b.speedup.toPrecision(3)}× the speed, ${b.energyRatio.toPrecision(3)}× the energy per token (on ${b.devices} GPU${b.devices === 1 ? '' : 's'})`);
  return [`${r.name} against GPU baselines (roofline, datasheet peaks):`, ...lines].join('\n');
}

/** Runs one command on a config: problems first, then what the command reports. */
async function run(api: VscodeApi, load: LoadLanguageService, output: Output, uri: unknown, report: (a: Analysis) => string): Promise<void> {
  const document = await configDocument(api, uri);
  if (!document) {
    void api.window.showWarningMessage('Open an AIMC config (*.aimc.yaml or *.aimc.json) first.');
    return;
  }
  const file = api.workspace.asRelativePath(document.uri);
  const analysis = await analyzeText(api, load, document.uri, document.getText());
  for (const d of analysis.diagnostics) if (d.severity !== 'information') output.info(formatDiagnostic(file, d));
  if (hasErrors(analysis.diagnostics) || !analysis.result) {
    output.error(`${file} has errors; fix them to simulate (see the Problems view).`);
    void api.window.showErrorMessage(`${file} has errors; see the Problems view.`);
    return;
  }
  output.info(`${file}\n${report(analysis)}`);
  output.show(true);
}

export function registerConfigCommands(api: VscodeApi, load: LoadLanguageService, output: Output): vscode.Disposable[] {
  const guarded = (report: (a: Analysis) => string) => async (uri?: unknown) => {
    try {
      await run(api, load, output, uri, report);
    } catch (e) {
      output.error(`AIMC command failed: ${(e as Error).stack ?? String(e)}`);
      void api.window.showErrorMessage(`AIMC: ${(e as Error).message}`);
    }
  };
  return [
    api.commands.registerCommand(SIMULATE_COMMAND, guarded((a) => formatSummary(a.result!))),
    // Until the sweep view exists, a sweep shows the design point it would start from.
    api.commands.registerCommand(SWEEP_COMMAND, guarded((a) => `Sweeps run from the sweep view (not yet available); the base design point:\n${formatSummary(a.result!)}`)),
    api.commands.registerCommand(COMPARE_COMMAND, guarded(baselineTable)),
  ];
}
