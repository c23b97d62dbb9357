import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccuracyView, SweepPointView, SweepView } from '../../src/shared/webviewProtocol';
import { accuracySeries, chooseMetric, formatMetric, worstRow } from '../../webview/accuracy/shape';
import { logTickShown } from '../../webview/charts/ticks';
import {
  axisScale,
  compareLayerKeys,
  labelFor,
  layerComponentStack,
  percentOf,
  rankedSeries,
  spansOrdersOfMagnitude,
} from '../../webview/charts/shape';
import { categoricalColours, contrastRatio, parseColour, type Rgba } from '../../webview/colour';
import { compareWithBaseline, formatCount, keyFigures } from '../../webview/panel/figures';
import { restorePanelState, INITIAL_PANEL_STATE } from '../../webview/panel/state';
import { sweepScatter } from '../../webview/sweep/pareto';
import { simulateText, config } from '../helpers/design';

const gpt2 = simulateText(
  config(
    'gpt2',
    'weights: { array: { rows: 256, cols: 256 } }\nattention: { implementation: gain-cell, window: 1024 }\nbaselines: [h100, jetson-nano]\n',
  ),
);

test('breakdowns are ranked largest first, without zeros or non-finite values, and keep their total', () => {
  const s = rankedSeries({ dac: 2e-6, adc: 5e-6, dram: 0, crossbar: 1e-7, broken: NaN, neg: -1 });
  assert.deepEqual(s.keys, ['adc', 'dac', 'crossbar']);
  assert.deepEqual(s.labels, ['ADC', 'DAC', 'Crossbar']);
  assert.ok(Math.abs(s.total - 7.1e-6) < 1e-18);
  const real = rankedSeries(gpt2.breakdown.byComponent);
  const sum = Object.values(gpt2.breakdown.byComponent).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(real.total - sum) / sum < 1e-12);
  assert.ok(real.values.every((v, i) => i === 0 || v <= real.values[i - 1]));
});

test('unknown breakdown keys get readable labels', () => {
  assert.equal(labelFor('gain_cell'), 'Gain cell');
  assert.equal(labelFor('photonic_link'), 'Photonic link');
});

test('layers are ordered embedding, blocks numerically, LM head', () => {
  const keys = ['lm_head', '10', '2', 'embedding', '0', '1'];
  assert.deepEqual(keys.sort(compareLayerKeys), ['embedding', '0', '1', '2', '10', 'lm_head']);
});

test('the by-layer stack sums to byLayer and stacks components in dataflow order', () => {
  const stack = layerComponentStack(gpt2.breakdown.byLayerComponent);
  assert.equal(stack.categories[0], 'embedding');
  // Blocks, the LM head, then what the whole chip shares (its leakage).
  assert.deepEqual(stack.categories.slice(-2), ['lm_head', 'shared']);
  assert.equal(stack.categories.length, gpt2.model.layers + 3);
  stack.categories.forEach((layer, i) => {
    const expected = gpt2.breakdown.byLayer[layer];
    assert.ok(
      Math.abs(stack.totals[i] - expected) <= 1e-9 * expected,
      `layer ${layer}: ${stack.totals[i]} vs ${expected}`,
    );
  });
  const keys = stack.datasets.map((d) => d.key);
  assert.ok(keys.indexOf('dac') < keys.indexOf('adc'));
  assert.ok(keys.includes('gain_cell'));
  assert.ok(stack.datasets.every((d) => d.values.length === stack.categories.length && d.values.every((v) => v >= 0)));
});

test('a log axis is chosen when values span two orders of magnitude, never automatically for stacks', () => {
  assert.equal(spansOrdersOfMagnitude([1, 50]), false);
  assert.equal(spansOrdersOfMagnitude([1, 100]), true);
  assert.equal(spansOrdersOfMagnitude([0, 1e-9, 1e-3]), true, 'zeros are ignored');
  assert.equal(spansOrdersOfMagnitude([]), false);
  assert.equal(axisScale('auto', [1e-9, 1e-5], false), 'logarithmic');
  assert.equal(axisScale('auto', [1e-9, 1e-5], true), 'linear');
  assert.equal(axisScale('log', [1, 2], true), 'logarithmic');
  assert.equal(axisScale('linear', [1e-9, 1], false), 'linear');
  // A breakdown whose parts span > 100× (DRAM reads against ADCs) goes on a log axis.
  assert.equal(axisScale('auto', rankedSeries({ adc: 2e-6, dram: 1e-8, crossbar: 3e-7 }).values, false), 'logarithmic');
});

test('log axes label powers of ten, or 1-2-5 steps inside a single decade', () => {
  const wide = [1e-9, 2e-9, 5e-9, 1e-8, 2e-8, 1e-7];
  assert.deepEqual(
    wide.filter((v) => logTickShown(v, wide)),
    [1e-9, 1e-8, 1e-7],
  );
  const narrow = [1e-5, 2e-5, 3e-5, 4e-5, 5e-5];
  assert.deepEqual(
    narrow.filter((v) => logTickShown(v, narrow)),
    [1e-5, 2e-5, 5e-5],
  );
  // A sweep whose latencies run from 6.4 to 9 µs: no 1-2-5 tick inside, so every tick is labelled.
  const tight = [6e-6, 7e-6, 8e-6, 9e-6];
  assert.deepEqual(
    tight.filter((v) => logTickShown(v, tight)),
    tight,
  );
  // chart.js packs finer ticks into such an axis; at most four of them get a label, on a round step.
  const crowded = [6.4, 6.5, 6.6, 6.7, 6.8, 6.9, 7, 7.5, 8].map((v) => v * 1e-6);
  assert.deepEqual(
    crowded.filter((v) => logTickShown(v, crowded)).map((v) => Number((v * 1e6).toFixed(1))),
    [6.5, 7, 7.5, 8],
  );
});

test('shares are shown with sensible precision', () => {
  assert.equal(percentOf(1, 4), '25 %');
  assert.equal(percentOf(0.05, 1), '5.0 %');
  assert.equal(percentOf(1e-6, 1), '< 0.1 %');
  assert.equal(percentOf(1, 0), '–');
});

test('key figures carry units and match the result', () => {
  const f = Object.fromEntries(keyFigures(gpt2).map((x) => [x.id, x]));
  assert.match(f.energy.value, /^[\d.]+ [µnm]?J$/);
  assert.match(f.latency.value, /^[\d.]+ [µnm]?s$/);
  assert.match(f.throughput.value, /tokens\/s$/);
  assert.match(f.area.value, /mm²$/);
  assert.equal(f.arrays.value, gpt2.mapping.arrays.toLocaleString('en-US'));
  assert.equal(f.chips.value, String(gpt2.mapping.chips));
  assert.equal(formatCount(124_439_808), '124M');
  assert.equal(formatCount(68_976_648_192), '69B');
  assert.equal(formatCount(139_156), '139k');
});

test('GPU comparisons always show the larger ratio, and say which way it goes', () => {
  const base = gpt2.baselines[0];
  const c = compareWithBaseline({ ...base, energyRatio: 5144.7, speedup: 0.25 });
  assert.equal(c.energy, '5,145× less energy');
  assert.equal(c.speed, '4× slower');
  assert.equal(c.energyFavoursDesign, true);
  assert.equal(c.speedFavoursDesign, false);
  assert.equal(gpt2.baselines.length, 2);
});

function point(id: string, e: number, l: number, err: number | null, failure: string | null = null): SweepPointView {
  return {
    id,
    values: { 'weights.adc.bits': Number(id.slice(1)) },
    energyPerTokenJ: e,
    latencyPerTokenS: l,
    areaMm2: 1,
    error: err,
    failure,
  };
}

test('sweep scatter: axes follow the choice; failed points and points without the axis value are left out', () => {
  const sweep: SweepView = {
    id: 's',
    name: 'adc',
    keys: ['weights.adc.bits'],
    error: { label: 'error', unit: '' },
    points: [
      point('p4', 1e-5, 2e-6, 0.1),
      point('p6', 2e-5, 2e-6, 0.02),
      point('p8', 4e-5, 1e-6, 0.01),
      point('p9', 5e-5, 3e-6, null),
      point('p10', NaN, NaN, null, 'invalid config'),
    ],
  };
  const s = sweepScatter(sweep, 'energy-error');
  assert.equal(s.points.length, 3);
  assert.equal(s.omitted, 2);
  assert.deepEqual(
    s.points.map((p) => [p.x, p.y]),
    [
      [0.1, 1e-5],
      [0.02, 2e-5],
      [0.01, 4e-5],
    ],
  );
  assert.deepEqual(
    s.front.map((p) => p.id),
    ['p8', 'p6', 'p4'],
  );
  assert.equal(s.points[0].label, 'weights.adc.bits = 4');
  const el = sweepScatter(sweep, 'energy-latency');
  assert.equal(el.points.length, 4, 'no error needed for energy against latency');
  assert.deepEqual(
    el.front.map((p) => p.id),
    ['p8', 'p4'],
  );
});

const accuracy: AccuracyView = {
  name: 'run',
  task: null,
  metrics: [
    { key: 'rel', label: 'Relative error', unit: '', better: 'lower' },
    { key: 'snr', label: 'SNR', unit: 'dB', better: 'higher' },
  ],
  rows: [
    { layer: 'lm_head', matrix: null, values: { rel: 0.04, snr: 28 } },
    { layer: '1', matrix: null, values: { rel: 0.02, snr: 34 } },
    { layer: '0', matrix: null, values: { rel: 0.01, snr: null } },
    { layer: '0', matrix: 'q_proj', values: { rel: 0.5, snr: 6 } },
  ],
  overall: { rel: 0.03, snr: 30 },
  notes: [],
};

test('accuracy: whole-layer rows in layer order, gaps for missing values, worst row by the metric', () => {
  const rel = chooseMetric(accuracy, 'rel')!;
  const s = accuracySeries(accuracy, rel);
  assert.equal(s.perLayer, true);
  assert.deepEqual(s.labels, ['Layer 0', 'Layer 1', 'LM head']);
  assert.deepEqual(s.values, [0.01, 0.02, 0.04]);
  const snr = chooseMetric(accuracy, 'snr')!;
  assert.deepEqual(accuracySeries(accuracy, snr).values, [null, 34, 28]);
  assert.equal(worstRow(accuracy, rel)?.matrix, 'q_proj');
  assert.equal(worstRow(accuracy, snr)?.matrix, 'q_proj');
  assert.equal(chooseMetric(accuracy, 'gone')?.key, 'rel', 'a saved metric that no longer exists falls back');
  const perMatrix = accuracySeries({ ...accuracy, rows: [accuracy.rows[3]] }, rel);
  assert.equal(perMatrix.perLayer, false);
  assert.deepEqual(perMatrix.labels, ['Layer 0 · Q projection']);
  assert.equal(formatMetric(28.123, snr), '28.1 dB');
  assert.equal(formatMetric(null, snr), '–');
});

test('saved panel state from another build is repaired, not trusted', () => {
  assert.deepEqual(restorePanelState(undefined), INITIAL_PANEL_STATE);
  const s = restorePanelState({
    tab: 'tiles',
    energyView: 'pie',
    tileColouring: 'utilization',
    tileView: { zoom: 'x', cx: 1, cy: 2 },
    shown: { type: 'showResult', result: { schemaVersion: 2 } },
  });
  assert.equal(s.tab, 'tiles');
  assert.equal(s.energyView, 'bar');
  assert.equal(s.tileColouring, 'utilization');
  assert.equal(s.tileView, null);
  assert.equal(s.shown, null, 'a result of another schema version is dropped');
  assert.deepEqual(restorePanelState({ tileView: { zoom: 2, cx: 1, cy: 2 } }).tileView, { zoom: 2, cx: 1, cy: 2 });
});

test('derived categorical colours are distinct from every other colour and readable on both default themes', () => {
  const themes: [Rgba, Rgba, string[]][] = [
    [
      parseColour('#cccccc')!,
      parseColour('#1f1f1f')!,
      ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'],
    ],
    [
      parseColour('#3b3b3b')!,
      parseColour('#ffffff')!,
      ['#1a85ff', '#d18616', '#388a34', '#652d90', '#e51400', '#bf8803'],
    ],
  ];
  for (const [fg, bg, hex] of themes) {
    const colours = categoricalColours(
      10,
      hex.map((h) => parseColour(h)!),
      fg,
      bg,
    );
    for (let i = 0; i < colours.length; i++) {
      assert.ok(contrastRatio(colours[i], bg) > 1.5, `colour ${i} too close to the background`);
      // Pairs of the theme's own six colours are the theme's choice (Dark Modern's orange and yellow
      // are the closest, at 40); the derived colours must keep clear of every other colour.
      for (let j = 0; j < i; j++) {
        if (i < 6) continue;
        const d = Math.hypot(
          colours[i][0] - colours[j][0],
          colours[i][1] - colours[j][1],
          colours[i][2] - colours[j][2],
        );
        assert.ok(d > 40, `colours ${j} and ${i} are too alike (${d.toFixed(0)})`);
      }
    }
  }
});

test('colour parsing covers the forms computed styles use', () => {
  assert.deepEqual(parseColour('#fff'), [255, 255, 255, 1]);
  assert.deepEqual(parseColour('#00000080')?.slice(0, 3), [0, 0, 0]);
  assert.ok(Math.abs(parseColour('#00000080')![3] - 128 / 255) < 1e-9);
  assert.deepEqual(parseColour('rgba(204, 204, 204, 0.5)'), [204, 204, 204, 0.5]);
  assert.deepEqual(parseColour(' rgb(1 2 3 / 50%) '), [1, 2, 3, 0.5]);
  assert.equal(parseColour('var(--x)'), null);
  assert.equal(parseColour(''), null);
});
