/**
 * A weight matrix on noisy crossbar tiles: programming (device model, faults, drift) once, then
 * y = W x (GEMV) and Y = X W (GEMM over tokens), computed as the hardware does:
 *
 *   digital   per-token input scaling by its abs-max (aihwkit NoiseManagementType.ABS_MAX),
 *             applied once per matrix
 *   per array DAC → analog partial sum over the array's rows → output noise → ADC
 *             (tileGemm.ts, one call per tile row block, slice, polarity and input cycle)
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
  cellCoder, needsIntegerCodes, quantizeWeights, referenceCode, sliceShift, weightEncoding, type WeightEncoding,
} from './mapping';
import { Rng } from './rng';
import type { NonidealitySettings } from './settings';
import {
  adcQuantize, dacQuantizeAll, jsTileGemmBackend, quantizerLevels, quantizerStep,
  type ProgrammedTiles, type QuantizerSpec, type TileConversions, type TileGemmBackend,
} from './tileGemm';

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

interface TileRecord {
  readonly rowStart: number;
  readonly rows: number;
  readonly colStart: number;
  readonly cols: number;
  readonly slice: number;
  /** +1 for G⁺ (or the only polarity), −1 for G⁻. */
  readonly sign: number;
  /** Data columns, then the reference column when the mapping has one. */
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

/** Work per kernel call, so that a stop request is seen within a few milliseconds. */
const MACS_PER_CALL = 1 << 22;

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

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

export function programCrossbar(input: CrossbarInput): ProgrammedCrossbar {
  const { settings: s, nonidealities: n, inFeatures: K, outFeatures: N } = input;
  const backend = input.backend ?? jsTileGemmBackend;
  const warnings: string[] = [];
  if (input.weights.length !== K * N) throw new RangeError(`weights hold ${input.weights.length} values, expected ${K} × ${N}`);
  const w = input.layout === 'out-in' ? transpose(input.weights, N, K) : input.weights;

  const enc = weightEncoding(s.mapping, s.weightBits, s.bitsPerCell);
  const roundCodes = n.weightQuantization || needsIntegerCodes(enc);
  const { codes, wMax } = quantizeWeights(w, enc.maxCode, roundCodes);

  const effects = { programmingNoise: n.programmingNoise, drift: n.drift, readNoise: n.readNoise };
  const device: DeviceModel = createDevice(s.device, {
    pcm: n.pcm,
    // A cell is programmed to the codes the mapping uses, and a cell cannot hold more than 2^bits_per_cell.
    rram: { ...n.rram, levels: n.rram.levels ?? Math.min(2 ** s.bitsPerCell, enc.cellMaxCode + 1) },
  }, effects);
  const gMin = device.gMinUs;
  const levelStepUs = (device.gMaxUs - gMin) / enc.cellMaxCode;

  // Reference columns take one column of each array (cost model: usable = cols − 1).
  const dataCols = Math.max(1, s.cols - (enc.referenceColumn ? 1 : 0));
  const tiles: TileRecord[] = [];
  let stuckOn = 0;
  let stuckOff = 0;
  let gainSum = 0;
  const keepCells = n.irDrop.enabled;

  const cellsPerPoll = 1 << 15;
  // Cells are programmed in row chunks between stop polls; each stream continues across chunks,
  // so the result does not depend on the chunk size.
  function programCells(device: DeviceModel, target: Float32Array, width: number, tag: string) {
    const programmedUs = new Float32Array(target.length);
    const nowUs = new Float32Array(target.length);
    const rngProgram = Rng.derive(input.seed, `${tag}/program`);
    const rngRead = Rng.derive(input.seed, `${tag}/read`);
    const rngStuckRef = Rng.derive(input.seed, `${tag}/stuck`);
    const rngStuck = Rng.derive(input.seed, `${tag}/stuck`);
    const stuck = { stuckOn: 0, stuckOff: 0 };
    const chunk = width * Math.max(1, Math.floor(cellsPerPoll / width));
    for (let i0 = 0; i0 < target.length; i0 += chunk) {
      checkStop(input.shouldStop);
      const part = target.subarray(i0, Math.min(target.length, i0 + chunk));
      const prog = device.program(part, rngProgram);
      const now = device.readAt(part, prog, n.tInferenceS, rngRead);
      // The same stream twice: the same cells are stuck in the reference read and at inference.
      applyStuckAt(prog, gMin, device.gMaxUs, n.stuckAt, rngStuckRef);
      const s = applyStuckAt(now, gMin, device.gMaxUs, n.stuckAt, rngStuck);
      stuck.stuckOn += s.stuckOn;
      stuck.stuckOff += s.stuckOff;
      programmedUs.set(prog, i0);
      nowUs.set(now, i0);
    }
    return { programmedUs, nowUs, stuck };
  }

  for (let rowStart = 0; rowStart < K; rowStart += s.rows) {
    const rows = Math.min(s.rows, K - rowStart);
    for (let colStart = 0; colStart < N; colStart += dataCols) {
      checkStop(input.shouldStop);
      const cols = Math.min(dataCols, N - colStart);
      for (let slice = 0; slice < enc.slices; slice++) {
        for (let polarity = 0; polarity < enc.polarities; polarity++) {
          const width = cols + (enc.referenceColumn ? 1 : 0);
          const target = new Float32Array(rows * width);
          const ref = referenceCode(enc, slice);
          const codeOf = cellCoder(enc, slice, polarity);
          for (let i = 0; i < rows; i++) {
            const src = (rowStart + i) * N + colStart;
            const dst = i * width;
            for (let j = 0; j < cols; j++) target[dst + j] = gMin + codeOf(codes[src + j]) * levelStepUs;
            if (ref !== null) target[dst + cols] = gMin + ref * levelStepUs;
          }
          const tag = `${input.label}/${rowStart}/${colStart}/${slice}/${polarity}`;
          const { programmedUs, nowUs, stuck } = programCells(device, target, width, tag);
          stuckOn += stuck.stuckOn;
          stuckOff += stuck.stuckOff;

          // aihwkit GlobalDriftCompensation: mean |read-out| after programming over mean |read-out| now.
          const nowMean = meanAbs(nowUs);
          const gain = n.driftCompensation && nowMean > 0 ? meanAbs(programmedUs) / Math.max(nowMean, 1e-4 * levelStepUs) : 1;
          gainSum += gain;

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
          tiles.push({
            rowStart, rows, colStart, cols, slice, sign: polarity === 0 ? 1 : -1, width, hasReference: ref !== null,
            programmed: backend.program(cells, rows, width, { tileRows: rows, tileCols: s.cols }),
            cells: keepCells ? cells : null, gain, colSum, colSumSq, fullScale: rows * maxCell,
          });
        }
      }
    }
  }

  // The contract's quantisers need at least 2 bits (one level each side of zero).
  const dacBits = Math.max(2, s.dacBits);
  const adcBits = Math.max(2, s.adcBits);
  if (s.dacBits < 2) warnings.push(`dac.bits ${s.dacBits} simulated as 2 (one level each side of zero)`);
  if (s.adcBits < 2) warnings.push(`adc.bits ${s.adcBits} simulated as 2 (one level each side of zero)`);
  const adcLevels = quantizerLevels(adcBits);
  const dacQuantized = s.bitSerial || n.dacQuantization;
  const noiseSigma = n.outputNoise.enabled ? n.outputNoise.sigma * enc.cellMaxCode : 0;
  const wireTimesUnit = n.irDrop.wireResistanceOhm * levelStepUs * 1e-6;
  const needsPost = n.irDrop.enabled || (n.adc.quantization && n.adc.range === 'calibrated');
  const outScale = wMax / enc.maxCode;
  const bias = input.bias ?? null;
  let call = 0;

  /** The ADC range of an array; for `calibrated`, the ceiling of its per-ADC ranges. */
  const tileBound = (t: TileRecord): number =>
    n.adc.range === 'fixed' ? n.adc.bound * enc.cellMaxCode : fullScaleBound(t.fullScale, adcLevels);

  /** One input cycle: values fed to the rows, and the digital weight of its outputs. */
  interface Phase { readonly x: Float32Array; readonly shift: number; readonly dac: QuantizerSpec | null }

  function phasesOf(xn: Float32Array): Phase[] {
    if (!s.bitSerial) {
      return [{ x: xn, shift: 1, dac: dacQuantized ? { bits: dacBits, bound: 1 } : null }];
    }
    // Two's-complement bit planes of the DAC code, one 0/1 plane per cycle (NeuroSim 1-bit drivers).
    const levels = quantizerLevels(dacBits);
    const xq = dacQuantizeAll(xn, { bits: dacBits, bound: 1 });
    const phases: Phase[] = [];
    for (let p = 0; p < dacBits; p++) {
      const plane = new Float32Array(xn.length);
      for (let i = 0; i < xn.length; i++) {
        const code = Math.round(xq[i] * levels);
        const unsigned = code < 0 ? code + 2 ** dacBits : code;
        plane[i] = Math.floor(unsigned / 2 ** p) & 1;
      }
      const weight = p === dacBits - 1 ? -(2 ** p) : 2 ** p;
      phases.push({ x: plane, shift: weight / levels, dac: null });
    }
    return phases;
  }

  function gemm(x: Float32Array, tokens: number): Float32Array {
    if (x.length !== tokens * K) throw new RangeError(`x holds ${x.length} values, expected ${tokens} × ${K}`);
    const scale = new Float64Array(tokens);
    const xn = new Float32Array(x.length);
    for (let t = 0; t < tokens; t++) {
      let m = 0;
      for (let k = 0; k < K; k++) m = Math.max(m, Math.abs(x[t * K + k]));
      // An all-zero vector is not sent to the arrays: its output is the bias alone, without read noise.
      scale[t] = m;
      if (m > 0) for (let k = 0; k < K; k++) xn[t * K + k] = x[t * K + k] / m;
    }
    const acc = new Float64Array(tokens * N);
    for (const phase of phasesOf(xn)) {
      let currentRow = -1;
      let xTile: Float32Array = new Float32Array(0);
      let xTileQ: Float32Array = xTile;
      let mu = 0;
      let variance = 0;
      for (const t of tiles) {
        if (t.rowStart !== currentRow) {
          currentRow = t.rowStart;
          xTile = new Float32Array(tokens * t.rows);
          for (let r = 0; r < tokens; r++) xTile.set(phase.x.subarray(r * K + t.rowStart, r * K + t.rowStart + t.rows), r * t.rows);
          xTileQ = needsPost && phase.dac ? dacQuantizeAll(xTile, phase.dac) : xTile;
          let sum = 0;
          let sumSq = 0;
          for (let i = 0; i < xTileQ.length; i++) {
            sum += xTileQ[i];
            sumSq += xTileQ[i] * xTileQ[i];
          }
          mu = sum / xTileQ.length;
          variance = Math.max(0, sumSq / xTileQ.length - mu * mu);
        }
        const bound = tileBound(t);
        const adcOn = n.adc.quantization;
        let groupBounds: Float64Array | null = null;
        if (adcOn && n.adc.range === 'calibrated') {
          // Each ADC spans boundSigmas standard deviations of the largest expected output among its columns.
          groupBounds = new Float64Array(Math.ceil(t.width / s.columnsPerAdc));
          for (let j = 0; j < t.width; j++) {
            const expected = variance * t.colSumSq[j] + (mu * t.colSum[j]) ** 2 + noiseSigma ** 2;
            const g = Math.floor(j / s.columnsPerAdc);
            groupBounds[g] = Math.max(groupBounds[g], n.adc.boundSigmas * Math.sqrt(expected));
          }
          for (let g = 0; g < groupBounds.length; g++) groupBounds[g] = Math.min(Math.max(groupBounds[g], 1e-12), bound);
        }
        const chunk = Math.max(1, Math.floor(MACS_PER_CALL / Math.max(1, t.rows * t.width)));
        for (let t0 = 0; t0 < tokens; t0 += chunk) {
          checkStop(input.shouldStop);
          const m = Math.min(chunk, tokens - t0);
          const xs = xTile.subarray(t0 * t.rows, (t0 + m) * t.rows);
          const normals = Rng.derive(input.seed, `${input.label}/out/${call++}`);
          const conversions: TileConversions = needsPost
            ? { inputDac: phase.dac, outputAdc: null, outputNoise: null }
            : {
                inputDac: phase.dac,
                outputAdc: adcOn ? { bits: adcBits, bound } : null,
                outputNoise: adcOn && noiseSigma > 0 ? { sigma: noiseSigma / bound, normals } : null,
              };
          const y = t.programmed.multiply(xs, m, conversions);
          if (needsPost) {
            if (t.cells) {
              const drop = irDropCorrection(xTileQ.subarray(t0 * t.rows, (t0 + m) * t.rows), m, t.cells, t.rows, t.width, wireTimesUnit);
              for (let i = 0; i < y.length; i++) y[i] -= drop[i];
            }
            if (noiseSigma > 0) for (let i = 0; i < y.length; i++) y[i] += noiseSigma * normals.normal();
            if (adcOn) {
              for (let i = 0; i < y.length; i++) {
                const b = groupBounds ? groupBounds[Math.floor((i % t.width) / s.columnsPerAdc)] : bound;
                y[i] = adcQuantize(y[i], adcLevels, quantizerStep({ bits: adcBits, bound: b }));
              }
            }
          } else if (!adcOn && noiseSigma > 0) {
            // Without an ADC, noise before or after conversion is the same sum.
            for (let i = 0; i < y.length; i++) y[i] += noiseSigma * normals.normal();
          }
          const weight = t.sign * sliceShift(enc, t.slice) * phase.shift * t.gain;
          for (let r = 0; r < m; r++) {
            const row = r * t.width;
            const refValue = t.hasReference ? y[row + t.cols] : 0;
            const dst = (t0 + r) * N + t.colStart;
            for (let j = 0; j < t.cols; j++) acc[dst + j] += weight * (y[row + j] - refValue);
          }
        }
      }
    }
    const out = new Float32Array(tokens * N);
    for (let t = 0; t < tokens; t++) {
      const f = scale[t] * outScale;
      for (let j = 0; j < N; j++) out[t * N + j] = acc[t * N + j] * f + (bias ? bias[j] : 0);
    }
    return out;
  }

  return {
    inFeatures: K,
    outFeatures: N,
    encoding: enc,
    stats: {
      arrays: tiles.length,
      cells: tiles.reduce((a, t) => a + t.rows * t.width, 0),
      stuckOn,
      stuckOff,
      meanCompensation: tiles.length ? gainSum / tiles.length : 1,
      warnings,
    },
    gemm,
    gemv: (x) => gemm(x, 1),
    dispose() {
      for (const t of tiles) t.programmed.dispose();
      tiles.length = 0;
    },
  };
}
