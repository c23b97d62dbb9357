/**
 * The values a sweep input box starts with, from the key's current value in the config (or its
 * default): a few steps either side, inside the key's bounds. Pure: no `vscode`.
 */
import type { SweepableKey } from '../../engine';
import type { SweepValue } from '../../shared/sweep';

/** Keys most often varied, offered first (the rest follow in schema order). */
export const COMMON_SWEEP_KEYS: readonly string[] = [
  'weights.adc.bits',
  'weights.array.rows',
  'weights.array.cols',
  'weights.bits_per_cell',
  'weights.dac.bits',
  'weights.device',
  'weights.mapping',
  'attention.implementation',
  'attention.window',
  'technology.clock_ghz',
  'technology.node_nm',
];

/** Keys that describe the model or the file rather than the hardware or the run. */
export function isSweepCandidate(key: string): boolean {
  return key !== 'version' && !key.startsWith('model.');
}

/** The value at a dotted key of the parsed config, if it is a scalar there. */
export function valueAt(config: unknown, key: string): SweepValue | undefined {
  let node: unknown = config;
  for (const seg of key.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return typeof node === 'number' || typeof node === 'string' || typeof node === 'boolean' ? node : undefined;
}

const isPowerOfTwo = (n: number) => Number.isInteger(Math.log2(n));
const tidy = (n: number) => Number(n.toPrecision(6));

/** Starting text for the values of `key`, in `parseVary` syntax. */
export function suggestValues(key: SweepableKey, current: SweepValue | undefined): string {
  if (key.kind === 'boolean') return 'true,false';
  if (key.kind === 'enum') return (key.choices ?? []).join(',');
  const min = key.minimum ?? -Infinity;
  const max = key.maximum ?? Infinity;
  const inBounds = (n: number) => n >= min && n <= max && (key.kind !== 'integer' || Number.isInteger(n));
  const v =
    typeof current === 'number'
      ? current
      : typeof key.default === 'number'
        ? key.default
        : Math.max(1, key.minimum ?? 1);
  if (key.kind === 'integer' && !(v >= 16 && isPowerOfTwo(v))) {
    // Bit widths and counts: a range of two steps either side.
    return `${Math.max(min, v - 2)}..${Math.min(max, v + 2)}`;
  }
  // Sizes that come in powers of two (array rows, windows) and real quantities: halvings and doublings.
  const candidates = v === 0 ? [0] : [v / 4, v / 2, v, v * 2].map(tidy).filter(inBounds);
  return [...new Set(candidates)].join(',');
}
