/**
 * Training and evaluation of a GPT-2 model on token sequences: AdamW (Loshchilov & Hutter, ICLR
 * 2019) with linear warmup then cosine decay of the learning rate, global gradient-norm clipping,
 * and optional weight noise in the forward pass. Deterministic: the same weights, options and
 * batches give the same result.
 */
import type { ModelShape } from '../../shared/modelShape';
import type { ModelWeights } from '../functional/weights';
import { syntheticWeights } from '../functional/weights';
import { Rng } from '../functional/rng';
import type { AttentionOp } from './attentionOp';
import { softmaxAttentionOp } from './attentionOp';
import { backward, forward } from './gpt2Network';
import type { WeightNoiseHook } from './gpt2Network';
import { gpt2Layout, gpt2Views, modelWeightsToParams, paramsToModelWeights } from './gpt2Params';
import type { Gpt2Layout, Gpt2Params } from './gpt2Params';

export interface TrainerOptions {
  /** Starting weights (a checkpoint, or `initialGpt2Weights`); copied, never modified. */
  readonly weights: ModelWeights;
  readonly shape: ModelShape;
  /** Attention of every head; default causal softmax over the whole context. */
  readonly attention?: AttentionOp;
  /** Peak learning rate. */
  readonly lr: number;
  /** Learning rate at the end of the cosine; default lr/10 (Chinchilla, Hoffmann et al. 2022). */
  readonly minLr?: number;
  /** Steps of linear warmup from 0; default 0. */
  readonly warmupSteps?: number;
  /** Steps of the whole schedule (cosine end); default: constant lr after warmup. */
  readonly totalSteps?: number;
  /** AdamW decoupled weight decay on matrices and embeddings; default 0.1 (GPT-3, Brown et al. 2020). */
  readonly weightDecay?: number;
  /** Adam β₁, β₂, ε; defaults 0.9, 0.95 (GPT-3), 1e-8 (Kingma & Ba 2015). */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** Clip the global gradient norm to this; default 1 (GPT-3); Infinity to turn off. */
  readonly clipNorm?: number;
  /** Perturbs weight matrices in each forward pass (see `gaussianWeightNoise`). */
  readonly weightNoise?: WeightNoiseHook;
}

export interface Trainer {
  readonly shape: ModelShape;
  /** Parameters (trainable floats). */
  readonly parameterCount: number;
  /** Steps taken so far. */
  readonly stepCount: number;
  /** Global gradient norm of the last step, before clipping. */
  readonly lastGradNorm: number;
  /**
   * One optimiser step on a batch of sequences of equal length L + 1 (L ≤ context): inputs are
   * the first L tokens, targets the next ones. Returns the batch's mean cross-entropy in nats per
   * token, measured before the update.
   */
  step(batchTokenIds: readonly Int32Array[]): number;
  /** Learning rate of a step (0-based) under the schedule. */
  learningRate(step: number): number;
  /** The current weights, as the functional simulator reads them (a copy). */
  weights(): ModelWeights;
  /** The current parameters in the Hugging Face GPT-2 layout (live view; do not modify). */
  params(): Gpt2Params;
}

/** Linear warmup to lr, then cosine decay to minLr at totalSteps (constant lr without totalSteps). */
export function scheduledLearningRate(
  step: number,
  o: { lr: number; minLr?: number; warmupSteps?: number; totalSteps?: number },
): number {
  const warmup = o.warmupSteps ?? 0;
  if (step < warmup) return (o.lr * (step + 1)) / warmup;
  if (o.totalSteps === undefined) return o.lr;
  const minLr = o.minLr ?? o.lr / 10;
  const progress = Math.min(1, (step - warmup) / Math.max(1, o.totalSteps - warmup));
  return minLr + 0.5 * (o.lr - minLr) * (1 + Math.cos(Math.PI * progress));
}

export function createTrainer(o: TrainerOptions): Trainer {
  const layout = gpt2Layout(o.shape);
  const params = modelWeightsToParams(o.weights, layout);
  const grads = gpt2Views(layout);
  const m = new Float32Array(layout.size);
  const v = new Float32Array(layout.size);
  const decay = decayMask(layout);
  const attention = o.attention ?? softmaxAttentionOp(o.shape.context);
  const beta1 = o.beta1 ?? 0.9;
  const beta2 = o.beta2 ?? 0.95;
  const eps = o.eps ?? 1e-8;
  const weightDecay = o.weightDecay ?? 0.1;
  const clipNorm = o.clipNorm ?? 1;
  let steps = 0;
  let lastGradNorm = 0;

  const trainer: Trainer = {
    shape: o.shape,
    parameterCount: layout.size,
    get stepCount() {
      return steps;
    },
    get lastGradNorm() {
      return lastGradNorm;
    },
    learningRate: (step) => scheduledLearningRate(step, o),
    step(batch) {
      grads.data.fill(0);
      const result = forward(params, o.shape, batch, { attention, weightNoise: o.weightNoise, keepCache: true });
      if (!Number.isFinite(result.loss)) throw new Error(`loss is ${result.loss} at step ${steps}`);
      backward(params, o.shape, result.cache!, grads);
      const g = grads.data;
      let sq = 0;
      for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
      lastGradNorm = Math.sqrt(sq);
      const clip = lastGradNorm > clipNorm ? clipNorm / lastGradNorm : 1;
      const lr = scheduledLearningRate(steps, o);
      steps++;
      const c1 = 1 / (1 - beta1 ** steps);
      const c2 = 1 / (1 - beta2 ** steps);
      const p = params.data;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] * clip;
        const mi = beta1 * m[i] + (1 - beta1) * gi;
        const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        let pi = p[i];
        if (decay[i]) pi -= lr * weightDecay * pi;
        p[i] = pi - (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
      }
      return result.loss;
    },
    weights: () => paramsToModelWeights(params, o.shape, `trained for ${steps} steps`),
    params: () => params,
  };
  return trainer;
}

function decayMask(layout: Gpt2Layout): Uint8Array {
  const mask = new Uint8Array(layout.size);
  for (const t of layout.tensors) if (t.decay) mask.fill(1, t.offset, t.offset + t.size);
  return mask;
}

export interface EvaluationResult {
  /** Mean cross-entropy of the next token, nats per token. */
  readonly nll: number;
  /** exp(nll): perplexity per token. */
  readonly perplexity: number;
  /** Predicted tokens counted. */
  readonly tokens: number;
}

/**
 * Mean next-token cross-entropy of the model over sequences (each of length ≤ context + 1; every
 * token after the first is predicted from those before it in its sequence). Sequences of equal
 * length are evaluated together in batches of up to `batch`.
 */
export function evaluate(
  weights: ModelWeights,
  shape: ModelShape,
  attention: AttentionOp,
  sequences: readonly Int32Array[],
  batch = 8,
): EvaluationResult {
  const params = modelWeightsToParams(weights, gpt2Layout(shape));
  return evaluateParams(params, shape, attention, sequences, batch);
}

/** `evaluate` on parameters in the training layout (no conversion). */
export function evaluateParams(
  params: Gpt2Params,
  shape: ModelShape,
  attention: AttentionOp,
  sequences: readonly Int32Array[],
  batch = 8,
): EvaluationResult {
  const byLength = new Map<number, Int32Array[]>();
  for (const s of sequences) {
    if (s.length < 2) continue;
    const list = byLength.get(s.length) ?? [];
    list.push(s);
    byLength.set(s.length, list);
  }
  let nllSum = 0;
  let tokens = 0;
  for (const list of byLength.values()) {
    for (let i = 0; i < list.length; i += batch) {
      const r = forward(params, shape, list.slice(i, i + batch), { attention, keepCache: false });
      nllSum += r.nllSum;
      tokens += r.predictions;
    }
  }
  if (tokens === 0) throw new RangeError('no sequence has a token to predict');
  const nll = nllSum / tokens;
  return { nll, perplexity: Math.exp(nll), tokens };
}

/**
 * Non-overlapping windows of `length` tokens over a token stream, for `evaluate`: each window
 * predicts its tokens after the first from context inside the window only. The tail shorter than
 * `length` forms a last, shorter window.
 */
export function evaluationWindows(ids: Int32Array, length: number): Int32Array[] {
  const out: Int32Array[] = [];
  // Windows overlap by one token so that every token after the first is predicted exactly once.
  for (let start = 0; start + 1 < ids.length; start += length - 1) {
    out.push(ids.slice(start, Math.min(ids.length, start + length)));
  }
  return out;
}

/**
 * Gaussian weight noise for hardware-aware training (as in aihwkit's noisy forward pass): each
 * listed matrix is used as W + N(0, (relativeStd · max|W|)²) in every forward pass, fresh noise
 * each time, drawn from a seeded generator. `matrices` filters the Hugging Face tensor names (all
 * weight matrices including the tied LM head by default).
 */
export function gaussianWeightNoise(
  relativeStd: number,
  seed: number,
  matrices: (name: string) => boolean = () => true,
): WeightNoiseHook {
  const rng = Rng.derive(seed, 'train/weight-noise');
  return (name, w) => {
    if (!matrices(name) || relativeStd === 0) return w;
    let max = 0;
    for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]));
    const std = relativeStd * max;
    const out = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) out[i] = w[i] + std * rng.normal();
    return out;
  };
}

/**
 * Fresh GPT-2 weights: Hugging Face's initialisation (functional/weights.ts `syntheticWeights`:
 * N(0, 0.02²), residual projections 0.02/√(2·n_layer), zero biases, unit gains), with every
 * context row of the positions.
 */
export function initialGpt2Weights(shape: ModelShape, seed: number): ModelWeights {
  return syntheticWeights(shape, shape.layers, shape.vocab, seed, shape.context);
}
