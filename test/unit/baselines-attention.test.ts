import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { attentionTraffic, MEASURED_ATTENTION, rooflineAttention } from '../../src/engine/baselines/attention';
import { GPUS } from '../../src/engine/baselines/gpus';
import { gpuPower } from '../../src/engine/baselines/power';
import { formatSummary } from '../../src/cli/summary';
import { config, simulateText } from '../helpers/design';

// The flagship design at the paper's 28 nm, where the gain-cell figures apply unscaled.
const example = simulateText(
  readFileSync(new URL('../../examples/validation/leroux-gaincell-28nm.aimc.yaml', import.meta.url), 'utf8'),
);
const rows = example.attention.baselines ?? [];
const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
/** The paper states its ratios to one significant figure, rounded down (344 → ×300, 97,266 → ×90,000). */
const toOneFigureDown = (x: number) => {
  const p = 10 ** Math.floor(Math.log10(x));
  return Math.floor(x / p) * p;
};

test("the authors' measurements reproduce the paper's ×300 / ×90,000 against the RTX 4090", () => {
  // The design's attention is the paper's: 65 ns and 12 heads × 6.15 nJ per layer and token.
  assert.ok(close(example.attention.perLayerPerToken.latencyS, 65e-9, 1e-9));
  assert.ok(close(example.attention.perLayerPerToken.energyJ, 12 * 6.15e-9, 1e-9));
  const rtx = rows.find((b) => b.id === 'rtx-4090-measured');
  assert.ok(rtx, 'a measured RTX 4090 row');
  assert.equal(rtx.kind, 'measured');
  // From the published figures: 22.4 µs / 65 ns = 344.6, 7.18 mJ / 73.8 nJ = 97,290 (the JSON's
  // unrounded values give 344.2 and 97,266).
  assert.ok(close(rtx.speedup, 22.4e-6 / 65e-9, 2e-3), `${rtx.speedup}`);
  assert.ok(close(rtx.energyRatio, 7.18e-3 / (12 * 6.15e-9), 2e-3), `${rtx.energyRatio}`);
  assert.equal(toOneFigureDown(rtx.speedup), 300);
  assert.equal(toOneFigureDown(rtx.energyRatio), 90_000);
  assert.equal(rtx.reportedSpeedup, 300);
  assert.equal(rtx.reportedEnergyRatio, 90_000);
  assert.match(rtx.source, /nvidia_4090_attention\.json/);
});

test("and the paper's ×7,000 / ×40,000 against the Jetson Nano", () => {
  const nano = rows.find((b) => b.id === 'jetson-nano-measured');
  assert.ok(nano);
  assert.ok(close(nano.speedup, 489e-6 / 65e-9, 2e-3), `${nano.speedup}`);
  assert.ok(close(nano.energyRatio, 3.25e-3 / (12 * 6.15e-9), 2e-3), `${nano.energyRatio}`);
  assert.equal(toOneFigureDown(nano.speedup), 7_000);
  assert.equal(toOneFigureDown(nano.energyRatio), 40_000);
});

test('roofline attention of GPT-2 on an H100 is memory-bound and charged without static power', () => {
  const shape = { heads: 12, kvHeads: 12, headDim: 64, keys: 1024 };
  const h = rooflineAttention('h100', shape);
  assert.equal(h.bound, 'memory');
  const t = attentionTraffic(shape);
  // K and V of 1024 tokens × 12 heads × 64 dims in FP16 dominate the bytes: 3.1 MB.
  assert.ok(t.bytes > 2 * 12 * 1024 * 64 * 2 && t.bytes < 1.01 * 2 * 12 * 1024 * 64 * 2);
  assert.ok(close(h.latencyBoundS ?? 0, t.bytes / GPUS.h100.memoryBandwidthBytesPerS, 1e-12));
  assert.ok(close(h.perLayerPerToken.latencyS, t.bytes / (0.8 * GPUS.h100.memoryBandwidthBytesPerS), 1e-12));
  const p = gpuPower('h100');
  assert.ok(close(h.perLayerPerToken.energyJ, t.bytes * p.energyPerByteJ + t.flops * p.energyPerFlopJ, 1e-12));
  assert.ok(close(h.staticEnergyJ ?? 0, p.staticW * h.perLayerPerToken.latencyS, 1e-12));
  // In the example, the H100 row is that roofline, and the ratios divide by the design's attention.
  const row = rows.find((b) => b.id === 'h100');
  assert.ok(row);
  assert.ok(close(row.perLayerPerToken.energyJ, h.perLayerPerToken.energyJ, 1e-12));
  assert.ok(close(row.speedup, h.perLayerPerToken.latencyS / example.attention.perLayerPerToken.latencyS, 1e-12));
  assert.ok(row.speedupBound !== undefined && row.speedupBound < row.speedup);
});

test('a fused FP16 kernel would beat the measured PyTorch runs: roofline rows are faster and cheaper', () => {
  for (const m of MEASURED_ATTENTION) {
    const roofline = rows.find((b) => b.id === m.gpu);
    const measured = rows.find((b) => b.id === `${m.gpu}-measured`);
    assert.ok(roofline && measured, m.gpu);
    assert.ok(roofline.perLayerPerToken.latencyS < measured.perLayerPerToken.latencyS, m.gpu);
    assert.ok(roofline.perLayerPerToken.energyJ < measured.perLayerPerToken.energyJ, m.gpu);
  }
});

test('one roofline row per configured GPU, in order; measurements only where the shape matches', () => {
  assert.deepEqual(
    rows.map((b) => b.id),
    ['jetson-nano', 'jetson-nano-measured', 'rtx-4090', 'rtx-4090-measured', 'h100'],
  );
  const llama = simulateText(config('llama-2-7b', 'baselines: [rtx-4090, jetson-nano]\n'));
  assert.deepEqual(
    (llama.attention.baselines ?? []).map((b) => `${b.id}:${b.kind}`),
    ['rtx-4090:roofline', 'jetson-nano:roofline'],
  );
  // GPT-2 over a shorter context attends to fewer keys than were measured: no measured rows.
  const short = simulateText(config('gpt2', 'workload: { context_tokens: 100 }\nbaselines: [rtx-4090]\n'));
  assert.deepEqual(
    (short.attention.baselines ?? []).map((b) => b.kind),
    ['roofline'],
  );
});

test('per-token roofline attention does not depend on the batch in decode; prefill has no attention rows', () => {
  const one = simulateText(config('gpt2', 'workload: { batch: 1 }\nbaselines: [h100]\n'));
  const many = simulateText(config('gpt2', 'workload: { batch: 64 }\nbaselines: [h100]\n'));
  const [a] = one.attention.baselines ?? [];
  const [b] = many.attention.baselines ?? [];
  assert.ok(a && b);
  assert.ok(close(a.perLayerPerToken.latencyS, b.perLayerPerToken.latencyS, 1e-12));
  assert.ok(close(a.perLayerPerToken.energyJ, b.perLayerPerToken.energyJ, 1e-12));
  const prefill = simulateText(config('gpt2', 'workload: { mode: prefill, context_tokens: 256 }\nbaselines: [h100]\n'));
  assert.equal(prefill.attention.baselines, undefined);
});

test('the CLI summary shows both comparisons, with the bounds and the paper’s ratios', () => {
  const text = formatSummary(example);
  assert.match(text, /GPU, whole model \(per token\)\s+energy\s+upper bound\s+latency\s+roofline bound/);
  assert.match(text, /attention, layer 0, one token \(12 heads, 1024 keys\)/);
  assert.match(
    text,
    /NVIDIA GeForce RTX 4090 \(measured, batch 64\)\s+7\.18 mJ\s+22\.4 µs\s+344×\s+97,266×\s+300× \/ 90,000×/,
  );
  assert.match(text, /NVIDIA H100 SXM \(roofline, FP16\)/);
  // The shared table is replaced, not repeated.
  assert.doesNotMatch(text, /baseline \(roofline, datasheet peaks\)/);
});
