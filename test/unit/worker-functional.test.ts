import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  deviceCurvesOf,
  FUNCTIONAL_ERROR_METRIC,
  loadDesign,
  NO_FILES,
  parseVaries,
  planSweep,
  runAccuracy,
} from '../../src/engine';
import { RequestCancelledError, WorkerPool } from '../../src/worker/pool';
import { buildWorkerBundle } from '../helpers/workerBundle';

/** A model small enough that a functional run takes well under a second. */
const TINY = `version: 1
model:
  shape: { layers: 2, d_model: 64, heads: 4, d_ff: 256, ffn: gelu, vocab: 256, context: 128 }
functional: { tokens: 16, seed: 3 }
`;

let pool: WorkerPool;
before(async () => {
  pool = new WorkerPool({ workerFile: await buildWorkerBundle(), size: 1 });
});
after(() => pool.dispose());

test('a functional run in the worker equals the same run in this thread', async () => {
  const progress: string[] = [];
  const inWorker = await pool.request(
    'functional-run',
    { configText: TINY, files: {} },
    { onProgress: (p) => progress.push(p.detail ?? '') },
  ).result;
  const here = await runAccuracy(await loadDesign(TINY, NO_FILES));
  assert.deepEqual(inWorker, here);
  assert.ok(Number.isFinite(inWorker.endToEnd.logitsVsSoftmaxModel.relativeError));
  assert.ok(progress.length > 0);
});

test('buffers listed in `transfer` move to the worker instead of being copied', async () => {
  const bytes = new Uint8Array(1 << 20);
  const job = pool.request(
    'functional-run',
    { configText: TINY, files: { 'unused.safetensors': bytes } },
    { transfer: [bytes.buffer] },
  );
  assert.equal(bytes.byteLength, 0, 'the sender no longer holds the bytes');
  assert.ok(await job.result);
});

test('a config error in a functional run is reported with its message', async () => {
  await assert.rejects(
    pool.request('functional-run', { configText: 'version: 1\nmodel:\n  preset: gpt3\n', files: {} }).result,
    /config: .*gpt3/,
  );
});

test('a running functional simulation stops promptly when cancelled', async () => {
  const long = TINY.replace('tokens: 16', 'tokens: 128')
    .replace('layers: 2', 'layers: 8')
    .replace('functional: {', 'functional: { blocks: 8, samples: 8,');
  let running!: () => void;
  const started = new Promise<void>((resolve) => {
    running = resolve;
  });
  const job = pool.request(
    'functional-run',
    { configText: long, files: {} },
    {
      onProgress: (p) => {
        if (p.done > 0) running();
      },
    },
  );
  await started;
  const t0 = performance.now();
  job.cancel();
  await assert.rejects(job.result, (e: Error) => e instanceof RequestCancelledError && !/did not stop/.test(e.message));
  const latencyMs = performance.now() - t0;
  console.log(`# cancellation latency of a running functional simulation: ${latencyMs.toFixed(1)} ms`);
  assert.ok(latencyMs < 1000, `took ${latencyMs} ms`);
  assert.equal(pool.stats.started, 1, 'the worker was reused, not replaced');
});

test('a sweep with error reports it per point and trades it against cost', async () => {
  const plan = planSweep(parseVaries(['weights.adc.bits=3,8']));
  const r = await pool.request('sweep-chunk', {
    baseConfigText: TINY,
    files: {},
    axes: plan.axes,
    withError: true,
    points: [0, 1].map((index) => ({ index, values: plan.valuesAt(index) })),
  }).result;
  assert.equal(r.errorMetric, FUNCTIONAL_ERROR_METRIC);
  const [lowBits, highBits] = r.points;
  assert.equal(lowBits.status, 'ok', lowBits.message);
  assert.ok(lowBits.error! > highBits.error!, `3-bit ADC error ${lowBits.error} should exceed 8-bit ${highBits.error}`);
});

test('device curves in the worker follow the config sent with the request', async () => {
  const configText = `${TINY}nonidealities: { pcm: { drift_scale: 2 } }\n`;
  const curves = await pool.request('device-curves', { model: 'pcm', configText, files: {} }).result;
  assert.deepEqual(curves, deviceCurvesOf('pcm', await loadDesign(configText, NO_FILES)));
  assert.notDeepEqual(curves.drift, deviceCurvesOf('pcm').drift);
});
