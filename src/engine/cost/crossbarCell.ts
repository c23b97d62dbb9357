/** A crossbar cell's read energy, read time and area, from its device's plug-in (src/engine/devices). */
import type { ComponentSpec, ValuesOf } from '../components/types';
import { costPlugin } from '../devices/index';
import type { CostContext } from './context';

/**
 * The device's cost functions with its array component's values. The registry keeps plug-ins
 * type-erased; the values are those of the plug-in's own component (every parameter filled from its
 * default or the config), which is the type its functions declare.
 */
function costOf(ctx: CostContext, device: string) {
  const plugin = costPlugin(device);
  return {
    cost: plugin.cost,
    p: ctx.p[plugin.cost.component.id] as unknown as ValuesOf<ComponentSpec>,
    settings: ctx.design.deviceSettings[plugin.id],
  };
}

/** Read energy of one cell at full input, for a mean stored level `meanLevel` (0–1) of the device's range. */
export function cellReadEnergyJ(ctx: CostContext, device: string, meanLevel: number): number {
  const { cost, p, settings } = costOf(ctx, device);
  return cost.cellReadEnergyJ(p, settings, meanLevel);
}

export function cellReadLatencyS(ctx: CostContext, device: string): number {
  const { cost, p } = costOf(ctx, device);
  return cost.readLatencyS(p);
}

export function cellAreaOfDeviceUm2(ctx: CostContext, device: string): number {
  const { cost, p } = costOf(ctx, device);
  return cost.cellAreaUm2(p, ctx.nodeNm);
}
