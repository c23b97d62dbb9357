/**
 * How many times a crashed simulation worker is replaced before the extension stops trying: a
 * worker that dies on every request (a config that exhausts memory, a broken bundle) would
 * otherwise be restarted forever, each time costing a process start and a failed run.
 */

/** Restarts allowed within the window (issue 5: at most 5 in 3 minutes). */
export const RESTART_LIMIT = 5;
export const RESTART_WINDOW_MS = 3 * 60 * 1000;

export class RestartBudget {
  private restarts: number[] = [];

  constructor(
    readonly limit = RESTART_LIMIT,
    readonly windowMs = RESTART_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash. True when a replacement may start; false when the window's restarts are spent. */
  recordCrash(): boolean {
    const t = this.now();
    this.restarts = this.restarts.filter((at) => t - at < this.windowMs);
    if (this.restarts.length >= this.limit) return false;
    this.restarts.push(t);
    return true;
  }

  /** Restarts used in the current window. */
  get used(): number {
    const t = this.now();
    return this.restarts.filter((at) => t - at < this.windowMs).length;
  }

  reset(): void {
    this.restarts = [];
  }
}
