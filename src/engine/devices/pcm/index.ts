/** Phase-change memory: NeuroSim-style array figures for cost, aihwkit's PCMLikeNoiseModel for accuracy. */
import { Type } from '@sinclair/typebox';
import { num, strict } from '../../config/schemaBuilders';
import type { DevicePlugin } from '../plugin';
import { cellAreaUm2, resistiveReadEnergyPerCellJ } from '../resistiveArray';
import { pcmArraySpec } from './array';
import { createPcmDevice, PCM_DEFAULTS } from './model';

export interface PcmSettings {
  readonly gMaxUs: number;
  readonly t0S: number;
  readonly tReadS: number;
  readonly progNoiseScale: number;
  readonly readNoiseScale: number;
  readonly driftScale: number;
}

const SRC = 'IBM aihwkit PCMLikeNoiseModel';

export const PCM_SETTINGS_SCHEMA = strict(
  {
    g_max_us: Type.Optional(
      num({
        description: 'Conductance of the highest code.',
        unit: 'uS',
        default: PCM_DEFAULTS.gMaxUs,
        exclusiveMinimum: 0,
        maximum: 1e6,
        source: `${SRC}: g_max 25 µS`,
      }),
    ),
    t0_s: Type.Optional(
      num({
        description: 'Drift reference time (first read after programming).',
        unit: 's',
        default: PCM_DEFAULTS.t0S,
        exclusiveMinimum: 0,
        maximum: 1e6,
        source: `${SRC}: t_0 20 s`,
      }),
    ),
    t_read_s: Type.Optional(
      num({
        description: 'Read duration in the 1/f noise fit.',
        unit: 's',
        default: PCM_DEFAULTS.tReadS,
        exclusiveMinimum: 0,
        maximum: 1,
        source: `${SRC}: t_read 250 ns`,
      }),
    ),
    prog_noise_scale: Type.Optional(
      num({
        description: 'Multiplier of the programming-noise σ.',
        unit: '',
        default: PCM_DEFAULTS.progNoiseScale,
        minimum: 0,
        maximum: 100,
        source: `${SRC}: prog_noise_scale 1`,
      }),
    ),
    read_noise_scale: Type.Optional(
      num({
        description: 'Multiplier of the read-noise σ.',
        unit: '',
        default: PCM_DEFAULTS.readNoiseScale,
        minimum: 0,
        maximum: 100,
        source: `${SRC}: read_noise_scale 1`,
      }),
    ),
    drift_scale: Type.Optional(
      num({
        description: 'Multiplier of the drift coefficients ν.',
        unit: '',
        default: PCM_DEFAULTS.driftScale,
        minimum: 0,
        maximum: 100,
        source: `${SRC}: drift_scale 1`,
      }),
    ),
  },
  'Phase-change memory device model (aihwkit PCMLikeNoiseModel).',
);

interface PcmSection {
  readonly g_max_us?: number;
  readonly t0_s?: number;
  readonly t_read_s?: number;
  readonly prog_noise_scale?: number;
  readonly read_noise_scale?: number;
  readonly drift_scale?: number;
}

export const pcmDevice: DevicePlugin<PcmSettings, typeof pcmArraySpec> = {
  id: 'pcm',
  cost: {
    component: pcmArraySpec,
    cellReadEnergyJ: (p, s, meanLevel) =>
      resistiveReadEnergyPerCellJ(p, PCM_DEFAULTS.gMinUs * 1e-6, s.gMaxUs * 1e-6, meanLevel),
    readLatencyS: (p) => p.read_pulse_s,
    cellAreaUm2,
  },
  settings: {
    schema: PCM_SETTINGS_SCHEMA,
    resolve(section) {
      const s = (section ?? {}) as PcmSection;
      return {
        gMaxUs: s.g_max_us ?? PCM_DEFAULTS.gMaxUs,
        t0S: s.t0_s ?? PCM_DEFAULTS.t0S,
        tReadS: s.t_read_s ?? PCM_DEFAULTS.tReadS,
        progNoiseScale: s.prog_noise_scale ?? PCM_DEFAULTS.progNoiseScale,
        readNoiseScale: s.read_noise_scale ?? PCM_DEFAULTS.readNoiseScale,
        driftScale: s.drift_scale ?? PCM_DEFAULTS.driftScale,
      };
    },
  },
  createModel: (settings, _context, effects) => createPcmDevice(settings, effects),
  curves: true,
};
