/**
 * Config language features as a user meets them in the editor: problems on the right ranges,
 * completion, hover, and a quick fix that repairs the text.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { analyzeDesign } from '../../src/engine/analyze';
import { hover as engineHover } from '../../src/engine/language/hover';
import {
  aimcDiagnostics,
  formatRange,
  open,
  scratchConfig,
  severityName,
  waitFor,
  workspaceFile,
  workspaceRoot,
} from './helpers';

/** The fixtures state their diagnostics as `# expect: LINE:COL-LINE:COL severity code`. */
function expectations(text: string): string[] {
  return text.split('\n').flatMap((l) => (l.startsWith('# expect: ') ? [l.slice('# expect: '.length).trim()] : []));
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

async function completionLabels(document: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>(
    'vscode.executeCompletionItemProvider',
    document.uri,
    position,
  );
  return list.items.map(labelOf);
}

function positionOf(document: vscode.TextDocument, needle: string, offsetInNeedle = 0): vscode.Position {
  const at = document.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} not in ${document.uri.path}`);
  return document.positionAt(at + offsetInNeedle);
}

async function closeAll(): Promise<void> {
  // Reverting first: a dirty editor would otherwise ask whether to save.
  for (const editor of vscode.window.visibleTextEditors) {
    if (editor.document.isDirty) {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('diagnostics', () => {
  const brokenDir = resolve(workspaceRoot().fsPath, 'broken');
  const files = readdirSync(brokenDir)
    .filter((f) => f.endsWith('.aimc.yaml'))
    .sort();

  it('the workspace holds broken configs', () => assert.ok(files.length >= 10, `only ${files.length} in ${brokenDir}`));

  for (const name of files) {
    it(`${name}: the problems the validator states, on their ranges, with its messages`, async () => {
      const uri = workspaceFile('broken', name);
      const text = readFileSync(uri.fsPath, 'utf8');
      await open(uri);
      const shown = await waitFor(`diagnostics on ${name}`, () => {
        const d = aimcDiagnostics(uri);
        return d.length > 0 ? d : undefined;
      });
      const got = shown.map((d) => `${formatRange(d.range)} ${severityName(d.severity)} ${String(d.code)}`);
      assert.deepEqual([...got].sort(), [...expectations(text)].sort());
      // Messages: the same words as the CLI prints for this file (one validator behind both).
      // The CLI's reader: the files a config names, relative to it (and why one cannot be read).
      const reader = {
        readText: async (p: string) => readFileSync(resolve(dirname(uri.fsPath), p), 'utf8'),
        readBytes: async (p: string) => new Uint8Array(readFileSync(resolve(dirname(uri.fsPath), p))),
      };
      const engine = (await analyzeDesign(text, reader)).diagnostics.map(
        (d) =>
          `${formatRange(new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character))} ${d.code} ${d.message}`,
      );
      assert.deepEqual(
        shown.map((d) => `${formatRange(d.range)} ${String(d.code)} ${d.message}`).sort(),
        engine.sort(),
      );
    });
  }

  it('a misspelt key is reported where it is, saying what was meant', async () => {
    const uri = workspaceFile('broken', 'typo-key.aimc.yaml');
    await open(uri);
    const [d] = await waitFor('diagnostics on typo-key', () => {
      const found = aimcDiagnostics(uri);
      return found.length > 0 ? found : undefined;
    });
    assert.equal(d.message, 'Unknown key `adc_bits` in `weights`. Did you mean `adc.bits`?');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(
      [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
      [7, 2, 7, 10],
    );
  });

  afterEach(closeAll);
});

describe('completion', () => {
  afterEach(closeAll);

  it('offers the keys of the section under the cursor, and only those', async () => {
    const document = await scratchConfig('version: 1\nmodel:\n  preset: gpt2\nweights:\n  \n');
    const labels = await completionLabels(document, new vscode.Position(4, 2));
    for (const key of ['device', 'adc', 'array', 'bits_per_cell', 'weight_bits'])
      assert.ok(labels.includes(key), `${key} missing from ${labels.join(', ')}`);
    for (const key of ['preset', 'version', 'clock_ghz', 'window'])
      assert.ok(!labels.includes(key), `${key} offered under weights`);
  });

  it('offers the allowed values of an enum', async () => {
    const document = await scratchConfig('version: 1\nmodel:\n  preset: gpt2\nweights:\n  device: \n');
    const labels = await completionLabels(document, new vscode.Position(4, 10));
    for (const value of ['pcm', 'rram', 'sram', 'ideal'])
      assert.ok(labels.includes(value), `${value} missing from ${labels.join(', ')}`);
  });
});

describe('hover', () => {
  afterEach(closeAll);

  it('documents the key under the cursor', async () => {
    const editor = await open(workspaceFile('examples', 'gpt2-gaincell.aimc.yaml'));
    const document = editor.document;
    const position = positionOf(document, '  adc: {', 3);
    const hovers = await waitFor('a hover', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        document.uri,
        position,
      );
      return h.length > 0 ? h : undefined;
    });
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    const want = engineHover(document.getText(), { line: position.line, character: position.character });
    assert.ok(want, 'the engine documents `adc`');
    assert.ok(text.includes(want.contents), `hover shows:\n${text}`);
    assert.match(text, /ADC|analog-to-digital/i);
  });
});

describe('quick fix', () => {
  afterEach(closeAll);

  it('repairs a misspelt key', async () => {
    const uri = workspaceFile('broken', 'typo-key.aimc.yaml');
    const editor = await open(uri);
    const [problem] = await waitFor('the typo to be reported', () => {
      const d = aimcDiagnostics(uri);
      return d.length > 0 ? d : undefined;
    });
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      problem.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix?.edit, `no preferred fix among: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.title, 'Write as `adc: { bits: 6 }`');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(editor.document.lineAt(7).text, '  adc: { bits: 6 }');
    await waitFor('the problem to go away', () =>
      aimcDiagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error) ? undefined : true,
    );
  });
});
