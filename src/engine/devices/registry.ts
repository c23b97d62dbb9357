/**
 * The device technologies the engine knows, in the order configs and docs list them. The built-in
 * ones are registered by devices/index.ts, one line each.
 */
import type { ComponentSpec } from '../components/types';
import type { DevicePlugin } from './plugin';

const plugins = new Map<string, DevicePlugin>();

export function registerDevice<Settings, Spec extends ComponentSpec>(plugin: DevicePlugin<Settings, Spec>): void {
  if (plugins.has(plugin.id)) throw new Error(`device \`${plugin.id}\` is registered twice`);
  // Stored type-erased; each plug-in's cost functions get the values of its own component (crossbarCell.ts).
  plugins.set(plugin.id, plugin as unknown as DevicePlugin);
}

/** Ids of every registered device, for the config's `weights.device`. */
export function deviceIds(): string[] {
  return [...plugins.keys()];
}

export function devicePlugins(): DevicePlugin[] {
  return [...plugins.values()];
}

/** The plug-in of `id`; an unknown id is a programming error here (the schema refuses it first). */
export function devicePlugin(id: string): DevicePlugin {
  const p = plugins.get(id);
  if (!p) throw new Error(`unknown device \`${id}\`; devices: ${deviceIds().join(', ')}`);
  return p;
}

/** The plug-in whose cost figures a device uses (itself, or the one it costs as). */
export function costPlugin(
  id: string,
): DevicePlugin & { readonly cost: Extract<DevicePlugin['cost'], { component: unknown }> } {
  let p = devicePlugin(id);
  for (let hops = 0; 'costsAs' in p.cost; hops++) {
    if (hops > plugins.size) throw new Error(`device \`${id}\`: costsAs forms a loop`);
    p = devicePlugin(p.cost.costsAs);
  }
  return p as ReturnType<typeof costPlugin>;
}
