import { NO_FILES } from '../../src/engine';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { parseVaries } from '../../src/engine/sweep/axes';
import { pointEvaluator } from '../../src/engine/sweep/evaluate';
import type { SweepPointResult } from '../../src/shared/sweep';
import { planSweep, shardPoints, type Shard, type SweepPlan } from '../../src/engine/sweep/plan';
import {
  buildReport,
  mergeReports,
  SweepMergeError,
  sweepIdentity,
  type SweepReport,
} from '../../src/engine/sweep/report';
import { config } from '../helpers/design';

// GPT-2 with its 1024-token context: a window above it or an ADC wider than 16 bits is refused
// by the config checks, so the sweep below has points that do not validate.
const BASE = config('gpt2', 'weights:\n  adc: { bits: 8 }\nworkload:\n  context_tokens: 512\n');

async function runSweep(plan: SweepPlan, shard: Shard | null): Promise<SweepReport> {
  const evaluate = pointEvaluator({ baseConfigText: BASE, axes: plan.axes });
  const points: SweepPointResult[] = [];
  for (const index of shardPoints(plan.pointCount, shard)) {
    points.push(await evaluate({ index, values: plan.valuesAt(index) }, { reader: NO_FILES, shouldStop: () => false }));
  }
  return buildReport(sweepIdentity(plan, { name: 'gpt2', configText: BASE }, null), shard, points);
}

describe('sharded sweep and merge', () => {
  const plan = planSweep(
    parseVaries(['weights.adc.bits=4..8', 'weights.device=pcm,rram', 'attention.window=256,2048']),
  );
  let whole: SweepReport;
  let shards: SweepReport[];

  before(async () => {
    whole = await runSweep(plan, null);
    shards = await Promise.all([0, 1, 2].map((index) => runSweep(plan, { index, count: 3 })));
  });

  test('the sweep has valid and invalid points and a non-trivial front', () => {
    assert.equal(whole.points.length, 20);
    const invalid = whole.points.filter((p) => p.status === 'invalid');
    assert.ok(invalid.length > 0 && invalid.length < 20);
    assert.ok(
      invalid.every((p) => p.values['attention.window'] === 2048 && /window/.test(p.message ?? '')),
      invalid[0]?.message,
    );
    const front = whole.points.filter((p) => p.pareto.length > 0);
    assert.ok(front.length >= 1 && front.length < 10);
  });

  test('varied values reach the simulation', () => {
    const energy = (bits: number) =>
      whole.points.find(
        (p) => p.values['weights.adc.bits'] === bits && p.values['weights.device'] === 'pcm' && p.status === 'ok',
      )!.cost!.energyPerTokenJ;
    assert.ok(energy(4) < energy(8));
  });

  test('a shard marks its own front, which the merge recomputes over the union', () => {
    const shardFront = shards.flatMap((s) => s.points.filter((p) => p.pareto.length > 0).map((p) => p.index));
    const wholeFront = whole.points.filter((p) => p.pareto.length > 0).map((p) => p.index);
    assert.notDeepEqual(shardFront.sort(), wholeFront.sort());
  });

  test('merging the shards, in any order, gives exactly the unsharded result', () => {
    const merged = mergeReports(
      [shards[2], shards[0], shards[1]].map((report, i) => ({ source: `shard${i}.json`, report })),
    );
    assert.equal(JSON.stringify(merged), JSON.stringify(whole));
  });

  test('a rerun shard given twice merges; a missing shard is named', () => {
    const inputs = [...shards, shards[1]].map((report, i) => ({ source: `f${i}`, report }));
    assert.equal(JSON.stringify(mergeReports(inputs)), JSON.stringify(whole));
    assert.throws(
      () => mergeReports([shards[0], shards[2]].map((report, i) => ({ source: `f${i}`, report }))),
      (e: Error) => e instanceof SweepMergeError && /missing shards of 3: 1/.test(e.message),
    );
  });

  test('outputs of different sweeps do not merge', () => {
    const other: SweepReport = { ...shards[1], sweep: { ...shards[1].sweep, seed: 99 } };
    assert.throws(
      () =>
        mergeReports([
          { source: 'a.json', report: shards[0] },
          { source: 'b.json', report: other },
        ]),
      /b\.json is from a different sweep than a\.json \(they differ in seed\)/,
    );
  });

  test('a point that differs between two outputs is refused', () => {
    const changed: SweepReport = {
      ...shards[0],
      points: shards[0].points.map((p, i) => (i === 0 ? { ...p, error: 0.5 } : p)),
    };
    assert.throws(
      () =>
        mergeReports([
          { source: 'a', report: shards[0] },
          { source: 'b', report: changed },
          { source: 'c', report: shards[1] },
          { source: 'd', report: shards[2] },
        ]),
      /point 0 differs between a and b/,
    );
  });
});

test('a random sweep shards and merges like a grid', async () => {
  const plan = planSweep(parseVaries(['weights.adc.bits=2..12', 'attention.window=128..512:128']), {
    samples: 7,
    seed: 5,
  });
  const whole = await runSweep(plan, null);
  const shards = await Promise.all([0, 1].map((index) => runSweep(plan, { index, count: 2 })));
  const merged = mergeReports(shards.map((report, i) => ({ source: String(i), report })));
  assert.equal(JSON.stringify(merged), JSON.stringify(whole));
  assert.equal(whole.points.length, 7);
});

test('the evaluator stops between points when asked', async () => {
  const plan = planSweep(parseVaries(['weights.adc.bits=4..8']));
  const evaluate = pointEvaluator({ baseConfigText: BASE, axes: plan.axes });
  await assert.rejects(
    evaluate(
      { index: 0, values: [4] },
      { reader: NO_FILES, shouldStop: () => true, errorMetric: { name: 'e', evaluate: async () => 0 } },
    ),
    { name: 'SweepCancelled' },
  );
});
