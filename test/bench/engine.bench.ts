/**
 * Mapping plus costing time per preset (target: llama-2-70b under 50 ms on a 2-core machine).
 * Measures `simulate(resolveDesign(...))` — mapping, energy, latency, area, baselines — on an
 * analog-weight, gain-cell-attention design, after a warm-up, as the median of repeated runs.
 */
import { performance } from 'node:perf_hooks';
import { analyzeConfig } from '../../src/engine/analyze';
import { resolveDesign } from '../../src/engine/config/resolve';
import { MODEL_PRESET_NAMES, MODEL_PRESETS } from '../../src/engine/model/presets';
import { simulate } from '../../src/engine/simulate';

const RUNS = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const designs = MODEL_PRESET_NAMES.map((name) => {
  const text = `version: 1\nmodel: { preset: ${name} }\nweights: { device: pcm, array: { rows: 256, cols: 256 } }\nattention: { implementation: gain-cell, window: 1024 }\n`;
  const a = analyzeConfig(text, { simulate: false });
  if (!a.config || !a.design) throw new Error(`${name}: ${a.diagnostics.map((d) => d.message).join('; ')}`);
  return { name, config: a.config, shape: MODEL_PRESETS[name].shape };
});
// Warm the JIT on every shape first, so the first preset measured is not charged for compilation.
for (let i = 0; i < 3; i++) for (const d of designs) simulate(resolveDesign(d.config, d.shape));

console.log(`engine: mapping + costing per preset (median of ${RUNS} runs after warm-up)`);
console.log('preset          arrays        ms');
for (const { name, config, shape } of designs) {
  const times: number[] = [];
  let arrays = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = simulate(resolveDesign(config, shape));
    times.push(performance.now() - t0);
    arrays = r.mapping.arrays;
  }
  const ms = median(times);
  const flag = name === 'llama-2-70b' ? (ms < 50 ? '  (target < 50 ms: met)' : '  (target < 50 ms: MISSED)') : '';
  console.log(`${name.padEnd(14)} ${arrays.toLocaleString('en-US').padStart(10)} ${ms.toFixed(2).padStart(9)}${flag}`);
}
