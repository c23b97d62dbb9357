import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;

/** The extension's log, created on first use. */
export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('AIMC Explorer', { log: true });
  return channel;
}
