/** A crossbar cell's read energy, read time and area, from its device's plug-in (src/engine/devices). */
import { costPlugin } from '../devices/index';
import type { CostContext } from './context';

function costOf(ctx: CostContext, device: string) {
  const plugin = costPlugin(device);
  return { cost: plugin.cost, p: ctx.p[plugin.cost.component.id] };
}

/** Read energy of one cell for one input. */
export function cellReadEnergyJ(ctx: CostContext, device: string): number {
  const { cost, p } = costOf(ctx, device);
  return cost.cellReadEnergyJ(p);
}

export function cellReadLatencyS(ctx: CostContext, device: string): number {
  const { cost, p } = costOf(ctx, device);
  return cost.readLatencyS(p);
}

export function cellAreaOfDeviceUm2(ctx: CostContext, device: string): number {
  const { cost, p } = costOf(ctx, device);
  return cost.cellAreaUm2(p, ctx.nodeNm);
}
