/**
 * A functional run's metrics in the shape the panel's accuracy tab draws: one whole-layer row per
 * block (its output against the float softmax model), one row per matrix and for the attention,
 * and the LM head; the whole-model figures are the logits'. Pure: no `vscode`.
 */
import type { ErrorMetrics, FunctionalResult } from '../../shared/functionalResult';
import type { AccuracyMetricDef, AccuracyRowView, AccuracyView, ViewSource } from '../../shared/webviewProtocol';

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
    metrics: ACCURACY_METRICS,
    rows,
    overall: values(r.endToEnd.logitsVsSoftmaxModel),
    notes: [
      `${r.model}: ${r.blocks} block(s), ${r.tokens} tokens × ${r.samples} sample(s), seed ${r.seed}; top-${r.topK} over ${r.vocab} vocabulary rows.`,
      `Weights: ${r.weights.description}.`,
      "Layer rows compare each block's output, and the whole model its logits, with the float model using softmax attention; matrix rows compare each matrix with its float product; attention rows include the algorithm (HardSigmoid instead of softmax).",
      `The algorithm alone (float model with the hardware's attention function) accounts for a logits relative error of ${Number(algorithm.toPrecision(3))}.`,
      ...r.warnings,
    ],
  };
}
