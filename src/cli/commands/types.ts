export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Returns the exit code. Throws UsageError (exit 2) or InputError (exit 1). */
  run(args: string[]): number | Promise<number>;
}
