/** Device models by name. */
import { createIdealDevice } from './ideal';
import { createPcmDevice, type PcmParams } from './pcm';
import { createRramDevice, type RramParams } from './rram';
import type { DeviceEffects, DeviceModel } from './types';

export const DEVICE_MODEL_NAMES = ['ideal', 'pcm', 'rram'] as const;
export type DeviceModelName = (typeof DEVICE_MODEL_NAMES)[number];

export interface DeviceParams {
  readonly pcm?: PcmParams;
  readonly rram?: RramParams;
}

/**
 * The model for a config `weights.device`. SRAM cells are digital storage: they hold their bit
 * exactly, so they use the ideal model.
 */
export function createDevice(device: DeviceModelName | 'sram', params: DeviceParams, effects: DeviceEffects): DeviceModel {
  switch (device) {
    case 'pcm': return createPcmDevice(params.pcm ?? {}, effects);
    case 'rram': return createRramDevice(params.rram ?? {}, effects);
    case 'ideal':
    case 'sram': return createIdealDevice();
  }
}

export { createIdealDevice } from './ideal';
export { createPcmDevice, PCM_DEFAULTS, pcmDriftMean, pcmDriftStd, pcmReadNoiseQs } from './pcm';
export { createRramDevice, RRAM_DEFAULTS } from './rram';
export { applyStuckAt } from './stuckAt';
export { irDropCorrection, IR_DROP_DEFAULTS } from './irDrop';
export type { DeviceEffects, DeviceModel } from './types';
export type { DeviceParameter } from '../../shared/functionalResult';
export { ALL_DEVICE_EFFECTS, NO_DEVICE_EFFECTS } from './types';
