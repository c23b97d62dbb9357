/**
 * The noisy-tile product: the one hot loop of the functional simulation, kept behind one function
 * so a faster implementation (the WebAssembly kernels in src/engine/kernels/) can stand in for it.
 * This comment is the contract; the kernels in src/engine/kernels/ implement it and are tested against this file.
 *
 * CONTRACT — tileGemm(x, tokens, weights, K, N, spec) → Y
 *
 * Shapes, all float32 and row-major:
 *   x        tokens × K   inputs (already scaled so that the DAC full scale is `inputDac.bound`)
 *   weights  K × N        cell values of one crossbar plane (noise, drift, faults already applied)
 *   Y        tokens × N   result (a fresh array, or `out` when given; it is overwritten, not added to)
 *
 * A quantiser {bits b, bound B} has L = 2^(b−1) − 1 levels each side of zero and step
 * s = float32(B / L). roundHalfEven is IEEE round-to-nearest-even (WebAssembly f32.nearest).
 *
 * 1. Input DAC, if set, in float32: x_q = clamp(roundHalfEven(float32(x / s)), −L, L) · s.
 *    Inputs past ±B clip to ±B. Without a DAC, x_q = x.
 * 2. The K rows split into row blocks [r·tileRows, min(K, (r+1)·tileRows)), one per tile row of the
 *    crossbar; the last may be shorter. For each block, P_r = x_q[:, block] · W[block, :] — the
 *    analog partial sums of every array in that tile row. Column tiles do not change the numbers
 *    (each column has its own conversion); tileCols is carried for the mapping only.
 * 3. Output noise, if set (it needs an ADC, whose bound scales it): before each block's ADC the
 *    source fills one Float32Array of tokens · N standard normals z in (token, column) order, and
 *    P_r += float32(sigma · B_adc) · z. One fill per row block, blocks in order, so a seeded
 *    source gives the same numbers on every implementation.
 * 4. Output ADC, if set: P_q = clamp(roundHalfEven(P_r / s), −L, L) · s. Without one, P_q = P_r.
 * 5. Digital accumulation across row blocks, in block order: Y = Σ_r P_q,r.
 *
 * Precision: the DAC is exact float32 everywhere. Partial sums are float64 here and float32 in the
 * kernels (any summation order), so with the ADC off results agree to float32 rounding, and with it
 * on a partial sum within rounding of a step boundary may land one step apart.
 *
 * Everything that is not a scalar per call — per-array gains (drift compensation, slice shifts),
 * per-ADC ranges, IR drop, reference columns — is done by the caller around calls of one tile
 * row block each (see crossbar.ts), which keeps this contract small.
 */

export interface QuantizerSpec {
  /** Resolution, sign included: L = 2^(bits−1) − 1 levels each side of zero. At least 2. */
  readonly bits: number;
  /** Full-scale value: inputs (DAC) or partial sums (ADC) past ±bound clip. */
  readonly bound: number;
}

/** Fills `out` with independent standard-normal samples; a seeded source repeats itself. */
export interface NormalSource {
  fill(out: Float32Array): void;
}

export interface OutputNoiseSpec {
  /** Standard deviation of the additive output noise, relative to the ADC bound. */
  readonly sigma: number;
  readonly normals: NormalSource;
}

export interface TileGeometry {
  readonly tileRows: number;
  readonly tileCols: number;
}

/** The conversions around each tile; null switches one off. */
export interface TileConversions {
  readonly inputDac: QuantizerSpec | null;
  readonly outputAdc: QuantizerSpec | null;
  readonly outputNoise: OutputNoiseSpec | null;
}

export type TileGemmSpec = TileGeometry & TileConversions;

/** Weights held by the arrays ("programmed" once) and multiplied many times. */
export interface ProgrammedTiles {
  multiply(x: Float32Array, tokens: number, conversions: TileConversions, out?: Float32Array): Float32Array;
  dispose(): void;
}

/**
 * Where the products run. The kernels' `TileGemmKernel` (src/engine/kernels/tileGemmKernel.ts) has this
 * shape, so `await loadTileGemmKernel()` can be passed wherever a backend is taken.
 */
export interface TileGemmBackend {
  program(weights: Float32Array, rows: number, cols: number, geometry: TileGeometry): ProgrammedTiles;
}

export function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return rounded - value === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

export function quantizerLevels(bits: number): number {
  return 2 ** (bits - 1) - 1;
}

/** Step of a quantiser, rounded to float32 as every implementation holds it. */
export function quantizerStep(spec: QuantizerSpec): number {
  return Math.fround(spec.bound / quantizerLevels(spec.bits));
}

/** Step 1 of the contract on one value. */
export function dacQuantize(value: number, levels: number, step: number): number {
  const level = roundHalfEven(Math.fround(value / step));
  return Math.fround(Math.min(Math.max(level, -levels), levels) * step);
}

/** Step 4 of the contract on one partial sum. */
export function adcQuantize(partialSum: number, levels: number, step: number): number {
  const level = roundHalfEven(partialSum / step);
  return Math.min(Math.max(level, -levels), levels) * step;
}

/** Step 1 of the contract on a whole input array. */
export function dacQuantizeAll(x: Float32Array, spec: QuantizerSpec): Float32Array {
  const levels = quantizerLevels(spec.bits);
  const step = quantizerStep(spec);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = dacQuantize(x[i], levels, step);
  return out;
}

function checkSpec(
  x: Float32Array,
  tokens: number,
  weights: Float32Array,
  K: number,
  N: number,
  spec: TileGemmSpec,
): void {
  if (x.length !== tokens * K) throw new RangeError(`x holds ${x.length} values, expected tokens × K = ${tokens * K}`);
  if (weights.length !== K * N)
    throw new RangeError(`weights hold ${weights.length} values, expected K × N = ${K * N}`);
  if (!Number.isInteger(spec.tileRows) || spec.tileRows < 1)
    throw new RangeError(`tileRows must be a positive integer, got ${spec.tileRows}`);
  for (const [name, q] of [
    ['inputDac', spec.inputDac],
    ['outputAdc', spec.outputAdc],
  ] as const) {
    if (q && (!Number.isInteger(q.bits) || q.bits < 2 || q.bits > 24 || !(q.bound > 0) || !Number.isFinite(q.bound))) {
      throw new RangeError(`${name} needs integer bits in 2..24 and a positive finite bound, got ${JSON.stringify(q)}`);
    }
  }
  if (spec.outputNoise && !spec.outputAdc)
    throw new RangeError('outputNoise needs outputAdc: its sigma is relative to the ADC bound');
}

/** The contract above, in plain JavaScript. */
export function tileGemm(
  x: Float32Array,
  tokens: number,
  weights: Float32Array,
  K: number,
  N: number,
  spec: TileGemmSpec,
  out?: Float32Array,
): Float32Array {
  checkSpec(x, tokens, weights, K, N, spec);
  const xq = spec.inputDac ? dacQuantizeAll(x, spec.inputDac) : x;
  const adc = spec.outputAdc;
  const adcLevels = adc ? quantizerLevels(adc.bits) : 0;
  const adcStep = adc ? quantizerStep(adc) : 0;
  const noise = spec.outputNoise;
  const noiseScale = noise && adc ? Math.fround(noise.sigma * adc.bound) : 0;
  const z = noise ? new Float32Array(tokens * N) : null;

  const y = out ?? new Float32Array(tokens * N);
  if (y.length !== tokens * N)
    throw new RangeError(`out holds ${y.length} values, expected tokens × N = ${tokens * N}`);
  y.fill(0);
  // Four tokens share each weight load: about twice the speed of one token at a time in V8.
  const partials = [new Float64Array(N), new Float64Array(N), new Float64Array(N), new Float64Array(N)];
  const convert = (t: number, partial: Float64Array) => {
    const yRow = t * N;
    for (let n = 0; n < N; n++) {
      let p = partial[n];
      if (z) p += noiseScale * z[yRow + n];
      if (adc) p = adcQuantize(p, adcLevels, adcStep);
      y[yRow + n] += p;
    }
  };
  for (let k0 = 0; k0 < K; k0 += spec.tileRows) {
    const k1 = Math.min(K, k0 + spec.tileRows);
    if (noise && z) noise.normals.fill(z);
    let t = 0;
    for (; t + 4 <= tokens; t += 4) {
      const [p0, p1, p2, p3] = partials;
      p0.fill(0);
      p1.fill(0);
      p2.fill(0);
      p3.fill(0);
      for (let k = k0; k < k1; k++) {
        const a0 = xq[t * K + k];
        const a1 = xq[(t + 1) * K + k];
        const a2 = xq[(t + 2) * K + k];
        const a3 = xq[(t + 3) * K + k];
        const wRow = k * N;
        for (let n = 0; n < N; n++) {
          const wv = weights[wRow + n];
          p0[n] += a0 * wv;
          p1[n] += a1 * wv;
          p2[n] += a2 * wv;
          p3[n] += a3 * wv;
        }
      }
      for (let i = 0; i < 4; i++) convert(t + i, partials[i]);
    }
    for (; t < tokens; t++) {
      const p0 = partials[0];
      p0.fill(0);
      for (let k = k0; k < k1; k++) {
        const xv = xq[t * K + k];
        if (xv === 0) continue;
        const wRow = k * N;
        for (let n = 0; n < N; n++) p0[n] += xv * weights[wRow + n];
      }
      convert(t, p0);
    }
  }
  return y;
}

/** The plain-JavaScript backend: holds a copy of the weights, multiplies with tileGemm. */
export const jsTileGemmBackend: TileGemmBackend = {
  program(weights, rows, cols, geometry) {
    let held: Float32Array | null = weights.slice();
    return {
      multiply(x, tokens, conversions, out) {
        if (!held) throw new Error('programmed tiles used after dispose()');
        return tileGemm(x, tokens, held, rows, cols, { ...geometry, ...conversions }, out);
      },
      dispose() {
        held = null;
      },
    };
  },
};
