/**
 * CPU time and peak memory of the functional (accuracy) simulation on GPT-2, next to their targets,
 * and the throughput of the float reference matmul.
 *
 * Run: node --import tsx test/bench/functional.bench.ts [--quick]
 *
 * Each GPT-2 figure runs in a child process of its own, so that its peak RSS is its own:
 * examples/gpt2-gaincell.aimc.yaml (synthetic weights, 64 tokens) with `functional.blocks` set,
 * loaded and run as `aimc accuracy` runs it, with one analog run (`functional.seeds: 1`). CPU time is
 * process.cpuUsage() (user + system, every thread) from before loading the design to after the result; peak RSS is the child's maxRSS.
 * The shipped model's figure runs examples/kjv-char-gaincell-adapted.aimc.yaml from disk.
 * --quick runs one block instead of twelve for the second figure.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDesign, loadDesignSync, runAccuracy } from '../../src/engine';
import { fileReaderFor } from '../../src/cli/io';
import { matmul } from '../../src/engine/functional/linalg';

const ROOT = join(__dirname, '..', '..');
const QUICK = process.argv.includes('--quick');

interface ChildFigures {
  readonly cpuS: number;
  readonly peakRssMb: number;
  readonly gflops?: number;
}

/** One GPT-2 accuracy run of `blocks` blocks, in this process. */
async function accuracyRun(blocks: number): Promise<ChildFigures> {
  const base = readFileSync(join(ROOT, 'examples', 'gpt2-gaincell.aimc.yaml'), 'utf8');
  // One analog run per point, as the targets were set.
  const text = `${base}\nfunctional:\n  blocks: ${blocks}\n  tokens: 64\n  seeds: 1\n`;
  const start = process.cpuUsage();
  const loaded = loadDesignSync(text);
  await runAccuracy(loaded);
  const cpu = process.cpuUsage(start);
  return { cpuS: (cpu.user + cpu.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/**
 * The shipped model (examples/kjv-char-gaincell-adapted.aimc.yaml): perplexity of its 4,096
 * held-out characters under the PCM and gain-cell design, `seeds` Monte-Carlo runs, read from disk
 * as `aimc accuracy` reads it.
 */
async function shippedModelRun(seeds: number): Promise<ChildFigures> {
  const file = join(ROOT, 'examples', 'kjv-char-gaincell-adapted.aimc.yaml');
  const text = readFileSync(file, 'utf8').replace(/^ {2}seeds: \d+/m, `  seeds: ${seeds}`);
  const start = process.cpuUsage();
  const loaded = await loadDesign(text, fileReaderFor(file), { withCheckpoint: 'stream' });
  await runAccuracy(loaded);
  const cpu = process.cpuUsage(start);
  return { cpuS: (cpu.user + cpu.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** linalg.matmul at the shape of GPT-2's FFN up-projection over 64 tokens. */
function matmulRun(): ChildFigures {
  const [rows, K, N] = [64, 768, 3072];
  const x = Float32Array.from({ length: rows * K }, (_, i) => Math.sin(i));
  const w = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i) * 0.02);
  const bias = new Float32Array(N).fill(0.1);
  for (let i = 0; i < 3; i++) matmul(x, rows, w, K, N, bias);
  const reps = QUICK ? 5 : 20;
  const start = process.cpuUsage();
  for (let i = 0; i < reps; i++) matmul(x, rows, w, K, N, bias);
  const cpu = process.cpuUsage(start);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return { cpuS, peakRssMb: process.resourceUsage().maxRSS / 1024, gflops: (reps * 2 * rows * K * N) / cpuS / 1e9 };
}

function child(args: string[]): ChildFigures {
  const run = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) throw new Error(`child ${args.join(' ')} failed:\n${run.stderr}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildFigures;
}

function row(figure: string, value: number, unit: string, target: string, ok: boolean | null): string {
  const verdict = ok === null ? '' : ok ? 'meets' : 'MISSES';
  return `${figure.padEnd(44)} ${value.toFixed(value >= 100 ? 0 : 2).padStart(9)} ${unit.padEnd(8)} ${target.padEnd(10)} ${verdict}`;
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at >= 0) {
    const [kind, blocks] = process.argv.slice(at + 1);
    const figures =
      kind === 'matmul'
        ? matmulRun()
        : kind === 'shipped'
          ? await shippedModelRun(Number(blocks))
          : await accuracyRun(Number(blocks));
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }
  const fullBlocks = QUICK ? 1 : 12;
  console.log(`functional simulation, GPT-2 (synthetic weights, 64 tokens); CPU time = user + system\n`);
  console.log(`${'figure'.padEnd(44)} ${'measured'.padStart(9)} ${'unit'.padEnd(8)} ${'target'.padEnd(10)}`);
  const point = child(['accuracy', '2']);
  console.log(row('one --error sweep point (2 blocks): CPU', point.cpuS, 's', '≤ 4 s', point.cpuS <= 4));
  console.log(row('  peak RSS', point.peakRssMb, 'MB', '', null));
  const full = child(['accuracy', String(fullBlocks)]);
  const fullName = `${fullBlocks} block${fullBlocks === 1 ? '' : 's'}`;
  console.log(row(`all ${fullName}: CPU`, full.cpuS, 's', QUICK ? '' : '≤ 20 s', QUICK ? null : full.cpuS <= 20));
  console.log(
    row(
      `all ${fullName}: peak RSS`,
      full.peakRssMb,
      'MB',
      QUICK ? '' : '≤ 400 MB',
      QUICK ? null : full.peakRssMb <= 400,
    ),
  );
  const shipped = child(['shipped', '1']);
  console.log(row('shipped model, 4,096 tokens, PCM: CPU', shipped.cpuS, 's', '≤ 30 s', shipped.cpuS <= 30));
  const shipped3 = child(['shipped', '3']);
  console.log(row('  the same, 3 Monte-Carlo runs', shipped3.cpuS, 's', '', null));
  const mm = child(['matmul']);
  console.log(row('float reference matmul 64×768×3072', mm.gflops ?? 0, 'GFLOP/s', '', null));
}

void main();
