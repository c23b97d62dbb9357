/**
 * Gain-cell attention (Leroux et al., Nature Computational Science 5, 813–824, 2025; the authors'
 * code, NathanLeroux-git/GainCellAttention, modules/model_gpt.py), one head at a time, next to its
 * two float references so that the error separates into algorithm and hardware:
 *
 *   float softmax       A = softmax(q·kᵀ/√d) over the sliding window; y = A·v  (the original model)
 *   float HardSigmoid   the algorithm the hardware runs, in float arithmetic:
 *                         q' = clip(a_q·q + b_q, 0, 1),  δk = clip(a_k·k + K_off, 0, 0.9) − K_off,
 *                         δv likewise,  S = g·q'·δk,  φ = clip(S/S_sat, 0, 1),  y = c·Σ_j φ_ij·δv_j / a_v
 *   analog              the same with the hardware's effects: Q quantised (input pulse widths), K and
 *                       V quantised as written, the fitted cubic read model, leakage per token step,
 *                       64-token sub-tiles of φ·V whose outputs are clipped to [−1, 1] and quantised,
 *                       then summed digitally. With every effect off it equals float HardSigmoid.
 *
 * The cubic read model (Eq. 4; model_gpt.py, DRAM_MAC_temporal_encoding_surrogate_QK and _AV):
 *   S = Σ_d q'_d · Σ_i Σ_{j≤3−i} C_ij · (δ_d·r)^i · V_in^j,  V_in = 0.9 V,  K_off = 0.45 V,
 * with the input entering linearly (it is a pulse width) and r = exp(−λ)^age the leakage of a value
 * written `age` steps ago, which shrinks the stored deviation δ (the decay mask multiplies the
 * i-th power term by decay^i in the authors' code). The ten coefficients are listed there in the
 * order of the loops `for i in 0..3: for j in 0..3−i`, i the power of the stored deviation and j
 * the power of V_in; checked against model_gpt.py.
 *
 * The scalers a_q, b_q, a_k, a_v and the output gain c are trained in the paper. Here they are
 * calibrated on the float HardSigmoid pass (ranges of q, k, v; c matching the RMS of softmax
 * attention) and then held fixed for the analog pass, so both compute the same algorithm.
 *
 * Expect a large hardware error from the cubic model on a model that was not adapted to it: its
 * constant term (Σ_j C_0j·V_in^j ≈ 0.52 per unit input) adds an offset to every score and every
 * output, which the paper's fine-tuning absorbs and nothing here does. Switch
 * `nonidealities.gain_cell.nonlinearity` off to see the other effects alone.
 */

/** C_ij of the gain-cell read model, i = power of (V_stored − K_off), j = power of V_in. */
export const GAIN_CELL_COEFFICIENTS: readonly (readonly [i: number, j: number, c: number])[] = [
  [0, 0, 0.17393044],
  [0, 1, 0.15653739],
  [0, 2, 0.14088365],
  [0, 3, 0.12679529],
  [1, 0, 5.51975209],
  [1, 1, 4.96777688],
  [1, 2, 4.4709992],
  [2, 0, -1.44776001],
  [2, 1, -1.30298401],
  [3, 0, 46.05483778],
];
/** Input voltage at which the model is read, and the stored-voltage offset (model_gpt.py: x_max, offset). */
export const GAIN_CELL_V_IN = 0.9;
export const GAIN_CELL_K_OFFSET = 0.45;
/** Stored K, V range and query range (model_gpt.py: weights_clamping_bounds, input_clamping_bounds). */
export const GAIN_CELL_KV_MAX = 0.9;
export const GAIN_CELL_Q_MAX = 1;

/** Σ_j C_ij·V_in^j for i = 0..3: the read current as a cubic in the stored deviation. */
export const GAIN_CELL_POLYNOMIAL: readonly number[] = (() => {
  const a = [0, 0, 0, 0];
  for (const [i, j, c] of GAIN_CELL_COEFFICIENTS) a[i] += c * GAIN_CELL_V_IN ** j;
  return a;
})();

export interface GainCellAttentionSettings {
  readonly window: number;
  /** Tokens per sub-tile of the φ·V stage (array rows). */
  readonly rows: number;
  readonly activation: 'hardsigmoid' | 'softmax';
  readonly levels: { readonly query: number; readonly kv: number; readonly output: number };
  readonly nonlinearity: 'leroux-cubic' | 'linear';
  readonly decayPerStep: number;
  /** Token steps between refreshes of the stored K and V (leakage restarts at each); null or absent: none. */
  readonly refreshSteps?: number | null;
  /** φ·V sub-tile of a cached token: its ring-buffer slot, or counted from the window's start. */
  readonly tiling?: 'ring' | 'absolute';
}

export interface GainCellEffects {
  readonly inputQuantization: boolean;
  readonly kvQuantization: boolean;
  readonly outputQuantization: boolean;
  readonly nonlinearity: boolean;
  readonly decay: boolean;
}

export interface GainCellScaling {
  readonly scoreSaturation: number;
  readonly outputSaturation: number;
  readonly linearGain: number;
}

/** Per-head algorithm constants, fixed after calibration. */
export interface HeadScalers {
  readonly aQ: number;
  readonly bQ: number;
  readonly aK: number;
  readonly aV: number;
  readonly outputGain: number;
}

/** One head's tensors: T tokens × d, row-major. */
export interface HeadInput {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly tokens: number;
  readonly dim: number;
}

export interface AttentionResult {
  /** T × d. */
  readonly out: Float32Array;
  /** T × T attention weights (φ or softmax probabilities); zero outside the window. */
  readonly weights: Float32Array;
}

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

function roundHalfEven(value: number): number {
  const r = Math.round(value);
  return r - value === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The authors' quantiser (quantization_custom): a zero-anchored grid of step range/(levels−1). */
export function quantizeLevels(x: number, lo: number, hi: number, levels: number): number {
  const step = (hi - lo) / (levels - 1);
  return roundHalfEven(clamp(x, lo, hi) / step) * step;
}

/** First key a query at `i` sees. */
export function windowStart(i: number, window: number): number {
  return Math.max(0, i - window + 1);
}

export function softmaxAttention(h: HeadInput, window: number): AttentionResult {
  const { q, k, v, tokens: T, dim: d } = h;
  const out = new Float32Array(T * d);
  const weights = new Float32Array(T * T);
  const scale = 1 / Math.sqrt(d);
  for (let i = 0; i < T; i++) {
    const lo = windowStart(i, window);
    let max = -Infinity;
    for (let j = lo; j <= i; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += q[i * d + c] * k[j * d + c];
      weights[i * T + j] = s * scale;
      max = Math.max(max, s * scale);
    }
    softmaxRow(weights, i * T, lo, i, max);
    for (let j = lo; j <= i; j++) {
      const a = weights[i * T + j];
      for (let c = 0; c < d; c++) out[i * d + c] += a * v[j * d + c];
    }
  }
  return { out, weights };
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function rms(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s / Math.max(1, a.length));
}

/**
 * Scalers that map a head's q, k, v onto the circuit ranges (Q ∈ [0, 1] centred at 0.5; K, V
 * within ±0.45 V of K_off), over every sample given, and an output gain that matches the RMS of
 * float HardSigmoid attention to that of float softmax attention.
 */
export function calibrateHeadScalers(
  samples: readonly HeadInput[],
  window: number,
  scaling: GainCellScaling,
): HeadScalers {
  const range = (pick: (h: HeadInput) => Float32Array) => Math.max(...samples.map((h) => maxAbs(pick(h))), 1e-12);
  const base: HeadScalers = {
    aQ: 0.5 / range((h) => h.q),
    bQ: 0.5,
    aK: GAIN_CELL_K_OFFSET / range((h) => h.k),
    aV: GAIN_CELL_K_OFFSET / range((h) => h.v),
    outputGain: 1,
  };
  let hsSq = 0;
  let softSq = 0;
  for (const h of samples) {
    hsSq += rms(hardSigmoidAttention(h, window, base, scaling).out) ** 2;
    softSq += rms(softmaxAttention(h, window).out) ** 2;
  }
  return { ...base, outputGain: hsSq > 0 ? Math.sqrt(softSq / hsSq) : 1 };
}

function storedDeviation(x: number, a: number, kvLevels: number | null): number {
  const stored = clamp(a * x + GAIN_CELL_K_OFFSET, 0, GAIN_CELL_KV_MAX);
  return (kvLevels ? quantizeLevels(stored, 0, GAIN_CELL_KV_MAX, kvLevels) : stored) - GAIN_CELL_K_OFFSET;
}

function queryPulse(x: number, s: HeadScalers, qLevels: number | null): number {
  const pulse = clamp(s.aQ * x + s.bQ, 0, GAIN_CELL_Q_MAX);
  return qLevels ? quantizeLevels(pulse, 0, GAIN_CELL_Q_MAX, qLevels) : pulse;
}

export function hardSigmoidAttention(
  h: HeadInput,
  window: number,
  s: HeadScalers,
  scaling: GainCellScaling,
): AttentionResult {
  const { q, k, v, tokens: T, dim: d } = h;
  const qp = q.map((x) => queryPulse(x, s, null));
  const dk = k.map((x) => storedDeviation(x, s.aK, null));
  const dv = v.map((x) => storedDeviation(x, s.aV, null));
  const out = new Float32Array(T * d);
  const weights = new Float32Array(T * T);
  const g = scaling.linearGain;
  for (let i = 0; i < T; i++) {
    const row = new Float64Array(d);
    for (let j = windowStart(i, window); j <= i; j++) {
      let score = 0;
      for (let c = 0; c < d; c++) score += qp[i * d + c] * dk[j * d + c];
      const phi = clamp((g * score) / scaling.scoreSaturation, 0, 1);
      weights[i * T + j] = phi;
      for (let c = 0; c < d; c++) row[c] += phi * dv[j * d + c];
    }
    for (let c = 0; c < d; c++) out[i * d + c] = (row[c] * s.outputGain) / s.aV;
  }
  return { out, weights };
}

/**
 * The steps a value has leaked for when read `steps` after it was written: all of them, or those
 * since its last refresh when the cells are refreshed every `refreshSteps` steps.
 */
export function leakageAge(settings: Pick<GainCellAttentionSettings, 'refreshSteps'>): (steps: number) => number {
  const period = settings.refreshSteps;
  return period ? (steps) => steps % period : (steps) => steps;
}

/** Read current of a cell for stored deviation δ after leakage factor r (per unit input). */
function cellRead(cubic: boolean, gain: number): (delta: number, r: number) => number {
  if (!cubic) return (delta, r) => gain * delta * r;
  const [a0, a1, a2, a3] = GAIN_CELL_POLYNOMIAL;
  return (delta, r) => {
    const x = delta * r;
    return a0 + x * (a1 + x * (a2 + x * a3));
  };
}

/**
 * The analog path of one head. `effects` switches each hardware effect; with all off the result
 * equals hardSigmoidAttention (activation 'hardsigmoid') to float rounding.
 */
export function gainCellAttention(
  h: HeadInput,
  settings: GainCellAttentionSettings,
  effects: GainCellEffects,
  s: HeadScalers,
  scaling: GainCellScaling,
): AttentionResult {
  const { q, k, v, tokens: T, dim: d } = h;
  const window = settings.window;
  const qLevels = effects.inputQuantization ? settings.levels.query : null;
  const kvLevels = effects.kvQuantization ? settings.levels.kv : null;
  const read = cellRead(effects.nonlinearity && settings.nonlinearity === 'leroux-cubic', scaling.linearGain);
  const leak = effects.decay ? Math.exp(-settings.decayPerStep) : 1;
  const age = leakageAge(settings);
  const g = scaling.linearGain;
  const subTile = Math.max(1, settings.rows);
  const tilesPerWindow = Math.ceil(Math.min(window, T) / subTile);

  // K and V as written into the cells when their token arrives.
  const dk = k.map((x) => storedDeviation(x, s.aK, kvLevels));
  const dv = v.map((x) => storedDeviation(x, s.aV, kvLevels));
  const out = new Float32Array(T * d);
  const weights = new Float32Array(T * T);
  const partial = new Float64Array(tilesPerWindow * d);
  const qp = new Float32Array(d);

  for (let i = 0; i < T; i++) {
    for (let c = 0; c < d; c++) qp[c] = queryPulse(q[i * d + c], s, qLevels);
    const lo = windowStart(i, window);

    // Stage 1: S_ij summed on the bit lines, then the charge-to-pulse HardSigmoid (or, for a
    // softmax design, an ADC and a digital softmax over scores recovered in model units).
    for (let j = lo; j <= i; j++) {
      const r = leak ** age(i - j);
      let score = 0;
      for (let c = 0; c < d; c++) score += qp[c] * read(dk[j * d + c], r);
      weights[i * T + j] = score;
    }
    if (settings.activation === 'hardsigmoid') {
      for (let j = lo; j <= i; j++) weights[i * T + j] = clamp(weights[i * T + j] / scaling.scoreSaturation, 0, 1);
    } else {
      digitalSoftmaxRow(weights, i, T, lo, h, dk, s, scaling, settings, effects);
    }

    // Stage 2: φ drives the V arrays; each sub-tile of `rows` cache slots sums in analog, is
    // clipped and quantised, and the sub-tiles add digitally.
    partial.fill(0);
    for (let j = lo; j <= i; j++) {
      const phi = weights[i * T + j];
      if (phi === 0) continue;
      const r = leak ** age(i - j);
      const slot = settings.tiling === 'absolute' ? j - lo : j % window;
      const tile = Math.floor(slot / subTile) % tilesPerWindow;
      const base = tile * d;
      for (let c = 0; c < d; c++) partial[base + c] += phi * read(dv[j * d + c], r);
    }
    for (let tile = 0; tile < tilesPerWindow; tile++) {
      for (let c = 0; c < d; c++) {
        // The sub-tile's read-out saturates at ±1 whether or not it is then quantised.
        let p = clamp(partial[tile * d + c] / scaling.outputSaturation, -1, 1);
        if (effects.outputQuantization) p = quantizeLevels(p, -1, 1, settings.levels.output);
        out[i * d + c] += p;
      }
    }
    const back = (scaling.outputSaturation / (g * s.aV)) * (settings.activation === 'hardsigmoid' ? s.outputGain : 1);
    for (let c = 0; c < d; c++) out[i * d + c] *= back;
  }
  return { out, weights };
}

/**
 * Softmax designs digitise the scores (over ±S_sat in `levels.output` levels when output
 * quantisation is on), recover q·k/√d with the linear cell model and the digitally known Σ δk, and
 * hand softmax probabilities back as pulse widths (quantised like queries).
 */
function digitalSoftmaxRow(
  weights: Float32Array,
  i: number,
  T: number,
  lo: number,
  h: HeadInput,
  dk: Float32Array,
  s: HeadScalers,
  scaling: GainCellScaling,
  settings: GainCellAttentionSettings,
  effects: GainCellEffects,
): void {
  const d = h.dim;
  const satur = scaling.scoreSaturation;
  let max = -Infinity;
  for (let j = lo; j <= i; j++) {
    let score = weights[i * T + j];
    if (effects.outputQuantization) score = quantizeLevels(score / satur, -1, 1, settings.levels.output) * satur;
    let sumDk = 0;
    for (let c = 0; c < d; c++) sumDk += dk[j * d + c];
    const qk = (score / scaling.linearGain - s.bQ * sumDk) / (s.aQ * s.aK);
    const logit = qk / Math.sqrt(d);
    weights[i * T + j] = logit;
    max = Math.max(max, logit);
  }
  softmaxRow(weights, i * T, lo, i, max);
  if (effects.inputQuantization) {
    for (let j = lo; j <= i; j++) weights[i * T + j] = quantizeLevels(weights[i * T + j], 0, 1, settings.levels.query);
  }
}

/** Replaces the logits row[base + lo … base + hi] by their softmax, given their maximum. */
function softmaxRow(row: Float32Array, base: number, lo: number, hi: number, max: number): void {
  let sum = 0;
  for (let j = lo; j <= hi; j++) {
    const e = Math.exp(row[base + j] - max);
    row[base + j] = e;
    sum += e;
  }
  for (let j = lo; j <= hi; j++) row[base + j] /= sum;
}
