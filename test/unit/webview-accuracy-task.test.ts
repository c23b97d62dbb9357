/**
 * The accuracy tab's next-token figures: the view the host builds from a functional run's task
 * metrics, and the table and chart the panel draws from it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDesign, NO_FILES, runAccuracy } from '../../src/engine';
import { accuracyView, taskView } from '../../src/extension/panel/accuracyView';
import type { NextTokenFigures, TaskMetrics } from '../../src/shared/functionalResult';
import { checkAccuracyView, type TaskView } from '../../src/shared/webviewProtocol';
import { formatDuration } from '../../webview/accuracy/duration';
import {
  formatTaskFigure,
  missingFigureHint,
  runPerplexityChart,
  runPerplexitySeries,
  taskCellText,
  taskColumns,
  taskRows,
  taskSummary,
} from '../../webview/accuracy/task';
import type { Theme } from '../../webview/theme';
import { example } from './extension-host-fixture';

const figures = (perplexity: number, over: Partial<NextTokenFigures> = {}): NextTokenFigures => ({
  tokens: 255,
  nll: Math.log(perplexity),
  perplexity,
  bitsPerToken: Math.log2(perplexity),
  top1Accuracy: 0.3,
  agreement: 0.9,
  kl: 0.05,
  ...over,
});

const metrics = (runs: readonly NextTokenFigures[], over: Partial<TaskMetrics> = {}): TaskMetrics => ({
  text: { file: 'data/tiny.txt', tokenizer: 'gpt2', tokens: 4096 },
  floatSoftmax: figures(20, { agreement: null, kl: null }),
  floatAlgorithm: figures(21),
  analog: {
    perplexity: { mean: 25, low: 23, high: 27, n: runs.length },
    bitsPerToken: { mean: 4.6, low: 4.5, high: 4.7, n: runs.length },
    top1Accuracy: { mean: 0.28, low: 0.27, high: 0.29, n: runs.length },
    agreement: { mean: 0.8, low: 0.78, high: 0.82, n: runs.length },
    kl: { mean: 0.1, low: 0.08, high: 0.12, n: runs.length },
    runs,
  },
  ...over,
});

const theme: Theme = {
  kind: 'dark',
  foreground: [204, 204, 204, 1],
  mutedForeground: [150, 150, 150, 1],
  background: [30, 30, 30, 1],
  chartColours: [
    [55, 148, 255, 1],
    [209, 134, 22, 1],
    [137, 209, 133, 1],
  ],
} as unknown as Theme;

test('the host view carries each model’s figures; intervals only for two or more analog runs', () => {
  const v = taskView(metrics([figures(24), figures(25), figures(26)]), 86400);
  assert.equal(v.runs, 3);
  assert.equal(v.tokens, 255);
  assert.equal(v.tInferenceS, 86400);
  assert.deepEqual(v.floatSoftmax.perplexity, { mean: 20, low: null, high: null });
  assert.equal(v.floatSoftmax.agreement, null, 'the reference has no agreement with itself');
  assert.deepEqual(v.floatAlgorithm?.perplexity, { mean: 21, low: null, high: null });
  assert.deepEqual(v.analog.perplexity, { mean: 25, low: 23, high: 27 });
  assert.deepEqual(v.runPerplexity, [24, 25, 26]);
  const single = taskView(metrics([figures(24)]), 1);
  assert.deepEqual(single.analog.perplexity, { mean: 25, low: null, high: null });
});

test('the host view has no NaN or Infinity (a broken run), so the panel accepts it', () => {
  const m = metrics([figures(24), figures(Infinity), figures(NaN)], { floatAlgorithm: null });
  const broken = {
    ...m,
    analog: {
      ...m.analog,
      perplexity: { mean: NaN, low: NaN, high: NaN, n: 3 },
      kl: { mean: 0.1, low: -Infinity, high: Infinity, n: 3 },
    },
  };
  const v = taskView(broken, 1);
  assert.equal(v.analog.perplexity, null);
  assert.deepEqual(v.analog.kl, { mean: 0.1, low: null, high: null });
  assert.deepEqual(v.runPerplexity, [24, null, null]);
  assert.equal(v.floatAlgorithm, null);
  const checked = checkAccuracyView({ name: 'x', task: v, metrics: [], rows: [], overall: null, notes: [] });
  assert.ok(checked.ok, checked.ok ? '' : checked.error);
});

const view = (over: Partial<TaskView> = {}): TaskView => ({
  ...taskView(metrics([figures(24), figures(25), figures(26)]), 86400),
  ...over,
});

test('the table: float softmax, the float algorithm model when it differs, then the analog runs', () => {
  assert.deepEqual(
    taskRows(view()).map((r) => r.label),
    ['Float, softmax', 'Float, HardSigmoid (algorithm)', 'Analog (3 runs)'],
  );
  assert.deepEqual(
    taskRows(view({ floatAlgorithm: null, runs: 1, runPerplexity: [24] })).map((r) => r.label),
    ['Float, softmax', 'Analog (1 run)'],
  );
  assert.deepEqual(
    taskColumns(view()).map((c) => c.key),
    ['perplexity', 'bitsPerToken', 'top1Accuracy', 'agreement', 'kl'],
  );
});

test('random tokens: only agreement and KL, and no perplexity chart', () => {
  const random = view({ text: null });
  assert.deepEqual(
    taskColumns(random).map((c) => c.key),
    ['agreement', 'kl'],
  );
  assert.equal(runPerplexitySeries(random), null);
  assert.doesNotMatch(taskSummary(random), /tokenizer/);
});

test('figures read "mean (low–high)", shares in percent, a missing one as a dash that says why', () => {
  assert.equal(formatTaskFigure({ mean: 25.04, low: 23.91, high: 26.17 }, 'perplexity'), '25.0 (23.9–26.2)');
  assert.equal(formatTaskFigure({ mean: 0.8123, low: 0.79, high: 0.834 }, 'agreement'), '81.2 (79.0–83.4) %');
  assert.equal(formatTaskFigure({ mean: 0.31, low: null, high: null }, 'top1Accuracy'), '31.0 %');
  assert.equal(formatTaskFigure({ mean: 12345.6, low: null, high: null }, 'perplexity'), '12,346');
  assert.equal(formatTaskFigure({ mean: 2e-5, low: null, high: null }, 'kl'), '2.00e-5');
  assert.equal(formatTaskFigure(null, 'kl'), '–');
  assert.equal(
    formatTaskFigure({ mean: 0.023, low: 0.02, high: 0.026 }, 'kl'),
    '0.0230 (0.0200–0.0260)',
    'an interval is written to the mean’s precision',
  );
  const [softmax, , analog] = taskRows(view());
  assert.equal(taskCellText(softmax, 'kl'), 'reference', 'the reference has no KL with itself');
  assert.match(missingFigureHint(softmax, 'kl'), /measured against the float softmax model/);
  const broken = { ...analog, figures: { ...analog.figures, kl: null } };
  assert.equal(taskCellText(broken, 'kl'), '–');
  assert.match(missingFigureHint(broken, 'kl'), /not finite/);
  assert.equal(taskCellText(analog, 'perplexity'), '25.0 (23.0–27.0)');
});

test('the summary names the text, the time of inference and how the interval was taken', () => {
  const s = taskSummary(view());
  assert.match(s, /255 next tokens of the first 4,096 of data\/tiny\.txt \(gpt2 tokenizer\)/);
  assert.match(s, /time of inference 1 day/);
  assert.match(s, /mean of 3 runs with its 95 % interval/);
  assert.match(taskSummary(view({ runs: 1, runPerplexity: [24] })), /one run, so no interval/);
  assert.equal(formatDuration(1), '1 s');
  assert.equal(formatDuration(3600), '1 hour');
  assert.equal(formatDuration(2592000), '1 month');
  assert.equal(formatDuration(31557600), '1 year');
  assert.equal(formatDuration(0), '0 s');
});

test('the runs chart: one dot per run with a value, reference lines at the float models’ perplexity', () => {
  const s = runPerplexitySeries(view({ runPerplexity: [24, null, 26] }))!;
  assert.deepEqual(s.runs, [
    { x: 1, y: 24 },
    { x: 3, y: 26 },
  ]);
  const chart = runPerplexityChart(s, theme);
  const sets = chart.data.datasets;
  assert.deepEqual(
    sets.map((d) => d.label),
    ['Analog run', 'Analog mean', 'Float, softmax', 'Float, HardSigmoid'],
  );
  const ys = (i: number) => (sets[i].data as { x: number; y: number }[]).map((p) => p.y);
  assert.deepEqual(ys(2), [20, 20]);
  assert.deepEqual(ys(3), [21, 21]);
  assert.deepEqual(
    (sets[2].data as { x: number }[]).map((p) => p.x),
    [0.5, 3.5],
    'a reference line spans every run',
  );
  assert.equal(chart.options?.scales?.y?.type, 'linear');
  const drifted = runPerplexityChart(runPerplexitySeries(view({ runPerplexity: [900, 5000, 40000] }))!, theme);
  assert.equal(drifted.options?.scales?.y?.type, 'logarithmic', 'perplexities orders of magnitude apart');
  const noAlgorithm = runPerplexityChart(runPerplexitySeries(view({ floatAlgorithm: null }))!, theme);
  assert.equal(noAlgorithm.data.datasets.length, 3);
  assert.equal(runPerplexitySeries(view({ runPerplexity: [null, null, null] })), null);
});

test('a real functional run’s view passes the panel’s check, random tokens and all', async () => {
  const r = await runAccuracy(await loadDesign(example('tiny-accuracy.aimc.yaml'), NO_FILES));
  const v = accuracyView(r, 'tiny: functional simulation');
  const checked = checkAccuracyView(JSON.parse(JSON.stringify(v)));
  assert.ok(checked.ok, checked.ok ? '' : checked.error);
  const task = checked.view.task!;
  assert.equal(task.text, null, 'the example names no text');
  assert.equal(task.runs, r.task.analog.runs.length);
  assert.deepEqual(
    taskColumns(task).map((c) => c.key),
    ['agreement', 'kl'],
  );
  assert.equal(task.analog.agreement?.mean, r.task.analog.agreement.mean);
});
