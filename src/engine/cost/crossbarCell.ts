import type { Device } from '../config/schema';
import { cellAreaUm2, resistiveReadEnergyPerCellJ } from '../components/arrays/resistiveArray';
import type { CostContext } from './context';

/** Read energy of one cell for one input, by device. `ideal` costs as PCM (it differs only in accuracy). */
export function cellReadEnergyJ(ctx: CostContext, device: Device): number {
  switch (device) {
    case 'pcm':
    case 'ideal':
      return resistiveReadEnergyPerCellJ(ctx.p.pcm_array);
    case 'rram':
      return resistiveReadEnergyPerCellJ(ctx.p.rram_array);
    case 'sram': {
      const p = ctx.p.sram_array;
      return (p.bitline_capacitance_per_cell_f ?? 0) * (p.supply_voltage_v ?? 0) * (p.voltage_swing_v ?? 0);
    }
  }
}

export function cellReadLatencyS(ctx: CostContext, device: Device): number {
  const p = device === 'rram' ? ctx.p.rram_array : device === 'sram' ? ctx.p.sram_array : ctx.p.pcm_array;
  return p.read_pulse_s ?? 0;
}

export function cellAreaOfDeviceUm2(ctx: CostContext, device: Device): number {
  const p = device === 'rram' ? ctx.p.rram_array : device === 'sram' ? ctx.p.sram_array : ctx.p.pcm_array;
  return cellAreaUm2(p, ctx.nodeNm);
}
