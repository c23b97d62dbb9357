import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { adcSurveyEnergyJ } from '../../src/engine/components/adc';
import { config, simulateText } from '../helpers/design';

test("GPT-2 gain-cell attention at the paper's 28 nm reproduces Leroux et al.: 6.15 nJ per head and 65 ns per layer per token", () => {
  const text = readFileSync(
    new URL('../../examples/validation/leroux-gaincell-28nm.aimc.yaml', import.meta.url),
    'utf8',
  );
  const r = simulateText(text);
  assert.equal(r.attention.implementation, 'gain-cell');
  assert.ok(Math.abs(r.attention.perHeadPerTokenEnergyJ - 6.15e-9) < 1e-12, `${r.attention.perHeadPerTokenEnergyJ}`);
  assert.ok(
    Math.abs(r.attention.perLayerPerToken.latencyS - 65e-9) < 1e-15,
    `${r.attention.perLayerPerToken.latencyS}`,
  );
  assert.ok(Math.abs(r.attention.perLayerPerToken.energyJ - 12 * 6.15e-9) < 1e-11);
});

test('gain-cell attention energy scales with the window it reads', () => {
  const at = (ctx: number) =>
    simulateText(config('gpt2', `workload: { context_tokens: ${ctx} }\nattention: { window: 1024 }\n`)).attention
      .perHeadPerTokenEnergyJ;
  const half = at(511);
  const full = at(1023);
  assert.ok(half < full);
  assert.ok(Math.abs(full / half - 2) < 0.05, `${full / half}`);
  const windowed = simulateText(config('gpt2', 'workload: { context_tokens: 1023 }\nattention: { window: 512 }\n'))
    .attention.perHeadPerTokenEnergyJ;
  assert.equal(windowed, half, 'a 512-token window reads as much as 512 tokens of context');
});

test('energy per step scales with the tokens processed', () => {
  const one = simulateText(config('gpt2', 'workload: { mode: prefill, context_tokens: 64 }\n'));
  const two = simulateText(config('gpt2', 'workload: { mode: prefill, context_tokens: 64, batch: 2 }\n'));
  assert.ok(
    Math.abs(two.perStep.energyJ / one.perStep.energyJ - 2) < 0.02,
    `${two.perStep.energyJ / one.perStep.energyJ}`,
  );
  const longer = simulateText(config('gpt2', 'workload: { mode: prefill, context_tokens: 128 }\n'));
  assert.ok(longer.perStep.energyJ > 1.9 * one.perStep.energyJ);
  assert.ok(longer.perSequence && one.perSequence && longer.perSequence.energyJ > one.perSequence.energyJ);
});

test('more ADC bits never cost less ADC energy', () => {
  for (const node of [7, 14, 22, 28, 45, 65, 90]) {
    let prev = 0;
    for (let bits = 1; bits <= 16; bits++) {
      const e = adcSurveyEnergyJ(bits, node);
      assert.ok(e >= prev, `node ${node} bits ${bits}`);
      prev = e;
    }
  }
  let prev = 0;
  for (const bits of [4, 6, 8, 10, 12]) {
    const r = simulateText(config('gpt2', `weights: { adc: { bits: ${bits} } }\n`));
    assert.ok(r.breakdown.byComponent.adc > prev, `bits ${bits}`);
    prev = r.breakdown.byComponent.adc;
  }
});

test('the ADC survey fit passes through its tabulated points', () => {
  assert.ok(Math.abs(adcSurveyEnergyJ(8, 22) - 0.85e-12) < 1e-18);
  assert.ok(Math.abs(adcSurveyEnergyJ(10, 65) - 12.5e-12) < 1e-17);
  assert.ok(Math.abs(adcSurveyEnergyJ(4, 65) - 3.5e-12) < 1e-17);
});

test('moving a layer to digital moves its energy out of the analog components', () => {
  const analog = simulateText(config('gpt2'));
  const hybrid = simulateText(
    config(
      'gpt2',
      `layers:\n  - layers: [3]\n    weights: { implementation: digital }\n    attention: { implementation: digital }\n`,
    ),
  );
  const layer3 = hybrid.breakdown.byLayerComponent['3'];
  for (const c of ['crossbar', 'adc', 'dac', 'attention_dac', 'gain_cell']) assert.equal(layer3[c] ?? 0, 0, c);
  assert.ok(layer3.digital_unit > analog.breakdown.byLayerComponent['3'].digital_unit);
  for (const c of ['crossbar', 'adc', 'dac', 'attention_dac', 'gain_cell']) {
    const moved = analog.breakdown.byComponent[c] - hybrid.breakdown.byComponent[c];
    assert.ok(Math.abs(moved - analog.breakdown.byLayerComponent['3'][c]) < 1e-9 * analog.breakdown.byComponent[c], c);
  }
  // Other layers' dynamic energy is untouched; refresh and the chip's leakage follow the new time per token.
  const dynamic = (r: typeof analog, layer: string) =>
    Object.entries(r.breakdown.byLayerComponent[layer])
      .filter(([c]) => c !== 'leakage' && c !== 'refresh')
      .reduce((sum, [, e]) => sum + e, 0);
  assert.equal(dynamic(hybrid, '5'), dynamic(analog, '5'));
  assert.ok(analog.breakdown.byLayerComponent.shared.leakage > 0);
});

test('breakdowns add up to the total', () => {
  const r = simulateText(readFileSync(new URL('../../examples/gpt2-hybrid.aimc.yaml', import.meta.url), 'utf8'));
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  for (const b of [r.breakdown.byComponent, r.breakdown.byOperation, r.breakdown.byLayer]) {
    assert.ok(Math.abs(sum(b) - r.perToken.energyJ) < 1e-9 * r.perToken.energyJ);
  }
  assert.ok(Math.abs(sum(r.areaByComponentMm2) - r.areaMm2) < 1e-9 * r.areaMm2);
});

test('sharing an ADC among more columns slows the array and saves ADC area', () => {
  const few = simulateText(config('gpt2', 'weights: { adc: { columns_per_adc: 1 } }\n'));
  const many = simulateText(config('gpt2', 'weights: { adc: { columns_per_adc: 32 } }\n'));
  assert.ok(many.perToken.latencyS > few.perToken.latencyS);
  assert.ok(many.areaByComponentMm2.adc < few.areaByComponentMm2.adc);
});

test("GQA query heads take turns on their KV head's gain-cell arrays", () => {
  const mha = simulateText(config('llama-2-7b', 'attention: { window: 1024 }\n'));
  const gqa = simulateText(config('mistral-7b', 'attention: { window: 1024 }\n'));
  assert.ok(Math.abs(gqa.attention.perLayerPerToken.latencyS / mha.attention.perLayerPerToken.latencyS - 4) < 1e-9);
});
