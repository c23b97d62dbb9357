/**
 * Area: arrays with their converters and accumulators, gain-cell arrays with their per-head
 * periphery, the digital MAC array and vector unit, and activation buffers.
 */
import { adcAreaUm2 } from '../components/adc';
import { accumulationAreaPerArrayUm2 } from '../components/accumulator';
import { arrayPeripheryAreaUm2 } from '../components/arrayPeriphery';
import { gainCellAreaScale } from '../components/gainCell';
import { rowDriverAreaUm2 } from '../components/rowDriver';
import { macAreaUm2 } from '../components/digitalUnit';
import { sramBufferAreaPerKibUm2 } from '../components/sramBuffer';
import { tilePeripheryAreaUm2 } from '../components/tilePeriphery';
import type { Mapping } from '../mapping/map';
import { matrixShape } from '../model/blockMatrices';
import type { ModelShape } from '../../shared/modelShape';
import type { TileGroup } from '../../shared/tileMap';
import type { CostContext } from './context';
import { rowGroupsOf } from './analogMatrix';
import { cellAreaOfDeviceUm2 } from './crossbarCell';
import { precisionBytes } from './digitalMatrix';
import { layerKey } from './ledger';

export interface AreaBreakdown {
  readonly totalMm2: number;
  readonly byComponentMm2: Readonly<Record<string, number>>;
  /**
   * Area by layer key (as the energy breakdown's): each matrix's arrays and converters, each
   * layer's gain-cell arrays and periphery; `shared` for the digital unit and buffers.
   */
  readonly byLayerMm2: Readonly<Record<string, number>>;
  /** Area of one array of each weight group with its periphery, µm², keyed by the group's index. */
  readonly weightArrayAreaUm2: ReadonlyMap<TileGroup, number>;
}

export function computeArea(ctx: CostContext, mapping: Mapping): AreaBreakdown {
  const by: Record<string, number> = {};
  const byLayer: Record<string, number> = {};
  const addUm2 = (k: string, um2: number, layer = 'shared') => {
    if (um2 <= 0) return;
    by[k] = (by[k] ?? 0) + um2 / 1e6;
    byLayer[layer] = (byLayer[layer] ?? 0) + um2 / 1e6;
  };
  const perArray = new Map<TileGroup, number>();

  for (const m of mapping.matrices) {
    const g = m.group;
    if (!g) continue;
    const w = m.weights;
    const cells = g.rows * g.cols * cellAreaOfDeviceUm2(ctx, w.device);
    const adcCount = Math.ceil(g.cols / w.columnsPerAdc);
    const adcs = adcCount * adcAreaUm2(ctx.p.adc, w.adcBits, ctx.nodeNm);
    const dacs = g.rows * rowDriverAreaUm2(ctx.p.dac, w.bitSerial ? 'bit-serial' : w.dacType, w.dacBits, ctx.nodeNm);
    const adders = accumulationAreaPerArrayUm2(ctx.p.accumulator, ctx.nodeNm, {
      adcs: adcCount,
      adcBits: w.adcBits,
      rowGroups: rowGroupsOf(g, w.rowsPerRead),
      inputCycles: w.bitSerial ? w.dacBits : 1,
      arraysPerOutput: g.blockRows * g.slices * g.polarities,
    });
    const edges = arrayPeripheryAreaUm2(
      ctx.p.array_periphery,
      { rows: g.rows, cols: g.cols, adcs: adcCount, columnsPerAdc: w.columnsPerAdc, device: w.device },
      ctx.nodeNm,
    );
    const switches = edges.rowSwitches + edges.columnSwitches + edges.columnMuxes;
    const periphery = tilePeripheryAreaUm2(ctx.p.tile_periphery, g.rows, g.cols, ctx.nodeNm);
    perArray.set(g, cells + adcs + dacs + adders + switches + edges.levelShifters + periphery);
    const layer = layerKey(m.layer, m.matrix === 'lm_head' ? 'lm_head' : undefined);
    addUm2('crossbar', g.arrayCount * cells, layer);
    addUm2('adc', g.arrayCount * adcs, layer);
    addUm2('dac', g.arrayCount * dacs, layer);
    addUm2('accumulator', g.arrayCount * adders, layer);
    addUm2('array_periphery', g.arrayCount * switches, layer);
    addUm2('level_shifter', g.arrayCount * edges.levelShifters, layer);
    addUm2('tile_periphery', g.arrayCount * periphery, layer);
  }

  const s = ctx.design.shape;
  const gc = ctx.p.gain_cell;
  for (const k of mapping.kv) {
    if (k.groups.length === 0) continue;
    const layer = layerKey(k.layer);
    const areaScale = gainCellAreaScale(gc, ctx.nodeNm);
    for (const g of k.groups) addUm2('gain_cell', g.arrayCount * g.rows * g.cols * gc.cell_area_um2 * areaScale, layer);
    addUm2('gain_cell', s.heads * ctx.design.workload.batch * gc.periphery_area_per_head_um2 * areaScale, layer);
  }

  const anyDigitalMatrix = mapping.matrices.some((m) => m.group === null);
  const anyDigitalAttention = mapping.kv.some((k) => k.groups.length === 0);
  const mac = macAreaUm2(ctx.p.digital_unit, ctx.nodeNm);
  if (anyDigitalMatrix || anyDigitalAttention) addUm2('digital_unit', ctx.p.digital_unit.mac_units * mac);
  addUm2('digital_unit', ctx.p.digital_unit.vector_lanes * mac);

  // Double-buffered activations of the widest operation, plus digital weights kept in SRAM.
  const bytes = precisionBytes(ctx.design.digital.precision);
  const widest = Math.max(s.dModel, s.dFf, s.heads * s.headDim);
  let bufferBytes = 2 * 2 * widest * bytes * ctx.design.workload.batch;
  if (ctx.design.digital.weightStorage === 'sram') {
    bufferBytes += digitalWeightBytes(mapping, s, bytes);
  }
  addUm2('sram_buffer', (bufferBytes / 1024) * sramBufferAreaPerKibUm2(ctx.p.sram_buffer, ctx.nodeNm));

  const totalMm2 = Object.values(by).reduce((a, b) => a + b, 0);
  return { totalMm2, byComponentMm2: by, byLayerMm2: byLayer, weightArrayAreaUm2: perArray };
}

function digitalWeightBytes(mapping: Mapping, shape: ModelShape, bytes: number): number {
  let total = 0;
  for (const m of mapping.matrices) {
    if (m.group !== null) continue;
    const { inFeatures, outFeatures } = matrixShape(shape, m.matrix);
    total += inFeatures * outFeatures * bytes;
  }
  return total;
}
