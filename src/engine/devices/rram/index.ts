/** Resistive RAM: NeuroSim's default device for both cost and accuracy. */
import { Type } from '@sinclair/typebox';
import { int, num, strict } from '../../config/schemaBuilders';
import type { DevicePlugin } from '../plugin';
import { cellAreaUm2, resistiveReadEnergyPerCellJ } from '../resistiveArray';
import { rramArraySpec } from './array';
import { createRramDevice, RRAM_DEFAULTS } from './model';

export interface RramSettings {
  readonly rOnOhm: number;
  readonly rOffOhm: number;
  /** Null: 2^bits_per_cell of the matrix. */
  readonly levels: number | null;
  readonly programmingSigma: number;
}

export const RRAM_SETTINGS_SCHEMA = strict(
  {
    r_on_ohm: Type.Optional(
      num({
        description:
          'Resistance of the on (highest-conductance) state. At least 100 Ω: below that the access transistor, not the cell, would set the current.',
        unit: 'ohm',
        default: RRAM_DEFAULTS.rOnOhm,
        minimum: 100,
        maximum: 1e12,
        source: 'DNN+NeuroSim V1.4 Param.cpp: resistanceOn 100 kΩ',
      }),
    ),
    r_off_ohm: Type.Optional(
      num({
        description: 'Resistance of the off state; on/off ratio = r_off / r_on.',
        unit: 'ohm',
        default: RRAM_DEFAULTS.rOffOhm,
        minimum: 100,
        maximum: 1e15,
        source: 'DNN+NeuroSim V1.4 Param.cpp: resistanceOff 1.7 MΩ',
      }),
    ),
    levels: Type.Optional(
      int({
        description: 'Distinct conductance levels of a cell. Default: 2^weights.bits_per_cell.',
        unit: 'levels',
        minimum: 2,
        maximum: 65536,
        source: 'One level per code of bits_per_cell',
      }),
    ),
    programming_sigma: Type.Optional(
      num({
        description: 'Programming variation σ as a fraction of g_max − g_min.',
        unit: '',
        default: RRAM_DEFAULTS.programmingSigma,
        minimum: 0,
        maximum: 1,
        source: 'NeuroSim Cell.cpp (RealDevice): sigmaCtoC = 0.035 · (Gmax − Gmin)',
      }),
    ),
  },
  'Resistive RAM device model.',
);

interface RramSection {
  readonly r_on_ohm?: number;
  readonly r_off_ohm?: number;
  readonly levels?: number;
  readonly programming_sigma?: number;
}

export const rramDevice: DevicePlugin<RramSettings, typeof rramArraySpec> = {
  id: 'rram',
  cost: {
    component: rramArraySpec,
    cellReadEnergyJ: (p, s, meanLevel) => resistiveReadEnergyPerCellJ(p, 1 / s.rOffOhm, 1 / s.rOnOhm, meanLevel),
    readLatencyS: (p) => p.read_pulse_s,
    cellAreaUm2,
  },
  settings: {
    schema: RRAM_SETTINGS_SCHEMA,
    resolve(section) {
      const s = (section ?? {}) as RramSection;
      return {
        rOnOhm: s.r_on_ohm ?? RRAM_DEFAULTS.rOnOhm,
        rOffOhm: s.r_off_ohm ?? RRAM_DEFAULTS.rOffOhm,
        levels: s.levels ?? null,
        programmingSigma: s.programming_sigma ?? RRAM_DEFAULTS.programmingSigma,
      };
    },
  },
  createModel(settings, context, effects) {
    // One level per code of a cell, but no more than the encoding ever programs.
    const perCell = 2 ** context.bitsPerCell;
    const levels =
      settings.levels ?? (context.cellMaxCode === undefined ? perCell : Math.min(perCell, context.cellMaxCode + 1));
    return createRramDevice({ ...settings, levels }, effects);
  },
  curves: true,
};
