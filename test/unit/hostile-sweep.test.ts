/**
 * Hostile sweeps (issue 13, items 6, 9 and 12): grids of 10⁸ and 4·10⁹ points and `--samples 1e9`
 * are refused before any work starts, in well under a second; points stream from their index in
 * bounded chunks; `aimc merge` checks every shard before trusting it; and a worker that posts
 * `null` or a malformed result fails its request without taking the host down. CLI cases run the
 * built CLI (dist/cli.js) with a time limit.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseVaries } from '../../src/engine/sweep/axes';
import {
  checkSweepSize,
  MAX_SWEEP_POINTS,
  planPoints,
  planSweep,
  shardPointCount,
  shardPoints,
  SweepLimitError,
} from '../../src/engine/sweep/plan';
import { asSweepReport, SweepMergeError } from '../../src/engine/sweep/report';
import type { RequestPayload, RequestType, ResponseOf } from '../../src/shared/protocol';
import type { PointSpec, SweepPointResult } from '../../src/shared/sweep';
import {
  RequestCancelledError,
  WorkerPool,
  WorkerProtocolError,
  type PoolRequest,
  type RequestOptions,
} from '../../src/worker/pool';
import { MAX_CHUNK_POINTS, runSweepPoints, type SweepRequester } from '../../src/worker/sweepRun';

const CLI = join(import.meta.dirname, '../../dist/cli.js');

const root = mkdtempSync(join(tmpdir(), 'aimc-hostile-sweep-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function aimc(...args: string[]): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=1024', CLI, ...args],
      { encoding: 'utf8', timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - started });
      },
    );
  });
}

function assertNoCrash(r: Run): void {
  assert.notEqual(r.code, null, 'killed by the time limit');
  assert.notEqual(r.code, 70, r.stderr);
  assert.ok(!/internal error|^\s+at .+:\d+:\d+\)?$/m.test(r.stderr), `stack trace: ${r.stderr.slice(0, 800)}`);
}

/** Exit `code` with `message` as the first line of stderr (and, for usage errors, the usage line after it). */
function assertRefused(r: Run, code: 1 | 2, message: RegExp): void {
  assertNoCrash(r);
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, code === 1 ? 1 : 2, r.stderr);
  assert.match(lines[0], message);
  if (code === 2) assert.match(lines[1], /^usage: aimc sweep /);
  assert.equal(r.stdout, '');
}

describe('sweeps past the limit are refused before any work (item 6)', { concurrency: 4 }, () => {
  // The base config does not exist: a refusal that names the grid shows nothing was read first.
  const missing = join(root, 'never-read.aimc.yaml');
  const cases: Array<[string, string[], 1 | 2, RegExp]> = [
    [
      '10⁸-point grid',
      ['--vary', 'attention.window=1..100000', '--vary', 'weights.array.rows=1..1000'],
      1,
      /^aimc sweep: the grid has 100,000,000 points, more than the 100,000 one sweep may run; .*--samples N/,
    ],
    [
      '4.3·10⁹-point grid',
      ['--vary', 'weights.array.rows=1..65536', '--vary', 'weights.array.cols=1..65536'],
      1,
      /^aimc sweep: the grid has 4,294,967,296 points/,
    ],
    [
      '--samples 1000000000',
      ['--vary', 'weights.adc.bits=4..10', '--samples', '1000000000'],
      1,
      /^aimc sweep: --samples 1000000000 is more than the 100,000 points one sweep may run$/,
    ],
    ['--samples 1e9', ['--vary', 'weights.adc.bits=4..10', '--samples', '1e9'], 2, /--samples takes a whole number/],
    [
      'a grid past 2^53',
      [
        '--vary',
        'weights.array.rows=1..65536',
        '--vary',
        'weights.array.cols=1..65536',
        '--vary',
        'attention.array.rows=1..65536',
        '--vary',
        'attention.array.cols=1..65536',
      ],
      2,
      /too many to number/,
    ],
    ['--workers 100000', ['--vary', 'weights.adc.bits=4..10', '--workers', '100000'], 2, /--workers takes at most 256/],
    [
      'a shard count past 2^53',
      ['--vary', 'weights.adc.bits=4..10', '--shard', '99999999999999999999/100000000000000000000'],
      2,
      /whole numbers below 2\^53/,
    ],
  ];
  for (const [what, args, code, message] of cases) {
    test(`${what}: exit ${code}, one line, well under a second`, async () => {
      const r = await aimc('sweep', missing, ...args);
      assertRefused(r, code, message);
      console.log(`# ${what}: refused in ${r.ms.toFixed(0)} ms (node start-up included)`);
      // Well under a second on an idle machine; the bound leaves room for a loaded CI runner.
      assert.ok(r.ms < 3000, `${r.ms} ms`);
    });
  }

  test('in the engine: planning and refusing a 4.3·10⁹-point grid, or sampling it, takes milliseconds', () => {
    const axes = parseVaries(['weights.array.rows=1..65536', 'weights.array.cols=1..65536']);
    const t0 = performance.now();
    const grid = planSweep(axes);
    assert.equal(grid.pointCount, 65536 * 65536);
    assert.throws(() => checkSweepSize(grid), SweepLimitError);
    assert.throws(() => planSweep(axes, { samples: 1e9 }), SweepLimitError);
    const sample = planSweep(axes, { samples: MAX_SWEEP_POINTS });
    checkSweepSize(sample);
    const source = planPoints(sample, { index: 3, count: 7 });
    assert.equal(source.count, Math.ceil((MAX_SWEEP_POINTS - 3) / 7));
    assert.deepEqual(source.at(2).index, 17);
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${ms} ms`);
  });

  test('a shard streams the same points shardPoints lists', () => {
    const plan = planSweep(parseVaries(['weights.adc.bits=4..10', 'attention.window=256,512,1024']));
    for (const shard of [null, { index: 0, count: 5 }, { index: 4, count: 5 }, { index: 20, count: 30 }]) {
      const source = planPoints(plan, shard);
      const listed = shardPoints(plan.pointCount, shard);
      assert.equal(source.count, listed.length);
      assert.equal(shardPointCount(plan.pointCount, shard), listed.length);
      assert.deepEqual(
        Array.from({ length: source.count }, (_, k) => source.at(k)),
        listed.map((index) => ({ index, values: plan.valuesAt(index) })),
      );
    }
  });
});

/** A requester that answers sweep chunks itself, recording what it was asked. */
class FakeRequester implements SweepRequester {
  inFlight = 0;
  maxInFlight = 0;
  readonly chunkSizes: number[] = [];
  readonly pending: Array<() => void> = [];
  constructor(private readonly answer: (points: readonly PointSpec[], n: number) => unknown) {}

  request<T extends RequestType>(
    type: T,
    anyPayload: RequestPayload<T>,
    options: RequestOptions = {},
  ): PoolRequest<ResponseOf<T>> {
    assert.equal(type, 'sweep-chunk');
    const payload = anyPayload as unknown as RequestPayload<'sweep-chunk'>;
    const n = this.chunkSizes.push(payload.points.length);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let cancel!: () => void;
    const result = new Promise<ResponseOf<T>>((resolve, reject) => {
      cancel = () => reject(new RequestCancelledError('cancelled'));
      this.pending.push(() => {
        options.onProgress?.({ done: payload.points.length, total: payload.points.length });
        try {
          const value = this.answer(payload.points, n);
          if (value instanceof Error) reject(value);
          else resolve(value as ResponseOf<T>);
        } catch (e) {
          reject(e as Error);
        }
      });
    }).finally(() => this.inFlight--);
    return { result, cancel: () => cancel() };
  }

  /** Answers every request asked so far, then those they lead to, until none is left. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) {
      for (const answer of this.pending.splice(0)) answer();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

const okPoint = (p: PointSpec): SweepPointResult => ({
  index: p.index,
  values: { 'weights.adc.bits': p.values[0] },
  status: 'ok',
  cost: { energyPerTokenJ: 1e-6, latencyPerTokenS: 1e-6, areaMm2: 1, arrays: 1 },
  error: null,
  pareto: [],
});

describe('chunks stream from the index (item 6)', () => {
  const axes = parseVaries(['weights.adc.bits=1..16']);
  const base = { text: 'version: 1\nmodel: { preset: gpt2 }\n', files: {} };

  test('100,000 points on 4 workers: at most 2 chunks per worker in flight, at most 256 points each, none read ahead', async () => {
    let read = 0;
    const points = {
      count: MAX_SWEEP_POINTS,
      at: (k: number): PointSpec => {
        read++;
        return { index: k, values: [(k % 16) + 1] };
      },
    };
    const fake = new FakeRequester((chunk) => ({ points: chunk.map(okPoint), errorMetric: null }));
    let lastDone = 0;
    const run = runSweepPoints(fake, { base, axes, points, withError: false, workers: 4 }, (done, total) => {
      assert.equal(total, MAX_SWEEP_POINTS);
      assert.ok(done >= lastDone);
      lastDone = done;
    });
    assert.equal(fake.inFlight, 8);
    assert.equal(read, 8 * MAX_CHUNK_POINTS, 'only the chunks in flight are read');
    await fake.drain();
    const results = await run.result;
    assert.equal(results?.length, MAX_SWEEP_POINTS);
    assert.ok(results!.every((p, i) => p.index === i));
    assert.equal(fake.maxInFlight, 8);
    assert.ok(Math.max(...fake.chunkSizes) <= MAX_CHUNK_POINTS);
    assert.equal(lastDone, MAX_SWEEP_POINTS);
  });

  test('a chunk with a malformed result, or a failed request, costs its own points only', async () => {
    const fake = new FakeRequester((chunk, n) => {
      if (n === 1) return { points: [null], errorMetric: null };
      if (n === 2)
        return {
          points: chunk.map((p) => ({ ...okPoint(p), cost: { ...okPoint(p).cost!, energyPerTokenJ: -1 } })),
          errorMetric: null,
        };
      if (n === 3) return new Error('worker 3 died');
      return { points: chunk.map(okPoint), errorMetric: null };
    });
    const points = { count: 40, at: (k: number): PointSpec => ({ index: k, values: [(k % 16) + 1] }) };
    const run = runSweepPoints(fake, { base, axes, points, withError: false, workers: 2 });
    await fake.drain();
    const results = (await run.result)!;
    assert.equal(results.length, 40);
    const size = fake.chunkSizes[0];
    const byChunk = (c: number) => results.slice(c * size, (c + 1) * size);
    assert.ok(
      byChunk(0).every((p) => p.status === 'failed' && /malformed result \(1 points for a chunk/.test(p.message!)),
    );
    assert.ok(
      byChunk(1).every(
        (p) => p.status === 'failed' && /cost\.energyPerTokenJ is -1, not a finite number ≥ 0/.test(p.message!),
      ),
    );
    assert.ok(byChunk(2).every((p) => p.status === 'failed' && p.message === 'worker 3 died'));
    assert.ok(results.slice(3 * size).every((p) => p.status === 'ok'));
  });

  test('cancel stops launching chunks and resolves with null', async () => {
    const fake = new FakeRequester((chunk) => ({ points: chunk.map(okPoint), errorMetric: null }));
    const points = { count: 10_000, at: (k: number): PointSpec => ({ index: k, values: [(k % 16) + 1] }) };
    const run = runSweepPoints(fake, { base, axes, points, withError: false, workers: 2 });
    const asked = fake.chunkSizes.length;
    run.cancel();
    await fake.drain();
    assert.equal(await run.result, null);
    assert.equal(fake.chunkSizes.length, asked);
  });
});

describe('aimc merge checks every shard (item 9)', { concurrency: 4 }, () => {
  let shards: [string, string];
  let shard0: Record<string, unknown>;
  const config = join(root, 'tiny.aimc.yaml');
  before(async () => {
    writeFileSync(
      config,
      'version: 1\nname: tiny\nmodel:\n  shape: { layers: 2, d_model: 64, heads: 4, d_ff: 256, vocab: 100, context: 64 }\n',
    );
    shards = [join(root, 's0.json'), join(root, 's1.json')];
    for (const [i, out] of shards.entries()) {
      const r = await aimc(
        'sweep',
        config,
        '--vary',
        'weights.adc.bits=4..7',
        '--shard',
        `${i}/2`,
        '--json',
        '--out',
        out,
      );
      assert.equal(r.code, 0, r.stderr);
    }
    shard0 = JSON.parse(readFileSync(shards[0], 'utf8')) as Record<string, unknown>;
  });

  test('the two real shards merge', async () => {
    const r = await aimc('merge', ...shards, '--json');
    assertNoCrash(r);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).points.length, 4);
  });

  type Report = {
    sweep: Record<string, unknown>;
    points: Array<Record<string, unknown> | null>;
    shard: unknown;
  };
  const tamper: Array<[string, (r: Report) => void, RegExp]> = [
    [
      'a null point',
      (r) => {
        r.points[0] = null;
      },
      /points\[0\]: the point is null/,
    ],
    [
      'no axes',
      (r) => {
        delete r.sweep.axes;
      },
      /sweep\.axes is missing/,
    ],
    [
      'pointCount 1e9',
      (r) => {
        r.sweep.pointCount = 1e9;
      },
      /sweep\.pointCount is 1000000000, not a whole number from 1 to 100000/,
    ],
    [
      'a string pointCount',
      (r) => {
        r.sweep.pointCount = '4';
      },
      /sweep\.pointCount is "4"/,
    ],
    [
      'a pointCount that disagrees with the grid',
      (r) => {
        r.sweep.pointCount = 3;
      },
      /sweep\.pointCount is 3, but the grid has 4 points/,
    ],
    [
      'a negative energy (it landed on the Pareto front)',
      (r) => {
        (r.points[0]!.cost as Record<string, number>).energyPerTokenJ = -1;
      },
      /points\[0\]: its cost\.energyPerTokenJ is -1, not a finite number ≥ 0/,
    ],
    [
      'an infinite latency',
      (r) => {
        (r.points[1]!.cost as Record<string, number>).latencyPerTokenS = Infinity;
      },
      /points\[1\]: its cost\.latencyPerTokenS is Infinity/,
    ],
    [
      'a point with an axis missing',
      (r) => {
        r.points[0]!.values = {};
      },
      /points\[0\]: it has values for 0 keys, not the sweep's 1/,
    ],
    [
      'a value that is not on its axis',
      (r) => {
        r.points[0]!.values = { 'weights.adc.bits': 99 };
      },
      /its weights\.adc\.bits is 99, not one of the axis's values/,
    ],
    [
      'a point of another shard',
      (r) => {
        r.points[0]!.index = 1;
      },
      /its index 1 is not one of shard 0\/2/,
    ],
    [
      'an index past the sweep',
      (r) => {
        r.points[0]!.index = 1e12;
      },
      /its index 1000000000000 is outside the sweep's 4 points/,
    ],
    [
      'an unknown status',
      (r) => {
        r.points[0]!.status = 'great';
      },
      /its status is "great"/,
    ],
    [
      'a bad shard',
      (r) => {
        r.shard = { index: 5, count: 2 };
      },
      /shard is \{"index":5,"count":2\}/,
    ],
  ];
  for (const [what, change, message] of tamper) {
    test(`${what}: exit 1, one line naming the file`, async () => {
      const report = structuredClone(shard0) as unknown as Report;
      change(report);
      const file = join(root, `bad-${what.replace(/\W+/g, '-')}.json`);
      // JSON.stringify writes Infinity as null; a literal 1e999 parses back as Infinity.
      writeFileSync(file, JSON.stringify(report).replace(/"latencyPerTokenS":null/, '"latencyPerTokenS":1e999'));
      const r = await aimc('merge', file, shards[1]);
      assertNoCrash(r);
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0].startsWith(`aimc merge: ${file}: not a valid \`aimc sweep --json\` output: `), lines[0]);
      assert.match(lines[0], message);
      assert.equal(r.stdout, '');
    });
  }

  test('shards of different sweeps are refused, naming the difference', async () => {
    const other = join(root, 'other.json');
    const r0 = await aimc(
      'sweep',
      config,
      '--vary',
      'weights.adc.bits=4..7',
      '--seed',
      '5',
      '--shard',
      '1/2',
      '--json',
      '--out',
      other,
    );
    assert.equal(r0.code, 0, r0.stderr);
    const r = await aimc('merge', shards[0], other);
    assertNoCrash(r);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /other\.json is from a different sweep than .*s0\.json \(they differ in seed\)/);
  });

  test('in the engine, the check is linear: 100,000 points on two 65,536-value axes in well under a second', () => {
    const values = Array.from({ length: 65536 }, (_, i) => i + 1);
    const report = {
      schemaVersion: 1,
      kind: 'aimc-sweep',
      sweep: {
        base: 'x',
        baseFingerprint: '0123abcd',
        axes: [
          { key: 'weights.array.rows', values },
          { key: 'weights.array.cols', values },
        ],
        mode: 'random',
        gridSize: 65536 * 65536,
        samples: MAX_SWEEP_POINTS,
        seed: 1,
        pointCount: MAX_SWEEP_POINTS,
        errorMetric: null,
      },
      shard: null,
      fronts: ['energy-latency'],
      points: Array.from({ length: MAX_SWEEP_POINTS }, (_, i) => ({
        index: i,
        values: { 'weights.array.rows': 65536 - (i % 65536), 'weights.array.cols': (i % 65536) + 1 },
        status: 'ok',
        cost: { energyPerTokenJ: 1, latencyPerTokenS: 1, areaMm2: 1, arrays: 1 },
        error: null,
        pareto: [],
      })),
    };
    const t0 = performance.now();
    asSweepReport(report, 'big.json');
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${ms} ms`);
    report.sweep.pointCount = 1e9;
    assert.throws(() => asSweepReport(report, 'big.json'), SweepMergeError);
  });
});

describe('a worker that sends malformed messages (item 12)', () => {
  let workerFile: string;
  before(() => {
    workerFile = join(root, 'rogue.mjs');
    // A stand-in worker: answers `fine` properly and posts something outside the protocol otherwise.
    writeFileSync(
      workerFile,
      `
      import { parentPort } from 'node:worker_threads';
      parentPort.on('message', (m) => {
        if (m.type !== 'simulate') return;
        const ok = { type: 'result', id: m.id, request: 'simulate', value: { diagnostics: [], result: null } };
        switch (m.configText) {
          case 'null': parentPort.postMessage(null); break;
          case 'number': parentPort.postMessage(42); break;
          case 'no-id': parentPort.postMessage({ type: 'result', request: 'simulate', value: ok.value }); break;
          case 'unknown-type': parentPort.postMessage({ type: 'hello', id: m.id }); break;
          case 'bad-value': parentPort.postMessage({ ...ok, value: { diagnostics: 'none', result: null } }); break;
          case 'other-request': parentPort.postMessage({ ...ok, request: 'sweep-chunk', value: { points: [], errorMetric: null } }); break;
          case 'bad-progress': parentPort.postMessage({ type: 'progress', id: m.id, done: 'x', total: null }); break;
          case 'bad-error': parentPort.postMessage({ type: 'error', id: m.id, error: null }); break;
          default: parentPort.postMessage(ok);
        }
      });
    `,
    );
  });

  const kinds: Array<[string, RegExp]> = [
    ['null', /the message is null/],
    ['number', /the message is 42/],
    ['no-id', /its id is missing/],
    ['unknown-type', /unknown message type "hello"/],
    ['bad-value', /its diagnostics are "none"/],
    ['other-request', /a sweep-chunk result for a simulate request/],
    ['bad-progress', /progress "x" of null/],
    ['bad-error', /an error message whose error is null/],
  ];
  test('each fails its request with a WorkerProtocolError; the pool lives on and replaces the worker', async () => {
    const pool = new WorkerPool({ workerFile, size: 1 });
    try {
      for (const [kind, why] of kinds) {
        await assert.rejects(
          pool.request('simulate', { configText: kind, files: {} }).result,
          (e: Error) =>
            e instanceof WorkerProtocolError &&
            /^worker \d+ sent a malformed message \(/.test(e.message) &&
            why.test(e.message) &&
            /while running simulate request \d+; the pool replaces it/.test(e.message),
          kind,
        );
        assert.deepEqual(await pool.request('simulate', { configText: 'fine', files: {} }).result, {
          diagnostics: [],
          result: null,
        });
      }
      assert.equal(pool.stats.crashed, 0, 'a malformed message is not counted as a crash');
      assert.equal(pool.stats.started, kinds.length + 1);
    } finally {
      await pool.dispose();
    }
  });

  test('requests queued behind the bad one run on a replacement', async () => {
    const pool = new WorkerPool({ workerFile, size: 1 });
    try {
      const bad = pool.request('simulate', { configText: 'null', files: {} });
      const queued = [1, 2, 3].map(() => pool.request('simulate', { configText: 'fine', files: {} }));
      await assert.rejects(bad.result, WorkerProtocolError);
      for (const q of queued) assert.ok(await q.result);
    } finally {
      await pool.dispose();
    }
  });
});
