/**
 * Applies defaults and per-layer overrides to a schema-valid config, giving the settings every
 * later stage (workload, mapping, cost) reads. Defaults here are the ones documented in schema.ts.
 */
import { DEFAULT_BASELINES, type GpuId } from '../../shared/gpuIds';
import { resolveNonidealities } from '../functional/settings';
import { resolveComponentParameters, type ComponentParameters } from '../components/index';
import type { ModelShape } from '../../shared/modelShape';
import type { WorkloadSettings } from '../workload/build';
import type { AimcConfig, Device, LayerOverride, MatrixSelector, WeightMapping, WeightsConfig } from './schema';
import type { MatrixName } from '../../shared/matrices';

export interface ResolvedWeights {
  readonly implementation: 'analog' | 'digital';
  readonly device: Device;
  readonly rows: number;
  readonly cols: number;
  readonly bitsPerCell: number;
  readonly weightBits: number;
  readonly mapping: WeightMapping;
  readonly dacBits: number;
  readonly bitSerial: boolean;
  readonly adcBits: number;
  readonly columnsPerAdc: number;
  readonly adcType: 'sar' | 'flash' | 'mlsa';
  /** Multi-bit inputs as voltage levels or pulse widths (ignored when bit-serial). */
  readonly dacType: 'level' | 'pwm';
  /** Rows activated at once; null: every row of the array. */
  readonly rowsPerRead: number | null;
  /** Mean |weight| as a fraction of the largest. */
  readonly meanAbsWeight: number;
}

/** Statistics of the crossbar inputs (`workload.input_statistics`). */
export interface InputStatistics {
  readonly oneBitFraction: number;
  readonly meanAbs: number;
}

export interface ResolvedAttention {
  readonly implementation: 'gain-cell' | 'digital';
  readonly window: number;
  readonly activation: 'hardsigmoid' | 'softmax';
  readonly rows: number;
  readonly cols: number;
  readonly retentionS: number;
  /** Refresh period of the stored K and V; null: no refresh. */
  readonly refreshS: number | null;
  readonly levels: { readonly query: number; readonly kv: number; readonly output: number };
  readonly nonlinearity: 'leroux-cubic' | 'linear';
  /** Leakage per token step; null: derived from the design's time per token and `retentionS`. */
  readonly decayPerStep: number | null;
  readonly tiling: 'ring' | 'absolute';
}

export interface ResolvedDigital {
  readonly precision: 'fp16' | 'int8';
  readonly weightStorage: 'sram' | 'dram';
  readonly kvStorage: 'sram' | 'dram';
}

export interface ResolvedDesign {
  readonly name: string;
  readonly shape: ModelShape;
  readonly workload: WorkloadSettings;
  readonly inputStatistics: InputStatistics;
  /** Each device's resolved `nonidealities.<id>` section (conductance ranges for the cost model too). */
  readonly deviceSettings: Readonly<Record<string, unknown>>;
  readonly nodeNm: number;
  readonly clockHz: number;
  /** Global weight settings, before per-layer overrides. */
  readonly weights: ResolvedWeights;
  readonly attention: ResolvedAttention;
  readonly digital: ResolvedDigital;
  readonly arraysPerChip: number | null;
  readonly chipBudget: number | null;
  readonly components: ComponentParameters;
  readonly baselines: readonly GpuId[];
  /** Weight settings of one matrix after overrides; `layer` is -1 for the LM head. */
  weightsFor(layer: number, matrix: MatrixName): ResolvedWeights;
  attentionFor(layer: number): 'gain-cell' | 'digital';
}

export function mergeWeights(base: ResolvedWeights, w: WeightsConfig | undefined): ResolvedWeights {
  if (!w) return base;
  return {
    implementation: w.implementation ?? base.implementation,
    device: w.device ?? base.device,
    rows: w.array?.rows ?? base.rows,
    cols: w.array?.cols ?? base.cols,
    bitsPerCell: w.bits_per_cell ?? base.bitsPerCell,
    weightBits: w.weight_bits ?? base.weightBits,
    mapping: w.mapping ?? base.mapping,
    dacBits: w.dac?.bits ?? base.dacBits,
    bitSerial: w.dac?.bit_serial ?? base.bitSerial,
    adcBits: w.adc?.bits ?? base.adcBits,
    columnsPerAdc: w.adc?.columns_per_adc ?? base.columnsPerAdc,
    adcType: w.adc?.type ?? base.adcType,
    dacType: w.dac?.type ?? base.dacType,
    rowsPerRead: w.rows_per_read ?? base.rowsPerRead,
    meanAbsWeight: w.mean_abs_weight ?? base.meanAbsWeight,
  };
}

export const DEFAULT_WEIGHTS: ResolvedWeights = {
  implementation: 'analog',
  device: 'pcm',
  rows: 512,
  cols: 512,
  bitsPerCell: 4,
  weightBits: 8,
  mapping: 'differential',
  dacBits: 8,
  bitSerial: false,
  adcBits: 8,
  columnsPerAdc: 8,
  adcType: 'sar',
  dacType: 'level',
  rowsPerRead: null,
  meanAbsWeight: 0.16,
};

/** Layer indices named by a selector list; negative indices count from the end. Out-of-range entries are dropped. */
export function selectLayers(selectors: LayerOverride['layers'], layerCount: number): Set<number> {
  const out = new Set<number>();
  if (!selectors) {
    for (let i = 0; i < layerCount; i++) out.add(i);
    return out;
  }
  for (const s of selectors) {
    if (typeof s === 'number') {
      const i = s < 0 ? layerCount + s : s;
      if (i >= 0 && i < layerCount) out.add(i);
    } else {
      const [a, b] = s.split('-').map(Number);
      for (let i = Math.min(a, b); i <= Math.max(a, b) && i < layerCount; i++) out.add(i);
    }
  }
  return out;
}

export function expandMatrices(selectors: readonly MatrixSelector[]): Set<MatrixName> {
  const out = new Set<MatrixName>();
  for (const s of selectors) {
    if (s === 'qkv') ['q_proj', 'k_proj', 'v_proj'].forEach((m) => out.add(m as MatrixName));
    else if (s === 'ffn') ['ffn_up', 'ffn_gate', 'ffn_down'].forEach((m) => out.add(m as MatrixName));
    else out.add(s);
  }
  return out;
}

export function resolveDesign(config: AimcConfig, shape: ModelShape): ResolvedDesign {
  const weights = mergeWeights(DEFAULT_WEIGHTS, config.weights);
  const a = config.attention ?? {};
  const components = resolveComponentParameters(
    config.components as Record<string, Record<string, number>> | undefined,
  );
  const window = a.window ?? shape.slidingWindow ?? shape.context;
  const attention: ResolvedAttention = {
    implementation: a.implementation ?? 'gain-cell',
    window,
    activation: a.activation ?? 'hardsigmoid',
    rows: a.array?.rows ?? 64,
    cols: a.array?.cols ?? 64,
    retentionS: a.retention_s ?? (components.gain_cell.retention_s as number),
    refreshS: a.refresh_s ?? null,
    levels: { query: a.levels?.query ?? 16, kv: a.levels?.kv ?? 8, output: a.levels?.output ?? 32 },
    nonlinearity: a.nonlinearity ?? 'leroux-cubic',
    decayPerStep: a.decay_per_step ?? null,
    tiling: a.tiling ?? 'ring',
  };
  const w = config.workload ?? {};
  const mode = w.mode ?? 'decode';
  const generateTokens = w.generate_tokens ?? 1;
  const contextTokens =
    w.context_tokens ?? (mode === 'decode' ? Math.max(1, shape.context - generateTokens) : shape.context);
  const workload: WorkloadSettings = { mode, batch: w.batch ?? 1, contextTokens, generateTokens, window };

  const compiled = (config.layers ?? []).map((o) => ({
    layers: selectLayers(o.layers, shape.layers),
    matrices: o.matrices ? expandMatrices(o.matrices) : null,
    weights: o.weights,
    attention: o.attention?.implementation,
  }));

  return {
    name: config.name ?? shape.name,
    shape,
    workload,
    deviceSettings: resolveNonidealities(config.nonidealities).devices,
    inputStatistics: {
      oneBitFraction: w.input_statistics?.one_bit_fraction ?? 0.39,
      meanAbs: w.input_statistics?.mean_abs ?? 0.2,
    },
    nodeNm: config.technology?.node_nm ?? 22,
    clockHz: (config.technology?.clock_ghz ?? 1) * 1e9,
    weights,
    attention,
    digital: {
      precision: config.digital?.precision ?? 'fp16',
      weightStorage: config.digital?.weight_storage ?? 'dram',
      kvStorage: config.digital?.kv_storage ?? 'dram',
    },
    arraysPerChip: config.chip?.arrays_per_chip ?? null,
    chipBudget: config.chip?.chips ?? null,
    components,
    baselines: config.baselines ?? [...DEFAULT_BASELINES],
    weightsFor(layer, matrix) {
      let out = weights;
      for (const o of compiled) {
        if (!o.weights) continue;
        const matrixHit = o.matrices ? o.matrices.has(matrix) : matrix !== 'lm_head';
        const layerHit = matrix === 'lm_head' ? o.matrices !== null : o.layers.has(layer);
        if (matrixHit && layerHit) out = mergeWeights(out, o.weights);
      }
      return out;
    },
    attentionFor(layer) {
      let impl = attention.implementation;
      for (const o of compiled) if (o.attention && o.layers.has(layer)) impl = o.attention;
      return impl;
    },
  };
}
