/**
 * Cost of attention (Q·Kᵀ, activation, A·V, KV write) for one layer.
 *
 * Gain-cell (Leroux et al. 2025): per query head and query, Q drives the K sub-arrays of the
 * window through pulse-width DACs; each K column integrates Q·k and the charge-to-pulse circuit
 * turns it into a pulse φ(S) that drives the V sub-array directly (no ADC); each V sub-tile output
 * is read out digitally and the sub-tiles are summed. The query heads of a GQA group share their
 * KV head's arrays and take turns; different heads and different sequences run in parallel, and
 * so do the sub-tiles of one head's window (or in rounds of `gain_cell.parallel_subtiles`).
 * Latency per query: two pulse windows (T_max each) per round of sub-tiles, plus the digital
 * read-out, whose adder tree over the sub-tiles grows by one level per doubling of the window.
 * Energies are the paper's per-unit figures carried from its 28 nm to the design node.
 * With `activation: softmax`, scores are digitised by ADCs, a digital unit computes softmax, and
 * DACs drive the probabilities into the V arrays.
 *
 * Digital: 2 · heads · keys · head_dim MACs, the KV cache read from (and the new K, V written to)
 * its storage; roofline latency.
 */
import { adcConversionLatencyS, adcEnergyPerConversionJ } from '../components/adc';
import { attentionDacEnergyPerConversionJ } from '../components/attentionDac';
import { gainCellEnergyScale, gainCellQueryLatencyS } from '../components/gainCell';
import { digitalMacEnergyJ, vectorOpEnergyJ } from '../components/digitalUnit';
import { sramBufferEnergyPerByteJ } from '../components/sramBuffer';
import type { AttentionOp } from '../workload/operations';
import type { CostContext } from './context';
import { precisionBytes } from './digitalMatrix';
import { layerKey, type Ledger } from './ledger';

/** Softmax per score: max, subtract, exp (≈ 10), sum, divide. */
const SOFTMAX_OPS_PER_SCORE = 14;
/** ADC resolution used to digitise scores for a digital softmax (aihwkit default 8-bit output preset). */
const SCORE_ADC_BITS = 8;

/** Books the layer's attention; returns its latency for the step. */
export function costGainCellAttention(ctx: CostContext, op: AttentionOp, ledger: Ledger): number {
  const a = ctx.design.attention;
  const gc = ctx.p.gain_cell;
  const layer = layerKey(op.layer);
  const keysPerQuery = op.attendedKeys / op.queries;
  // Sub-tiles: K arrays hold `cols` tokens each, V arrays `rows` tokens each.
  const kSubtiles = Math.ceil(keysPerQuery / a.cols);
  const vSubtiles = Math.ceil(keysPerQuery / a.rows);
  const macsPerStage = op.heads * op.attendedKeys * op.headDim;
  const scale = gainCellEnergyScale(gc, ctx.nodeNm);

  const queryBits = Math.log2(a.levels.query);
  const qConversions = op.heads * op.queries * op.headDim * kSubtiles;
  ledger.add(
    'attention_dac',
    'attention_scores',
    layer,
    qConversions * attentionDacEnergyPerConversionJ(ctx.p.attention_dac, queryBits, a.cols, ctx.nodeNm),
  );
  ledger.add('gain_cell', 'attention_scores', layer, macsPerStage * gc.qk_energy_per_mac_j * scale);
  ledger.add('gain_cell', 'attention_values', layer, macsPerStage * gc.av_energy_per_mac_j * scale);
  const subtileOutputs = op.heads * op.queries * op.headDim * vSubtiles;
  ledger.add('accumulator', 'attention_values', layer, subtileOutputs * gc.subtile_output_energy_j * scale);
  ledger.add(
    'gain_cell',
    'attention_values',
    layer,
    2 * op.kvHeads * op.headDim * op.kvWrites * gc.write_energy_per_cell_j * scale,
  );

  let softmaxS = 0;
  if (a.activation === 'softmax') {
    const scores = op.heads * op.attendedKeys;
    ledger.add(
      'adc',
      'attention_scores',
      layer,
      scores * adcEnergyPerConversionJ(ctx.p.adc, 'sar', SCORE_ADC_BITS, ctx.nodeNm),
    );
    ledger.add(
      'digital_unit',
      'attention_scores',
      layer,
      scores * SOFTMAX_OPS_PER_SCORE * vectorOpEnergyJ(ctx.p.digital_unit, ctx.nodeNm),
    );
    ledger.add(
      'attention_dac',
      'attention_values',
      layer,
      scores * attentionDacEnergyPerConversionJ(ctx.p.attention_dac, queryBits, a.cols, ctx.nodeNm),
    );
    const perQueryScores = op.heads * keysPerQuery;
    softmaxS =
      adcConversionLatencyS(ctx.p.adc, 'sar', SCORE_ADC_BITS, ctx.clockHz) +
      Math.ceil((perQueryScores * SOFTMAX_OPS_PER_SCORE) / ctx.p.digital_unit.vector_lanes) / ctx.clockHz;
  }

  // Sequences have their own arrays, so a step's queries run in parallel; a GQA group takes turns.
  const turns = (op.heads / op.kvHeads) * (op.queries / ctx.design.workload.batch);
  const q = gainCellQueryLatencyS(gc, Math.max(kSubtiles, vSubtiles), ctx.clockHz);
  const scoresS = turns * (q.scoresS + softmaxS);
  const valuesS = turns * q.valuesS;
  return (
    ledger.stage('attention_scores', { fillS: scoresS, intervalS: 0 }, op.queries, undefined, layerKey(op.layer)) +
    ledger.stage('attention_values', { fillS: valuesS, intervalS: 0 }, op.queries, undefined, layerKey(op.layer))
  );
}

export function costDigitalAttention(ctx: CostContext, op: AttentionOp, ledger: Ledger): number {
  const { precision, kvStorage } = ctx.design.digital;
  const layer = layerKey(op.layer);
  const macsPerStage = op.heads * op.attendedKeys * op.headDim;
  const macE = digitalMacEnergyJ(ctx.p.digital_unit, precision, ctx.nodeNm);
  ledger.add('digital_unit', 'attention_scores', layer, macsPerStage * macE);
  ledger.add('digital_unit', 'attention_values', layer, macsPerStage * macE);
  const scores = op.heads * op.attendedKeys;
  ledger.add(
    'digital_unit',
    'attention_scores',
    layer,
    scores * SOFTMAX_OPS_PER_SCORE * vectorOpEnergyJ(ctx.p.digital_unit, ctx.nodeNm),
  );

  // Decode: the query heads of a GQA group share one read of their KV head's window. Prefill is
  // tiled (FlashAttention-style), so K and V of the prompt are read about once per layer.
  const bytes = precisionBytes(precision);
  const keysRead = ctx.design.workload.mode === 'decode' ? op.attendedKeys : op.kvWrites;
  const readBytesPerStage = op.kvHeads * keysRead * op.headDim * bytes;
  const writeBytes = 2 * op.kvHeads * op.headDim * op.kvWrites * bytes;
  let transferS: number;
  if (kvStorage === 'dram') {
    const e = ctx.p.dram.energy_per_byte_j;
    ledger.add('dram', 'attention_scores', layer, readBytesPerStage * e);
    ledger.add('dram', 'attention_values', layer, (readBytesPerStage + writeBytes) * e);
    transferS = (2 * readBytesPerStage + writeBytes) / ctx.p.dram.bandwidth_bytes_per_s;
  } else {
    const e = sramBufferEnergyPerByteJ(ctx.p.sram_buffer, ctx.nodeNm);
    ledger.add('sram_buffer', 'attention_scores', layer, readBytesPerStage * e);
    ledger.add('sram_buffer', 'attention_values', layer, (readBytesPerStage + writeBytes) * e);
    transferS = (2 * readBytesPerStage + writeBytes) / (ctx.p.sram_buffer.bytes_per_cycle * ctx.clockHz);
  }
  const computeS =
    (2 * macsPerStage) / (ctx.p.digital_unit.mac_units * ctx.clockHz) +
    Math.ceil((scores * SOFTMAX_OPS_PER_SCORE) / ctx.p.digital_unit.vector_lanes) / ctx.clockHz;
  return ledger.stage(
    'attention_scores',
    { fillS: Math.max(computeS, transferS), intervalS: 0 },
    op.queries,
    undefined,
    layerKey(op.layer),
  );
}
