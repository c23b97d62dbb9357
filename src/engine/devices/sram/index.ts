/** SRAM compute-in-memory: cells hold their bit exactly (the ideal model); cost is bit-line charge. */
import type { DevicePlugin } from '../plugin';
import { createIdealDevice } from '../ideal/model';
import { cellAreaUm2 } from '../resistiveArray';
import { sramArraySpec } from './array';

export const sramDevice: DevicePlugin<undefined, typeof sramArraySpec> = {
  id: 'sram',
  cost: {
    component: sramArraySpec,
    cellReadEnergyJ: (p) => p.bitline_capacitance_per_cell_f * p.supply_voltage_v * p.voltage_swing_v,
    readLatencyS: (p) => p.read_pulse_s,
    cellAreaUm2,
  },
  createModel: () => createIdealDevice(),
  curves: false,
};
