/**
 * What `activate` does, with its dependencies passed in so the tests can run it: wire up, time the
 * wiring, and report a failure to the user (VS Code shows nothing when activation throws).
 */
import type * as vscode from 'vscode';
import type { ExtensionApi, Log } from './api';

export interface Activation {
  readonly api: Pick<ExtensionApi, 'window'>;
  readonly log: Log;
  /** Registers the language features; returns nothing to dispose beyond what it pushed. */
  registerLanguage(): void;
  /** Builds the commands, views and simulation service. */
  createHost(): { readonly disposables: vscode.Disposable[] };
  readonly now?: () => number;
}

/** Returns the milliseconds activation took, or undefined when it failed (and said so). */
export function activateWith(subscriptions: vscode.Disposable[], a: Activation): number | undefined {
  const now = a.now ?? (() => performance.now());
  const started = now();
  try {
    a.registerLanguage();
    const language = now();
    subscriptions.push(...a.createHost().disposables);
    const done = now();
    a.log.info(
      `AIMC Explorer activated in ${(done - started).toFixed(1)} ms (language features ${(language - started).toFixed(1)} ms, commands and views ${(done - language).toFixed(1)} ms)`,
    );
    return done - started;
  } catch (e) {
    const message = `AIMC Explorer failed to start: ${(e as Error).message}`;
    void a.api.window.showErrorMessage(message, 'Show Log').then((choice) => {
      if (choice === 'Show Log') a.log.show();
    });
    a.log.error(`${message}\n${(e as Error).stack ?? ''}`);
    return undefined;
  }
}
