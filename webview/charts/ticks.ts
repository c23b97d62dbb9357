/** Which ticks of a logarithmic axis get a label. Pure (no chart.js) so it is unit-tested. */

function mantissa(v: number): number {
  return Number((v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toPrecision(6));
}

/**
 * Log axes get chart.js's 1…9 × 10ⁿ ticks, too many to label. Label the powers of ten when the
 * axis spans two or more; otherwise 1, 2 and 5 × 10ⁿ, so an axis inside one decade still has labels.
 */
export function logTickShown(value: number, ticks: readonly number[]): boolean {
  const decades = ticks.filter((t) => mantissa(t) === 1).length;
  const m = mantissa(value);
  if (decades >= 2) return m === 1;
  return m === 1 || m === 2 || m === 5;
}
