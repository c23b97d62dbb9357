/** Which config a command acts on. */
import type * as vscode from 'vscode';
import { isConfigDocument } from '../language/documents';
import type { CommandContext } from './context';

/**
 * The config named by the command's argument (CodeLens, explorer menu), else the active editor's,
 * else a visible config editor's (the side view or panel has focus), else the last one run.
 * Tells the user what to open when there is none.
 */
export async function configDocument(ctx: CommandContext, arg: unknown): Promise<vscode.TextDocument | undefined> {
  const { api } = ctx;
  if (arg instanceof api.Uri) return api.workspace.openTextDocument(arg);
  const active = api.window.activeTextEditor?.document;
  if (active && isConfigDocument(active)) return active;
  const visible = api.window.visibleTextEditors.map((e) => e.document).find(isConfigDocument);
  if (visible) return visible;
  if (ctx.lastConfig) {
    try {
      return await api.workspace.openTextDocument(ctx.lastConfig);
    } catch {
      ctx.lastConfig = undefined;
    }
  }
  void api.window.showWarningMessage(
    'Open an AIMC config (*.aimc.yaml or *.aimc.json) first, or create one with "AIMC: New Config from Preset".',
  );
  return undefined;
}
