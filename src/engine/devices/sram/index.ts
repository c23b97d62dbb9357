/** SRAM compute-in-memory: cells hold their bit exactly (the ideal model); cost is bit-line charge. */
import type { DevicePlugin } from '../plugin';
import { createIdealDevice } from '../ideal/model';
import { cellAreaUm2 } from '../resistiveArray';
import { sramArraySpec } from './array';

export const sramDevice: DevicePlugin<undefined> = {
  id: 'sram',
  cost: {
    component: sramArraySpec,
    cellReadEnergyJ: (p) =>
      (p.bitline_capacitance_per_cell_f ?? 0) * (p.supply_voltage_v ?? 0) * (p.voltage_swing_v ?? 0),
    readLatencyS: (p) => p.read_pulse_s ?? 0,
    cellAreaUm2,
  },
  createModel: () => createIdealDevice(),
  curves: false,
};
