import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runCases } from '../validation/cases';
import { adcSweep, adcSweepSvg } from '../validation/adcSweep';
import { chartSvg, markdown } from '../validation/report';

// The validation gallery (docs/validation.md): every case within its stated tolerance, except the
// known gaps, which are listed there with their reasons.
const outcomes = runCases();

for (const o of outcomes) {
  test(`validation: ${o.c.id} (${o.c.kind})`, () => {
    if (o.c.knownGap) {
      assert.ok(Number.isFinite(o.model), `${o.c.id} computes a figure`);
      return;
    }
    assert.ok(
      o.within,
      `${o.c.title}: model ${o.model} ${o.c.unit} against ${o.c.published} ${o.c.unit} (ratio ${o.ratio}), tolerance ${o.c.tolerance.join('–')}`,
    );
  });
}

test('the gallery has predictions, not only calibrations', () => {
  assert.ok(outcomes.filter((o) => o.c.kind === 'prediction' && o.within).length >= 5);
});

test('docs/validation.md and its chart are current (npm run validate -- --write)', () => {
  assert.equal(readFileSync(join(ROOT, 'docs/validation.md'), 'utf8'), markdown(outcomes));
  assert.equal(readFileSync(join(ROOT, 'docs/validation.svg'), 'utf8'), chartSvg(outcomes));
});

test('the gallery spans simulators and measured silicon: at least 8 reference configurations, predictions from several sources', () => {
  const configs = new Set(outcomes.flatMap((o) => o.c.configs));
  assert.ok(configs.size >= 8, `${configs.size} configurations`);
  const sources = new Set(
    outcomes.filter((o) => o.c.kind === 'prediction' && o.within).map((o) => o.c.id.split('-')[0]),
  );
  assert.ok(sources.size >= 3, [...sources].join(', '));
  // Every known gap says why.
  for (const o of outcomes) if (o.c.knownGap) assert.ok(o.c.knownGap.length > 40, o.c.id);
});

const sweep = adcSweep();

test('flagship ADC-bits sweep: the ADC share and the ADC energy grow with every bit', () => {
  for (let i = 1; i < sweep.length; i++) {
    const [a, b] = [sweep[i - 1], sweep[i]];
    assert.ok(b.byComponentJ.adc > a.byComponentJ.adc, `${b.bits} bits`);
    assert.ok(b.byComponentJ.adc / b.energyJ > a.byComponentJ.adc / a.energyJ, `${b.bits} bits`);
  }
  // SAR: nearly flat to 6 bits, then steeper (survey fit).
  const perBit = (i: number) => sweep[i + 1].byComponentJ.adc / sweep[i].byComponentJ.adc;
  assert.ok(perBit(0) < 1.15 && perBit(3) > 1.2, `${perBit(0)} ${perBit(3)}`);
});

test('docs/adc-sweep.svg is current (npm run validate -- --write)', () => {
  assert.equal(readFileSync(join(ROOT, 'docs/adc-sweep.svg'), 'utf8'), adcSweepSvg(sweep));
});
