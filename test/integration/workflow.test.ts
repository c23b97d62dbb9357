/**
 * Issue 12's workflows in a real host: two designs compared from the Explorer's selection, and
 * `aimc validate` in a task reporting into the Problems view through the contributed `$aimc`
 * problem matcher. Runs after simulate.test (name order).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { extensionRoot, waitFor, workspaceFile } from './helpers';

function resultsTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('aimc.results'));
}

describe('workflows', () => {
  it('"Compare Designs…" on two configs selected in the Explorer brings the comparison forward', async () => {
    const a = workspaceFile('examples', 'gpt2-gaincell.aimc.yaml');
    const b = workspaceFile('examples', 'gpt2-hybrid.aimc.yaml');
    // An editor in front, so the panel coming forward is the command's doing.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(a), {
      viewColumn: vscode.ViewColumn.One,
      preview: false,
    });
    const inFront = () => {
      const panel = resultsTab();
      return panel !== undefined && vscode.window.tabGroups.activeTabGroup.activeTab === panel;
    };
    assert.equal(inFront(), false);
    await vscode.commands.executeCommand('aimc.compareDesigns', a, [a, b]);
    await waitFor('the results panel in front', () => (inFront() ? true : undefined), 60_000);
  });

  it('a task running `aimc validate` with "$aimc" lists the problems of a broken config', async () => {
    const broken = workspaceFile('broken', 'unknown-enum.aimc.yaml');
    const cli = join(extensionRoot(), 'dist/cli.js');
    const task = new vscode.Task(
      { type: 'shell' },
      vscode.TaskScope.Workspace,
      'validate',
      'aimc',
      new vscode.ProcessExecution(process.execPath, [cli, 'validate', 'broken/unknown-enum.aimc.yaml'], {
        cwd: vscode.workspace.workspaceFolders![0].uri.fsPath,
        env: { ELECTRON_RUN_AS_NODE: '1' },
      }),
      '$aimc',
    );
    await vscode.tasks.executeTask(task);
    const found = await waitFor(
      "the matcher's problems",
      () => {
        const d = vscode.languages
          .getDiagnostics(broken)
          .filter((x) => x.source === 'aimc' && x.message.includes('memristor'));
        return d.length > 0 ? d : undefined;
      },
      30_000,
    );
    assert.equal(found[0].severity, vscode.DiagnosticSeverity.Error);
    assert.equal(found[0].range.start.line, 7, 'line 8 of the file, zero-based');
  });
});
