/** Durations as people say them: a time of inference of 86 400 s is "1 day". Pure. */

const DURATIONS: readonly (readonly [number, string])[] = [
  [365.25 * 86400, 'year'],
  [30 * 86400, 'month'],
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 's'],
];

/** Seconds in the largest unit that gives at least 1: "1 day", "1 year", "20 s". */
export function formatDuration(seconds: number): string {
  if (!(seconds >= 1)) return `${Number(seconds.toPrecision(3))} s`;
  const [size, unit] = DURATIONS.find(([s]) => seconds >= s)!;
  const v = Number((seconds / size).toPrecision(3));
  return unit === 's' ? `${v} s` : `${v} ${unit}${v === 1 ? '' : 's'}`;
}
