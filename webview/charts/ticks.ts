/** Which ticks of a logarithmic axis get a label. Pure (no chart.js) so it is unit-tested. */

function mantissa(v: number): number {
  return Number((v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toPrecision(6));
}

const ONE_TWO_FIVE = (m: number) => m === 1 || m === 2 || m === 5;

/** Mantissa steps for an axis narrower than 1-2-5 can label, finest first. */
const FINE_STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
/** At most this many labels on such an axis: its ticks crowd where chart.js packs them. */
const MAX_FINE_LABELS = 4;

const onStep = (m: number, step: number) => Math.abs(m / step - Math.round(m / step)) < 1e-6;

/**
 * Log axes get chart.js's 1…9 × 10ⁿ ticks, too many to label. Label the powers of ten when the
 * axis spans two or more; otherwise 1, 2 and 5 × 10ⁿ, so an axis inside one decade still has labels;
 * and when even those are fewer than two (a sweep whose designs differ by tens of percent), the
 * ticks on the finest round step that gives at most four labels.
 */
export function logTickShown(value: number, ticks: readonly number[]): boolean {
  const decades = ticks.filter((t) => mantissa(t) === 1).length;
  const m = mantissa(value);
  if (decades >= 2) return m === 1;
  if (ticks.filter((t) => ONE_TWO_FIVE(mantissa(t))).length >= 2) return ONE_TWO_FIVE(m);
  const step = FINE_STEPS.find((s) => ticks.filter((t) => onStep(mantissa(t), s)).length <= MAX_FINE_LABELS) ?? 1;
  return onStep(m, step);
}
