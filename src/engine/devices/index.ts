/**
 * The device technologies, one line each: a new device is a folder under src/engine/devices/ with
 * a DevicePlugin (plugin.ts), registered here. Order: as `weights.device` lists them.
 */
import { idealDevice } from './ideal/index';
import { pcmDevice } from './pcm/index';
import type { DeviceBuildContext } from './plugin';
import { devicePlugin, devicePlugins, registerDevice } from './registry';
import type { DeviceEffects, DeviceModel } from './types';
import { rramDevice } from './rram/index';
import { sramDevice } from './sram/index';

registerDevice(pcmDevice);
registerDevice(rramDevice);
registerDevice(sramDevice);
registerDevice(idealDevice);

export { costPlugin, deviceIds, devicePlugin, devicePlugins, registerDevice } from './registry';
export type { DeviceBuildContext, DeviceCost, DevicePlugin } from './plugin';
export { applyStuckAt } from './stuckAt';
export { irDropCorrection, IR_DROP_DEFAULTS } from './irDrop';
export type { DeviceEffects, DeviceModel } from './types';
export { ALL_DEVICE_EFFECTS, NO_DEVICE_EFFECTS } from './types';

/**
 * The functional model of a cell of `device`, with the device's resolved `nonidealities.<id>`
 * settings taken from `settingsByDevice` (NonidealitySettings.devices).
 */
export function createDevice(
  device: string,
  settingsByDevice: Readonly<Record<string, unknown>>,
  context: DeviceBuildContext,
  effects: DeviceEffects,
): DeviceModel {
  return devicePlugin(device).createModel(settingsByDevice[device], context, effects);
}

/** Devices whose curves `aimc device` draws. */
export function curveDeviceIds(): string[] {
  return devicePlugins()
    .filter((p) => p.curves)
    .map((p) => p.id);
}
