/**
 * The extension starts when a user opens a config and registers everything it contributes.
 * Runs first (files load in name order): once any config is open, "activates on opening" is moot.
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
];

/** Events that start the extension with the window, before any config is opened. */
const EAGER_EVENTS = new Set(['*', 'onStartupFinished']);

describe('activation', () => {
  it('activates when an *.aimc.yaml is opened', async () => {
    const ext = extension();
    const events = (ext.packageJSON as { activationEvents?: string[] }).activationEvents ?? [];
    // The test workspace holds no *.aimc.json, so only an eager event could have started it already.
    if (!events.some((e) => EAGER_EVENTS.has(e)))
      assert.equal(ext.isActive, false, 'active before any config was opened');
    const editor = await open(workspaceFile('examples', 'gpt2-gaincell.aimc.yaml'));
    assert.equal(editor.document.languageId, 'aimc');
    await waitFor('the extension to activate', () => (ext.isActive ? true : undefined));
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
