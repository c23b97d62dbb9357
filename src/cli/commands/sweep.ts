import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildReport,
  errorMetricFor,
  loadDesign,
  parseShard,
  parseVaries,
  checkSweepSize,
  planPoints,
  planSweep,
  sweepIdentity,
  SweepLimitError,
  SweepSpecError,
  type Shard,
  type SweepReport,
} from '../../engine';
import { formatEngineering } from '../../shared/format';
import type { ReferencedFiles } from '../../shared/protocol';
import type { SweepPointResult } from '../../shared/sweep';
import { defaultPoolSize, WorkerPool } from '../../worker/pool';
import { runSweepPoints, sweepWorkers, type SweepRunInput } from '../../worker/sweepRun';
import {
  checkOut,
  emit,
  EXIT_OK,
  FILE_ACCESS_OPTIONS,
  fileAccess,
  fileReaderFor,
  InputError,
  readConfigText,
  reportDiagnostics,
  UsageError,
  type FileAccess,
} from '../io';
import { slurmScript } from '../slurm';
import { csvCell, table } from '../summary';
import type { CliCommand } from './types';

/** Exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
const EXIT_INTERRUPTED = 130;

export interface OutputFlags {
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly out?: string;
}

export function checkOutputFlags(values: OutputFlags): void {
  if (values.json && values.csv) throw new UsageError('choose one of --json and --csv');
}

function formatValue(v: unknown): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(6))) : String(v);
}

function formatTable(r: SweepReport): string {
  const keys = r.sweep.axes.map((a) => a.key);
  const withError = r.sweep.errorMetric !== null;
  const head = [
    '#',
    ...keys,
    'energy/token',
    'latency/token',
    'area',
    'arrays',
    ...(withError ? [r.sweep.errorMetric!] : []),
    'pareto',
  ];
  const rows = r.points.map((p) => {
    const c = p.cost;
    return [
      String(p.index),
      ...keys.map((k) => formatValue(p.values[k])),
      c ? formatEngineering(c.energyPerTokenJ, 'J') : '',
      c ? formatEngineering(c.latencyPerTokenS, 's') : '',
      c ? `${Number(c.areaMm2.toPrecision(4))} mm²` : '',
      c ? c.arrays.toLocaleString('en-US') : '',
      ...(withError ? [p.error === null ? '' : Number(p.error.toPrecision(4)).toString()] : []),
      p.status === 'ok' ? p.pareto.join(' ') : `${p.status}: ${p.message ?? ''}`,
    ];
  });
  const shard = r.shard ? `, shard ${r.shard.index}/${r.shard.count}` : '';
  const mode =
    r.sweep.mode === 'grid'
      ? `grid of ${r.sweep.gridSize}`
      : `${r.sweep.pointCount} random of ${r.sweep.gridSize} (seed ${r.sweep.seed})`;
  return `${r.sweep.base}: ${mode} points${shard}; pareto fronts: ${r.fronts.join(', ')}\n\n${table([head, ...rows])}`;
}

/** One row per point: `index`, the varied keys, figures, then one 0/1 column per front (docs/sweeps.md). */
function formatCsv(r: SweepReport): string {
  const keys = r.sweep.axes.map((a) => a.key);
  const head = [
    'index',
    ...keys,
    'status',
    'energy_per_token_j',
    'latency_per_token_s',
    'area_mm2',
    'arrays',
    'error',
    ...r.fronts.map((f) => `pareto_${f.replace('-', '_')}`),
    'message',
  ];
  const rows = r.points.map((p) => [
    p.index,
    ...keys.map((k) => String(p.values[k])),
    p.status,
    p.cost?.energyPerTokenJ ?? '',
    p.cost?.latencyPerTokenS ?? '',
    p.cost?.areaMm2 ?? '',
    p.cost?.arrays ?? '',
    p.error ?? '',
    ...r.fronts.map((f) => (p.pareto.includes(f) ? 1 : 0)),
    p.message ?? '',
  ]);
  return `${[head, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

/** Prints a sweep report as `aimc sweep` and `aimc merge` do. */
export function writeSweepReport(report: SweepReport, flags: OutputFlags): void {
  emit(
    flags.json ? JSON.stringify(report, null, 2) : flags.csv ? formatCsv(report) : formatTable(report),
    flags.out,
    flags.json ? 'json' : 'text',
  );
}

/**
 * Config text plus every file the engine reads for it (the checkpoint only when the functional
 * simulation runs), for workers that cannot read files.
 */
async function loadBase(
  file: string,
  withCheckpoint: boolean,
  access: FileAccess,
): Promise<{ text: string; name: string; files: ReferencedFiles }> {
  const text = readConfigText(file);
  const loaded = await loadDesign(text, fileReaderFor(file, access), { withCheckpoint });
  if (reportDiagnostics(file, loaded))
    throw new InputError(`${file}: the base config has errors; fix them before sweeping`);
  return { text, name: loaded.config?.name ?? basename(file), files: loaded.files };
}

function progressLine(done: number, total: number, workers: number, startMs: number): string {
  const s = Math.round((Date.now() - startMs) / 1000);
  const pct = total ? Math.floor((100 * done) / total) : 100;
  return `\rsweep: ${Math.floor(done)}/${total} points (${pct}%), ${workers} worker${workers === 1 ? '' : 's'}, ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} `;
}

/** Runs the points on a worker pool; resolves with their results, or null when interrupted. */
async function runOnPool(o: SweepRunInput): Promise<SweepPointResult[] | null> {
  const workers = sweepWorkers(o.points.count, o.workers);
  const pool = new WorkerPool({ workerFile: join(__dirname, 'worker.js'), size: workers });
  const showProgress = process.stderr.isTTY === true;
  const startMs = Date.now();
  let lastDraw = 0;
  const draw = (done: number) => {
    if (!showProgress || Date.now() - lastDraw < 100) return;
    lastDraw = Date.now();
    process.stderr.write(progressLine(done, o.points.count, workers, startMs));
  };
  const run = runSweepPoints(pool, { ...o, workers }, draw);
  const onSigint = () => run.cancel();
  process.once('SIGINT', onSigint);
  try {
    const results = await run.result;
    if (showProgress) process.stderr.write(`${progressLine(o.points.count, o.points.count, workers, startMs)}\n`);
    return results;
  } finally {
    process.off('SIGINT', onSigint);
    await pool.dispose();
  }
}

/** `--emit-slurm` without `--tasks`: array tasks (fewer when the sweep has fewer points). */
const DEFAULT_SLURM_TASKS = 16;
/** `--emit-slurm` without `--workers`: CPUs (and worker threads) per array task. */
const DEFAULT_SLURM_CPUS = 4;

/** Most `--workers`: threads beyond the cores only add memory (each worker holds its own engine). */
const MAX_WORKERS = 256;

function positiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`${flag} takes a whole number ≥ 1, not \`${text}\``);
  return Number(text);
}

export const sweepCommand: CliCommand = {
  name: 'sweep',
  usage:
    'aimc sweep FILE --vary KEY=VALUES... [--samples N] [--seed S] [--shard i/n|auto] [--error] [--workers N] [--json | --csv] [--out FILE] [--allow-outside-files] [--emit-slurm [--tasks N]]',
  summary: 'Design-space sweep (grid or random) with Pareto fronts; shardable for array jobs',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        vary: { type: 'string', multiple: true },
        samples: { type: 'string' },
        seed: { type: 'string' },
        shard: { type: 'string' },
        error: { type: 'boolean' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        out: { type: 'string' },
        'emit-slurm': { type: 'boolean' },
        tasks: { type: 'string' },
        ...FILE_ACCESS_OPTIONS,
      },
    });
    if (positionals.length !== 1) throw new UsageError('sweep takes exactly one base config file');
    checkOutputFlags(values);
    checkOut(values.out);
    const samples = positiveInteger('--samples', values.samples);
    const emitSlurm = values['emit-slurm'] === true;
    const tasks = positiveInteger('--tasks', values.tasks);
    if (tasks !== undefined && !emitSlurm) throw new UsageError('--tasks goes with --emit-slurm');
    if (emitSlurm && (values.shard !== undefined || values.json || values.csv))
      throw new UsageError(
        '--emit-slurm writes a batch script whose tasks choose their own shard and write JSON; drop --shard, --json and --csv',
      );
    const workers = positiveInteger('--workers', values.workers) ?? defaultPoolSize();
    if (workers > MAX_WORKERS) throw new UsageError(`--workers takes at most ${MAX_WORKERS}, not ${workers}`);
    if (values.seed !== undefined && !/^\d+$/.test(values.seed))
      throw new UsageError(`--seed takes a whole number ≥ 0, not \`${values.seed}\``);
    let plan;
    let shard: Shard | null = null;
    try {
      plan = planSweep(parseVaries(values.vary ?? []), {
        samples,
        seed: values.seed === undefined ? undefined : Number(values.seed),
      });
      // Refused here, before the base config is read or a worker starts.
      checkSweepSize(plan);
      if (values.shard !== undefined) shard = parseShard(values.shard, process.env);
    } catch (e) {
      if (e instanceof SweepLimitError) throw new InputError(e.message);
      if (e instanceof SweepSpecError) throw new UsageError(e.message);
      throw e;
    }
    const file = positionals[0];
    const base = await loadBase(file, values.error === true, fileAccess(values));
    if (emitSlurm) {
      emit(
        slurmScript({
          configPath: resolve(file),
          varies: values.vary ?? [],
          samples: values.samples,
          seed: values.seed,
          error: values.error === true,
          allowOutsideFiles: values['allow-outside-files'] === true,
          tasks: Math.min(tasks ?? DEFAULT_SLURM_TASKS, plan.pointCount),
          cpusPerTask: positiveInteger('--workers', values.workers) ?? DEFAULT_SLURM_CPUS,
          pointCount: plan.pointCount,
          jobName: 'aimc-sweep',
        }),
        values.out,
      );
      return EXIT_OK;
    }
    const points = planPoints(plan, shard);
    const results = await runOnPool({ base, axes: plan.axes, points, withError: values.error === true, workers });
    if (!results) {
      process.stderr.write('aimc sweep: interrupted; nothing written\n');
      return EXIT_INTERRUPTED;
    }
    const report = buildReport(
      sweepIdentity(
        plan,
        { name: base.name, configText: base.text },
        values.error ? errorMetricFor(base.text).name : null,
      ),
      shard,
      results,
    );
    writeSweepReport(report, values);
    const bad = results.filter((p) => p.status !== 'ok');
    if (bad.length)
      process.stderr.write(
        `aimc sweep: ${bad.length} of ${results.length} points did not simulate (status invalid or failed); first: point ${bad[0].index}: ${bad[0].message ?? ''}\n`,
      );
    return EXIT_OK;
  },
};
