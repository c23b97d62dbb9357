/**
 * Next-token figures → the accuracy tab's task table and its chart of the analog runs' perplexity.
 * Pure (no DOM, no chart.js at run time).
 */
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import type { TaskFigureKey, TaskFigureView, TaskFiguresView, TaskView } from '../../src/shared/webviewProtocol';
import { axisScale } from '../charts/shape';
import { logTickShown } from '../charts/ticks';
import { toCss, withAlpha } from '../colour';
import type { Theme } from '../theme';
import { formatDuration } from './duration';

export interface TaskColumn {
  readonly key: TaskFigureKey;
  readonly label: string;
  /** What the figure is, for the header's tooltip. */
  readonly hint: string;
  readonly better: 'lower' | 'higher';
}

export const TASK_COLUMNS: readonly TaskColumn[] = [
  {
    key: 'perplexity',
    label: 'Perplexity',
    hint: 'exp(mean negative log-likelihood of the next token)',
    better: 'lower',
  },
  {
    key: 'bitsPerToken',
    label: 'Bits / token',
    hint: 'mean negative log-likelihood of the next token in bits',
    better: 'lower',
  },
  {
    key: 'top1Accuracy',
    label: 'Next-token accuracy',
    hint: 'share of tokens whose most likely next token is the text’s',
    better: 'higher',
  },
  {
    key: 'agreement',
    label: 'Agreement',
    hint: 'share of tokens whose most likely next token is the float softmax model’s',
    better: 'higher',
  },
  { key: 'kl', label: 'KL (nats)', hint: 'mean KL(float softmax model ‖ this model) over tokens', better: 'lower' },
];

/** Without a text the tokens are random: only the comparisons with the float softmax model mean something. */
export function taskColumns(task: TaskView): readonly TaskColumn[] {
  return task.text ? TASK_COLUMNS : TASK_COLUMNS.filter((c) => c.key === 'agreement' || c.key === 'kl');
}

export type TaskModel = 'float-softmax' | 'float-algorithm' | 'analog';

export interface TaskRow {
  readonly model: TaskModel;
  readonly label: string;
  readonly figures: TaskFiguresView;
}

export function runsLabel(runs: number): string {
  return `${runs} run${runs === 1 ? '' : 's'}`;
}

/** Float softmax (the reference), the float algorithm model when it differs, the analog model. */
export function taskRows(task: TaskView): readonly TaskRow[] {
  return [
    { model: 'float-softmax', label: 'Float, softmax', figures: task.floatSoftmax },
    ...(task.floatAlgorithm
      ? [{ model: 'float-algorithm' as const, label: 'Float, HardSigmoid (algorithm)', figures: task.floatAlgorithm }]
      : []),
    { model: 'analog', label: `Analog (${runsLabel(task.runs)})`, figures: task.analog },
  ];
}

const isShare = (key: TaskFigureKey) => key === 'top1Accuracy' || key === 'agreement';

/** Decimals that give the mean three significant digits; its interval is written to the same. */
function decimalsFor(v: number): number {
  const abs = Math.abs(v);
  return abs === 0 ? 2 : Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(abs) + 1e-9)));
}

function number(v: number, decimals: number): string {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return v.toExponential(2);
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** "23.4 (22.9–23.9)" for a mean with its interval, "23.4" for a single value; shares in percent. */
export function formatTaskFigure(f: TaskFigureView | null, key: TaskFigureKey): string {
  if (f === null) return '–';
  const scale = isShare(key) ? 100 : 1;
  const unit = isShare(key) ? ' %' : '';
  const decimals = decimalsFor(scale * f.mean);
  const mean = number(scale * f.mean, decimals);
  if (f.low === null || f.high === null) return `${mean}${unit}`;
  return `${mean} (${number(scale * f.low, decimals)}–${number(scale * f.high, decimals)})${unit}`;
}

/** Whether the cell is the reference's comparison with itself (agreement and KL of the float softmax model). */
export function isReferenceCell(row: TaskRow, key: TaskFigureKey): boolean {
  return row.model === 'float-softmax' && (key === 'agreement' || key === 'kl');
}

/** A cell's text: the figure, "reference" where the float softmax model meets itself, else a dash. */
export function taskCellText(row: TaskRow, key: TaskFigureKey): string {
  const f = row.figures[key];
  return f === null && isReferenceCell(row, key) ? 'reference' : formatTaskFigure(f, key);
}

/** What a cell without a figure means, for its tooltip. */
export function missingFigureHint(row: TaskRow, key: TaskFigureKey): string {
  return isReferenceCell(row, key)
    ? 'agreement and KL are measured against the float softmax model'
    : 'not computed, or not finite';
}

/** The line under the table: which tokens, the time of inference, and how the analog interval was taken. */
export function taskSummary(task: TaskView): string {
  const parts = [
    task.text
      ? `${task.tokens.toLocaleString('en-US')} next tokens of the first ${task.text.tokens.toLocaleString('en-US')} of ${task.text.file} (${task.text.tokenizer} tokenizer)`
      : `${task.tokens.toLocaleString('en-US')} next tokens`,
    `time of inference ${formatDuration(task.tInferenceS)}`,
    task.runs >= 2
      ? `analog: mean of ${runsLabel(task.runs)} with its 95 % interval (Student t)`
      : 'analog: one run, so no interval',
  ];
  return parts.join(' · ');
}

export interface RunPerplexitySeries {
  /** Run number (1-based) and perplexity, for the runs with a finite one. */
  readonly runs: readonly { readonly x: number; readonly y: number }[];
  readonly floatSoftmax: number | null;
  readonly floatAlgorithm: number | null;
  readonly analogMean: number | null;
  /** Runs in all: the x axis spans them even where a run has no value. */
  readonly count: number;
}

/** The chart's data; null when there is nothing to plot (no text, or no run with a perplexity). */
export function runPerplexitySeries(task: TaskView): RunPerplexitySeries | null {
  if (!task.text) return null;
  const runs = task.runPerplexity.flatMap((y, i) => (y === null ? [] : [{ x: i + 1, y }]));
  if (runs.length === 0) return null;
  return {
    runs,
    floatSoftmax: task.floatSoftmax.perplexity?.mean ?? null,
    floatAlgorithm: task.floatAlgorithm?.perplexity?.mean ?? null,
    analogMean: task.analog.perplexity?.mean ?? null,
    count: task.runPerplexity.length,
  };
}

export type RunPerplexityChart = ChartConfiguration<'scatter'>;

/**
 * The analog runs' perplexity as dots, one per run, with the float models' perplexities as
 * horizontal reference lines (and the runs' mean), so the spread and the gap read at a glance.
 */
export function runPerplexityChart(s: RunPerplexitySeries, theme: Theme): RunPerplexityChart {
  const [blue, orange, green] = theme.chartColours;
  const x0 = 0.5;
  const x1 = s.count + 0.5;
  const line = (label: string, y: number, colour: readonly [number, number, number, number], dash: number[]) => ({
    label,
    data: [
      { x: x0, y },
      { x: x1, y },
    ],
    showLine: true,
    borderColor: toCss(colour),
    backgroundColor: toCss(colour),
    borderDash: dash,
    borderWidth: 2,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointStyle: 'line' as const,
  });
  const format = (v: number) => Number(v.toPrecision(4)).toLocaleString('en-US');
  const fallback = theme.foreground;
  const values = [...s.runs.map((p) => p.y), s.floatSoftmax, s.floatAlgorithm].filter((v): v is number => v !== null);
  // Drift can raise perplexity by orders of magnitude over the float models': then a log axis.
  const yType = values.every((v) => v > 0) ? axisScale('auto', values, false) : 'linear';
  return {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Analog run',
          data: s.runs.map((p) => ({ x: p.x, y: p.y })),
          borderColor: toCss(blue ?? fallback),
          backgroundColor: toCss(withAlpha(blue ?? fallback, 0.7)),
          pointRadius: s.count > 200 ? 2 : 4,
          pointHoverRadius: 6,
          pointStyle: 'circle' as const,
        },
        ...(s.analogMean !== null ? [line('Analog mean', s.analogMean, blue ?? fallback, [2, 3])] : []),
        ...(s.floatSoftmax !== null ? [line('Float, softmax', s.floatSoftmax, green ?? fallback, [])] : []),
        ...(s.floatAlgorithm !== null
          ? [line('Float, HardSigmoid', s.floatAlgorithm, orange ?? theme.mutedForeground, [6, 4])]
          : []),
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: true },
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 8, pointStyleWidth: 24 } },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'scatter'>) => {
              const p = item.raw as { x: number; y: number };
              return item.datasetIndex === 0
                ? ` Run ${p.x}: perplexity ${format(p.y)}`
                : ` ${item.dataset.label ?? ''}: ${format(p.y)}`;
            },
          },
        },
      },
      scales: {
        x: {
          type: 'linear',
          min: x0,
          max: x1,
          title: { display: true, text: 'Monte-Carlo run' },
          // Whole runs only; the half-run margins keep the first and last dots off the frame.
          ticks: {
            precision: 0,
            callback: (v: number | string) => (Number.isInteger(Number(v)) ? String(v) : ''),
          },
          grid: { display: false },
        },
        y:
          yType === 'logarithmic'
            ? {
                type: 'logarithmic',
                title: { display: true, text: 'Perplexity (lower is better), log scale' },
                ticks: {
                  callback: (v: number | string, _i: number, ticks: { value: number }[]) =>
                    logTickShown(
                      Number(v),
                      ticks.map((t) => t.value),
                    )
                      ? format(Number(v))
                      : '',
                },
              }
            : { type: 'linear', title: { display: true, text: 'Perplexity (lower is better)' }, grace: '5%' },
      },
    },
  };
}
