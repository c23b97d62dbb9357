/**
 * Cost of one weight matrix on crossbar arrays for `vectors` input vectors.
 *
 * Per input cycle (one cycle, or dac bits cycles when inputs are bit-serial), every array of
 * the matrix: drives its used rows through DACs, reads its used cells, converts its used columns
 * with ADCs shared by `columns_per_adc` columns, and hands the digitised partial sums to the
 * accumulators, which add the partial sums of all row blocks, slices, polarities and input cycles.
 *
 * Latency: all arrays of a matrix work in parallel. An array takes one input cycle per
 * DAC settle + cell read + ADC sharing (columns_per_adc conversions one after another); partial
 * sums are summed in a pipelined adder tree (one cycle per level). Vectors follow each other
 * through the arrays at one array read interval.
 */
import { adcConversionLatencyS, adcEnergyPerConversionJ } from '../components/adc';
import { addEnergyJ } from '../components/accumulator';
import { dacEnergyPerConversionJ, dacLatencyS } from '../components/dac';
import { sramBufferEnergyPerByteJ } from '../components/sramBuffer';
import type { MatrixMapping } from '../mapping/map';
import type { MatrixOp } from '../workload/operations';
import type { TileGroup } from '../../shared/tileMap';
import { bytesOf, type CostContext } from './context';
import { cellReadEnergyJ, cellReadLatencyS } from './crossbarCell';
import { layerKey, type Ledger } from './ledger';

export interface AnalogMatrixCounts {
  readonly inputCycles: number;
  readonly dacConversions: number;
  readonly cellReads: number;
  readonly adcConversions: number;
  readonly additions: number;
}

/** Event counts per input vector. */
export function analogCounts(g: TileGroup, bitSerial: boolean, dacBits: number): AnalogMatrixCounts {
  const inputCycles = bitSerial ? dacBits : 1;
  const copies = g.slices * g.polarities;
  const refCols = g.cols - g.usableCols;
  const rowsDriven = g.logicalRows * g.blockCols * copies;
  const colsActive = (g.logicalCols + refCols * g.blockCols) * g.blockRows * copies;
  const cells = (g.logicalRows * g.logicalCols + g.logicalRows * refCols * g.blockCols) * copies;
  const partialsPerOutput = g.blockRows * copies * inputCycles + (refCols > 0 ? g.blockRows : 0);
  return {
    inputCycles,
    dacConversions: rowsDriven * inputCycles,
    cellReads: cells * inputCycles,
    adcConversions: colsActive * inputCycles,
    additions: g.logicalCols * Math.max(0, partialsPerOutput - 1),
  };
}

export function costAnalogMatrix(
  ctx: CostContext,
  op: MatrixOp,
  m: MatrixMapping,
  g: TileGroup,
  distanceMm: number,
  ledger: Ledger,
  parallelKey?: string,
): void {
  const w = m.weights;
  const c = analogCounts(g, w.bitSerial, w.dacBits);
  const layer = layerKey(op.layer, op.group);
  const v = op.vectors;
  const driverBits = w.bitSerial ? 1 : w.dacBits;

  ledger.add('dac', op.group, layer, v * c.dacConversions * dacEnergyPerConversionJ(ctx.p.dac, driverBits, g.cols));
  ledger.add('crossbar', op.group, layer, v * c.cellReads * cellReadEnergyJ(ctx, w.device));
  ledger.add('adc', op.group, layer, v * c.adcConversions * adcEnergyPerConversionJ(ctx.p.adc, w.adcBits, ctx.nodeNm));
  ledger.add('accumulator', op.group, layer, v * c.additions * addEnergyJ(ctx.p.accumulator, ctx.nodeNm));

  // Inputs are read from and outputs written to the activation buffer (FP16 outputs).
  const bufferBytes = op.inFeatures * bytesOf(w.dacBits) + op.outFeatures * 2;
  ledger.add('sram_buffer', op.group, layer, v * bufferBytes * sramBufferEnergyPerByteJ(ctx.p.sram_buffer, ctx.nodeNm));

  // Inputs travel once along a broadcast bus spanning the matrix's footprint (side = 2 × distance).
  // ADC codes are summed next to their arrays: the cluster of one column block (row blocks ×
  // slices × polarities arrays) holds its accumulator, so codes cross half that cluster's side.
  // The finished FP16 outputs then cross the footprint to the output buffer.
  const sideMm = 2 * distanceMm;
  const clusterArrays = g.blockRows * g.slices * g.polarities;
  const clusterHalfSideMm = sideMm * 0.5 * Math.sqrt(clusterArrays / g.arrayCount);
  const bitMm =
    op.inFeatures * w.dacBits * sideMm +
    (c.adcConversions / c.inputCycles) * w.adcBits * clusterHalfSideMm +
    op.outFeatures * 16 * distanceMm;
  ledger.add('interconnect', op.group, layer, v * bitMm * ctx.p.interconnect.energy_per_bit_mm_j);

  const adcShare = Math.min(w.columnsPerAdc, g.cols);
  const cycleS =
    dacLatencyS(ctx.p.dac, ctx.clockHz) +
    cellReadLatencyS(ctx, w.device) +
    adcShare * adcConversionLatencyS(ctx.p.adc, w.adcBits, ctx.clockHz);
  const arrayReadS = c.inputCycles * cycleS;
  const treeLevels = Math.ceil(Math.log2(Math.max(1, g.blockRows * g.slices * g.polarities)));
  const fillS = arrayReadS + treeLevels / ctx.clockHz + 2 * distanceMm * ctx.p.interconnect.latency_per_mm_s;
  ledger.stage(op.group, { fillS, intervalS: arrayReadS }, v, parallelKey, layer);
}
