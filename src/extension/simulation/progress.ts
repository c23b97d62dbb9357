/**
 * A run of the simulation service under `window.withProgress`: the notification's Cancel button
 * and "AIMC: Cancel" both abort it, and the pool's done/total becomes the progress bar.
 */
import type * as vscode from 'vscode';
import type { ExtensionApi } from '../api';
import type { SimulationService } from './service';

export interface RunControl {
  /** Aborted when the user cancels. */
  readonly signal: AbortSignal;
  /** Units done of `total`; `detail` replaces the message under the title. */
  report(done: number, total: number, detail?: string): void;
}

export interface ProgressOptions {
  readonly title: string;
  /** Notification for what the user asked for; Window (the status bar) for runs on save. */
  readonly quiet?: boolean;
}

export function withRunProgress<T>(
  api: ExtensionApi,
  service: SimulationService,
  o: ProgressOptions,
  task: (run: RunControl) => Promise<T>,
): Promise<T> {
  const location = o.quiet ? api.ProgressLocation.Window : api.ProgressLocation.Notification;
  return Promise.resolve(
    api.window.withProgress(
      { location, title: o.title, cancellable: !o.quiet },
      async (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => {
        const run = service.beginRun();
        const onCancel = token.onCancellationRequested(() => run.cancel());
        let shownPercent = 0;
        try {
          return await task({
            signal: run.signal,
            report(done, total, detail) {
              const percent = total > 0 ? Math.min(100, (100 * done) / total) : 0;
              // VS Code adds increments up; a progress that goes back (a retried chunk) shows nothing.
              const increment = Math.max(0, percent - shownPercent);
              shownPercent = Math.max(shownPercent, percent);
              progress.report({ increment, message: detail });
            },
          });
        } finally {
          onCancel.dispose();
          run.end();
        }
      },
    ),
  );
}
