/**
 * "Simulate" end to end in the host: the command runs the config on the worker pool, the results
 * panel opens and holds the result, and what the extension exports equals what the CLI prints for
 * the same file. The export goes through the same quick pick and file dialog a user answers;
 * the tests accept them with the workbench's own "accept" command, which is pressing Enter.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { cliSimulate, open, waitFor, workspaceFile } from './helpers';

const EXAMPLE = workspaceFile('examples', 'gpt2-gaincell.aimc.yaml');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function resultsTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('aimc.results'));
}

function filesIn(dir: string): Set<string> {
  return new Set(readdirSync(dir));
}

/** How long the format pick takes to appear after the command starts, with a margin. */
const PICK_SHOWN_MS = 1_000;

/**
 * Runs "AIMC: Export Results" and answers its prompts as a user does with the keyboard: `downs`
 * times down in the format pick, Enter, then Enter in the file dialog on the folder it proposes
 * (the config's). Returns the files the export wrote there.
 */
async function exportOnce(downs: number, waitForPickMs: number): Promise<string[]> {
  const folder = join(EXAMPLE.fsPath, '..');
  const existing = filesIn(folder);
  const fresh = () => [...filesIn(folder)].filter((f) => !existing.has(f));
  const exporting = vscode.commands.executeCommand('aimc.exportResults');
  // No API tells when a quick pick is showing; moving before it shows moves nothing.
  await new Promise((r) => setTimeout(r, waitForPickMs));
  for (let i = 0; i < downs; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
  await waitFor(
    'the export to write its files',
    async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((r) => setTimeout(r, 300));
      return fresh().length > 0 ? true : undefined;
    },
    60_000,
  );
  await exporting;
  // The PNGs are written together; give the last ones a moment.
  await new Promise((r) => setTimeout(r, 500));
  return fresh();
}

/** An export of `format`; a slow host that showed the pick late got another format, so that is tried again, slower. */
async function exportAs(format: 'json' | 'csv' | 'png'): Promise<string[]> {
  const downs = ['json', 'csv', 'png'].indexOf(format);
  const tries: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const written = await exportOnce(downs, PICK_SHOWN_MS * attempt);
    if (written.every((f) => f.endsWith(`.${format}`))) return written;
    tries.push(written.join(', '));
    for (const f of written) rmSync(join(EXAMPLE.fsPath, '..', f));
  }
  throw new Error(`asked for ${format}, the export wrote: ${tries.join(' / ')}`);
}

describe('simulate', () => {
  before(async () => {
    // Desktop VS Code would show a native dialog no test can answer; the workbench's own dialog
    // (what code-server always shows) is the same prompt in a quick input.
    await vscode.workspace
      .getConfiguration('files')
      .update('simpleDialog.enable', true, vscode.ConfigurationTarget.Global);
    await open(EXAMPLE);
  });

  it('"Simulate" opens the results panel', async () => {
    await vscode.commands.executeCommand('aimc.simulate', EXAMPLE);
    const tab = await waitFor('the results panel', resultsTab);
    assert.equal(tab.label, 'AIMC Results');
  });

  it("the result it exports as JSON is the CLI's `simulate --json` for the same file", async () => {
    const [file] = await exportAs('json');
    const exported = JSON.parse(readFileSync(join(EXAMPLE.fsPath, '..', file), 'utf8')) as Record<string, unknown>;
    const cli = cliSimulate(EXAMPLE.fsPath) as Record<string, unknown>;
    // The key figures first, so a failure names the figure before the whole-object diff.
    for (const path of [
      'perToken.energyJ',
      'perToken.latencyS',
      'tokensPerSecond',
      'areaMm2',
      'mapping.arrays',
      'mapping.chips',
    ]) {
      const pick = (o: unknown) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o);
      assert.equal(pick(exported), pick(cli), path);
    }
    assert.deepEqual(exported, cli);
  });

  it('the results panel holds the result: it renders its charts and tile map for a PNG export', async () => {
    const images = await exportAs('png');
    for (const chart of ['tile-map', 'energy-by-component']) {
      assert.ok(
        images.some((f) => f.endsWith(`-${chart}.png`)),
        `no ${chart} among ${images.join(', ')}`,
      );
    }
    for (const name of images) {
      const bytes = readFileSync(join(EXAMPLE.fsPath, '..', name));
      assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${name} is not a PNG`);
      const width = bytes.readUInt32BE(16);
      const height = bytes.readUInt32BE(20);
      assert.ok(width >= 400 && height >= 200, `${name} is ${width} × ${height}`);
      // A blank or single-colour image of that size deflates to a few kB; a drawn chart does not.
      assert.ok(bytes.length > 10_000, `${name} is ${bytes.length} bytes: blank?`);
    }
  });
});
