/**
 * Two designs side by side (src/shared/comparison.ts, the Compare tab's rows and `aimc diff`'s),
 * the "what dominates" summary of the overview, and the panel state that carries a comparison.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  compareResults,
  configDifference,
  flattenConfig,
  formatComparison,
  formatComparisonRatio,
} from '../../src/shared/comparison';
import { dominanceLines, whatDominates } from '../../src/shared/summary';
import type { ComparisonView } from '../../src/shared/webviewProtocol';
import { headline, verdict } from '../../webview/panel/compare';
import { sinceLastRun } from '../../webview/panel/overview';
import { INITIAL_PANEL_STATE, restorePanelState } from '../../webview/panel/state';
import { simulateText } from '../helpers/design';

const ROOT = join(import.meta.dirname, '../..');
const text = (f: string) => readFileSync(join(ROOT, 'examples', f), 'utf8');
const gaincell = simulateText(text('gpt2-gaincell.aimc.yaml'));
const hybrid = simulateText(text('gpt2-hybrid.aimc.yaml'));

test('every figure and breakdown of both designs, with B ÷ A', () => {
  const sections = compareResults(gaincell, hybrid);
  const ids = sections.map((s) => s.id);
  for (const id of [
    'figures',
    'energy-by-component',
    'energy-by-operation',
    'latency-by-operation',
    'energy-by-layer',
    'area-by-component',
    'baselines',
  ])
    assert.ok(ids.includes(id), id);
  const figures = sections[0];
  const energy = figures.rows.find((r) => r.key === 'energy')!;
  assert.equal(energy.a, gaincell.perToken.energyJ);
  assert.equal(energy.b, hybrid.perToken.energyJ);
  assert.equal(energy.ratio, hybrid.perToken.energyJ / gaincell.perToken.energyJ);
  assert.equal(figures.rows.find((r) => r.key === 'chips')!.ratio, 1);
  // Every breakdown key of either side has a row; a key one side lacks counts 0 there.
  const byComponent = sections.find((s) => s.id === 'energy-by-component')!;
  const keys = new Set([...Object.keys(gaincell.breakdown.byComponent), ...Object.keys(hybrid.breakdown.byComponent)]);
  assert.deepEqual(new Set(byComponent.rows.map((r) => r.key)), keys);
  const byLayer = sections.find((s) => s.id === 'energy-by-layer')!;
  assert.deepEqual(
    byLayer.rows.map((r) => r.key),
    ['embedding', ...Array.from({ length: 12 }, (_, i) => String(i)), 'lm_head', 'shared'],
    'layers in model order, then what the chip shares (leakage)',
  );
  // A GPU only one design compares with is listed with a blank on the other side.
  const rtx = sections.find((s) => s.id === 'baselines')!.rows.find((r) => r.key === 'rtx-4090-energy')!;
  assert.equal(rtx.b, null);
  assert.equal(rtx.ratio, null);
});

test('ratios of zero and missing values: 1× for nothing on both sides, blank otherwise', () => {
  const noDram = {
    ...gaincell,
    breakdown: { ...gaincell.breakdown, byComponent: { ...gaincell.breakdown.byComponent, dram: 0 } },
  };
  const rows = compareResults(noDram, noDram).find((s) => s.id === 'energy-by-component')!.rows;
  assert.equal(rows.find((r) => r.key === 'dram')!.ratio, 1);
  const grown = {
    ...gaincell,
    breakdown: { ...gaincell.breakdown, byComponent: { ...gaincell.breakdown.byComponent, dram: 1e-9 } },
  };
  assert.equal(
    compareResults(noDram, grown)
      .find((s) => s.id === 'energy-by-component')!
      .rows.find((r) => r.key === 'dram')!.ratio,
    null,
  );
  assert.equal(formatComparisonRatio(null), '–');
  assert.equal(formatComparisonRatio(0.7123), '0.712×');
  assert.equal(formatComparisonRatio(2345), '2,345×');
});

test('the config difference lists exactly the keys that differ, as written, with blanks for defaults', () => {
  const a = parse(text('gpt2-gaincell.aimc.yaml'));
  const b = parse(text('gpt2-hybrid.aimc.yaml'));
  const changes = configDifference(a, b);
  const get = (path: string) => changes.find((c) => c.path === path);
  assert.deepEqual(get('weights.device'), { path: 'weights.device', a: 'pcm', b: 'rram' });
  assert.deepEqual(get('weights.array.rows'), { path: 'weights.array.rows', a: '256', b: '128' });
  assert.deepEqual(get('layers[0].weights.implementation'), {
    path: 'layers[0].weights.implementation',
    a: null,
    b: 'digital',
  });
  assert.deepEqual(get('technology.node_nm'), { path: 'technology.node_nm', a: '22', b: null });
  assert.deepEqual(get('baselines'), {
    path: 'baselines',
    a: '[jetson-nano, rtx-4090, h100]',
    b: '[jetson-nano, h100]',
  });
  assert.equal(get('model.preset'), undefined, 'both say gpt2');
  assert.equal(get('weights.adc.bits'), undefined, 'both say 8');
  const fa = flattenConfig(a);
  const fb = flattenConfig(b);
  for (const [k, v] of fa) if (fb.get(k) === v) assert.ok(!get(k), `${k} is the same in both`);
  assert.deepEqual(configDifference(a, a), []);
});

test('the text of `aimc diff`: both designs named, a ratio column, then the config difference', () => {
  const changes = configDifference(parse(text('gpt2-gaincell.aimc.yaml')), parse(text('gpt2-hybrid.aimc.yaml')));
  const out = formatComparison(
    { label: 'examples/gpt2-gaincell.aimc.yaml', result: gaincell },
    { label: 'examples/gpt2-hybrid.aimc.yaml', result: hybrid },
    changes,
  );
  const lines = out.split('\n');
  assert.equal(lines[0], `A: examples/gpt2-gaincell.aimc.yaml (${gaincell.name})`);
  assert.match(out, /^key figures +A +B +B\/A$/m);
  const energy = lines.find((l) => l.startsWith('Energy per token '))!;
  assert.ok(energy.endsWith(formatComparisonRatio(hybrid.perToken.energyJ / gaincell.perToken.energyJ)), energy);
  assert.match(out, /^weights\.device +pcm +rram$/m);
  assert.match(out, /^technology\.node_nm +22 +–$/m);
});

test('the Compare tab colours a ratio by whether B improves on A', () => {
  const rows = compareResults(gaincell, hybrid)[0].rows;
  const row = (k: string) => rows.find((r) => r.key === k)!;
  assert.equal(verdict(row('energy')), hybrid.perToken.energyJ < gaincell.perToken.energyJ ? 'good' : 'bad');
  assert.equal(verdict(row('throughput')), hybrid.tokensPerSecond > gaincell.tokensPerSecond ? 'good' : 'bad');
  assert.equal(verdict(row('arrays')), '', 'more arrays is neither better nor worse');
  assert.equal(verdict(row('chips')), '', 'the same is neither');
  const c: ComparisonView = {
    id: 'c',
    a: { result: gaincell, source: { label: 'a', uri: null }, role: 'A' },
    b: { result: hybrid, source: { label: 'b', uri: null }, role: 'B' },
    configChanges: [],
  };
  assert.equal(
    headline(c),
    `B uses ${formatComparisonRatio(hybrid.perToken.energyJ / gaincell.perToken.energyJ)} the energy, ${formatComparisonRatio(hybrid.perToken.latencyS / gaincell.perToken.latencyS)} the latency per token and ${formatComparisonRatio(hybrid.areaMm2 / gaincell.areaMm2)} the area of A.`,
  );
});

test('the overview notes a change since the previous run of the same config only', () => {
  const shown = {
    type: 'showResult',
    result: hybrid,
    source: { label: 'h.aimc.yaml', uri: 'file:///h.aimc.yaml' },
  } as const;
  const previous: ComparisonView = {
    id: 'c',
    a: { result: gaincell, source: shown.source, role: 'previous run' },
    b: { result: hybrid, source: shown.source, role: 'this run' },
    configChanges: [{ path: 'weights.adc.bits', a: '8', b: '6' }],
  };
  assert.equal(sinceLastRun(shown, previous), previous);
  assert.equal(
    sinceLastRun(shown, { ...previous, a: { ...previous.a, role: 'A' } }),
    null,
    'a comparison the user asked for',
  );
  assert.equal(sinceLastRun({ ...shown, result: gaincell }, previous), null, 'another result is shown now');
  assert.equal(sinceLastRun({ ...shown, source: { label: 'x', uri: 'file:///x.aimc.yaml' } }, previous), null);
});

test('a saved comparison comes back with the panel; a malformed one is dropped', () => {
  const c: ComparisonView = {
    id: 'c',
    a: { result: gaincell, source: { label: 'a', uri: null }, role: 'A' },
    b: { result: hybrid, source: { label: 'b', uri: null }, role: 'B' },
    configChanges: [],
  };
  const restored = restorePanelState(
    JSON.parse(JSON.stringify({ ...INITIAL_PANEL_STATE, tab: 'compare', comparison: c })),
  );
  assert.equal(restored.tab, 'compare');
  assert.equal(restored.comparison?.b.result.name, hybrid.name);
  assert.equal(restorePanelState({ ...INITIAL_PANEL_STATE, comparison: { a: {}, b: {} } }).comparison, null);
});

test('what dominates: the largest energy shares, and what shrinking the largest would save', () => {
  const d = whatDominates(gaincell);
  const total = Object.values(gaincell.breakdown.byComponent).reduce((s, v) => s + v, 0);
  const [top] = Object.entries(gaincell.breakdown.byComponent).sort((x, y) => y[1] - x[1]);
  assert.equal(d.energy[0].key, top[0]);
  assert.ok(Math.abs(d.energy[0].share - top[1] / total) < 1e-12);
  assert.ok(d.energy[0].share >= d.energy[1].share);
  assert.equal(d.lever!.key, top[0]);
  for (const s of d.lever!.savings) assert.ok(s.energyJ > 0 && s.energyJ <= top[1] && s.share < 1);
  const lines = dominanceLines(gaincell, (k) => k.toUpperCase());
  assert.ok(lines[0].startsWith(`${top[0].toUpperCase()}: `), lines[0]);
  assert.ok(lines.some((l) => /of the area/.test(l)));

  // An ADC-dominated design: the saving per bit follows the doubling per bit.
  const adc = {
    ...gaincell,
    perToken: { ...gaincell.perToken, energyJ: 10e-6 },
    breakdown: { ...gaincell.breakdown, byComponent: { adc: 6e-6, dac: 3e-6, crossbar: 1e-6 } },
  };
  const a = whatDominates(adc);
  assert.deepEqual(
    a.lever!.savings.map((s) => [s.change, Number(s.energyJ.toPrecision(6))]),
    [
      ['1 fewer ADC bit', 3e-6],
      ['2 fewer ADC bits', 4.5e-6],
      ['4 fewer ADC bits', 5.625e-6],
    ],
  );
  assert.match(dominanceLines(adc).join('\n'), /^adc: 60 % of the energy per token \(6 µJ\); then dac, 30 %\.$/m);
  assert.match(dominanceLines(adc).join('\n'), /1 fewer ADC bit would save about 3 µJ \(30 %\) per token/);
});
