/**
 * A functional run's metrics in the shape the panel's accuracy tab draws: the models' next-token
 * figures (the task table), then, as diagnostics of the first Monte-Carlo run, one whole-layer row
 * per block (its output against the float softmax model), one row per matrix and for the
 * attention, and the LM head; the whole-model figures are the logits'. Pure: no `vscode`.
 */
import type {
  ErrorMetrics,
  FunctionalResult,
  Interval,
  NextTokenFigures,
  TaskMetrics,
} from '../../shared/functionalResult';
import type {
  AccuracyMetricDef,
  AccuracyRowView,
  AccuracyView,
  TaskFigureView,
  TaskFiguresView,
  TaskView,
  ViewSource,
} from '../../shared/webviewProtocol';

export const ACCURACY_METRICS: readonly AccuracyMetricDef[] = [
  { key: 'relativeError', label: 'Relative error', unit: '', better: 'lower' },
  { key: 'snrDb', label: 'SNR', unit: 'dB', better: 'higher' },
  { key: 'cosineSimilarity', label: 'Cosine similarity', unit: '', better: 'higher' },
  { key: 'topKAgreement', label: 'Top-k agreement', unit: '%', better: 'higher' },
];

function values(m: ErrorMetrics): Record<string, number | null> {
  return {
    relativeError: m.relativeError,
    // An exact match has infinite SNR, which neither a chart nor JSON can hold.
    snrDb: Number.isFinite(m.snrDb) ? m.snrDb : null,
    cosineSimilarity: m.cosineSimilarity,
    topKAgreement: m.topKAgreement === null ? null : 100 * m.topKAgreement,
  };
}

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** A float model's figure: one value, no interval. Non-finite (a broken run) becomes null. */
function single(v: number | null): TaskFigureView | null {
  const mean = finiteOrNull(v);
  return mean === null ? null : { mean, low: null, high: null };
}

/** The analog runs' mean and interval; a single run has no interval. */
function interval(i: Interval): TaskFigureView | null {
  const mean = finiteOrNull(i.mean);
  if (mean === null) return null;
  const low = finiteOrNull(i.low);
  const high = finiteOrNull(i.high);
  return i.n >= 2 && low !== null && high !== null ? { mean, low, high } : { mean, low: null, high: null };
}

function floatFigures(f: NextTokenFigures): TaskFiguresView {
  return {
    perplexity: single(f.perplexity),
    bitsPerToken: single(f.bitsPerToken),
    top1Accuracy: single(f.top1Accuracy),
    agreement: single(f.agreement),
    kl: single(f.kl),
  };
}

export function taskView(task: TaskMetrics, tInferenceS: number): TaskView {
  const a = task.analog;
  return {
    text: task.text,
    tokens: task.floatSoftmax.tokens,
    runs: a.runs.length,
    tInferenceS,
    floatSoftmax: floatFigures(task.floatSoftmax),
    floatAlgorithm: task.floatAlgorithm ? floatFigures(task.floatAlgorithm) : null,
    analog: {
      perplexity: interval(a.perplexity),
      bitsPerToken: interval(a.bitsPerToken),
      top1Accuracy: interval(a.top1Accuracy),
      agreement: interval(a.agreement),
      kl: interval(a.kl),
    },
    runPerplexity: a.runs.map((r) => finiteOrNull(r.perplexity)),
  };
}

export function accuracyView(r: FunctionalResult, name: string, source?: ViewSource): AccuracyView {
  const rows: AccuracyRowView[] = [];
  for (const l of r.layers) {
    const layer = String(l.layer);
    rows.push({ layer, matrix: null, values: values(l.output.vsSoftmaxModel) });
    for (const m of l.matrices) rows.push({ layer, matrix: m.matrix, values: values(m.metrics) });
    if (l.attention) rows.push({ layer, matrix: 'attention', values: values(l.attention.total) });
  }
  rows.push({ layer: 'lm_head', matrix: null, values: values(r.lmHead.metrics) });
  const algorithm = r.endToEnd.algorithmLogits.relativeError;
  return {
    name,
    ...(source ? { source } : {}),
    task: taskView(r.task, r.tInferenceS),
    metrics: ACCURACY_METRICS,
    rows,
    overall: values(r.endToEnd.logitsVsSoftmaxModel),
    notes: [
      `${r.model}: ${r.blocks} block(s), ${r.tokens} tokens × ${r.samples} sample(s), seed ${r.seed}, ${r.seeds} Monte-Carlo run(s); top-${r.topK} over ${r.vocab} vocabulary rows.`,
      `Weights: ${r.weights.description}.`,
      'Layer and matrix figures are those of the first Monte-Carlo run.',
      "Layer rows compare each block's output, and the whole model its logits, with the float model using softmax attention; matrix rows compare each matrix with its float product; attention rows include the algorithm (HardSigmoid instead of softmax).",
      `The algorithm alone (float model with the hardware's attention function) accounts for a logits relative error of ${Number(algorithm.toPrecision(3))}.`,
      ...r.warnings,
    ],
  };
}
