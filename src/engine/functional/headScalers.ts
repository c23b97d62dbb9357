/**
 * How an adapted checkpoint stores the gain-cell scalers of each layer (`aimc adapt` writes them,
 * the functional simulation reads them instead of calibrating): one float32 tensor per layer,
 * `transformer.h.{l}.attn.aimc_scalers`, heads × 5, columns aQ, bQ, aK, aV, outputGain.
 */
import type { HeadScalers } from './gainCellAttention';

/** The columns of a layer's scaler tensor, in order. */
export const SCALER_COLUMNS = ['aQ', 'bQ', 'aK', 'aV', 'outputGain'] as const;
export type ScalerName = (typeof SCALER_COLUMNS)[number];
const COLS = SCALER_COLUMNS.length;

/** The tensor name of layer `layer`'s scalers in an adapted checkpoint. */
export function scalerTensorName(layer: number): string {
  return `transformer.h.${layer}.attn.aimc_scalers`;
}

/** One layer's heads as a [heads, 5] float32 tensor, row-major. */
export function scalersToTensor(heads: readonly HeadScalers[]): Float32Array {
  const out = new Float32Array(heads.length * COLS);
  heads.forEach((s, h) => SCALER_COLUMNS.forEach((name, c) => (out[h * COLS + c] = s[name])));
  return out;
}

/**
 * A [heads, 5] tensor back to per-head scalers. Throws when its size does not match `heads` or a
 * value cannot be a scaler (not finite; a_q, a_k, a_v or c not positive).
 */
export function scalersFromTensor(data: Float32Array, heads: number): HeadScalers[] {
  if (data.length !== heads * COLS)
    throw new RangeError(`a scaler tensor holds ${data.length} values; ${heads} heads need ${heads * COLS}`);
  return Array.from({ length: heads }, (_, h) => {
    const row = Object.fromEntries(SCALER_COLUMNS.map((name, c) => [name, data[h * COLS + c]])) as Record<
      ScalerName,
      number
    >;
    for (const name of SCALER_COLUMNS) {
      const v = row[name];
      if (!Number.isFinite(v) || (name !== 'bQ' && v <= 0))
        throw new RangeError(`head ${h}: scaler ${name} is ${v}; it must be finite${name === 'bQ' ? '' : ' and > 0'}`);
    }
    return row;
  });
}
