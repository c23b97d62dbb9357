/** SRAM compute-in-memory: cells hold their bit exactly (the ideal model); cost is read bit-line charge. */
import type { DevicePlugin } from '../plugin';
import { createIdealDevice } from '../ideal/model';
import { cellAreaUm2 } from '../resistiveArray';
import { sramArraySpec } from './array';

export const sramDevice: DevicePlugin<undefined, typeof sramArraySpec> = {
  id: 'sram',
  cost: {
    component: sramArraySpec,
    // An 8T cell's read port discharges the read bit line only where it stores a 1.
    cellReadEnergyJ: (p, _settings, meanLevel) =>
      meanLevel * p.bitline_capacitance_per_cell_f * p.supply_voltage_v * p.voltage_swing_v,
    readLatencyS: (p) => p.read_pulse_s,
    cellAreaUm2,
  },
  createModel: () => createIdealDevice(),
  curves: false,
};
