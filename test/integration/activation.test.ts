/**
 * The extension starts in a workspace that holds configs (or when a user opens one) and registers
 * everything it contributes. Runs first (files load in name order).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { extension, open, waitFor, workspaceFile } from './helpers';

/** Commands the extension UI (issue 5) promises; each must be contributed and registered. */
const PROMISED_COMMANDS = [
  'aimc.simulate',
  'aimc.runSweep',
  'aimc.compareBaselines',
  'aimc.showTileMap',
  'aimc.newConfig',
  'aimc.importHuggingFace',
  'aimc.exportResults',
  'aimc.cancel',
  'aimc.compareDesigns',
  'aimc.openExample',
  'aimc.getStarted',
];

/** Events that start the extension with the window whatever the workspace holds. */
const EAGER_EVENTS = new Set(['*', 'onStartupFinished']);

describe('activation', () => {
  it('activates in a workspace holding *.aimc.yaml configs, before any is opened, and never eagerly', async () => {
    const ext = extension();
    const events = (ext.packageJSON as { activationEvents?: string[] }).activationEvents ?? [];
    assert.deepEqual(
      events.filter((e) => EAGER_EVENTS.has(e)),
      [],
    );
    assert.ok(events.includes('workspaceContains:**/*.aimc.yaml'), events.join());
    assert.equal(vscode.window.visibleTextEditors.length, 0, 'no config is open yet');
    await waitFor('the extension to activate on the workspace', () => (ext.isActive ? true : undefined));
    const editor = await open(workspaceFile('examples', 'gpt2-gaincell.aimc.yaml'));
    assert.equal(editor.document.languageId, 'aimc');
  });

  it('registers every command it contributes', async () => {
    const contributed = (
      (extension().packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []
    ).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed but not registered',
    );
  });

  it('contributes the commands the extension UI promises', () => {
    const contributed = new Set(
      (
        (extension().packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []
      ).map((c) => c.command),
    );
    assert.deepEqual(
      PROMISED_COMMANDS.filter((c) => !contributed.has(c)),
      [],
      'promised but not contributed',
    );
  });
});
