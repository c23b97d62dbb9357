import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GPU_IDS } from '../../src/shared/gpuIds';
import { estimateGpu } from '../../src/engine/baselines/gpuModel';
import { GPUS } from '../../src/engine/baselines/gpus';
import {
  DEFAULT_EFFICIENCY,
  MEMORY_ENERGY_PER_BIT,
  ON_CHIP_ENERGY_PER_BYTE,
  STATIC_POWER_W,
  gpuPower,
} from '../../src/engine/baselines/power';
import { MODEL_PRESETS } from '../../src/engine/model/presets';
import { buildWorkload } from '../../src/engine/workload/build';

const llama = MODEL_PRESETS['llama-2-7b'];
const decode = buildWorkload(llama.shape, {
  mode: 'decode',
  batch: 1,
  contextTokens: 1,
  generateTokens: 1,
  window: 4096,
});
const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

test('memory-bound decode is charged less than board power × time, and exactly the sum of its parts', () => {
  for (const id of GPU_IDS) {
    const e = estimateGpu(id, llama.shape, decode, llama.publishedParameters);
    assert.equal(e.bound, 'memory', id);
    assert.ok(e.perToken.energyJ < e.energyUpperBoundJ, `${id}: ${e.perToken.energyJ} ≥ ${e.energyUpperBoundJ}`);
    // The parts, rebuilt from the constants rather than from the model's own helpers.
    const gpu = GPUS[id];
    const staticW = STATIC_POWER_W[id].value;
    const perByte = 8 * MEMORY_ENERGY_PER_BIT[gpu.memoryType].value + ON_CHIP_ENERGY_PER_BYTE.value;
    const perFlop = (gpu.boardPowerW - staticW) / gpu.fp16Flops;
    const parts = {
      static: staticW * e.devices * e.perStep.latencyS,
      memory: e.bytesPerStep * perByte,
      compute: e.flopsPerStep * perFlop,
    };
    assert.ok(close(e.energyPartsJ.static, parts.static / decode.tokensPerStep), id);
    assert.ok(close(e.energyPartsJ.memory, parts.memory / decode.tokensPerStep), id);
    assert.ok(close(e.energyPartsJ.compute, parts.compute / decode.tokensPerStep), id);
    assert.ok(close(e.perToken.energyJ, (parts.static + parts.memory + parts.compute) / decode.tokensPerStep), id);
  }
});

test('an achievable-bandwidth fraction lengthens memory-bound latency by exactly 1/fraction', () => {
  const peak = estimateGpu('h100', llama.shape, decode, llama.publishedParameters, { bandwidth: 1, flops: 1 });
  assert.ok(close(peak.perToken.latencyS, peak.latencyBoundS));
  for (const fraction of [0.9, 0.8, 0.5, 0.25]) {
    const e = estimateGpu('h100', llama.shape, decode, llama.publishedParameters, { bandwidth: fraction, flops: 1 });
    assert.ok(close(e.perToken.latencyS, peak.perToken.latencyS / fraction), `${fraction}`);
    assert.ok(close(e.latencyBoundS, peak.latencyBoundS), 'the roofline bound does not move');
    // Only the static part grows with time; bytes and FLOPs cost the same.
    assert.ok(close(e.energyPartsJ.static, peak.energyPartsJ.static / fraction));
    assert.ok(close(e.energyPartsJ.memory, peak.energyPartsJ.memory));
    assert.ok(close(e.energyPartsJ.compute, peak.energyPartsJ.compute));
  }
  // The FLOP fraction does not touch memory-bound latency.
  const slowMath = estimateGpu('h100', llama.shape, decode, llama.publishedParameters, { bandwidth: 1, flops: 0.5 });
  assert.ok(close(slowMath.perToken.latencyS, peak.perToken.latencyS));
});

test('compute-bound prefill is lengthened by the FLOP fraction instead', () => {
  const w = buildWorkload(llama.shape, {
    mode: 'prefill',
    batch: 8,
    contextTokens: 2048,
    generateTokens: 1,
    window: 4096,
  });
  const e = estimateGpu('rtx-4090', llama.shape, w, llama.publishedParameters);
  assert.equal(e.bound, 'compute');
  assert.ok(close(e.perToken.latencyS, e.latencyBoundS / DEFAULT_EFFICIENCY.flops));
  // Near full tensor throughput the model approaches, but stays under, the board's rating.
  assert.ok(e.perToken.energyJ < e.energyUpperBoundJ);
  assert.ok(e.perToken.energyJ > 0.5 * e.energyUpperBoundJ);
});

test('every GPU has sourced power constants, and streaming at the achievable bandwidth stays under its rating', () => {
  for (const id of GPU_IDS) {
    const gpu = GPUS[id];
    const p = gpuPower(id);
    assert.ok(MEMORY_ENERGY_PER_BIT[gpu.memoryType].source.length > 10, id);
    assert.ok(STATIC_POWER_W[id].source.length > 10, id);
    assert.ok(p.staticW > 0 && p.staticW < gpu.boardPowerW, id);
    assert.ok(p.energyPerFlopJ > 0, id);
    // Memory energy per byte: a few to a few tens of pJ/bit (HBM lowest, LPDDR highest).
    assert.ok(p.energyPerByteJ / 8 > 4e-12 && p.energyPerByteJ / 8 < 20e-12, `${id}: ${p.energyPerByteJ}`);
    const streamingW = p.staticW + DEFAULT_EFFICIENCY.bandwidth * gpu.memoryBandwidthBytesPerS * p.energyPerByteJ;
    assert.ok(streamingW < gpu.boardPowerW, `${id}: ${streamingW} W`);
  }
  assert.ok(MEMORY_ENERGY_PER_BIT.hbm3.value < MEMORY_ENERGY_PER_BIT.gddr6x.value);
  assert.ok(MEMORY_ENERGY_PER_BIT.gddr6x.value < MEMORY_ENERGY_PER_BIT.lpddr4.value);
  assert.equal(STATIC_POWER_W.h100.value, 140);
});

test('a model split over GPUs pays static power for each of them', () => {
  const big = MODEL_PRESETS['llama-2-70b'];
  const w = buildWorkload(big.shape, { mode: 'decode', batch: 1, contextTokens: 100, generateTokens: 1, window: 4096 });
  const e = estimateGpu('rtx-4090', big.shape, w, big.publishedParameters);
  assert.ok(e.devices > 1);
  assert.ok(close(e.energyPartsJ.static, STATIC_POWER_W['rtx-4090'].value * e.devices * e.perStep.latencyS));
  assert.ok(close(e.energyUpperBoundJ, GPUS['rtx-4090'].boardPowerW * e.devices * e.perStep.latencyS));
});
