/**
 * The walkthrough opens once, the first time the extension starts in a profile (VS Code opens it
 * on a Marketplace install too, but not for a VSIX installed from the command line), unless the
 * user turned walkthroughs on install off (`workbench.welcomePage.walkthroughs.openOnInstall`).
 * Not in test runs: an editor opening by itself would race the tests' own.
 */
import type * as vscode from 'vscode';
import type { ExtensionApi, Log } from './api';

/** `publisher.name#id`, as package.json declares them. */
export const WALKTHROUGH_ID = 'aimc-explorer.aimc-explorer#aimc.gettingStarted';
export const WALKTHROUGH_SHOWN_KEY = 'aimc.walkthroughShown';

export async function openWalkthroughOnce(
  api: Pick<ExtensionApi, 'commands' | 'workspace'>,
  state: Pick<vscode.Memento, 'get' | 'update'>,
  inTest: boolean,
  log: Log,
): Promise<boolean> {
  if (inTest || state.get<boolean>(WALKTHROUGH_SHOWN_KEY)) return false;
  if (!api.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall', true))
    return false;
  await state.update(WALKTHROUGH_SHOWN_KEY, true);
  try {
    await api.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
    return true;
  } catch (e) {
    log.warn(`Could not open the walkthrough: ${(e as Error).message}`);
    return false;
  }
}
