/**
 * Differentiable HardSigmoid and gain-cell attention for fine-tuning a model to the hardware
 * (Leroux et al., Nature Computational Science 5, 813–824, 2025: the model is adapted to the
 * gain-cell attention it will run on). The forward passes compute what the functional simulator's
 * `hardSigmoidAttention` and `gainCellAttention` compute (functional/gainCellAttention.ts), in the
 * same arithmetic order; the backward passes give
 *
 *   exact gradients  where the function is differentiable: the score and output sums, the cubic
 *                    read model (dS/dδ = r·(a₁ + 2a₂x + 3a₃x²), x = δ·r), the divisions by S_sat
 *                    and by a_v, the output gain;
 *   zero             through a clip outside its range (the query pulse clip to [0, 1], the stored
 *                    K, V clip to [0, 0.9 V], φ = clip(S/S_sat, 0, 1), the sub-tile read-out clip
 *                    to [−1, 1]), as a real HardSigmoid's gradient is;
 *   identity         through the quantisers (query pulse widths, stored K and V, sub-tile outputs):
 *                    the straight-through estimator (Bengio, Léonard & Courville 2013, arXiv:1308.3432),
 *                    a surrogate, since a rounding has zero gradient almost everywhere; the
 *                    authors' code does the same (model_gpt.py, quantization_custom's backward);
 *   a constant       for the leakage: a value written `age` steps ago is read through
 *                    r = exp(−λ)^age, a fixed multiplier.
 *
 * Per-head scalers (a_q, b_q, a_k, a_v, output gain c) live in a `HeadScalerParameters` table that
 * the ops read on every forward and into which their backward passes add gradients. The table
 * trains its own columns (a_q, a_k, a_v, c by default; b_q stays at its calibrated 0.5) with Adam
 * on their logarithms, so that they stay positive and move by relative steps whatever their size.
 *
 * An adapted checkpoint carries the scalers as one float32 tensor per layer,
 * `transformer.h.{l}.attn.aimc_scalers`, shape [heads, 5], columns a_q, b_q, a_k, a_v, c.
 */
import {
  GAIN_CELL_K_OFFSET,
  GAIN_CELL_KV_MAX,
  GAIN_CELL_POLYNOMIAL,
  GAIN_CELL_Q_MAX,
  leakageAge,
  quantizeLevels,
  windowStart,
  type GainCellAttentionSettings,
  type GainCellEffects,
  type GainCellScaling,
  type HeadScalers,
} from '../functional/gainCellAttention';
import type { AttentionOp, AttentionOpInput, AttentionOpOutput } from './attentionOp';
import { SCALER_COLUMNS, type ScalerName } from '../functional/headScalers';

const COLS = SCALER_COLUMNS.length;

export {
  SCALER_COLUMNS,
  scalersFromTensor,
  scalersToTensor,
  scalerTensorName,
  type ScalerName,
} from '../functional/headScalers';

export interface ScalerAdamOptions {
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/**
 * The per-(layer, head) scalers, their gradients (summed over backward passes until `zeroGrad`)
 * and their Adam state. `trainable` names the columns `step` moves.
 */
export class HeadScalerParameters {
  readonly values: Float64Array;
  readonly grads: Float64Array;
  private readonly set_: Uint8Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private steps = 0;

  constructor(
    readonly layers: number,
    readonly heads: number,
    readonly trainable: readonly ScalerName[] = ['aQ', 'aK', 'aV', 'outputGain'],
  ) {
    const n = layers * heads * COLS;
    this.values = new Float64Array(n);
    this.grads = new Float64Array(n);
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
    this.set_ = new Uint8Array(layers * heads);
  }

  private index(layer: number, head: number): number {
    if (layer < 0 || layer >= this.layers || head < 0 || head >= this.heads)
      throw new RangeError(`no scalers for layer ${layer}, head ${head} (${this.layers} × ${this.heads})`);
    return layer * this.heads + head;
  }

  has(layer: number, head: number): boolean {
    return this.set_[this.index(layer, head)] === 1;
  }

  get(layer: number, head: number): HeadScalers {
    const i = this.index(layer, head);
    if (!this.set_[i]) throw new Error(`the scalers of layer ${layer}, head ${head} are not set: calibrate first`);
    const o = i * COLS;
    const v = this.values;
    return { aQ: v[o], bQ: v[o + 1], aK: v[o + 2], aV: v[o + 3], outputGain: v[o + 4] };
  }

  set(layer: number, head: number, s: HeadScalers): void {
    const i = this.index(layer, head);
    SCALER_COLUMNS.forEach((name, c) => (this.values[i * COLS + c] = s[name]));
    this.set_[i] = 1;
  }

  /** Adds d(loss)/d(scaler) of one head (a_q, b_q, a_k, a_v, c order). */
  accumulate(layer: number, head: number, grad: readonly number[]): void {
    const o = this.index(layer, head) * COLS;
    for (let c = 0; c < COLS; c++) this.grads[o + c] += grad[c];
  }

  gradient(layer: number, head: number): HeadScalers {
    const o = this.index(layer, head) * COLS;
    const g = this.grads;
    return { aQ: g[o], bQ: g[o + 1], aK: g[o + 2], aV: g[o + 3], outputGain: g[o + 4] };
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  /** One layer's heads, for `scalersToTensor`. */
  layer(layer: number): HeadScalers[] {
    return Array.from({ length: this.heads }, (_, h) => this.get(layer, h));
  }

  /**
   * One Adam step (Kingma & Ba 2015, defaults β₁ 0.9, β₂ 0.999, ε 1e-8) on log s of each trainable
   * column: d(loss)/d(log s) = s · d(loss)/ds, and s ← s·exp(−step).
   */
  step(o: ScalerAdamOptions): void {
    const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = o;
    this.steps++;
    const c1 = 1 - beta1 ** this.steps;
    const c2 = 1 - beta2 ** this.steps;
    const cols = this.trainable.map((n) => SCALER_COLUMNS.indexOf(n));
    for (let i = 0; i < this.layers * this.heads; i++) {
      if (!this.set_[i]) continue;
      for (const c of cols) {
        const k = i * COLS + c;
        const g = this.values[k] * this.grads[k];
        this.m[k] = beta1 * this.m[k] + (1 - beta1) * g;
        this.v[k] = beta2 * this.v[k] + (1 - beta2) * g * g;
        this.values[k] *= Math.exp((-lr * (this.m[k] / c1)) / (Math.sqrt(this.v[k] / c2) + eps));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/** The stored deviation of each value, and whether its clip was inactive (the gradient's mask). */
function storedDeviations(
  x: Float32Array,
  a: number,
  kvLevels: number | null,
): { readonly delta: Float32Array; readonly pass: Uint8Array } {
  const delta = new Float32Array(x.length);
  const pass = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const raw = a * x[i] + GAIN_CELL_K_OFFSET;
    const stored = clamp(raw, 0, GAIN_CELL_KV_MAX);
    delta[i] = (kvLevels ? quantizeLevels(stored, 0, GAIN_CELL_KV_MAX, kvLevels) : stored) - GAIN_CELL_K_OFFSET;
    pass[i] = raw > 0 && raw < GAIN_CELL_KV_MAX ? 1 : 0;
  }
  return { delta, pass };
}

/** Query pulse widths and their clip masks. */
function queryPulses(
  x: Float32Array,
  s: HeadScalers,
  qLevels: number | null,
): { readonly pulse: Float32Array; readonly pass: Uint8Array } {
  const pulse = new Float32Array(x.length);
  const pass = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const raw = s.aQ * x[i] + s.bQ;
    const p = clamp(raw, 0, GAIN_CELL_Q_MAX);
    pulse[i] = qLevels ? quantizeLevels(p, 0, GAIN_CELL_Q_MAX, qLevels) : p;
    pass[i] = raw > 0 && raw < GAIN_CELL_Q_MAX ? 1 : 0;
  }
  return { pulse, pass };
}

/**
 * Gradients of q, k, v and of the scalers from those of the pulses and stored deviations, through
 * the clips (zero outside) and the quantisers (straight through), plus the explicit 1/a_v and c
 * terms of the output: `outputDot` is Σ dOut·out (`dotOut`).
 */
function throughInputs(
  x: AttentionOpInput,
  s: HeadScalers,
  q: { readonly pass: Uint8Array; readonly grad: Float64Array },
  k: { readonly pass: Uint8Array; readonly grad: Float64Array },
  v: { readonly pass: Uint8Array; readonly grad: Float64Array },
  outputDot: number,
): { dq: Float32Array; dk: Float32Array; dv: Float32Array; scalers: number[] } {
  const n = x.tokens * x.dim;
  const dq = new Float32Array(n);
  const dk = new Float32Array(n);
  const dv = new Float32Array(n);
  let aQ = 0;
  let bQ = 0;
  let aK = 0;
  let aV = 0;
  for (let i = 0; i < n; i++) {
    if (q.pass[i]) {
      dq[i] = q.grad[i] * s.aQ;
      aQ += q.grad[i] * x.q[i];
      bQ += q.grad[i];
    }
    if (k.pass[i]) {
      dk[i] = k.grad[i] * s.aK;
      aK += k.grad[i] * x.k[i];
    }
    if (v.pass[i]) {
      dv[i] = v.grad[i] * s.aV;
      aV += v.grad[i] * x.v[i];
    }
  }
  return { dq, dk, dv, scalers: [aQ, bQ, aK, aV - outputDot / s.aV, outputDot / s.outputGain] };
}

function checkInput(x: AttentionOpInput): void {
  const n = x.tokens * x.dim;
  if (x.q.length !== n || x.k.length !== n || x.v.length !== n)
    throw new RangeError(`attention input: q, k, v must each hold tokens × dim = ${n} values`);
}

/** Σ dOut·out: the gradient of a factor that multiplies the whole output, times that factor. */
function dotOut(dOut: Float32Array, out: Float32Array): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += dOut[i] * out[i];
  return s;
}

// ---------------------------------------------------------------------------------------------
// Float HardSigmoid attention

export interface HardSigmoidOpOptions {
  readonly scalers: HeadScalerParameters;
  readonly window: number;
  readonly scaling: GainCellScaling;
}

/**
 * Float HardSigmoid attention (`hardSigmoidAttention`): q' = clip(a_q q + b_q, 0, 1),
 * δk, δv = clip(a k + K_off, 0, 0.9) − K_off, φ = clip(g q'·δk / S_sat, 0, 1), y = c Σ φ δv / a_v.
 */
export function hardSigmoidAttentionOp(o: HardSigmoidOpOptions): AttentionOp {
  const { scalers, window, scaling } = o;
  const g = scaling.linearGain;
  return {
    forward(x, layer, head): AttentionOpOutput {
      checkInput(x);
      const s = scalers.get(layer, head);
      const { tokens: T, dim: d } = x;
      const qp = queryPulses(x.q, s, null);
      const kd = storedDeviations(x.k, s.aK, null);
      const vd = storedDeviations(x.v, s.aV, null);
      const out = new Float32Array(T * d);
      const phi = new Float64Array(T * T);
      const row = new Float64Array(d);
      for (let i = 0; i < T; i++) {
        row.fill(0);
        for (let j = windowStart(i, window); j <= i; j++) {
          let score = 0;
          for (let c = 0; c < d; c++) score += qp.pulse[i * d + c] * kd.delta[j * d + c];
          const p = clamp((g * score) / scaling.scoreSaturation, 0, 1);
          phi[i * T + j] = p;
          for (let c = 0; c < d; c++) row[c] += p * vd.delta[j * d + c];
        }
        for (let c = 0; c < d; c++) out[i * d + c] = (row[c] * s.outputGain) / s.aV;
      }
      return {
        out,
        backward(dOut) {
          const gOut = s.outputGain / s.aV;
          const dqp = new Float64Array(T * d);
          const ddk = new Float64Array(T * d);
          const ddv = new Float64Array(T * d);
          const dScore = g / scaling.scoreSaturation;
          for (let i = 0; i < T; i++) {
            for (let j = windowStart(i, window); j <= i; j++) {
              const p = phi[i * T + j];
              let dphi = 0;
              for (let c = 0; c < d; c++) {
                const dy = dOut[i * d + c] * gOut;
                dphi += dy * vd.delta[j * d + c];
                ddv[j * d + c] += dy * p;
              }
              if (p <= 0 || p >= 1) continue;
              const ds = dphi * dScore;
              for (let c = 0; c < d; c++) {
                dqp[i * d + c] += ds * kd.delta[j * d + c];
                ddk[j * d + c] += ds * qp.pulse[i * d + c];
              }
            }
          }
          const r = throughInputs(
            x,
            s,
            { pass: qp.pass, grad: dqp },
            { pass: kd.pass, grad: ddk },
            { pass: vd.pass, grad: ddv },
            dotOut(dOut, out),
          );
          scalers.accumulate(layer, head, r.scalers);
          return { dq: r.dq, dk: r.dk, dv: r.dv };
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Gain-cell (hardware) attention

export interface GainCellOpOptions {
  readonly scalers: HeadScalerParameters;
  readonly settings: GainCellAttentionSettings;
  readonly effects: GainCellEffects;
  readonly scaling: GainCellScaling;
}

/**
 * Gain-cell attention as the hardware computes it (`gainCellAttention`, HardSigmoid designs):
 * quantised query pulses and stored K, V, the fitted cubic read model, leakage per token step,
 * sub-tiles of φ·V whose outputs are clipped to [−1, 1] and quantised, summed digitally.
 */
export function gainCellAttentionOp(o: GainCellOpOptions): AttentionOp {
  const { scalers, settings, effects, scaling } = o;
  if (settings.activation !== 'hardsigmoid')
    throw new Error('gainCellAttentionOp computes HardSigmoid designs; a softmax design needs no adaptation');
  const window = settings.window;
  const qLevels = effects.inputQuantization ? settings.levels.query : null;
  const kvLevels = effects.kvQuantization ? settings.levels.kv : null;
  const outLevels = effects.outputQuantization ? settings.levels.output : null;
  const cubic = effects.nonlinearity && settings.nonlinearity === 'leroux-cubic';
  const g = scaling.linearGain;
  const [a0, a1, a2, a3] = GAIN_CELL_POLYNOMIAL;
  // The read current per unit input and its slope in the stored deviation, after leakage r.
  const read = cubic
    ? (delta: number, r: number) => {
        const x = delta * r;
        return a0 + x * (a1 + x * (a2 + x * a3));
      }
    : (delta: number, r: number) => g * delta * r;
  const slope = cubic
    ? (delta: number, r: number) => {
        const x = delta * r;
        return r * (a1 + x * (2 * a2 + x * 3 * a3));
      }
    : (_delta: number, r: number) => g * r;
  const leak = effects.decay ? Math.exp(-settings.decayPerStep) : 1;
  const age = leakageAge(settings);
  const subTile = Math.max(1, settings.rows);
  const sSat = scaling.scoreSaturation;
  const oSat = scaling.outputSaturation;

  return {
    forward(x, layer, head): AttentionOpOutput {
      checkInput(x);
      const s = scalers.get(layer, head);
      const { tokens: T, dim: d } = x;
      const tiles = Math.ceil(Math.min(window, T) / subTile);
      const tileOf = (i: number, j: number) => {
        const slot = settings.tiling === 'absolute' ? j - windowStart(i, window) : j % window;
        return Math.floor(slot / subTile) % tiles;
      };
      const decay = Float64Array.from({ length: Math.min(window, T) }, (_, steps) => leak ** age(steps));
      const qp = queryPulses(x.q, s, qLevels);
      const kd = storedDeviations(x.k, s.aK, kvLevels);
      const vd = storedDeviations(x.v, s.aV, kvLevels);
      const out = new Float32Array(T * d);
      // φ as the simulator keeps it (float32), and which sub-tile read-outs were inside ±1.
      const phi = new Float32Array(T * T);
      const tilePass = new Uint8Array(T * tiles * d);
      const partial = new Float64Array(tiles * d);
      const back = (oSat / (g * s.aV)) * s.outputGain;

      for (let i = 0; i < T; i++) {
        const lo = windowStart(i, window);
        for (let j = lo; j <= i; j++) {
          const r = decay[i - j];
          let score = 0;
          for (let c = 0; c < d; c++) score += qp.pulse[i * d + c] * read(kd.delta[j * d + c], r);
          phi[i * T + j] = score;
        }
        for (let j = lo; j <= i; j++) phi[i * T + j] = clamp(phi[i * T + j] / sSat, 0, 1);
        partial.fill(0);
        for (let j = lo; j <= i; j++) {
          const p = phi[i * T + j];
          if (p === 0) continue;
          const r = decay[i - j];
          const base = tileOf(i, j) * d;
          for (let c = 0; c < d; c++) partial[base + c] += p * read(vd.delta[j * d + c], r);
        }
        for (let t = 0; t < tiles; t++) {
          for (let c = 0; c < d; c++) {
            const u = partial[t * d + c] / oSat;
            let p = clamp(u, -1, 1);
            tilePass[(i * tiles + t) * d + c] = u > -1 && u < 1 ? 1 : 0;
            if (outLevels) p = quantizeLevels(p, -1, 1, outLevels);
            out[i * d + c] += p;
          }
        }
        for (let c = 0; c < d; c++) out[i * d + c] *= back;
      }

      return {
        out,
        backward(dOut) {
          const dqp = new Float64Array(T * d);
          const ddk = new Float64Array(T * d);
          const ddv = new Float64Array(T * d);
          const dPartial = new Float64Array(tiles * d);
          for (let i = 0; i < T; i++) {
            for (let t = 0; t < tiles; t++)
              for (let c = 0; c < d; c++)
                dPartial[t * d + c] = tilePass[(i * tiles + t) * d + c] ? (dOut[i * d + c] * back) / oSat : 0;
            for (let j = windowStart(i, window); j <= i; j++) {
              const p = phi[i * T + j];
              if (p === 0) continue;
              const r = decay[i - j];
              const base = tileOf(i, j) * d;
              let dphi = 0;
              for (let c = 0; c < d; c++) {
                const dp = dPartial[base + c];
                if (dp === 0) continue;
                const dv = vd.delta[j * d + c];
                dphi += dp * read(dv, r);
                ddv[j * d + c] += dp * p * slope(dv, r);
              }
              if (p >= 1) continue;
              const dScore = dphi / sSat;
              for (let c = 0; c < d; c++) {
                const dk = kd.delta[j * d + c];
                dqp[i * d + c] += dScore * read(dk, r);
                ddk[j * d + c] += dScore * qp.pulse[i * d + c] * slope(dk, r);
              }
            }
          }
          const r = throughInputs(
            x,
            s,
            { pass: qp.pass, grad: dqp },
            { pass: kd.pass, grad: ddk },
            { pass: vd.pass, grad: ddv },
            dotOut(dOut, out),
          );
          scalers.accumulate(layer, head, r.scalers);
          return { dq: r.dq, dk: r.dk, dv: r.dv };
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Recording

/** An op that passes every call to `inner` and hands each (layer, head)'s input to `record`. */
export function recordingOp(
  inner: AttentionOp,
  record: (x: AttentionOpInput, layer: number, head: number) => void,
): AttentionOp {
  return {
    forward(x, layer, head) {
      record(x, layer, head);
      return inner.forward(x, layer, head);
    },
  };
}
