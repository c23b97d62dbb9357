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
  ProgrammedConductanceCache,
  type CrossbarCache,
  type ProgrammedConductances,
  type ProgrammingKey,
} from './crossbarCache';
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

export { createCrossbarCache, type CrossbarCache } from './crossbarCache';

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
  /**
   * Programmed conductances kept across calls (createCrossbarCache): a matrix programmed before
   * with the same weights array, settings, programming non-idealities, seed and label is not
   * programmed again; only what acts later (drift, read noise, faults, compensation) is redone.
   */
  readonly cache?: CrossbarCache;
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
  /** Whether the codes were rounded to integers. */
  readonly integerCodes: boolean;
  /** Integer codes as code + maxCode, two bytes each (null for real codes or over 16 bits). */
  readonly codeIndex: Uint16Array | null;
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
  /** Right after programming, before stuck-at faults: what a cache keeps. */
  readonly programmedRawUs: Float32Array;
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
  /** Mean |cell| (the read-out of drift compensation), in level steps. */
  readonly meanAbsCell: number;
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
  /** The arrays, in tile order; empty when each was handed to a visitor and released. */
  readonly tiles: TileRecord[];
  readonly arrays: number;
  readonly cells: number;
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
  /**
   * The output-noise stream of one kernel call, named by the multiply (numbered over the matrix's
   * life), the array (tile order), the input cycle and the first token, so that a one-shot product
   * (crossbarProduct) draws what the first multiply of a programmed crossbar draws.
   */
  normals(multiply: number, tile: number, phase: number, firstToken: number): Rng;
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

  const context = multiplyContext(input, quantized, readout, arrays.tiles);
  let multiplies = 0;
  const gemm = (x: Float32Array, tokens: number): Float32Array => multiplyCrossbar(context, multiplies++, x, tokens);

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

/**
 * Programs a matrix and multiplies X (tokens × inFeatures) through it once — the numbers of
 * `programCrossbar(input).gemm(x, tokens)` (bit for bit without bit-serial inputs; bit-serial
 * cycles are added in another order) — holding one programmed array at a time instead of all of
 * them: each array is programmed, multiplied for every input cycle and released. For a product
 * computed once, as the accuracy simulation does, this keeps the memory of a large matrix (a
 * vocabulary-sized LM head is about 100 MB of cells) from being held at once.
 */
export function crossbarProduct(
  input: CrossbarInput,
  x: Float32Array,
  tokens: number,
): { readonly y: Float32Array; readonly stats: CrossbarStats } {
  const { settings, nonidealities, inFeatures: K, outFeatures: N } = input;
  const backend = input.backend ?? jsTileGemmBackend;
  if (input.weights.length !== K * N)
    throw new RangeError(`weights hold ${input.weights.length} values, expected ${K} × ${N}`);
  if (x.length !== tokens * K) throw new RangeError(`x holds ${x.length} values, expected ${tokens} × ${K}`);
  const weights = input.layout === 'out-in' ? transpose(input.weights, N, K) : input.weights;

  const quantized = quantizeMatrix(weights, settings, nonidealities);
  const scale = conductanceScale(settings, nonidealities, quantized.encoding);
  const readout = readoutSettings(settings, nonidealities, quantized, scale.levelStepUs);
  const context = multiplyContext(input, quantized, readout, []);
  const { tokenScale, xn } = normalizeTokens(x, tokens, K);
  const phases = inputPhases(xn, settings.bitSerial, readout);
  const acc = new Float64Array(tokens * N);
  let blocks: RowBlockInput[] = [];
  const arrays = programArrays(input, quantized, scale, backend, (tile, index) => {
    if (blocks.length === 0 || blocks[0].rowStart !== tile.rowStart)
      blocks = phases.map((phase) => rowBlockInput(phase, tile.rowStart, tile.rows, tokens, K, readout.needsPost));
    phases.forEach((phase, p) => multiplyTile(context, 0, tile, index, p, blocks[p], phase, tokens, acc));
  });
  const y = rescaleOutputs(acc, tokenScale, readout.outScale, input.bias ?? null, tokens, N);
  return { y, stats: crossbarStats(arrays, readout.warnings) };
}

function multiplyContext(
  input: CrossbarInput,
  quantized: QuantizedMatrix,
  readout: ReadoutSettings,
  tiles: readonly TileRecord[],
): MultiplyContext {
  return {
    inFeatures: input.inFeatures,
    outFeatures: input.outFeatures,
    settings: input.settings,
    nonidealities: input.nonidealities,
    encoding: quantized.encoding,
    readout,
    tiles,
    bias: input.bias ?? null,
    shouldStop: input.shouldStop,
    normals: (multiply, tile, phase, firstToken) =>
      Rng.derive(input.seed, `${input.label}/out/${multiply}/${tile}/${phase}/${firstToken}`),
  };
}

// ---------------------------------------------------------------------------------------------
// Programming: weights → codes → conductance targets → programmed, drifted cells → packed tiles.
// ---------------------------------------------------------------------------------------------

/** Weight codes of the matrix being programmed, reused from matrix to matrix (one at a time per realm). */
let codeScratch = new Float64Array(0);
let codeIndexScratch = new Uint16Array(0);

/**
 * Quantises the weights to weight codes. The encoding is chosen first because it decides whether
 * the codes must be integers even with weight quantisation off (any slicing needs integer codes).
 */
function quantizeMatrix(weights: Float32Array, settings: CrossbarSettings, n: NonidealitySettings): QuantizedMatrix {
  const encoding = weightEncoding(settings.mapping, settings.weightBits, settings.bitsPerCell);
  const roundCodes = n.weightQuantization || needsIntegerCodes(encoding);
  if (codeScratch.length < weights.length) codeScratch = new Float64Array(weights.length);
  const { codes, wMax } = quantizeWeights(weights, encoding.maxCode, roundCodes, codeScratch);
  let codeIndex: Uint16Array | null = null;
  if (roundCodes && 2 * encoding.maxCode < 65536) {
    // Each array reads its block of codes once per slice and polarity: two bytes beat eight.
    if (codeIndexScratch.length < weights.length) codeIndexScratch = new Uint16Array(weights.length);
    codeIndex = codeIndexScratch.subarray(0, weights.length);
    for (let i = 0; i < codes.length; i++) codeIndex[i] = codes[i] + encoding.maxCode;
  }
  return { encoding, codes, wMax, integerCodes: roundCodes, codeIndex };
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
  visit?: (tile: TileRecord, index: number) => void,
): ProgrammedArrays {
  const { settings, nonidealities: n, inFeatures: K, outFeatures: N } = input;
  const { encoding } = quantized;
  // Reference columns take one column of each array (cost model: usable = cols − 1).
  const dataCols = Math.max(1, settings.cols - (encoding.referenceColumn ? 1 : 0));
  const tiles: TileRecord[] = [];
  let stuckOn = 0;
  let stuckOff = 0;
  let gainSum = 0;
  let arrays = 0;
  let cells = 0;
  const cache = input.cache instanceof ProgrammedConductanceCache ? input.cache : null;
  const key: ProgrammingKey = {
    inFeatures: K,
    outFeatures: N,
    layout: input.layout ?? 'in-out',
    settings,
    nonidealities: n,
    seed: input.seed,
    label: input.label,
  };
  const cached = cache?.lookup(input.weights, key) ?? null;
  // Column sums and sums of squares serve the calibrated ADC ranges only.
  const columnStats = n.adc.quantization && n.adc.range === 'calibrated';
  const programmed: Float32Array[] = [];
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
          const readout = programCells(
            scale,
            target,
            n,
            { seed: input.seed, tag, shouldStop: input.shouldStop },
            cached?.[arrays] ?? null,
          );
          if (cache && !cached) programmed.push(readout.programmedRawUs);
          stuckOn += readout.stuckOn;
          stuckOff += readout.stuckOff;
          const levels = cellLevels(readout.nowUs, rows, place.width, scale.levelStepUs, columnStats);
          const gain = driftCompensationGain(readout.programmedUs, levels, n.driftCompensation, scale.levelStepUs);
          gainSum += gain;
          const tile = packTile(place, encoding, levels, gain, backend, settings.cols, n.irDrop.enabled);
          if (visit) {
            try {
              visit(tile, arrays);
            } finally {
              tile.programmed.dispose();
            }
          } else {
            tiles.push(tile);
          }
          arrays++;
          cells += rows * place.width;
        }
      }
    }
  }
  if (cache && !cached) cache.store(input.weights, key, programmed as ProgrammedConductances);
  return { tiles, arrays, cells, stuckOn, stuckOff, gainSum };
}

/** Targets of the array being programmed, reused from array to array (one runs at a time per realm). */
let targetScratch = new Float32Array(0);

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
  if (targetScratch.length < rows * width) targetScratch = new Float32Array(rows * width);
  const target = targetScratch.subarray(0, rows * width);
  const ref = referenceCode(encoding, slice);
  const codeOf = cellCoder(encoding, slice, polarity);
  const index = quantized.codeIndex;
  if (index) {
    // Integer codes take few values: the conductance of each, looked up.
    const maxCode = encoding.maxCode;
    const table = new Float32Array(2 * maxCode + 1);
    for (let w = -maxCode; w <= maxCode; w++) table[w + maxCode] = gMinUs + codeOf(w) * levelStepUs;
    for (let i = 0; i < rows; i++) {
      const src = (rowStart + i) * outFeatures + colStart;
      const dst = i * width;
      for (let j = 0; j < cols; j++) target[dst + j] = table[index[src + j]];
    }
  } else {
    for (let i = 0; i < rows; i++) {
      const src = (rowStart + i) * outFeatures + colStart;
      const dst = i * width;
      for (let j = 0; j < cols; j++) target[dst + j] = gMinUs + codeOf(codes[src + j]) * levelStepUs;
    }
  }
  if (ref !== null) for (let i = 0; i < rows; i++) target[i * width + cols] = gMinUs + ref * levelStepUs;
  return target;
}

/** The random streams of one array, and the stop poll. */
interface CellStreams {
  readonly seed: number;
  readonly tag: string;
  readonly shouldStop: (() => boolean) | undefined;
}

/**
 * Programs one array's cells (or takes them as programmed before, from a cache) and reads them
 * back twice — right after programming (the reference of drift compensation) and at the inference
 * time — with stuck-at faults on both reads. An array is a few milliseconds of work, so the stop
 * poll comes between arrays and between its two steps.
 */
function programCells(
  scale: ConductanceScale,
  target: Float32Array,
  n: NonidealitySettings,
  streams: CellStreams,
  cachedUs: Float32Array | null,
): CellReadout {
  const { device, gMinUs } = scale;
  const { seed, tag, shouldStop } = streams;
  let programmedRawUs =
    cachedUs && cachedUs.length === target.length
      ? cachedUs
      : device.program(target, Rng.derive(seed, `${tag}/program`));
  // The targets are scratch space: what is kept (by a cache) must be an array of its own.
  if (programmedRawUs === target) programmedRawUs = target.slice();
  checkStop(shouldStop);
  const read = device.readAt(target, programmedRawUs, n.tInferenceS, Rng.derive(seed, `${tag}/read`));
  // Later steps convert the read-out in place, so it must not be the programmed array itself.
  const nowUs = read === programmedRawUs ? read.slice() : read;
  const faults = n.stuckAt.onFraction > 0 || n.stuckAt.offFraction > 0;
  const programmedUs = faults ? programmedRawUs.slice() : programmedRawUs;
  // The same stream twice: the same cells are stuck in the reference read and at inference.
  applyStuckAt(programmedUs, gMinUs, device.gMaxUs, n.stuckAt, Rng.derive(seed, `${tag}/stuck`));
  const stuck = applyStuckAt(nowUs, gMinUs, device.gMaxUs, n.stuckAt, Rng.derive(seed, `${tag}/stuck`));
  return { programmedRawUs, programmedUs, nowUs, stuckOn: stuck.stuckOn, stuckOff: stuck.stuckOff };
}

/**
 * aihwkit GlobalDriftCompensation: mean |read-out| after programming over mean |read-out| now, one
 * digital gain per array that undoes the average conductance drift (1 when off).
 */
function driftCompensationGain(
  programmedUs: Float32Array,
  levels: CellLevels,
  enabled: boolean,
  levelStepUs: number,
): number {
  if (!enabled) return 1;
  const nowMean = levels.meanAbsCell * levelStepUs;
  return nowMean > 0 ? meanAbs(programmedUs) / Math.max(nowMean, 1e-4 * levelStepUs) : 1;
}

/**
 * The cells as the arrays compute with them, in level-step units (see the header), with per-column
 * sums and sums of squares for the calibrated ADC range (zeros when `columnStats` is off) and the
 * largest cell for the full-scale one. Converts `nowUs` in place: the conductances are not needed
 * afterwards.
 */
function cellLevels(
  nowUs: Float32Array,
  rows: number,
  width: number,
  levelStepUs: number,
  columnStats: boolean,
): CellLevels {
  const cells = nowUs;
  const colSum = new Float64Array(width);
  const colSumSq = new Float64Array(width);
  const perLevel = 1 / levelStepUs;
  let maxCell = 0;
  let sumAbs = 0;
  if (columnStats) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < width; j++) {
        const v = nowUs[i * width + j] * perLevel;
        cells[i * width + j] = v;
        colSum[j] += v;
        colSumSq[j] += v * v;
        sumAbs += Math.abs(v);
        maxCell = Math.max(maxCell, Math.abs(v));
      }
    }
  } else {
    for (let i = 0; i < rows * width; i++) {
      const v = nowUs[i] * perLevel;
      cells[i] = v;
      sumAbs += Math.abs(v);
      maxCell = Math.max(maxCell, Math.abs(v));
    }
  }
  return { cells, colSum, colSumSq, maxCell, meanAbsCell: cells.length ? sumAbs / cells.length : 0 };
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
  return {
    arrays: arrays.arrays,
    cells: arrays.cells,
    stuckOn: arrays.stuckOn,
    stuckOff: arrays.stuckOff,
    meanCompensation: arrays.arrays ? arrays.gainSum / arrays.arrays : 1,
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Multiplying: scale tokens → input phases → per tile: kernel call, host-side conversion,
// digital recombination → rescale and bias.
// ---------------------------------------------------------------------------------------------

/** Y = X W over the programmed arrays, as the header describes. */
function multiplyCrossbar(context: MultiplyContext, multiply: number, x: Float32Array, tokens: number): Float32Array {
  const { inFeatures: K, outFeatures: N } = context;
  if (x.length !== tokens * K) throw new RangeError(`x holds ${x.length} values, expected ${tokens} × ${K}`);
  const { tokenScale, xn } = normalizeTokens(x, tokens, K);
  const acc = new Float64Array(tokens * N);
  inputPhases(xn, context.settings.bitSerial, context.readout).forEach((phase, p) =>
    accumulatePhase(context, multiply, p, phase, tokens, acc),
  );
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
function accumulatePhase(
  context: MultiplyContext,
  multiply: number,
  phaseIndex: number,
  phase: Phase,
  tokens: number,
  acc: Float64Array,
): void {
  let block: RowBlockInput | null = null;
  context.tiles.forEach((tile, index) => {
    if (block === null || tile.rowStart !== block.rowStart) {
      block = rowBlockInput(phase, tile.rowStart, tile.rows, tokens, context.inFeatures, context.readout.needsPost);
    }
    multiplyTile(context, multiply, tile, index, phaseIndex, block, phase, tokens, acc);
  });
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
  multiply: number,
  tile: TileRecord,
  tileIndex: number,
  phaseIndex: number,
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
    const normals = context.normals(multiply, tileIndex, phaseIndex, t0);
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

/** Additive Gaussian output noise, from the call's own stream (see MultiplyContext.normals). */
function addOutputNoise(y: Float32Array, sigma: number, normals: Rng): void {
  const z = normals.normals(y.length);
  for (let i = 0; i < y.length; i++) y[i] += sigma * z[i];
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
