/** The sweep tab's line of the error figure against a single swept key (a drift sweep). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SweepPointView, SweepValue, SweepView } from '../../src/shared/webviewProtocol';
import { keyTitle, sweptValueLabel, sweepTrend, sweepTrendChart, wrapTitle } from '../../webview/sweep/trend';
import type { Theme } from '../../webview/theme';

const PERPLEXITY = 'perplexity of the analog model on functional.text (mean of the Monte-Carlo runs)';
const KEY = 'nonidealities.t_inference_s';
const TIMES = [1, 60, 3600, 86400, 2592000, 31557600];

function point(id: string, values: Record<string, SweepValue>, error: number | null, failure: string | null = null) {
  const p: SweepPointView = {
    id,
    values,
    energyPerTokenJ: failure ? NaN : 1e-6,
    latencyPerTokenS: failure ? NaN : 1e-3,
    areaMm2: 10,
    error,
    failure,
  };
  return p;
}

const drift = (over: Partial<SweepView> = {}): SweepView => ({
  id: 'sweep-1',
  name: 'gpt2: nonidealities.t_inference_s',
  keys: [KEY],
  error: { label: PERPLEXITY, unit: '' },
  // Out of order on purpose: the line runs by increasing time.
  points: [3, 0, 5, 1, 4, 2].map((i) => point(String(i), { [KEY]: TIMES[i] }, 20 + 10 * i)),
  ...over,
});

const theme = {
  foreground: [204, 204, 204, 1],
  chartColours: [[55, 148, 255, 1]],
} as unknown as Theme;

test('a drift sweep: perplexity against time of inference, by increasing time, on a log time axis', () => {
  const t = sweepTrend(drift())!;
  assert.ok(t);
  assert.deepEqual(
    t.points.map((p) => p.x),
    TIMES,
  );
  assert.deepEqual(
    t.points.map((p) => p.y),
    [20, 30, 40, 50, 60, 70],
  );
  assert.equal(t.xScale, 'logarithmic');
  assert.equal(t.yScale, 'linear');
  assert.equal(t.xTitle, 'time of inference (s)');
  assert.equal(t.yTitle, PERPLEXITY);
  assert.equal(t.omitted, 0);
  const chart = sweepTrendChart(t, theme, null);
  assert.equal(chart.options?.scales?.x?.type, 'logarithmic');
  assert.equal(chart.options?.scales?.x?.title?.text, 'time of inference (s), log scale');
  assert.equal(chart.data.datasets[0].showLine, true);
  assert.deepEqual(
    chart.data.datasets[0].data,
    t.points.map((p) => ({ x: p.x, y: p.y })),
  );
  const x = chart.options?.scales?.x as unknown as {
    afterBuildTicks: (axis: { ticks: { value: number }[] }) => void;
    ticks: { callback: (v: number) => string };
  };
  const axis = { ticks: [{ value: 10 }, { value: 100 }] };
  x.afterBuildTicks(axis);
  assert.deepEqual(
    axis.ticks.map((t) => t.value),
    TIMES,
    'a tick at each swept time',
  );
  assert.equal(x.ticks.callback(86400), '1 day');
  const yTitle = chart.options?.scales?.y?.title?.text;
  assert.ok(Array.isArray(yTitle), 'the long metric name is wrapped, not clipped');
  assert.equal(yTitle.join(' '), PERPLEXITY);
});

test('a narrow numeric axis stays linear; a perplexity that explodes gets a log y axis', () => {
  const bits = sweepTrend({
    ...drift({ keys: ['weights.adc.bits'] }),
    points: [4, 6, 8].map((b) => point(`b${b}`, { 'weights.adc.bits': b }, 1 / b)),
  })!;
  assert.equal(bits.xScale, 'linear');
  assert.equal(bits.xTitle, 'weights.adc.bits');
  const exploding = sweepTrend(drift({ points: TIMES.map((t, i) => point(String(i), { [KEY]: t }, 20 * 10 ** i)) }))!;
  assert.equal(exploding.yScale, 'logarithmic');
  const exactlyTwoDecades = sweepTrend(
    drift({ points: [1, 10, 100].map((t) => point(String(t), { [KEY]: t }, 20 + t)) }),
  )!;
  assert.equal(exactlyTwoDecades.xScale, 'linear', 'more than two decades, not two');
});

test('failed designs and designs without an error figure are left out and counted', () => {
  const points = drift().points.slice();
  points[0] = point('3', { [KEY]: 86400 }, null, 'error: out of memory');
  points[1] = point('0', { [KEY]: 1 }, null);
  const t = sweepTrend(drift({ points }))!;
  assert.equal(t.points.length, 4);
  assert.equal(t.omitted, 2);
  assert.ok(!t.points.some((p) => p.x === 86400 || p.x === 1));
});

test('no line without exactly one numeric key and two designs with an error figure', () => {
  assert.equal(sweepTrend(drift({ keys: [KEY, 'weights.adc.bits'] })), null, 'two keys');
  assert.equal(
    sweepTrend(
      drift({
        keys: ['weights.device'],
        points: [point('a', { 'weights.device': 'pcm' }, 1), point('b', { 'weights.device': 'rram' }, 2)],
      }),
    ),
    null,
    'a key of names',
  );
  assert.equal(
    sweepTrend(drift({ points: drift().points.map((p) => ({ ...p, error: null })) })),
    null,
    'a cost-only sweep',
  );
  assert.equal(sweepTrend(drift({ points: [point('a', { [KEY]: 1 }, 20)] })), null, 'one design');
});

test('axis titles from config keys', () => {
  assert.equal(keyTitle('nonidealities.t_inference_s'), 'time of inference (s)');
  assert.equal(keyTitle('digital.clock_hz'), 'digital.clock (Hz)');
  assert.equal(keyTitle('weights.array.area_mm2'), 'weights.array.area (mm²)');
  assert.equal(keyTitle('weights.adc.bits'), 'weights.adc.bits');
  assert.equal(keyTitle('rows'), 'rows');
  assert.equal(wrapTitle('short'), 'short');
  assert.deepEqual(
    TIMES.map((t) => sweptValueLabel(KEY, t)),
    ['1 s', '1 minute', '1 hour', '1 day', '1 month', '1 year'],
  );
  assert.equal(sweptValueLabel('weights.adc.bits', 6), '6');
  const lines = wrapTitle(PERPLEXITY, 40);
  assert.ok(Array.isArray(lines) && lines.every((l) => l.length <= 40));
});
