/**
 * Static energy of a step: the leakage of the chip's CMOS for as long as the step takes, and the
 * refresh of gain cells, where the design asks for it (`attention.refresh_s`).
 *
 *   leakage  P = (CMOS area) × leakage density (components/leakage.ts); CMOS area is every area
 *            component except the cells of resistive arrays (RRAM, PCM), the gain cells
 *            themselves (their charge loss is the retention, not a supply current) and the
 *            write level shifters, built from thick-oxide I/O transistors whose off-current is
 *            orders of magnitude below the core devices' (counted as zero)
 *   refresh  with a refresh period P (`attention.refresh_s`), every stored value is rewritten
 *            once per P: power = values × E_refresh / P, with E_refresh one write through the
 *            attention DAC at the KV resolution (`gain_cell.refresh_energy_per_value_j`). The
 *            functional run restarts each value's leakage at each refresh (gainCellAttention.ts)
 *
 * Energy per step = P × step latency, so a slower design pays more static energy per token.
 */
import { attentionDacEnergyPerConversionJ } from '../components/attentionDac';
import { gainCellAreaScale } from '../components/gainCell';
import { leakagePowerPerMm2W } from '../components/leakage';
import type { Mapping } from '../mapping/map';
import type { AreaBreakdown } from './area';
import type { CostContext } from './context';
import { cellAreaOfDeviceUm2 } from './crossbarCell';
import { layerKey, type Ledger } from './ledger';

export interface StaticPower {
  /** Leakage of the CMOS, W. */
  readonly leakageW: number;
  /** CMOS area the leakage is charged on, mm². */
  readonly cmosAreaMm2: number;
  /** Gain-cell refresh by layer key, W (empty without `attention.refresh_s`). */
  readonly refreshByLayerW: ReadonlyMap<string, number>;
}

/** Area that draws no static current: resistive array cells, gain cells and level shifters, mm². */
function nonLeakingAreaMm2(ctx: CostContext, mapping: Mapping, area: AreaBreakdown): number {
  let um2 = (area.byComponentMm2.level_shifter ?? 0) * 1e6;
  for (const m of mapping.matrices) {
    const g = m.group;
    if (!g || m.weights.device === 'sram') continue;
    um2 += g.arrayCount * g.rows * g.cols * cellAreaOfDeviceUm2(ctx, m.weights.device);
  }
  const gc = ctx.p.gain_cell;
  const scale = gainCellAreaScale(gc, ctx.nodeNm);
  for (const k of mapping.kv)
    for (const g of k.groups) um2 += g.arrayCount * g.rows * g.cols * gc.cell_area_um2 * scale;
  return um2 / 1e6;
}

/** Static power of the design: leakage of its CMOS, and the refresh of its gain cells where it asks for one. */
export function staticPower(ctx: CostContext, mapping: Mapping, area: AreaBreakdown): StaticPower {
  const cmosAreaMm2 = Math.max(0, area.totalMm2 - nonLeakingAreaMm2(ctx, mapping, area));
  const leakageW = cmosAreaMm2 * leakagePowerPerMm2W(ctx.p.leakage, ctx.nodeNm);
  const refreshByLayerW = new Map<string, number>();
  const a = ctx.design.attention;
  const gc = ctx.p.gain_cell;
  // Refresh, where the design asks for it: every stored value rewritten once per period.
  if (a.refreshS !== null && a.refreshS > 0) {
    const kvBits = Math.log2(a.levels.kv);
    const perValueJ =
      gc.refresh_energy_per_value_j ??
      attentionDacEnergyPerConversionJ(ctx.p.attention_dac, kvBits, a.cols, ctx.nodeNm);
    for (const k of mapping.kv) {
      // Every stored K and V value of the layer: the window of each KV head of each sequence.
      const values = k.groups.reduce((s, g) => s + g.logicalRows * g.logicalCols * g.copies, 0);
      if (values > 0) refreshByLayerW.set(layerKey(k.layer), (values * perValueJ) / a.refreshS);
    }
  }
  return { leakageW, cmosAreaMm2, refreshByLayerW };
}

/**
 * Books the static energy of one step of `stepLatencyS` into the ledger: components `leakage`
 * (layer key `shared`) and `refresh` (by layer), both under the `digital` operation group.
 */
export function bookStaticEnergy(
  ctx: CostContext,
  mapping: Mapping,
  area: AreaBreakdown,
  ledger: Ledger,
  stepLatencyS: number,
): StaticPower {
  const p = staticPower(ctx, mapping, area);
  // An area or a time that is not finite is reported by the figure's own check, which names it;
  // leakage charged on it would only hide the cause.
  if (!Number.isFinite(area.totalMm2) || !Number.isFinite(stepLatencyS)) return p;
  ledger.add('leakage', 'digital', 'shared', p.leakageW * stepLatencyS);
  // Refresh is booked by layer but outside the attention operation: the attention-only figures
  // (Leroux et al.'s method) stay the work of one token's attention.
  for (const [layer, w] of p.refreshByLayerW) ledger.add('refresh', 'digital', layer, w * stepLatencyS);
  return p;
}
