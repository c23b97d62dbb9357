/**
 * chart.js with only the pieces the views use registered (tree-shaking keeps the rest out of the
 * bundle), themed from the VS Code theme, and the chart configurations of the panel and side view.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type Plugin,
  type TooltipItem,
} from 'chart.js';
import { formatEngineering } from '../../src/shared/format';
import { over, toCss, withAlpha, type Rgba } from '../colour';
import { categorical, type Theme } from '../theme';
import { logTickShown } from './ticks';
import { percentOf, type ScaleChoice, type Series, type StackedSeries, axisScale } from './shape';

Chart.register(
  BarController,
  BarElement,
  DoughnutController,
  ArcElement,
  ScatterController,
  PointElement,
  LineElement,
  CategoryScale,
  LinearScale,
  LogarithmicScale,
  Tooltip,
  Legend,
);

export { Chart };
export type AnyChartConfig = ChartConfiguration<'bar'> | ChartConfiguration<'doughnut'> | ChartConfiguration<'scatter'>;

/**
 * chart.js's typings cannot take a union of per-type configurations (their plugin callbacks are
 * contravariant in the chart type), so the one cast lives here rather than at every call.
 */

/** Scales of a horizontal bar chart of per-token figures: values on x (linear or log), labels on y. */
function perTokenBarScales(unit: string, type: 'linear' | 'logarithmic') {
  return {
    x: {
      type,
      ticks: { callback: tickLabel(unit, type === 'logarithmic'), maxRotation: 0, autoSkip: true },
      title: { display: true, text: type === 'logarithmic' ? `${unit} per token (log scale)` : `${unit} per token` },
    },
    y: { grid: { display: false } },
  };
}

export function createChart(canvas: HTMLCanvasElement, config: AnyChartConfig): Chart {
  return new Chart(canvas, config as unknown as ChartConfiguration);
}

/** Global defaults from the theme; called before (re)creating charts after a theme change. */
export function applyChartTheme(theme: Theme): void {
  Chart.defaults.color = toCss(theme.foreground);
  Chart.defaults.borderColor = toCss(withAlpha(theme.lines, Math.min(theme.lines[3], 0.35)));
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(11, theme.fontSizePx - 1);
  // Redrawing on every data change must not animate: the panel re-renders on theme changes and
  // screenshots and exports must show the final state.
  Chart.defaults.animation = false;
  Chart.defaults.plugins.tooltip.backgroundColor = toCss(over(withAlpha(theme.background, 0.96), theme.foreground));
  Chart.defaults.plugins.tooltip.titleColor = toCss(theme.foreground);
  Chart.defaults.plugins.tooltip.bodyColor = toCss(theme.foreground);
  Chart.defaults.plugins.tooltip.footerColor = toCss(theme.mutedForeground);
  Chart.defaults.plugins.tooltip.borderColor = toCss(theme.lines);
  Chart.defaults.plugins.tooltip.borderWidth = 1;
}

/**
 * Colours of breakdown keys by a fixed order, so a key keeps its colour across charts and results
 * (the DAC is the same hue in every component chart); keys outside the order follow it.
 */
export function colourOfKey(theme: Theme, order: readonly string[], keys: readonly string[]): (key: string) => Rgba {
  const all = [...order, ...keys.filter((k) => !order.includes(k))];
  const palette = categorical(theme, all.length);
  return (key) => palette[Math.max(0, all.indexOf(key))];
}

function highContrast(theme: Theme): boolean {
  return theme.kind === 'high-contrast' || theme.kind === 'high-contrast-light';
}

function tickLabel(unit: string, log: boolean) {
  return (value: number | string, _index: number, ticks: { value: number }[]): string => {
    const v = Number(value);
    if (
      log &&
      !logTickShown(
        v,
        ticks.map((t) => t.value),
      )
    )
      return '';
    // SI prefixes suit J and s; a squared unit (mm²) already carries its own.
    if (!unit || unit.includes('²'))
      return `${Number(v.toPrecision(3)).toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
    return formatEngineering(v, unit, 3);
  };
}

export interface BreakdownOptions {
  readonly view: 'bar' | 'doughnut';
  readonly scale: ScaleChoice;
  readonly unit: string;
  readonly theme: Theme;
  /** Colours shared with other charts; defaults to the categorical palette in series order. */
  readonly colourOf?: (key: string) => Rgba;
}

export function breakdownChart(series: Series, o: BreakdownOptions): AnyChartConfig {
  const colours = series.keys.map((k, i) => (o.colourOf ? o.colourOf(k) : categorical(o.theme, series.keys.length)[i]));
  const hc = highContrast(o.theme);
  const label = (item: TooltipItem<'bar'> | TooltipItem<'doughnut'>) => {
    const v = Number(item.raw);
    return ` ${formatEngineering(v, o.unit)} (${percentOf(v, series.total)})`;
  };
  if (o.view === 'doughnut') {
    return {
      type: 'doughnut',
      data: {
        labels: [...series.labels],
        datasets: [
          {
            data: [...series.values],
            backgroundColor: colours.map(toCss),
            borderColor: hc ? toCss(o.theme.foreground) : toCss(o.theme.background),
            borderWidth: hc ? 2 : 1,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        cutout: '55%',
        plugins: {
          // Below, not beside: legend entries carry share and value, too long for a side column.
          legend: { position: 'bottom', labels: { boxWidth: 12, generateLabels: doughnutLegend(series, o.unit) } },
          tooltip: { callbacks: { label } },
        },
      },
    };
  }
  const type = axisScale(o.scale, series.values, false);
  return {
    type: 'bar',
    data: {
      labels: [...series.labels],
      datasets: [
        {
          data: [...series.values],
          backgroundColor: colours.map(toCss),
          borderColor: hc ? toCss(o.theme.foreground) : colours.map(toCss),
          borderWidth: hc ? 1 : 0,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label } } },
      scales: perTokenBarScales(o.unit, type),
    },
  };
}

/** Doughnut legends carry the share, so the chart reads without hovering. */
function doughnutLegend(series: Series, unit: string) {
  return (chart: Chart) => {
    const base = Chart.overrides.doughnut.plugins.legend.labels.generateLabels(chart);
    return base.map((item, i) => ({
      ...item,
      text: `${series.labels[i]}  ${percentOf(series.values[i], series.total)} · ${formatEngineering(series.values[i], unit, 3)}`,
    }));
  };
}

export function layerStackChart(
  stack: StackedSeries,
  o: { scale: ScaleChoice; theme: Theme; colourOf: (key: string) => Rgba },
): AnyChartConfig {
  const type = axisScale(o.scale, stack.totals, true);
  const hc = highContrast(o.theme);
  return {
    type: 'bar',
    data: {
      labels: [...stack.categoryLabels],
      datasets: stack.datasets.map((d) => ({
        label: d.label,
        data: [...d.values],
        backgroundColor: toCss(o.colourOf(d.key)),
        borderColor: hc ? toCss(o.theme.foreground) : toCss(o.colourOf(d.key)),
        borderWidth: hc ? 1 : 0,
        stack: 'energy',
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) =>
              ` ${item.dataset.label}: ${formatEngineering(Number(item.raw), 'J')} (${percentOf(Number(item.raw), stack.totals[item.dataIndex])})`,
            footer: (items: TooltipItem<'bar'>[]) =>
              items.length ? `Total: ${formatEngineering(stack.totals[items[0].dataIndex], 'J')}` : '',
          },
        },
      },
      scales: {
        x: { stacked: true, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: {
          stacked: true,
          type,
          ticks: { callback: tickLabel('J', type === 'logarithmic') },
          title: { display: true, text: type === 'logarithmic' ? 'J per token (log scale)' : 'J per token' },
        },
      },
    },
  };
}

/** Two designs' breakdowns as paired horizontal bars (A in the first chart colour, B in the second). */
export function comparisonChart(
  data: {
    readonly labels: readonly string[];
    readonly a: { readonly label: string; readonly values: readonly number[] };
    readonly b: { readonly label: string; readonly values: readonly number[] };
    readonly unit: string;
  },
  theme: Theme,
): AnyChartConfig {
  const [blue, orange] = theme.chartColours;
  const values = [...data.a.values, ...data.b.values];
  const type = axisScale('auto', values, false);
  const hc = highContrast(theme);
  const dataset = (d: { label: string; values: readonly number[] }, c: Rgba) => ({
    label: d.label,
    data: [...d.values],
    backgroundColor: toCss(c),
    borderColor: hc ? toCss(theme.foreground) : toCss(c),
    borderWidth: hc ? 1 : 0,
  });
  return {
    type: 'bar',
    data: {
      labels: [...data.labels],
      datasets: [dataset(data.a, blue ?? theme.foreground), dataset(data.b, orange ?? theme.mutedForeground)],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) =>
              ` ${item.dataset.label}: ${formatEngineering(Number(item.raw), data.unit)}`,
          },
        },
      },
      scales: perTokenBarScales(data.unit, type),
    },
  };
}

/** One value per layer as vertical bars in layer order, in one colour (latency or area by layer). */
export function layerBarChart(
  series: Series,
  o: { scale: ScaleChoice; unit: string; axisTitle: string; theme: Theme; colour: Rgba },
): AnyChartConfig {
  const type = axisScale(o.scale, series.values, false);
  const hc = highContrast(o.theme);
  return {
    type: 'bar',
    data: {
      labels: [...series.labels],
      datasets: [
        {
          data: [...series.values],
          backgroundColor: toCss(o.colour),
          borderColor: hc ? toCss(o.theme.foreground) : toCss(o.colour),
          borderWidth: hc ? 1 : 0,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) => {
              const v = Number(item.raw);
              return ` ${formatEngineering(v, o.unit)} (${percentOf(v, series.total)})`;
            },
          },
        },
      },
      scales: {
        x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: {
          type,
          ticks: { callback: tickLabel(o.unit, type === 'logarithmic') },
          title: { display: true, text: type === 'logarithmic' ? `${o.axisTitle} (log scale)` : o.axisTitle },
        },
      },
    },
  };
}

/** Height reserved above an exported chart for its title. */
const EXPORT_TITLE_PX = 40;

/**
 * Background and title of an exported chart: PNGs are otherwise transparent (unreadable on the
 * opposite theme) and, cut from the panel, lose the heading that says what they show.
 */
export function exportDecorations(theme: Theme, title: string): Plugin {
  return {
    id: 'aimcExport',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = toCss(theme.background);
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
    afterDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.fillStyle = toCss(theme.foreground);
      ctx.font = `600 16px ${theme.fontFamily}`;
      ctx.textBaseline = 'middle';
      ctx.fillText(title, 16, EXPORT_TITLE_PX / 2);
      ctx.restore();
    },
  };
}

/**
 * Renders a chart configuration off screen at a fixed size and returns its PNG. Used for export,
 * so the images do not depend on which tabs happen to have been opened or on the panel's size.
 */
export function renderToPng(
  config: AnyChartConfig,
  theme: Theme,
  title: string,
  width: number,
  height: number,
): string {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const cfg = {
    ...config,
    options: {
      ...config.options,
      responsive: false,
      maintainAspectRatio: false,
      devicePixelRatio: 1,
      layout: { padding: { top: EXPORT_TITLE_PX, left: 8, right: 16, bottom: 8 } },
    },
    plugins: [...(config.plugins ?? []), exportDecorations(theme, title)],
  } as AnyChartConfig;
  const chart = createChart(canvas, cfg);
  try {
    return chart.toBase64Image('image/png');
  } finally {
    chart.destroy();
  }
}

export function accuracyChart(
  series: { labels: readonly string[]; values: readonly (number | null)[]; unit: string; label: string },
  theme: Theme,
): AnyChartConfig {
  const positives = series.values.filter((v): v is number => v !== null && v > 0);
  const allPositive = positives.length === series.values.filter((v) => v !== null).length;
  // dB and signed metrics are already on a log-like or signed scale; only spread ratios get a log axis.
  const type = allPositive && series.unit !== 'dB' ? axisScale('auto', positives, false) : 'linear';
  const colour = theme.chartColours[0];
  return {
    type: 'bar',
    data: {
      labels: [...series.labels],
      datasets: [
        {
          label: series.label,
          data: [...series.values],
          backgroundColor: toCss(colour),
          borderColor: toCss(highContrast(theme) ? theme.foreground : colour),
          borderWidth: highContrast(theme) ? 1 : 0,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'bar'>) =>
              ` ${series.label}: ${Number(item.raw).toPrecision(3)}${series.unit ? ` ${series.unit}` : ''}`,
          },
        },
      },
      scales: {
        x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: {
          type,
          title: {
            display: true,
            text: `${series.label}${series.unit ? ` (${series.unit})` : ''}${type === 'logarithmic' ? ', log scale' : ''}`,
          },
        },
      },
    },
  };
}

export interface ScatterSeries {
  /** Designs not on the front. */
  readonly points: readonly { x: number; y: number; label: string }[];
  readonly front: readonly { x: number; y: number; label: string }[];
  readonly x: { label: string; unit: string };
  readonly y: { label: string; unit: string };
}

/**
 * Sweep scatter: the Pareto front as a highlighted line and the other designs as dots, both axes
 * logarithmic. `onPick` gets the dataset (0 front, 1 others) and the index within it.
 */
export function sweepChart(
  s: ScatterSeries,
  theme: Theme,
  onPick: ((datasetIndex: number, index: number) => void) | null,
): AnyChartConfig {
  const [blue, orange] = theme.chartColours;
  const axisTitle = (a: { label: string; unit: string }) => `${a.label}${a.unit ? ` (${a.unit})` : ''}, log scale`;
  const format = (unit: string, v: number) => (unit ? formatEngineering(v, unit) : Number(v.toPrecision(3)).toString());
  return {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Pareto front',
          data: s.front.map((p) => ({ x: p.x, y: p.y })),
          showLine: true,
          borderColor: toCss(orange),
          backgroundColor: toCss(orange),
          pointRadius: 6,
          pointHoverRadius: 8,
          borderWidth: 2,
        },
        {
          label: 'Other designs',
          data: s.points.map((p) => ({ x: p.x, y: p.y })),
          borderColor: toCss(blue),
          backgroundColor: toCss(withAlpha(blue, 0.55)),
          pointRadius: 4,
          pointHoverRadius: 6,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', intersect: true },
      onClick: onPick
        ? (_e, elements) => {
            const hit = elements[0];
            if (hit) onPick(hit.datasetIndex, hit.index);
          }
        : undefined,
      onHover: (e, elements) => {
        const target = e.native?.target;
        if (target instanceof HTMLElement) target.style.cursor = elements.length > 0 && onPick ? 'pointer' : 'default';
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'scatter'>[]) => {
              const it = items[0];
              if (!it) return '';
              return (it.datasetIndex === 0 ? s.front : s.points)[it.dataIndex]?.label ?? '';
            },
            label: (item: TooltipItem<'scatter'>) => {
              const p = item.raw as { x: number; y: number };
              return ` ${s.y.label} ${format(s.y.unit, p.y)}, ${s.x.label} ${format(s.x.unit, p.x)}`;
            },
            footer: () => (onPick ? 'Click to open this design as a config' : ''),
          },
        },
      },
      scales: {
        x: {
          type: 'logarithmic',
          title: { display: true, text: axisTitle(s.x) },
          ticks: { callback: tickLabel(s.x.unit, true), maxRotation: 0 },
        },
        y: {
          type: 'logarithmic',
          title: { display: true, text: axisTitle(s.y) },
          ticks: { callback: tickLabel(s.y.unit, true) },
        },
      },
    },
  };
}
