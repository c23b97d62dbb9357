/**
 * The functional (accuracy) simulation of a loaded design, as the CLI, a worker and a sweep's
 * error figure run it; and the characteristic curves of a device model with a config's settings.
 */
import type { DeviceCurves, FunctionalResult } from '../shared/functionalResult';
import { requireDesign } from './design/errors';
import type { LoadedDesign } from './design/loadDesign';
import { curveDeviceIds } from './devices/index';
import { deviceCurves } from './functional/deviceCurves';
import { resolveFunctionalSettings, resolveNonidealities } from './functional/settings';
import { runFunctionalSimulation } from './functional/simulation';
import { loadTileGemmKernel, type TileGemmKernel } from './kernels/tileGemmKernel';
import type { ErrorMetric } from './sweep/evaluate';

export interface AccuracyOptions {
  /** Polled between kernel calls; true stops the run (FunctionalRunCancelled). */
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (fraction: number, stage: string) => void;
}

let kernel: Promise<TileGemmKernel> | undefined;

/** The fastest tile kernel this runtime has (WebAssembly SIMD; the JS reference as a last resort), loaded once. */
function tileKernel(): Promise<TileGemmKernel> {
  kernel ??= loadTileGemmKernel('auto');
  return kernel;
}

/**
 * Runs the functional simulation of a design loaded with `withCheckpoint: true` (its checkpoint's
 * bytes are in `loaded.files`). Throws InvalidDesignError when the config has errors.
 */
export async function runAccuracy(loaded: LoadedDesign, o: AccuracyOptions = {}): Promise<FunctionalResult> {
  const { config, design, files } = requireDesign(loaded);
  const checkpoint = config.functional?.checkpoint;
  const bytes = checkpoint === undefined ? undefined : files[checkpoint];
  if (checkpoint !== undefined && !(bytes instanceof Uint8Array)) {
    throw new Error(`functional.checkpoint \`${checkpoint}\` was not read: load the design with withCheckpoint`);
  }
  return runFunctionalSimulation({
    design,
    backend: await tileKernel(),
    settings: resolveFunctionalSettings(config),
    weightFiles: checkpoint !== undefined && bytes instanceof Uint8Array ? { [checkpoint]: bytes } : undefined,
    shouldStop: o.shouldStop,
    onProgress: o.onProgress ? (p) => o.onProgress!(p.fraction, p.stage) : undefined,
  });
}

/** What `aimc sweep --error` reports: the whole error a user sees, algorithm and hardware together. */
export const FUNCTIONAL_ERROR_METRIC = 'logits relative error vs float model';

/** The sweep's error figure: the functional run of each point's design. */
export const functionalErrorMetric: ErrorMetric = {
  name: FUNCTIONAL_ERROR_METRIC,
  async evaluate(loaded, context) {
    const r = await runAccuracy(loaded, {
      shouldStop: context.shouldStop,
      onProgress: context.onProgress ? (f) => context.onProgress!(f) : undefined,
    });
    return r.endToEnd.logitsVsSoftmaxModel.relativeError;
  },
};

/** Device models `aimc device` can draw. */
export function deviceCurveModels(): string[] {
  return curveDeviceIds();
}

/**
 * Curves of a device model with the `nonidealities:` (and `weights.bits_per_cell`, for RRAM
 * levels) of a loaded config, or with the defaults when there is none.
 */
export function deviceCurvesOf(model: string, loaded?: LoadedDesign): DeviceCurves {
  const name = curveDeviceIds().find((m) => m === model);
  if (!name) throw new Error(`unknown device model \`${model}\`; models: ${curveDeviceIds().join(', ')}`);
  if (!loaded) return deviceCurves(name);
  const { config, design } = requireDesign(loaded);
  return deviceCurves(name, resolveNonidealities(config.nonidealities), { bitsPerCell: design.weights.bitsPerCell });
}
