/**
 * How integer weight codes become cell codes, and how the digital side recombines them. Same
 * layout as the cost model's mapping (src/engine/mapping/tiles.ts, weightLayout):
 *
 *   differential  sign by a G⁺/G⁻ pair on two arrays; the magnitude (B−1 bits) is cut into
 *                 ⌈(B−1)/b⌉ slices when a cell cannot hold it.   w = Σ_s 2^(c·s)·(m⁺_s − m⁻_s)
 *   offset        one cell holds u = w + 2^(B−1) (all B bits); a reference column per array holds
 *                 2^(B−1) and is subtracted digitally.             w = u − 2^(B−1)
 *   bit-sliced    u = w + 2^(B−1) cut into ⌈B/b⌉ slices of b bits (ISAAC); each slice's array has a
 *                 reference column holding that slice of 2^(B−1).  w = Σ_s 2^(c·s)·(u_s − r_s)
 *
 * with B = weight_bits, b = bits_per_cell, c the bits actually held per slice. Weight codes are
 * symmetric, w ∈ [−Q, Q] with Q = 2^(B−1) − 1 (at least 1), so u never reaches 0 or 2^B.
 */
import type { WeightMapping } from '../config/schema';

export interface WeightEncoding {
  readonly mapping: WeightMapping;
  readonly weightBits: number;
  /** Largest weight code magnitude. */
  readonly maxCode: number;
  readonly slices: number;
  readonly polarities: 1 | 2;
  readonly referenceColumn: boolean;
  /** Bits held by one slice (the top slice may use fewer). */
  readonly bitsPerSlice: number;
  /** Highest cell code: it is programmed to g_max. */
  readonly cellMaxCode: number;
}

export function weightEncoding(mapping: WeightMapping, weightBits: number, bitsPerCell: number): WeightEncoding {
  const maxCode = Math.max(1, 2 ** (weightBits - 1) - 1);
  switch (mapping) {
    case 'differential': {
      const magnitudeBits = Math.max(1, weightBits - 1);
      const bitsPerSlice = Math.min(bitsPerCell, magnitudeBits);
      return {
        mapping,
        weightBits,
        maxCode,
        slices: Math.ceil(magnitudeBits / bitsPerSlice),
        polarities: 2,
        referenceColumn: false,
        bitsPerSlice,
        cellMaxCode: 2 ** bitsPerSlice - 1,
      };
    }
    case 'offset':
      return {
        mapping,
        weightBits,
        maxCode,
        slices: 1,
        polarities: 1,
        referenceColumn: true,
        bitsPerSlice: weightBits,
        cellMaxCode: 2 ** weightBits - 1,
      };
    case 'bit-sliced': {
      const bitsPerSlice = Math.min(bitsPerCell, weightBits);
      return {
        mapping,
        weightBits,
        maxCode,
        slices: Math.ceil(weightBits / bitsPerSlice),
        polarities: 1,
        referenceColumn: true,
        bitsPerSlice,
        cellMaxCode: 2 ** bitsPerSlice - 1,
      };
    }
  }
}

/** Whether codes must be integers: any slicing does, and offset encoding of bit-sliced weights. */
export function needsIntegerCodes(enc: WeightEncoding): boolean {
  return enc.slices > 1 || enc.mapping === 'bit-sliced';
}

/** Digital weight of slice s, in weight-code units. */
export function sliceShift(enc: WeightEncoding, slice: number): number {
  return 2 ** (enc.bitsPerSlice * slice);
}

function offsetOf(enc: WeightEncoding): number {
  return 2 ** (enc.weightBits - 1);
}

/**
 * Cell code of a weight code `w` for one (slice, polarity), as a function built once per array:
 * integer when `w` is; a real `w` (weight quantisation off) only reaches mappings that do not slice.
 */
export function cellCoder(enc: WeightEncoding, slice: number, polarity: number): (w: number) => number {
  const mask = enc.cellMaxCode;
  const shift = sliceShift(enc, slice);
  const offset = offsetOf(enc);
  switch (enc.mapping) {
    case 'differential': {
      const sign = polarity === 0 ? 1 : -1;
      if (enc.slices === 1) return (w) => (w * sign > 0 ? w * sign : 0);
      return (w) => (w * sign > 0 ? Math.floor((w * sign) / shift) & mask : 0);
    }
    case 'offset':
      return (w) => w + offset;
    case 'bit-sliced':
      return (w) => Math.floor((w + offset) / shift) & mask;
  }
}

/** Code of the reference column of a slice's arrays (null without one). */
export function referenceCode(enc: WeightEncoding, slice: number): number | null {
  if (!enc.referenceColumn) return null;
  const offset = offsetOf(enc);
  return enc.mapping === 'offset' ? offset : Math.floor(offset / sliceShift(enc, slice)) & enc.cellMaxCode;
}

/**
 * Weight codes: w_max·round(W/w_max·Q)/Q, or W/w_max·Q unrounded. `out` (at least as long as the
 * weights) is written and returned as `codes` instead of a new array: fresh arrays of this size
 * cost page faults.
 */
export function quantizeWeights(
  weights: Float32Array,
  maxCode: number,
  round: boolean,
  out?: Float64Array,
): { codes: Float64Array; wMax: number } {
  let wMax = 0;
  for (let i = 0; i < weights.length; i++) wMax = Math.max(wMax, Math.abs(weights[i]));
  const codes = out ? out.subarray(0, weights.length) : new Float64Array(weights.length);
  if (wMax === 0) {
    codes.fill(0);
    return { codes, wMax: 1 };
  }
  const scale = maxCode / wMax;
  if (!round) {
    for (let i = 0; i < weights.length; i++) codes[i] = weights[i] * scale;
    return { codes, wMax };
  }
  // Round half up as ⌊c + ½⌋, branch-free: several times faster in V8 than Math.round. It differs
  // from Math.round only where c + ½ rounds up in float64, within 10⁻¹⁶ of a half code.
  for (let i = 0; i < weights.length; i++) {
    codes[i] = Math.min(Math.max(Math.floor(weights[i] * scale + 0.5), -maxCode), maxCode);
  }
  return { codes, wMax };
}
