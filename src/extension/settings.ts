/** The `aimc.*` settings, read fresh each time so a change applies without a reload. */
import { DEFAULT_BASELINES, GPU_IDS, type GpuId } from '../shared/gpuIds';
import type { ExtensionApi } from './api';

export const SETTINGS_SECTION = 'aimc';

export interface Settings {
  readonly autoSimulateOnSave: boolean;
  /** Workers in the simulation pool; 0 in the setting means one per core. */
  readonly workerCount: number | 'auto';
  /** GPUs to compare with when a config has no `baselines:`. */
  readonly defaultBaselines: readonly GpuId[];
}

/** The most workers the setting may ask for: beyond this, memory rather than cores runs out. */
export const MAX_WORKERS = 64;

export function readSettings(api: ExtensionApi): Settings {
  const c = api.workspace.getConfiguration(SETTINGS_SECTION);
  const count = c.get<number>('workerCount', 0);
  // settings.json is hand-edited: unknown GPU ids are dropped rather than failing every simulation.
  const baselines = c.get<unknown>('defaultBaselines', DEFAULT_BASELINES);
  const known = Array.isArray(baselines)
    ? baselines.filter((b): b is GpuId => (GPU_IDS as readonly string[]).includes(b))
    : [];
  return {
    autoSimulateOnSave: c.get<boolean>('autoSimulateOnSave', false) === true,
    workerCount: Number.isInteger(count) && count >= 1 ? Math.min(count, MAX_WORKERS) : 'auto',
    defaultBaselines: known.length > 0 ? [...new Set(known)] : DEFAULT_BASELINES,
  };
}
