import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyOverrides } from '../../src/engine/design/overrides';
import { axisOverrides, parseVaries, parseVary, SweepSpecError } from '../../src/engine/sweep/axes';
import { parseShard, planSweep, shardPoints } from '../../src/engine/sweep/plan';

describe('--vary parsing', () => {
  test('an integer range includes both ends', () => {
    assert.deepEqual(parseVary('weights.adc.bits=4..10'), { key: 'weights.adc.bits', values: [4, 5, 6, 7, 8, 9, 10] });
  });

  test('a list keeps the order given', () => {
    assert.deepEqual(parseVary('attention.window=1024,256,512').values, [1024, 256, 512]);
  });

  test('a numeric range with a step reaches its end despite float rounding', () => {
    assert.deepEqual(parseVary('technology.clock_ghz=0.5..2:0.5').values, [0.5, 1, 1.5, 2]);
    assert.deepEqual(parseVary('technology.clock_ghz=0.1..0.5:0.1').values, [0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  test('enum and true/false keys take their values by name', () => {
    assert.deepEqual(parseVary('weights.device=pcm,rram').values, ['pcm', 'rram']);
    assert.deepEqual(parseVary('nonidealities.adc.range=fixed,calibrated').values, ['fixed', 'calibrated']);
    assert.deepEqual(parseVary('nonidealities.drift=true,false').values, [true, false]);
  });

  test('any numeric key of the schema can be varied, component parameters included', () => {
    assert.deepEqual(parseVary('components.adc.energy_per_conversion_j=1e-12,2e-12').values, [1e-12, 2e-12]);
  });

  const refusals: Array<[string, RegExp]> = [
    ['weights.adc.bitz=4..10', /unknown config key `weights\.adc\.bitz`; did you mean `weights\.adc\.bits`\?/],
    ['weights.adc=4', /`weights\.adc` is a section; vary one of its keys: bits, columns_per_adc/],
    ['name=a,b', /`name` is text/],
    ['layers=1', /`layers` is a list/],
    ['weights.adc.bits=0..10', /weights\.adc\.bits: 0 is below the minimum 1 bits/],
    ['weights.adc.bits=4..17', /weights\.adc\.bits: 17 is above the maximum 16 bits/],
    ['weights.adc.bits=4.5', /weights\.adc\.bits takes whole numbers/],
    ['weights.adc.bits=4..8:0.5', /weights\.adc\.bits takes whole numbers/],
    ['weights.adc.bits=10..4', /runs backwards/],
    ['nonidealities.adc.bound=0..2:0.5', /nonidealities\.adc\.bound: 0 must be above 0/],
    ['technology.clock_ghz=0..2:0.5', /technology\.clock_ghz: 0 is below the minimum 0\.001 GHz/],
    ['technology.clock_ghz=1..2:0', /step .* must be above 0/],
    ['weights.device=pcm,rran', /weights\.device has no value `rran` \(did you mean `rram`\?\)/],
    ['weights.device=pcm..rram', /weights\.device is a choice/],
    ['attention.window=256,256', /256 is listed twice/],
    ['attention.window=', /attention\.window: no values/],
    ['weights.adc.bits', /not KEY=VALUES/],
  ];
  for (const [spec, message] of refusals) {
    test(`refuses ${spec} with a message naming the key`, () => {
      assert.throws(
        () => parseVary(spec),
        (e: Error) => e instanceof SweepSpecError && message.test(e.message),
      );
    });
  }

  test('a key varied twice is refused', () => {
    assert.throws(() => parseVaries(['weights.adc.bits=4', 'weights.adc.bits=5']), /varied twice/);
    assert.throws(() => parseVaries([]), /at least one --vary/);
  });

  test('values are set on a copy, creating missing sections', () => {
    const base = { version: 1, model: { preset: 'gpt2' }, weights: { adc: { bits: 8 } } };
    const axes = parseVaries(['weights.adc.bits=4', 'attention.window=256']);
    const out = applyOverrides(base, axisOverrides(axes, [4, 256]));
    assert.deepEqual(out, {
      version: 1,
      model: { preset: 'gpt2' },
      weights: { adc: { bits: 4 } },
      attention: { window: 256 },
    });
    assert.equal(base.weights.adc.bits, 8);
  });
});

describe('grid and random plans', () => {
  const axes = parseVaries(['weights.adc.bits=4..6', 'attention.window=256,512']);

  test('the grid runs every combination, last axis fastest', () => {
    const plan = planSweep(axes);
    assert.equal(plan.mode, 'grid');
    assert.equal(plan.pointCount, 6);
    const points = Array.from({ length: plan.pointCount }, (_, i) => plan.valuesAt(i));
    assert.deepEqual(points, [
      [4, 256],
      [4, 512],
      [5, 256],
      [5, 512],
      [6, 256],
      [6, 512],
    ]);
  });

  test('random search draws distinct grid points, the same ones for the same seed', () => {
    const big = parseVaries(['weights.adc.bits=1..16', 'attention.window=1..1000']);
    const a = planSweep(big, { samples: 50, seed: 7 });
    const b = planSweep(big, { samples: 50, seed: 7 });
    const c = planSweep(big, { samples: 50, seed: 8 });
    const list = (p: typeof a) => Array.from({ length: p.pointCount }, (_, i) => p.valuesAt(i).join('/'));
    assert.equal(a.mode, 'random');
    assert.equal(a.pointCount, 50);
    assert.deepEqual(list(a), list(b));
    assert.notDeepEqual(list(a), list(c));
    assert.equal(new Set(list(a)).size, 50);
    for (const [bits, window] of Array.from({ length: 50 }, (_, i) => a.valuesAt(i))) {
      assert.ok(Number.isInteger(bits) && (bits as number) >= 1 && (bits as number) <= 16);
      assert.ok(Number.isInteger(window) && (window as number) >= 1 && (window as number) <= 1000);
    }
  });

  test('random samples cover the grid without favouring its start', () => {
    const one = parseVaries(['attention.window=1..10000']);
    const plan = planSweep(one, { samples: 2000, seed: 3 });
    const mean =
      Array.from({ length: plan.pointCount }, (_, i) => plan.valuesAt(i)[0] as number).reduce((s, v) => s + v, 0) /
      plan.pointCount;
    // Uniform on 1..10000: mean 5000.5, standard error of the mean ≈ 2887/√2000 ≈ 65.
    assert.ok(Math.abs(mean - 5000.5) < 5 * 65, `mean ${mean}`);
  });

  test('asking for more samples than the grid has runs the grid once', () => {
    const plan = planSweep(axes, { samples: 100 });
    assert.equal(plan.pointCount, 6);
    assert.deepEqual(plan.valuesAt(5), [6, 512]);
  });

  test('shards partition the points: every point in exactly one shard', () => {
    const all = shardPoints(23, null);
    const shards = [0, 1, 2, 3, 4].map((index) => shardPoints(23, { index, count: 5 }));
    assert.deepEqual(shards[1], [1, 6, 11, 16, 21]);
    assert.deepEqual(
      shards.flat().sort((x, y) => x - y),
      all,
    );
  });
});

describe('--shard', () => {
  test('i/n is 0-based', () => {
    assert.deepEqual(parseShard('2/8'), { index: 2, count: 8 });
    assert.throws(() => parseShard('8/8'), /shard index 8 is not below the count 8/);
    assert.throws(() => parseShard('2'), /give the shard count/);
    assert.throws(() => parseShard('a/b'), /takes i\/n/);
  });

  test('auto reads a Slurm job array, whatever its first task id', () => {
    assert.deepEqual(
      parseShard('auto', { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '10', SLURM_ARRAY_TASK_MIN: '0' }),
      { index: 3, count: 10 },
    );
    assert.deepEqual(
      parseShard('auto', { SLURM_ARRAY_TASK_ID: '10', SLURM_ARRAY_TASK_COUNT: '10', SLURM_ARRAY_TASK_MIN: '1' }),
      { index: 9, count: 10 },
    );
    assert.deepEqual(
      parseShard('auto', {
        SLURM_ARRAY_TASK_ID: '4',
        SLURM_ARRAY_TASK_COUNT: '3',
        SLURM_ARRAY_TASK_MIN: '0',
        SLURM_ARRAY_TASK_STEP: '2',
      }),
      { index: 2, count: 3 },
    );
  });

  test('auto/N reads a Kubernetes Indexed Job, which does not tell the pod N', () => {
    assert.deepEqual(parseShard('auto/16', { JOB_COMPLETION_INDEX: '5' }), { index: 5, count: 16 });
    assert.throws(() => parseShard('auto', { JOB_COMPLETION_INDEX: '5' }), /auto\/N with N = spec\.completions/);
  });

  test('auto without a batch system says which variables it looked for', () => {
    assert.throws(() => parseShard('auto', {}), /JOB_COMPLETION_INDEX.*SLURM_ARRAY_TASK_ID/);
  });
});
