/**
 * A sweep of one numeric key with an error figure → that figure against the key, as a line (a drift
 * sweep: perplexity against time of inference). Pure (no DOM, no chart.js at run time).
 */
import type { ChartConfiguration, Scale, TooltipItem } from 'chart.js';
import type { SweepView } from '../../src/shared/webviewProtocol';
import { spansOrdersOfMagnitude } from '../charts/shape';
import { logTickShown } from '../charts/ticks';
import { toCss, withAlpha } from '../colour';
import { formatDuration } from '../accuracy/duration';
import type { Theme } from '../theme';

export interface SweepTrend {
  readonly key: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** By increasing x. */
  readonly points: readonly { readonly x: number; readonly y: number; readonly id: string }[];
  readonly xScale: 'linear' | 'logarithmic';
  readonly yScale: 'linear' | 'logarithmic';
  /** Designs not drawn: failed, or without an error value. */
  readonly omitted: number;
}

/** Titles of keys whose last segment alone does not say what they are. */
const KEY_TITLES: Readonly<Record<string, string>> = {
  t_inference_s: 'time of inference',
};

/** Unit suffixes of config keys (snake_case, unit last: `t_inference_s`, `clock_hz`). */
const UNIT_SUFFIXES: readonly (readonly [string, string])[] = [
  ['_mm2', 'mm²'],
  ['_um2', 'µm²'],
  ['_us', 'µS'],
  ['_hz', 'Hz'],
  ['_ghz', 'GHz'],
  ['_mhz', 'MHz'],
  ['_ns', 'ns'],
  ['_s', 's'],
  ['_j', 'J'],
  ['_pj', 'pJ'],
  ['_fj', 'fJ'],
  ['_w', 'W'],
  ['_mw', 'mW'],
  ['_v', 'V'],
  ['_k', 'K'],
  ['_nm', 'nm'],
  ['_bytes', 'B'],
];

/**
 * An axis title for a config key: `nonidealities.t_inference_s` → "time of inference (s)",
 * `weights.adc.bits` → "weights.adc.bits": the last segment's words and unit where it has a known
 * title, else the key as the user wrote it, with the unit its suffix names.
 */
export function keyTitle(key: string): string {
  const last = key.split('.').at(-1) ?? key;
  const suffix = UNIT_SUFFIXES.find(([s]) => last.endsWith(s) && last.length > s.length);
  const unit = suffix ? ` (${suffix[1]})` : '';
  const stem = suffix ? last.slice(0, -suffix[0].length) : last;
  const known = KEY_TITLES[last];
  if (known) return `${known}${unit}`;
  return suffix ? `${key.slice(0, key.length - last.length)}${stem}${unit}` : key;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The error figure against the swept key, when the sweep varies exactly one key, every value of it
 * is a number, and at least two designs have an error figure; else null.
 */
export function sweepTrend(sweep: SweepView): SweepTrend | null {
  if (sweep.keys.length !== 1) return null;
  const key = sweep.keys[0];
  if (!sweep.points.every((p) => finite(p.values[key]))) return null;
  const points = sweep.points
    .filter((p) => p.failure === null && finite(p.error))
    .map((p) => ({ x: p.values[key] as number, y: p.error as number, id: p.id }))
    .sort((a, b) => a.x - b.x);
  if (points.length < 2) return null;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  // Time of inference runs from a second to years: more than two decades of x reads only on a log axis.
  const xLog = xs.every((x) => x > 0) && Math.max(...xs) / Math.min(...xs) > 100;
  const yLog = ys.every((y) => y > 0) && spansOrdersOfMagnitude(ys);
  return {
    key,
    xTitle: keyTitle(key),
    yTitle: sweep.error.unit ? `${sweep.error.label} (${sweep.error.unit})` : sweep.error.label,
    points,
    xScale: xLog ? 'logarithmic' : 'linear',
    yScale: yLog ? 'logarithmic' : 'linear',
    omitted: sweep.points.length - points.length,
  };
}

/**
 * A long axis title (the perplexity metric's name runs to 80 characters) as lines of at most
 * `max` characters, broken at spaces: chart.js draws an axis title on one line per array entry and
 * clips one longer than the axis.
 */
export function wrapTitle(title: string, max = 48): string | string[] {
  if (title.length <= max) return title;
  const lines: string[] = [];
  let line = '';
  for (const word of title.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function number(v: number): string {
  const abs = Math.abs(v);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6)
    ? v.toExponential(2)
    : Number(v.toPrecision(3)).toLocaleString('en-US');
}

/** Ticks of a log axis: the labels `logTickShown` picks, others blank. */
function logTicks(v: number | string, _i: number, ticks: { value: number }[]): string {
  return logTickShown(
    Number(v),
    ticks.map((t) => t.value),
  )
    ? number(Number(v))
    : '';
}

/** Axis bounds a little beyond the values: a factor of 1.5 on a log axis, 4 % of the range on a linear one. */
export function margins(type: 'linear' | 'logarithmic', values: readonly number[]): { min: number; max: number } {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (type === 'logarithmic') return { min: lo / 1.5, max: hi * 1.5 };
  const pad = 0.04 * (hi - lo || Math.abs(hi) || 1);
  return { min: lo - pad, max: hi + pad };
}

/** At most this many designs get a tick each on the swept axis; more are ticked as any axis. */
const MAX_VALUE_TICKS = 12;

/** A value of the swept key: a duration where the key is in seconds (time of inference), else the number. */
export function sweptValueLabel(key: string, value: number): string {
  return /_s$/.test(key) ? formatDuration(value) : number(value);
}

/** The trend as a line with a dot per design; `onPick` gets the index into `trend.points`. */
export function sweepTrendChart(
  trend: SweepTrend,
  theme: Theme,
  onPick: ((index: number) => void) | null,
): ChartConfiguration<'scatter'> {
  const colour = theme.chartColours[0] ?? theme.foreground;
  const scale = (type: 'linear' | 'logarithmic', title: string) =>
    type === 'logarithmic'
      ? {
          type,
          title: { display: true, text: wrapTitle(`${title}, log scale`) },
          ticks: { callback: logTicks, maxRotation: 0 },
        }
      : { type, title: { display: true, text: wrapTitle(title) }, ticks: { maxRotation: 0 } };
  const xs = [...new Set(trend.points.map((p) => p.x))];
  // A sweep has few values of its key: a tick at each, labelled as the user thinks of them
  // (1 s, 1 minute, 1 hour, 1 day, 1 month, 1 year), reads better than powers of ten.
  const x =
    xs.length <= MAX_VALUE_TICKS
      ? {
          ...scale(trend.xScale, trend.xTitle),
          // A margin, so the first and last designs are not drawn on the frame.
          ...margins(trend.xScale, xs),
          afterBuildTicks: (axis: Scale) => {
            axis.ticks = xs.map((value) => ({ value }));
          },
          ticks: {
            callback: (v: number | string) => sweptValueLabel(trend.key, Number(v)),
            maxRotation: 0,
            autoSkip: true,
          },
        }
      : scale(trend.xScale, trend.xTitle);
  return {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: trend.yTitle,
          data: trend.points.map((p) => ({ x: p.x, y: p.y })),
          showLine: true,
          borderColor: toCss(colour),
          backgroundColor: toCss(withAlpha(colour, 0.85)),
          borderWidth: 2,
          pointRadius: 5,
          pointHoverRadius: 7,
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
            if (hit) onPick(hit.index);
          }
        : undefined,
      onHover: (e, elements) => {
        const target = e.native?.target;
        if (target instanceof HTMLElement) target.style.cursor = elements.length > 0 && onPick ? 'pointer' : 'default';
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'scatter'>) => {
              const p = item.raw as { x: number; y: number };
              return ` ${trend.key} = ${sweptValueLabel(trend.key, p.x)}: ${number(p.y)}`;
            },
            footer: () => (onPick ? 'Click to open this design as a config' : ''),
          },
        },
      },
      scales: { x, y: scale(trend.yScale, trend.yTitle) },
    },
  };
}
