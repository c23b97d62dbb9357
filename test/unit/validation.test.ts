import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runCases } from '../validation/cases';
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
