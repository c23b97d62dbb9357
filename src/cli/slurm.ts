/**
 * `aimc sweep --emit-slurm`: the sbatch job-array script that runs one sweep as shards, one per
 * array task, each with `--shard auto`, and says how to merge them (docs/sweeps.md).
 */

export interface SlurmScriptInput {
  /** The base config, as the array tasks should open it (an absolute path). */
  readonly configPath: string;
  /** Every `--vary` value, as given. */
  readonly varies: readonly string[];
  readonly samples?: string;
  readonly seed?: string;
  readonly error: boolean;
  readonly allowOutsideFiles: boolean;
  /** Array tasks (shards); at least 1 and at most the sweep's point count. */
  readonly tasks: number;
  /** Worker threads, and CPUs requested, per task. */
  readonly cpusPerTask: number;
  readonly pointCount: number;
  readonly jobName: string;
}

/** Single-quoted for sh: safe for any text, including quotes, `$` and spaces. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function slurmScript(o: SlurmScriptInput): string {
  const flags = [
    ...o.varies.map((v) => `--vary ${shellQuote(v)}`),
    ...(o.samples !== undefined ? [`--samples ${shellQuote(o.samples)}`] : []),
    ...(o.seed !== undefined ? [`--seed ${shellQuote(o.seed)}`] : []),
    ...(o.error ? ['--error'] : []),
    ...(o.allowOutsideFiles ? ['--allow-outside-files'] : []),
  ];
  const sweepArgs = [shellQuote(o.configPath), ...flags].map((a) => `  ${a} \\`).join('\n');
  const per = Math.ceil(o.pointCount / o.tasks);
  const name = o.jobName.replace(/[^\w.-]/g, '_') || 'aimc-sweep';
  return `#!/bin/bash
# Written by \`aimc sweep --emit-slurm\`: ${o.pointCount} design points in ${o.tasks} array task${o.tasks === 1 ? '' : 's'}
# (up to ${per} point${per === 1 ? '' : 's'} each). Submit it from the folder that should hold results/:
#   sbatch sweep.sbatch
# Each task runs its shard (--shard auto reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT) and
# writes results/shard-<task>.json. Set AIMC to the command that runs aimc if it is not on PATH,
# e.g. AIMC="node /opt/aimc/dist/cli.js" sbatch sweep.sbatch (sbatch passes the environment on).
#SBATCH --job-name=${name}
#SBATCH --array=0-${o.tasks - 1}
#SBATCH --cpus-per-task=${o.cpusPerTask}
#SBATCH --output=${name}-%A_%a.out
set -euo pipefail
mkdir -p results
\${AIMC:-aimc} sweep \\
${sweepArgs}
  --shard auto --workers "\${SLURM_CPUS_PER_TASK:-${o.cpusPerTask}}" \\
  --json --out "results/shard-\${SLURM_ARRAY_TASK_ID}.json"

# When every task has finished, merge the shards into the single-machine result:
#   aimc merge results/shard-*.json --json --out sweep.json
# or let Slurm start the merge once the array has succeeded:
#   jobid=$(sbatch --parsable sweep.sbatch)
#   sbatch --dependency=afterok:"$jobid" --wrap 'aimc merge results/shard-*.json --json --out sweep.json'
# To rerun one failed task k, give its shard explicitly (a one-task array would run everything):
#   sbatch --cpus-per-task=${o.cpusPerTask} --wrap 'aimc sweep … --shard k/${o.tasks} --json --out results/shard-k.json'
`;
}
