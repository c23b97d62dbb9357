import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GPUS } from '../../src/engine/baselines/gpus';
import { estimateGpu } from '../../src/engine/baselines/gpuModel';
import { MODEL_PRESETS } from '../../src/engine/model/presets';
import { buildWorkload } from '../../src/engine/workload/build';
import { config, simulateText } from '../helpers/design';

test('batch-1 decode is memory-bound: bound = bytes / peak bandwidth, typical = bound / 0.8', () => {
  const s = MODEL_PRESETS['llama-2-7b'].shape;
  const w = buildWorkload(s, { mode: 'decode', batch: 1, contextTokens: 1, generateTokens: 1, window: 4096 });
  const e = estimateGpu('h100', s, w, MODEL_PRESETS['llama-2-7b'].publishedParameters);
  assert.equal(e.bound, 'memory');
  assert.equal(e.devices, 1);
  assert.ok(Math.abs(e.latencyBoundS - e.bytesPerStep / GPUS.h100.memoryBandwidthBytesPerS) < 1e-12);
  // Weights dominate: 13.5 GB over 3.35 TB/s ≈ 4 ms at the peak, ≈ 5 ms at 80 % of it.
  assert.ok(e.latencyBoundS > 3.9e-3 && e.latencyBoundS < 4.2e-3);
  assert.ok(Math.abs(e.perToken.latencyS - e.latencyBoundS / 0.8) < 1e-12);
  // The board's rating over that time stays as the upper bound; the power model charges less.
  assert.ok(Math.abs(e.energyUpperBoundJ - 700 * e.perToken.latencyS) < 1e-12);
  assert.ok(e.perToken.energyJ < e.energyUpperBoundJ);
});

test('large batches of prefill become compute-bound', () => {
  const s = MODEL_PRESETS['llama-2-7b'].shape;
  const w = buildWorkload(s, { mode: 'prefill', batch: 8, contextTokens: 2048, generateTokens: 1, window: 4096 });
  assert.equal(estimateGpu('rtx-4090', s, w, MODEL_PRESETS['llama-2-7b'].publishedParameters).bound, 'compute');
});

test('a model larger than one GPU is split over several', () => {
  const s = MODEL_PRESETS['llama-2-70b'].shape;
  const w = buildWorkload(s, { mode: 'decode', batch: 1, contextTokens: 100, generateTokens: 1, window: 4096 });
  const e = estimateGpu('rtx-4090', s, w, MODEL_PRESETS['llama-2-70b'].publishedParameters);
  assert.ok(e.devices >= 6, `${e.devices}`);
});

test('speed-up and energy ratio compare per-token figures', () => {
  const r = simulateText(config('gpt2', 'baselines: [h100, jetson-nano]\n'));
  assert.deepEqual(
    r.baselines.map((b) => b.id),
    ['h100', 'jetson-nano'],
  );
  for (const b of r.baselines) {
    assert.ok(Math.abs(b.speedup - b.perToken.latencyS / r.perToken.latencyS) < 1e-9 * b.speedup);
    assert.ok(Math.abs(b.energyRatio - b.perToken.energyJ / r.perToken.energyJ) < 1e-9 * b.energyRatio);
    // The bounds bracket the typical figures: a smaller speed-up at peaks, a larger ratio at the rating.
    assert.ok(b.speedupBound !== undefined && b.speedupBound < b.speedup);
    assert.ok(b.energyRatioUpperBound !== undefined && b.energyRatioUpperBound > b.energyRatio);
  }
  assert.ok(r.baselines[1].perToken.latencyS > r.baselines[0].perToken.latencyS);
});
