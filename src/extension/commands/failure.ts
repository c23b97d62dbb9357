/** How a failed run reaches the user: cancelled runs quietly, crashes with the way out. */
import { RequestCancelledError, WorkerCrashedError, WorkerTaskError } from '../../worker/pool';
import { SimulationStoppedError } from '../simulation/service';
import type { CommandContext } from './context';

const SHOW_LOG = 'Show Log';
const RETRY = 'Retry';

/** True when the error was a cancel (nothing to report but that). */
export function isCancel(e: unknown): boolean {
  return e instanceof RequestCancelledError || (e instanceof Error && e.name === 'AbortError');
}

/**
 * Reports a failed run of `what` (e.g. "Simulating gpt2.aimc.yaml"). `retry` reruns the command;
 * after a stop it first restarts the workers.
 */
export async function reportFailure(
  ctx: CommandContext,
  what: string,
  e: unknown,
  retry: () => Promise<unknown>,
): Promise<void> {
  const { api, log, store } = ctx;
  if (isCancel(e)) {
    log.info(`${what}: cancelled.`);
    store.setStatus('idle', null);
    return;
  }
  const message = (e as Error).message ?? String(e);
  store.setStatus('error', `${what} failed: ${message}`);
  if (e instanceof SimulationStoppedError) {
    const choice = await api.window.showErrorMessage(`AIMC: ${message}`, RETRY, SHOW_LOG);
    if (choice === RETRY) {
      ctx.service.restart();
      await retry();
    } else if (choice === SHOW_LOG) {
      log.show();
    }
    return;
  }
  if (e instanceof WorkerCrashedError) {
    if ((await api.window.showErrorMessage(`AIMC: ${message}`, SHOW_LOG)) === SHOW_LOG) log.show();
    return;
  }
  // An engine error is a bug or an input the checks missed: the stack goes to the log.
  log.error(
    `${what} failed: ${e instanceof WorkerTaskError ? `${e.remoteName}: ${message}\n${e.remoteStack ?? ''}` : ((e as Error).stack ?? message)}`,
  );
  if ((await api.window.showErrorMessage(`AIMC: ${what} failed: ${message}`, SHOW_LOG)) === SHOW_LOG) log.show();
}
