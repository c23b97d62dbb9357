/**
 * Cost of one weight matrix on crossbar arrays for `vectors` input vectors.
 *
 * Per input cycle (one cycle, or `dac.bits` cycles when inputs are bit-serial) and per row group
 * (`weights.rows_per_read` rows at a time; one group when every row is read at once), every array
 * of the matrix: drives the group's rows, reads their cells, converts its used columns with ADCs
 * shared by `columns_per_adc` columns, and hands the digitised partial sums to the accumulators,
 * which add the partial sums of all row groups, row blocks, slices, polarities and input cycles.
 *
 * Energy follows the data: a bit-serial row draws current only on a 1 bit, a multi-bit input in
 * proportion to its level, and a cell in proportion to its programmed conductance, which the
 * mapping and the weight distribution set (`meanStoredLevel`).
 *
 * Latency: all arrays of a matrix work in parallel. An array takes, per input cycle and row
 * group, the driver time + cell read + ADC sharing (columns_per_adc conversions one after
 * another); partial sums are summed in a pipelined adder tree (one cycle per level). Vectors
 * follow each other through the arrays at one array read interval.
 */
import { adcConversionLatencyS, adcEnergyPerConversionJ } from '../components/adc';
import { addEnergyJ, meanAddWidthBits } from '../components/accumulator';
import { rowDriverEnergyJ, rowDriverLatencyS, type RowDriverKind } from '../components/rowDriver';
import { sramBufferEnergyPerByteJ } from '../components/sramBuffer';
import type { ResolvedWeights } from '../config/resolve';
import type { MatrixMapping } from '../mapping/map';
import type { MatrixOp } from '../workload/operations';
import type { TileGroup } from '../../shared/tileMap';
import { bytesOf, type CostContext } from './context';
import { cellReadEnergyJ, cellReadLatencyS } from './crossbarCell';
import { layerKey, type Ledger } from './ledger';

export interface AnalogMatrixCounts {
  readonly inputCycles: number;
  /** Row groups read one after another per input cycle. */
  readonly rowGroups: number;
  readonly dacConversions: number;
  readonly cellReads: number;
  readonly adcConversions: number;
  readonly additions: number;
}

/** Row groups of a full array: ⌈rows / rows_per_read⌉, one when every row is read at once. */
export function rowGroupsOf(g: TileGroup, rowsPerRead: number | null): number {
  return rowsPerRead === null ? 1 : Math.ceil(Math.min(g.rows, g.logicalRows) / Math.min(rowsPerRead, g.rows));
}

/** Row groups summed over the block rows: the last block row holds only the rows left over. */
function rowGroupsOverBlocks(g: TileGroup, rowsPerRead: number | null): number {
  if (rowsPerRead === null) return g.blockRows;
  const perRead = Math.min(rowsPerRead, g.rows);
  const lastRows = g.logicalRows - g.rows * (g.blockRows - 1);
  return (g.blockRows - 1) * Math.ceil(g.rows / perRead) + Math.ceil(lastRows / perRead);
}

/** Event counts per input vector (every row driven and every cell read once per input cycle). */
export function analogCounts(
  g: TileGroup,
  bitSerial: boolean,
  dacBits: number,
  rowsPerRead: number | null = null,
): AnalogMatrixCounts {
  const inputCycles = bitSerial ? dacBits : 1;
  const rowGroups = rowGroupsOf(g, rowsPerRead);
  const copies = g.slices * g.polarities;
  const refCols = g.cols - g.usableCols;
  const groups = rowGroupsOverBlocks(g, rowsPerRead);
  const rowsDriven = g.logicalRows * g.blockCols * copies;
  const colsPerBlockRow = (g.logicalCols + refCols * g.blockCols) * copies;
  const cells = (g.logicalRows * g.logicalCols + g.logicalRows * refCols * g.blockCols) * copies;
  const partialsPerOutput = groups * copies * inputCycles + (refCols > 0 ? groups : 0);
  return {
    inputCycles,
    rowGroups,
    dacConversions: rowsDriven * inputCycles,
    cellReads: cells * inputCycles,
    adcConversions: colsPerBlockRow * groups * inputCycles,
    additions: g.logicalCols * Math.max(0, partialsPerOutput - 1),
  };
}

/**
 * Mean programmed level of a cell as a fraction of the device's range, from the mapping and the
 * mean weight magnitude m = E|w| / max|w| (`weights.mean_abs_weight`):
 *   differential  one cell of a pair holds |w|, the other sits at the lowest level: m / 2; with
 *                 several slices, the top slice holds m and the lower slices uniform digits (½)
 *   offset, bit-sliced  w + max is stored, centred on mid-range: ½
 */
export function meanStoredLevel(w: ResolvedWeights, slices: number): number {
  if (w.mapping !== 'differential') return 0.5;
  const m = w.meanAbsWeight;
  return (m + 0.5 * (slices - 1)) / (2 * slices);
}

function driverKind(w: ResolvedWeights): RowDriverKind {
  return w.bitSerial ? 'bit-serial' : w.dacType;
}

/**
 * Energy a cell dissipates per read as a fraction of a full-scale input: a 1 bit (bit-serial), a
 * pulse as long as the input (PWM: ∝ E|x|), or a voltage level (V²G: ∝ E[x²], taken as 1.5625 ·
 * E|x|², the ratio for Gaussian inputs as in rowDriver.ts).
 */
function inputDrive(ctx: CostContext, w: ResolvedWeights): number {
  const s = ctx.design.inputStatistics;
  if (w.bitSerial) return s.oneBitFraction;
  return w.dacType === 'pwm' ? s.meanAbs : Math.min(1, 1.5625 * s.meanAbs * s.meanAbs);
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
  const c = analogCounts(g, w.bitSerial, w.dacBits, w.rowsPerRead);
  const layer = layerKey(op.layer, op.group);
  const v = op.vectors;
  const kind = driverKind(w);
  const driverBits = w.bitSerial ? 1 : w.dacBits;
  const driverJ = rowDriverEnergyJ(ctx.p.dac, kind, driverBits, g.cols, ctx.design.inputStatistics, ctx.nodeNm);
  ledger.add('dac', op.group, layer, v * c.dacConversions * driverJ);
  const cellJ = cellReadEnergyJ(ctx, w.device, meanStoredLevel(w, g.slices)) * inputDrive(ctx, w);
  ledger.add('crossbar', op.group, layer, v * c.cellReads * cellJ);
  ledger.add(
    'adc',
    op.group,
    layer,
    v * c.adcConversions * adcEnergyPerConversionJ(ctx.p.adc, w.adcType, w.adcBits, ctx.nodeNm),
  );
  const partialsPerOutput = c.additions / g.logicalCols + 1;
  const addWidth = meanAddWidthBits(w.adcBits, partialsPerOutput);
  ledger.add('accumulator', op.group, layer, v * c.additions * addEnergyJ(ctx.p.accumulator, ctx.nodeNm, addWidth));
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
    rowDriverLatencyS(kind, driverBits, ctx.clockHz) +
    cellReadLatencyS(ctx, w.device) +
    adcShare * adcConversionLatencyS(ctx.p.adc, w.adcType, w.adcBits, ctx.clockHz);
  const arrayReadS = c.inputCycles * c.rowGroups * cycleS;
  const treeLevels = Math.ceil(Math.log2(Math.max(1, g.blockRows * g.slices * g.polarities)));
  // The input vector is read from the activation buffer before the arrays start, and the outputs
  // written back after them, through the buffer's port; the next vector's transfer overlaps.
  const bufferS = bufferBytes / (ctx.p.sram_buffer.bytes_per_cycle * ctx.clockHz);
  const fillS = bufferS + arrayReadS + treeLevels / ctx.clockHz + 2 * distanceMm * ctx.p.interconnect.latency_per_mm_s;
  ledger.stage(op.group, { fillS, intervalS: arrayReadS }, v, parallelKey, layer);
}
