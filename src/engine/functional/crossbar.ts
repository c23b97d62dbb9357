/**
 * A weight matrix on noisy crossbar tiles: programming (device model, faults, drift) once, then
 * y = W x (GEMV) and Y = X W (GEMM over tokens), computed as the hardware does:
 *
 *   digital   per-token input scaling by its abs-max (aihwkit NoiseManagementType.ABS_MAX),
 *             applied once per matrix
 *   per array DAC → analog partial sum over the array's rows → output noise → ADC
 *             (tileGemmReference.ts, one call per tile row block, slice, polarity and input cycle)
 *   digital   reference-column subtraction, drift-compensation gain, slice and input-cycle shifts,
 *             accumulation over tiles, rescaling, bias
 *
 * Cell values handed to the arrays are conductances in units of one level step Δg = (g_max −
 * g_min)/cellMaxCode, so an ideal cell holds its code plus g_min/Δg. Inputs are in DAC full-scale
 * units (±1). The ADC bound and the output noise are given in aihwkit's units — one full-range cell
 * driven at full-scale input — which is cellMaxCode here.
 */
import type { ResolvedWeights } from '../config/resolve';
import { createDevice } from '../devices/index';
import { irDropCorrection } from '../devices/irDrop';
import { applyStuckAt } from '../devices/stuckAt';
import type { DeviceModel } from '../devices/types';
import { checkStop } from './cancel';
import {
  cellCoder,
  needsIntegerCodes,
  quantizeWeights,
  referenceCode,
  sliceShift,
  weightEncoding,
  type WeightEncoding,
} from './weightEncoding';
import { Rng } from './rng';
import type { NonidealitySettings } from './settings';
import {
  adcQuantize,
  dacQuantizeAll,
  jsTileGemmBackend,
  quantizerLevels,
  quantizerStep,
  type ProgrammedTiles,
  type QuantizerSpec,
  type TileConversions,
  type TileGemmBackend,
} from './tileGemmReference';

/** The weight settings of one matrix: the resolved config's, less where it runs. */
export type CrossbarSettings = Omit<ResolvedWeights, 'implementation'>;

export interface CrossbarInput {
  /** Weights, `inFeatures × outFeatures` row-major ('in-out', as Y = X W) or transposed ('out-in', as y = W x). */
  readonly weights: Float32Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly layout?: 'in-out' | 'out-in';
  /** Added digitally after recombination. */
  readonly bias?: Float32Array | null;
  readonly settings: CrossbarSettings;
  readonly nonidealities: NonidealitySettings;
  readonly seed: number;
  /** Names this matrix's random streams, e.g. "3/q_proj"; distinct labels draw independently. */
  readonly label: string;
  readonly backend?: TileGemmBackend;
  readonly shouldStop?: () => boolean;
}

export interface CrossbarStats {
  readonly arrays: number;
  readonly cells: number;
  readonly stuckOn: number;
  readonly stuckOff: number;
  /** Mean drift-compensation gain over arrays (1 when off). */
  readonly meanCompensation: number;
  /** Settings the hardware cannot take as given (e.g. 1-bit converters), and what was used. */
  readonly warnings: readonly string[];
}

export interface ProgrammedCrossbar {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly encoding: WeightEncoding;
  readonly stats: CrossbarStats;
  /** Y (tokens × outFeatures) for X (tokens × inFeatures), both row-major. */
  gemm(x: Float32Array, tokens: number): Float32Array;
  gemv(x: Float32Array): Float32Array;
  dispose(): void;
}

/** The weight codes of one matrix and the encoding that spreads each code over cells. */
interface QuantizedMatrix {
  readonly encoding: WeightEncoding;
  /** Weight codes, `inFeatures × outFeatures` row-major, within ±encoding.maxCode. */
  readonly codes: Float64Array;
  /** The |weight| that maps to encoding.maxCode. */
  readonly wMax: number;
}

/** The device model that programs a matrix's cells, and the conductance of one code step. */
interface ConductanceScale {
  readonly device: DeviceModel;
  readonly gMinUs: number;
  /** Δg = (g_max − g_min)/cellMaxCode, in µS. */
  readonly levelStepUs: number;
}

/** Where one physical array sits: its block of the weight matrix and the (slice, polarity) it holds. */
interface ArrayPlacement {
  readonly rowStart: number;
  readonly rows: number;
  readonly colStart: number;
  readonly cols: number;
  readonly slice: number;
  /** 0 for G⁺ (or the only polarity), 1 for G⁻. */
  readonly polarity: number;
  /** Data columns, then the reference column when the encoding has one. */
  readonly width: number;
}

/** One array's cells read back: as programmed (the drift-compensation reference) and at inference. */
interface CellReadout {
  readonly programmedUs: Float32Array;
  readonly nowUs: Float32Array;
  readonly stuckOn: number;
  readonly stuckOff: number;
}

/** One array's cells in level-step units, with the column statistics the calibrated ADC range uses. */
interface CellLevels {
  readonly cells: Float32Array;
  readonly colSum: Float64Array;
  readonly colSumSq: Float64Array;
  readonly maxCell: number;
}

interface TileRecord {
  readonly rowStart: number;
  readonly rows: number;
  readonly colStart: number;
  readonly cols: number;
  readonly slice: number;
  /** +1 for G⁺ (or the only polarity), −1 for G⁻. */
  readonly sign: number;
  /** Data columns, then the reference column when the encoding has one. */
  readonly width: number;
  readonly hasReference: boolean;
  readonly programmed: ProgrammedTiles;
  /** Kept only for IR drop, which needs every cell. */
  readonly cells: Float32Array | null;
  readonly gain: number;
  readonly colSum: Float64Array;
  readonly colSumSq: Float64Array;
  /** Largest |partial sum| the array can produce for inputs within ±1. */
  readonly fullScale: number;
}

/** Every programmed array of a matrix, in tile order, with the totals its stats report. */
interface ProgrammedArrays {
  readonly tiles: TileRecord[];
  readonly stuckOn: number;
  readonly stuckOff: number;
  /** Sum of the arrays' drift-compensation gains. */
  readonly gainSum: number;
}

/** Converter and noise settings of every multiply, fixed when the matrix is programmed. */
interface ReadoutSettings {
  readonly dacBits: number;
  readonly adcBits: number;
  readonly adcLevels: number;
  readonly dacQuantized: boolean;
  /** Output noise σ in partial-sum units (0 when off). */
  readonly noiseSigma: number;
  /** Wire resistance times one level step, for the IR-drop correction. */
  readonly wireTimesUnit: number;
  /** IR drop or per-ADC ranges: the kernel returns raw partial sums and conversion is done here. */
  readonly needsPost: boolean;
  /** From weight codes back to weights. */
  readonly outScale: number;
  readonly warnings: string[];
}

/** What a multiply reads: the programmed arrays and the settings fixed when they were programmed. */
interface MultiplyContext {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly settings: CrossbarSettings;
  readonly nonidealities: NonidealitySettings;
  readonly encoding: WeightEncoding;
  readonly readout: ReadoutSettings;
  readonly tiles: readonly TileRecord[];
  readonly bias: Float32Array | null;
  readonly shouldStop?: () => boolean;
  /** The output-noise stream of the next kernel call: one per call, numbered over the matrix's life. */
  nextNormals(): Rng;
}

/** One input cycle: values fed to the rows, and the digital weight of its outputs. */
interface Phase {
  readonly x: Float32Array;
  readonly shift: number;
  readonly dac: QuantizerSpec | null;
}

/** The inputs of one tile row block for one phase, and their moments (for calibrated ADC ranges). */
interface RowBlockInput {
  readonly rowStart: number;
  /** tokens × rows, as fed to the kernel. */
  readonly x: Float32Array;
  /** The same after the DAC, as the host-side IR-drop correction sees them. */
  readonly xq: Float32Array;
  readonly mu: number;
  readonly variance: number;
}

/** Work per kernel call, so that a stop request is seen within a few milliseconds. */
const MACS_PER_CALL = 1 << 22;
/** Cells programmed between stop polls. */
const CELLS_PER_POLL = 1 << 15;

/** 'out-in' weights (y = W x) to the 'in-out' layout the arrays hold (Y = X W). */
function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

/** Mean |value|, the statistic of aihwkit's global drift compensation. */
function meanAbs(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.abs(values[i]);
  return values.length ? s / values.length : 0;
}

/** Smallest bound ≥ fullScale whose step is a power of two: integer sums then convert exactly. */
function fullScaleBound(fullScale: number, levels: number): number {
  const needed = Math.max(fullScale, 1e-30) / levels;
  return levels * 2 ** Math.ceil(Math.log2(needed));
}

/**
 * Programs one weight matrix onto crossbar arrays and returns its GEMM/GEMV. Programming runs once:
 * quantise (quantizeMatrix) → device and code step (conductanceScale) → per array: conductance
 * targets, programming with faults and drift, drift compensation, packing (programArrays) →
 * converter settings (readoutSettings). Each multiply then runs multiplyCrossbar.
 */
export function programCrossbar(input: CrossbarInput): ProgrammedCrossbar {
  const { settings, nonidealities, inFeatures: K, outFeatures: N } = input;
  const backend = input.backend ?? jsTileGemmBackend;
  if (input.weights.length !== K * N)
    throw new RangeError(`weights hold ${input.weights.length} values, expected ${K} × ${N}`);
  const weights = input.layout === 'out-in' ? transpose(input.weights, N, K) : input.weights;

  const quantized = quantizeMatrix(weights, settings, nonidealities);
  const scale = conductanceScale(settings, nonidealities, quantized.encoding);
  const arrays = programArrays(input, quantized, scale, backend);
  const readout = readoutSettings(settings, nonidealities, quantized, scale.levelStepUs);

  let call = 0;
  const context: MultiplyContext = {
    inFeatures: K,
    outFeatures: N,
    settings,
    nonidealities,
    encoding: quantized.encoding,
    readout,
    tiles: arrays.tiles,
    bias: input.bias ?? null,
    shouldStop: input.shouldStop,
    nextNormals: () => Rng.derive(input.seed, `${input.label}/out/${call++}`),
  };
  const gemm = (x: Float32Array, tokens: number): Float32Array => multiplyCrossbar(context, x, tokens);

  return {
    inFeatures: K,
    outFeatures: N,
    encoding: quantized.encoding,
    stats: crossbarStats(arrays, readout.warnings),
    gemm,
    gemv: (x) => gemm(x, 1),
    dispose() {
      for (const t of arrays.tiles) t.programmed.dispose();
      arrays.tiles.length = 0;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Programming: weights → codes → conductance targets → programmed, drifted cells → packed tiles.
// ---------------------------------------------------------------------------------------------

/**
 * Quantises the weights to weight codes. The encoding is chosen first because it decides whether
 * the codes must be integers even with weight quantisation off (any slicing needs integer codes).
 */
function quantizeMatrix(weights: Float32Array, settings: CrossbarSettings, n: NonidealitySettings): QuantizedMatrix {
  const encoding = weightEncoding(settings.mapping, settings.weightBits, settings.bitsPerCell);
  const roundCodes = n.weightQuantization || needsIntegerCodes(encoding);
  const { codes, wMax } = quantizeWeights(weights, encoding.maxCode, roundCodes);
  return { encoding, codes, wMax };
}

/**
 * Builds the device model and the conductance of one code step. Separate because the device's
 * level count depends on the encoding: a cell is programmed only to the codes the encoding uses,
 * and cannot hold more than 2^bits_per_cell levels.
 */
function conductanceScale(
  settings: CrossbarSettings,
  n: NonidealitySettings,
  encoding: WeightEncoding,
): ConductanceScale {
  const effects = { programmingNoise: n.programmingNoise, drift: n.drift, readNoise: n.readNoise };
  const device: DeviceModel = createDevice(
    settings.device,
    n.devices,
    { bitsPerCell: settings.bitsPerCell, cellMaxCode: encoding.cellMaxCode },
    effects,
  );
  const gMinUs = device.gMinUs;
  return { device, gMinUs, levelStepUs: (device.gMaxUs - gMinUs) / encoding.cellMaxCode };
}

/**
 * Walks the physical arrays in tile order (row block, column block, slice, polarity) and programs
 * each. The order fixes the kernel-call order of every multiply, and each array's random streams
 * are named by its place, so results do not depend on how many arrays came before.
 */
function programArrays(
  input: CrossbarInput,
  quantized: QuantizedMatrix,
  scale: ConductanceScale,
  backend: TileGemmBackend,
): ProgrammedArrays {
  const { settings, nonidealities: n, inFeatures: K, outFeatures: N } = input;
  const { encoding } = quantized;
  // Reference columns take one column of each array (cost model: usable = cols − 1).
  const dataCols = Math.max(1, settings.cols - (encoding.referenceColumn ? 1 : 0));
  const tiles: TileRecord[] = [];
  let stuckOn = 0;
  let stuckOff = 0;
  let gainSum = 0;
  for (let rowStart = 0; rowStart < K; rowStart += settings.rows) {
    const rows = Math.min(settings.rows, K - rowStart);
    for (let colStart = 0; colStart < N; colStart += dataCols) {
      checkStop(input.shouldStop);
      const cols = Math.min(dataCols, N - colStart);
      for (let slice = 0; slice < encoding.slices; slice++) {
        for (let polarity = 0; polarity < encoding.polarities; polarity++) {
          const place: ArrayPlacement = {
            rowStart,
            rows,
            colStart,
            cols,
            slice,
            polarity,
            width: cols + (encoding.referenceColumn ? 1 : 0),
          };
          const target = conductanceTargets(quantized, N, place, scale);
          const tag = `${input.label}/${rowStart}/${colStart}/${slice}/${polarity}`;
          const readout = programCells(scale, target, place.width, n, input.seed, tag, input.shouldStop);
          stuckOn += readout.stuckOn;
          stuckOff += readout.stuckOff;
          const gain = driftCompensationGain(readout, n.driftCompensation, scale.levelStepUs);
          gainSum += gain;
          const levels = cellLevels(readout.nowUs, rows, place.width, scale.levelStepUs);
          tiles.push(packTile(place, encoding, levels, gain, backend, settings.cols, n.irDrop.enabled));
        }
      }
    }
  }
  return { tiles, stuckOn, stuckOff, gainSum };
}

/**
 * The conductance each cell of one array is programmed to: g_min plus its cell code (for this
 * slice and polarity) in level steps, and the reference column's code where the encoding has one.
 */
function conductanceTargets(
  quantized: QuantizedMatrix,
  outFeatures: number,
  place: ArrayPlacement,
  scale: ConductanceScale,
): Float32Array {
  const { rowStart, rows, colStart, cols, slice, polarity, width } = place;
  const { encoding, codes } = quantized;
  const { gMinUs, levelStepUs } = scale;
  const target = new Float32Array(rows * width);
  const ref = referenceCode(encoding, slice);
  const codeOf = cellCoder(encoding, slice, polarity);
  for (let i = 0; i < rows; i++) {
    const src = (rowStart + i) * outFeatures + colStart;
    const dst = i * width;
    for (let j = 0; j < cols; j++) target[dst + j] = gMinUs + codeOf(codes[src + j]) * levelStepUs;
    if (ref !== null) target[dst + cols] = gMinUs + ref * levelStepUs;
  }
  return target;
}

/**
 * Programs one array's cells and reads them back twice — right after programming (the reference of
 * drift compensation) and at the inference time — with stuck-at faults on both reads. Cells go in
 * row chunks between stop polls; each random stream continues across chunks, so the result does
 * not depend on the chunk size.
 */
function programCells(
  scale: ConductanceScale,
  target: Float32Array,
  width: number,
  n: NonidealitySettings,
  seed: number,
  tag: string,
  shouldStop: (() => boolean) | undefined,
): CellReadout {
  const { device, gMinUs } = scale;
  const programmedUs = new Float32Array(target.length);
  const nowUs = new Float32Array(target.length);
  const rngProgram = Rng.derive(seed, `${tag}/program`);
  const rngRead = Rng.derive(seed, `${tag}/read`);
  const rngStuckRef = Rng.derive(seed, `${tag}/stuck`);
  const rngStuck = Rng.derive(seed, `${tag}/stuck`);
  let stuckOn = 0;
  let stuckOff = 0;
  const cellsPerChunk = width * Math.max(1, Math.floor(CELLS_PER_POLL / width));
  for (let i0 = 0; i0 < target.length; i0 += cellsPerChunk) {
    checkStop(shouldStop);
    const part = target.subarray(i0, Math.min(target.length, i0 + cellsPerChunk));
    const programmed = device.program(part, rngProgram);
    const now = device.readAt(part, programmed, n.tInferenceS, rngRead);
    // The same stream twice: the same cells are stuck in the reference read and at inference.
    applyStuckAt(programmed, gMinUs, device.gMaxUs, n.stuckAt, rngStuckRef);
    const stuck = applyStuckAt(now, gMinUs, device.gMaxUs, n.stuckAt, rngStuck);
    stuckOn += stuck.stuckOn;
    stuckOff += stuck.stuckOff;
    programmedUs.set(programmed, i0);
    nowUs.set(now, i0);
  }
  return { programmedUs, nowUs, stuckOn, stuckOff };
}

/**
 * aihwkit GlobalDriftCompensation: mean |read-out| after programming over mean |read-out| now, one
 * digital gain per array that undoes the average conductance drift (1 when off).
 */
function driftCompensationGain(readout: CellReadout, enabled: boolean, levelStepUs: number): number {
  const nowMean = meanAbs(readout.nowUs);
  return enabled && nowMean > 0 ? meanAbs(readout.programmedUs) / Math.max(nowMean, 1e-4 * levelStepUs) : 1;
}

/**
 * The cells as the arrays compute with them, in level-step units (see the header), with per-column
 * sums and sums of squares for the calibrated ADC range and the largest cell for the full-scale one.
 */
function cellLevels(nowUs: Float32Array, rows: number, width: number, levelStepUs: number): CellLevels {
  const cells = new Float32Array(rows * width);
  const colSum = new Float64Array(width);
  const colSumSq = new Float64Array(width);
  let maxCell = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) {
      const v = nowUs[i * width + j] / levelStepUs;
      cells[i * width + j] = v;
      colSum[j] += v;
      colSumSq[j] += v * v;
      if (Math.abs(v) > maxCell) maxCell = Math.abs(v);
    }
  }
  return { cells, colSum, colSumSq, maxCell };
}

/**
 * Hands one array's cells to the backend, which packs them as it multiplies (once, as a crossbar is
 * written once), and keeps what the digital side needs per array: place, sign, gain, statistics,
 * and the cells themselves only when IR drop must be corrected.
 */
function packTile(
  place: ArrayPlacement,
  encoding: WeightEncoding,
  levels: CellLevels,
  gain: number,
  backend: TileGemmBackend,
  tileCols: number,
  keepCells: boolean,
): TileRecord {
  const { rowStart, rows, colStart, cols, slice, polarity, width } = place;
  return {
    rowStart,
    rows,
    colStart,
    cols,
    slice,
    sign: polarity === 0 ? 1 : -1,
    width,
    hasReference: referenceCode(encoding, slice) !== null,
    programmed: backend.program(levels.cells, rows, width, { tileRows: rows, tileCols }),
    cells: keepCells ? levels.cells : null,
    gain,
    colSum: levels.colSum,
    colSumSq: levels.colSumSq,
    fullScale: rows * levels.maxCell,
  };
}

/**
 * The converter and noise settings of every multiply. The contract's quantisers need at least
 * 2 bits (one level each side of zero); narrower settings are raised, with a warning.
 */
function readoutSettings(
  settings: CrossbarSettings,
  n: NonidealitySettings,
  quantized: QuantizedMatrix,
  levelStepUs: number,
): ReadoutSettings {
  const warnings: string[] = [];
  const dacBits = Math.max(2, settings.dacBits);
  const adcBits = Math.max(2, settings.adcBits);
  if (settings.dacBits < 2) warnings.push(`dac.bits ${settings.dacBits} simulated as 2 (one level each side of zero)`);
  if (settings.adcBits < 2) warnings.push(`adc.bits ${settings.adcBits} simulated as 2 (one level each side of zero)`);
  return {
    dacBits,
    adcBits,
    adcLevels: quantizerLevels(adcBits),
    dacQuantized: settings.bitSerial || n.dacQuantization,
    noiseSigma: n.outputNoise.enabled ? n.outputNoise.sigma * quantized.encoding.cellMaxCode : 0,
    wireTimesUnit: n.irDrop.wireResistanceOhm * levelStepUs * 1e-6,
    needsPost: n.irDrop.enabled || (n.adc.quantization && n.adc.range === 'calibrated'),
    outScale: quantized.wMax / quantized.encoding.maxCode,
    warnings,
  };
}

/** What the run reports per matrix: array and cell counts, faults, mean compensation, warnings. */
function crossbarStats(arrays: ProgrammedArrays, warnings: readonly string[]): CrossbarStats {
  const { tiles } = arrays;
  return {
    arrays: tiles.length,
    cells: tiles.reduce((a, t) => a + t.rows * t.width, 0),
    stuckOn: arrays.stuckOn,
    stuckOff: arrays.stuckOff,
    meanCompensation: tiles.length ? arrays.gainSum / tiles.length : 1,
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Multiplying: scale tokens → input phases → per tile: kernel call, host-side conversion,
// digital recombination → rescale and bias.
// ---------------------------------------------------------------------------------------------

/** Y = X W over the programmed arrays, as the header describes. */
function multiplyCrossbar(context: MultiplyContext, x: Float32Array, tokens: number): Float32Array {
  const { inFeatures: K, outFeatures: N } = context;
  if (x.length !== tokens * K) throw new RangeError(`x holds ${x.length} values, expected ${tokens} × ${K}`);
  const { tokenScale, xn } = normalizeTokens(x, tokens, K);
  const acc = new Float64Array(tokens * N);
  for (const phase of inputPhases(xn, context.settings.bitSerial, context.readout))
    accumulatePhase(context, phase, tokens, acc);
  return rescaleOutputs(acc, tokenScale, context.readout.outScale, context.bias, tokens, N);
}

/**
 * Per-token input scaling by its abs-max (aihwkit NoiseManagementType.ABS_MAX), so that every token
 * uses the DAC's full range. An all-zero token is not sent to the arrays: its output is the bias
 * alone, without read noise.
 */
function normalizeTokens(x: Float32Array, tokens: number, K: number): { tokenScale: Float64Array; xn: Float32Array } {
  const tokenScale = new Float64Array(tokens);
  const xn = new Float32Array(x.length);
  for (let t = 0; t < tokens; t++) {
    let absMax = 0;
    for (let k = 0; k < K; k++) absMax = Math.max(absMax, Math.abs(x[t * K + k]));
    tokenScale[t] = absMax;
    if (absMax > 0) for (let k = 0; k < K; k++) xn[t * K + k] = x[t * K + k] / absMax;
  }
  return { tokenScale, xn };
}

/**
 * The input cycles of one multiply: one cycle through the DAC, or, bit-serial, the two's-complement
 * bit planes of the DAC code, one 0/1 plane per cycle (NeuroSim 1-bit drivers), each with its
 * digital weight.
 */
function inputPhases(xn: Float32Array, bitSerial: boolean, readout: ReadoutSettings): Phase[] {
  const { dacBits } = readout;
  if (!bitSerial) {
    return [{ x: xn, shift: 1, dac: readout.dacQuantized ? { bits: dacBits, bound: 1 } : null }];
  }
  const dacLevels = quantizerLevels(dacBits);
  const xq = dacQuantizeAll(xn, { bits: dacBits, bound: 1 });
  const phases: Phase[] = [];
  for (let p = 0; p < dacBits; p++) {
    const plane = new Float32Array(xn.length);
    for (let i = 0; i < xn.length; i++) {
      const code = Math.round(xq[i] * dacLevels);
      const unsigned = code < 0 ? code + 2 ** dacBits : code;
      plane[i] = Math.floor(unsigned / 2 ** p) & 1;
    }
    const planeWeight = p === dacBits - 1 ? -(2 ** p) : 2 ** p;
    phases.push({ x: plane, shift: planeWeight / dacLevels, dac: null });
  }
  return phases;
}

/** One input cycle through every array, in tile order; arrays of one row block share their inputs. */
function accumulatePhase(context: MultiplyContext, phase: Phase, tokens: number, acc: Float64Array): void {
  let block: RowBlockInput | null = null;
  for (const tile of context.tiles) {
    if (block === null || tile.rowStart !== block.rowStart) {
      block = rowBlockInput(phase, tile.rowStart, tile.rows, tokens, context.inFeatures, context.readout.needsPost);
    }
    multiplyTile(context, tile, block, phase, tokens, acc);
  }
}

/**
 * Cuts one row block's inputs out of the phase, and their mean and variance after the DAC, which
 * set the calibrated ADC ranges. The DAC is applied here only for host-side IR drop; otherwise the
 * kernel applies it.
 */
function rowBlockInput(
  phase: Phase,
  rowStart: number,
  rows: number,
  tokens: number,
  K: number,
  needsPost: boolean,
): RowBlockInput {
  const x = new Float32Array(tokens * rows);
  for (let r = 0; r < tokens; r++) x.set(phase.x.subarray(r * K + rowStart, r * K + rowStart + rows), r * rows);
  const xq = needsPost && phase.dac ? dacQuantizeAll(x, phase.dac) : x;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < xq.length; i++) {
    sum += xq[i];
    sumSq += xq[i] * xq[i];
  }
  const mu = sum / xq.length;
  const variance = Math.max(0, sumSq / xq.length - mu * mu);
  return { rowStart, x, xq, mu, variance };
}

/** The ADC range of an array; for `calibrated`, the ceiling of its per-ADC ranges. */
function tileAdcBound(
  tile: TileRecord,
  adc: NonidealitySettings['adc'],
  cellMaxCode: number,
  adcLevels: number,
): number {
  return adc.range === 'fixed' ? adc.bound * cellMaxCode : fullScaleBound(tile.fullScale, adcLevels);
}

/**
 * Calibrated ADC ranges: each ADC spans boundSigmas standard deviations of the largest expected
 * output among its columns, at most the array's bound.
 */
function calibratedAdcBounds(
  tile: TileRecord,
  block: RowBlockInput,
  bound: number,
  noiseSigma: number,
  boundSigmas: number,
  columnsPerAdc: number,
): Float64Array {
  const groupBounds = new Float64Array(Math.ceil(tile.width / columnsPerAdc));
  for (let j = 0; j < tile.width; j++) {
    const expected = block.variance * tile.colSumSq[j] + (block.mu * tile.colSum[j]) ** 2 + noiseSigma ** 2;
    const g = Math.floor(j / columnsPerAdc);
    groupBounds[g] = Math.max(groupBounds[g], boundSigmas * Math.sqrt(expected));
  }
  for (let g = 0; g < groupBounds.length; g++) groupBounds[g] = Math.min(Math.max(groupBounds[g], 1e-12), bound);
  return groupBounds;
}

/**
 * One array's products for one phase, in kernel calls of at most MACS_PER_CALL each, converted
 * and added into `acc` with the array's digital weight (polarity, slice shift, phase shift, drift
 * compensation).
 */
function multiplyTile(
  context: MultiplyContext,
  tile: TileRecord,
  block: RowBlockInput,
  phase: Phase,
  tokens: number,
  acc: Float64Array,
): void {
  const { nonidealities: n, readout, settings } = context;
  const bound = tileAdcBound(tile, n.adc, context.encoding.cellMaxCode, readout.adcLevels);
  const adcOn = n.adc.quantization;
  const groupBounds =
    adcOn && n.adc.range === 'calibrated'
      ? calibratedAdcBounds(tile, block, bound, readout.noiseSigma, n.adc.boundSigmas, settings.columnsPerAdc)
      : null;
  const tokensPerCall = Math.max(1, Math.floor(MACS_PER_CALL / Math.max(1, tile.rows * tile.width)));
  for (let t0 = 0; t0 < tokens; t0 += tokensPerCall) {
    checkStop(context.shouldStop);
    const count = Math.min(tokensPerCall, tokens - t0);
    const xs = block.x.subarray(t0 * tile.rows, (t0 + count) * tile.rows);
    const normals = context.nextNormals();
    const conversions: TileConversions = readout.needsPost
      ? { inputDac: phase.dac, outputAdc: null, outputNoise: null }
      : {
          inputDac: phase.dac,
          outputAdc: adcOn ? { bits: readout.adcBits, bound } : null,
          outputNoise: adcOn && readout.noiseSigma > 0 ? { sigma: readout.noiseSigma / bound, normals } : null,
        };
    const y = tile.programmed.multiply(xs, count, conversions);
    if (readout.needsPost) {
      convertOnHost(
        y,
        tile,
        block.xq.subarray(t0 * tile.rows, (t0 + count) * tile.rows),
        count,
        context,
        normals,
        bound,
        groupBounds,
      );
    } else if (!adcOn && readout.noiseSigma > 0) {
      // Without an ADC, noise before or after conversion is the same sum.
      addOutputNoise(y, readout.noiseSigma, normals);
    }
    const tileWeight = tile.sign * sliceShift(context.encoding, tile.slice) * phase.shift * tile.gain;
    accumulateTileOutputs(acc, y, tile, tileWeight, t0, count, context.outFeatures);
  }
}

/**
 * What the kernel cannot do, done on its raw partial sums: subtract the IR drop (which needs every
 * cell and input), add output noise, and digitise with per-ADC ranges.
 */
function convertOnHost(
  y: Float32Array,
  tile: TileRecord,
  xq: Float32Array,
  count: number,
  context: MultiplyContext,
  normals: Rng,
  bound: number,
  groupBounds: Float64Array | null,
): void {
  const { readout, settings } = context;
  if (tile.cells) {
    const drop = irDropCorrection(xq, count, tile.cells, tile.rows, tile.width, readout.wireTimesUnit);
    for (let i = 0; i < y.length; i++) y[i] -= drop[i];
  }
  if (readout.noiseSigma > 0) addOutputNoise(y, readout.noiseSigma, normals);
  if (context.nonidealities.adc.quantization) {
    for (let i = 0; i < y.length; i++) {
      const b = groupBounds ? groupBounds[Math.floor((i % tile.width) / settings.columnsPerAdc)] : bound;
      y[i] = adcQuantize(y[i], readout.adcLevels, quantizerStep({ bits: readout.adcBits, bound: b }));
    }
  }
}

/** Additive Gaussian output noise, from the call's own stream (see MultiplyContext.nextNormals). */
function addOutputNoise(y: Float32Array, sigma: number, normals: Rng): void {
  for (let i = 0; i < y.length; i++) y[i] += sigma * normals.normal();
}

/** Digital recombination: subtract the reference column, weight, and add into the array's output columns. */
function accumulateTileOutputs(
  acc: Float64Array,
  y: Float32Array,
  tile: TileRecord,
  tileWeight: number,
  t0: number,
  count: number,
  N: number,
): void {
  for (let r = 0; r < count; r++) {
    const row = r * tile.width;
    const refValue = tile.hasReference ? y[row + tile.cols] : 0;
    const dst = (t0 + r) * N + tile.colStart;
    for (let j = 0; j < tile.cols; j++) acc[dst + j] += tileWeight * (y[row + j] - refValue);
  }
}

/** Undoes the per-token input scaling and the weight-code scale, and adds the bias. */
function rescaleOutputs(
  acc: Float64Array,
  tokenScale: Float64Array,
  outScale: number,
  bias: Float32Array | null,
  tokens: number,
  N: number,
): Float32Array {
  const out = new Float32Array(tokens * N);
  for (let t = 0; t < tokens; t++) {
    const f = tokenScale[t] * outScale;
    for (let j = 0; j < N; j++) out[t * N + j] = acc[t * N + j] * f + (bias ? bias[j] : 0);
  }
  return out;
}
