/** Waiting and file helpers for the integration suite; every wait is bounded. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'aimc-explorer.aimc-explorer';

/** Polls `probe` until it returns a value other than undefined, or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded in this host`);
  return ext;
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs the test workspace open as a folder');
  return folder.uri;
}

export function workspaceFile(...segments: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...segments);
}

let scratchCount = 0;

/**
 * A new config file in the (copied) test workspace. Untitled documents would do, but VS Code reuses
 * their names, and a provider asked right after a close can then see the previous one's text.
 */
export async function scratchConfig(text: string): Promise<vscode.TextDocument> {
  const uri = workspaceFile('scratch', `config-${process.pid}-${++scratchCount}.aimc.yaml`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** The extension's own diagnostics of `uri`, once it has published some. */
export function aimcDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'aimc');
}

/** Zero-based range as the fixtures' one-based `LINE:COL-LINE:COL`. */
export function formatRange(r: vscode.Range): string {
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

export function severityName(s: vscode.DiagnosticSeverity): string {
  return ['error', 'warning', 'information', 'hint'][s];
}

/** Root of the extension under test: where dist/cli.js and the sources of its fixtures live. */
export function extensionRoot(): string {
  return extension().extensionPath;
}

/**
 * Runs the CLI the extension ships on a file and parses its JSON. In Electron `process.execPath`
 * is VS Code itself, which behaves as Node only with ELECTRON_RUN_AS_NODE.
 */
export function cliSimulate(file: string): unknown {
  const r = spawnSync(process.execPath, [join(extensionRoot(), 'dist/cli.js'), 'simulate', file, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`aimc simulate ${file} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
