/**
 * The simulation service: the pool starts on the first request, a crashed worker fails its
 * request with a message that says so and is replaced, replacements are budgeted (5 in 3 minutes),
 * and a spent budget stops the service, fails what is pending, and waits for Retry.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RESTART_LIMIT, RESTART_WINDOW_MS, RestartBudget } from '../../src/extension/simulation/restartBudget';
import { SimulationService, SimulationStoppedError } from '../../src/extension/simulation/service';
import { RequestCancelledError, WorkerCrashedError } from '../../src/worker/pool';
import { example, InProcessPool, RecordingLog } from './extension-host-fixture';

const GPT2 = example('gpt2-gaincell.aimc.yaml');

function clock() {
  let t = 1_000_000;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function service(o: { size?: () => number | 'auto'; budget?: RestartBudget } = {}) {
  const log = new RecordingLog();
  InProcessPool.created = [];
  const s = new SimulationService({
    createPool: (size) => new InProcessPool(size),
    poolSize: o.size ?? (() => 2),
    log,
    budget: o.budget,
  });
  return { s, log, pools: () => InProcessPool.created };
}

const simulate = (s: SimulationService) => s.request('simulate', { configText: GPT2, files: {} }).result;

describe('restart budget', () => {
  test('allows 5 restarts within 3 minutes and refuses the 6th', () => {
    const c = clock();
    const b = new RestartBudget(RESTART_LIMIT, RESTART_WINDOW_MS, c.now);
    assert.equal(RESTART_LIMIT, 5);
    assert.equal(RESTART_WINDOW_MS, 180_000);
    for (let i = 0; i < 5; i++) {
      assert.equal(b.recordCrash(), true, `restart ${i + 1}`);
      c.advance(30_000);
    }
    assert.equal(b.used, 5);
    assert.equal(b.recordCrash(), false);
  });

  test('crashes older than the window no longer count', () => {
    const c = clock();
    const b = new RestartBudget(5, 180_000, c.now);
    for (let i = 0; i < 5; i++) b.recordCrash();
    c.advance(180_000);
    assert.equal(b.used, 0);
    assert.equal(b.recordCrash(), true);
    b.reset();
    assert.equal(b.used, 0);
  });
});

describe('simulation service', () => {
  test('starts no pool until the first request, then one of the configured size', async () => {
    const { s, pools } = service({ size: () => 3 });
    assert.equal(pools().length, 0);
    assert.equal(s.started, false);
    const r = await simulate(s);
    assert.ok(r.result && r.result.perToken.energyJ > 0);
    assert.deepEqual(
      pools().map((p) => p.size),
      [3],
    );
    await simulate(s);
    assert.equal(pools().length, 1, 'the pool is reused');
  });

  test('a crash fails its request with a clear message; the next request runs', async () => {
    const { s, log, pools } = service();
    await simulate(s);
    pools()[0].crashes = 1;
    await assert.rejects(
      simulate(s),
      (e: Error) =>
        e instanceof WorkerCrashedError &&
        /simulation worker crashed and was restarted: worker \d+ died \(exit code 1: out of memory\)/.test(e.message),
    );
    assert.ok(log.has('warn', /restart 1 of 5 allowed in 3 minutes/), log.lines.join('\n'));
    assert.ok((await simulate(s)).result);
  });

  test('the 6th crash within 3 minutes stops the service; pending requests fail with the reason; Retry starts again', async () => {
    const c = clock();
    const { s, log, pools } = service({ budget: new RestartBudget(5, 180_000, c.now) });
    let changes = 0;
    s.onDidChange(() => changes++);
    await simulate(s);
    const pool = pools()[0];
    for (let i = 0; i < 5; i++) {
      pool.crashes = 1;
      await assert.rejects(simulate(s), WorkerCrashedError);
      c.advance(10_000);
    }
    assert.equal(s.stopped, null);
    pool.hold = true;
    pool.crashes = 1;
    const crashing = simulate(s);
    const bystander = simulate(s);
    pool.releaseOne();
    await assert.rejects(
      crashing,
      (e: Error) =>
        e instanceof SimulationStoppedError &&
        /crashed 6 times within 3 minutes, so AIMC stopped restarting it/.test(e.message) &&
        /Retry/.test(e.message),
    );
    await assert.rejects(bystander, SimulationStoppedError);
    assert.ok(pool.disposed, 'the crashing pool is disposed');
    assert.match(s.stopped ?? '', /stopped restarting/);
    assert.ok(log.has('error', /stopped restarting/));
    assert.ok(changes > 0);
    // Stopped: later requests fail at once, without a new pool.
    await assert.rejects(simulate(s), SimulationStoppedError);
    assert.equal(pools().length, 1);
    s.restart();
    assert.equal(s.stopped, null);
    assert.ok((await simulate(s)).result);
    assert.equal(pools().length, 2, 'a fresh pool after Retry');
  });

  test('crashes spread over more than 3 minutes never stop it', async () => {
    const c = clock();
    const { s, pools } = service({ budget: new RestartBudget(5, 180_000, c.now) });
    await simulate(s);
    for (let i = 0; i < 12; i++) {
      pools()[0].crashes = 1;
      await assert.rejects(simulate(s), WorkerCrashedError);
      c.advance(40_000);
    }
    assert.equal(s.stopped, null);
  });

  test('a new worker count applies to the next request; the old pool goes once its requests are done', async () => {
    let size = 2;
    const { s, pools } = service({ size: () => size });
    await simulate(s);
    const old = pools()[0];
    old.hold = true;
    const running = simulate(s);
    size = 4;
    s.resize();
    assert.ok((await simulate(s)).result);
    assert.deepEqual(
      pools().map((p) => p.size),
      [2, 4],
    );
    assert.equal(old.disposed, false, 'not while a request runs on it');
    old.release();
    await running;
    assert.equal(old.disposed, true);
  });

  test("Cancel aborts every run; the run's request ends cancelled", async () => {
    const { s, pools } = service();
    await simulate(s);
    pools()[0].hold = true;
    const run = s.beginRun();
    assert.equal(s.running, true);
    const r = s.request('simulate', { configText: GPT2, files: {} }, { signal: run.signal });
    assert.equal(s.cancelAll(), 1);
    pools()[0].release();
    await assert.rejects(r.result, RequestCancelledError);
    run.end();
    assert.equal(s.running, false);
    assert.equal(s.cancelAll(), 0);
  });
});
