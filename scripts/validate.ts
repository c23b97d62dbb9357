/** `npm run validate [-- --write]`: the validation gallery (test/validation/cases.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adcSweep, adcSweepSvg } from '../test/validation/adcSweep';
import { ROOT, runCases } from '../test/validation/cases';
import { chartSvg, consoleTable, failures, markdown } from '../test/validation/report';

const outcomes = runCases();
console.log(consoleTable(outcomes));
if (process.argv.includes('--write')) {
  writeFileSync(join(ROOT, 'docs/validation.md'), markdown(outcomes));
  writeFileSync(join(ROOT, 'docs/validation.svg'), chartSvg(outcomes));
  writeFileSync(join(ROOT, 'docs/adc-sweep.svg'), adcSweepSvg(adcSweep()));
  console.log('wrote docs/validation.md, docs/validation.svg and docs/adc-sweep.svg');
}
const bad = failures(outcomes);
const predictions = outcomes.filter((o) => o.c.kind === 'prediction');
console.log(
  `\n${outcomes.length} cases (${predictions.length} predictions): ${outcomes.filter((o) => o.within).length} within tolerance, ${outcomes.filter((o) => !o.within && o.c.knownGap).length} known gaps, ${bad.length} failures`,
);
process.exitCode = bad.length > 0 ? 1 : 0;
