/**
 * The functional engine as the worker runs it, from config text and pre-read files: functional
 * runs, the error figure of sweeps, and device curves. The CLI calls the same functions.
 */
import { analyzeConfig } from '../engine/config/analyze';
import type { ReadFile } from '../engine/config/semanticChecks';
import { DEVICE_MODEL_NAMES } from '../engine/devices/index';
import { deviceCurves, resolveFunctionalSettings, resolveNonidealities, runFunctionalSimulation } from '../engine/functional/index';
import type { DeviceCurves, FunctionalResult } from '../shared/functionalResult';
import { loadTileGemmKernel, type TileGemmKernel } from '../engine/kernels/tileGemm';
import type { ErrorMetric } from '../engine/sweep/evaluate';
import type { DeviceCurvesRequest, FunctionalRunRequest, ReferencedFiles, ResponseOf } from '../shared/protocol';
import type { RequestContext } from './handlers';

export interface FunctionalRunOptions {
  readonly readFile: ReadFile;
  readonly files: ReferencedFiles;
  readonly shouldStop: () => boolean;
  readonly onProgress?: (fraction: number, stage: string) => void;
}

let kernel: Promise<TileGemmKernel> | undefined;

/** The fastest tile kernel this runtime has (WebAssembly SIMD; the JS reference as a last resort), loaded once. */
function tileKernel(): Promise<TileGemmKernel> {
  kernel ??= loadTileGemmKernel('auto');
  return kernel;
}

/** Validates the config and runs its functional simulation; config errors throw with the first message. */
export async function runFunctionalOfConfig(configText: string, o: FunctionalRunOptions): Promise<FunctionalResult> {
  const analysis = analyzeConfig(configText, { readFile: o.readFile, simulate: false });
  const firstError = analysis.diagnostics.find((d) => d.severity === 'error');
  if (firstError || !analysis.config || !analysis.design) throw new Error(`config: ${firstError?.message ?? 'did not validate'}`);
  const checkpoint = analysis.config.functional?.checkpoint;
  const bytes = checkpoint === undefined ? undefined : o.files[checkpoint];
  if (checkpoint !== undefined && !(bytes instanceof Uint8Array)) throw new Error(`functional.checkpoint ${checkpoint} was not sent with the request`);
  return runFunctionalSimulation({
    design: analysis.design,
    backend: await tileKernel(),
    settings: resolveFunctionalSettings(analysis.config),
    weightFiles: checkpoint !== undefined && bytes instanceof Uint8Array ? { [checkpoint]: bytes } : undefined,
    shouldStop: o.shouldStop,
    onProgress: o.onProgress ? (p) => o.onProgress!(p.fraction, p.stage) : undefined,
  });
}

/** What `aimc sweep --error` reports: the whole error a user sees, algorithm and hardware together. */
export const FUNCTIONAL_ERROR_METRIC = 'logits relative error vs float model';

/** The sweep's error figure, over the files of one sweep request. */
export function functionalErrorMetric(files: ReferencedFiles): ErrorMetric {
  return {
    name: FUNCTIONAL_ERROR_METRIC,
    async evaluate(configText, context) {
      const r = await runFunctionalOfConfig(configText, {
        readFile: context.readFile, files, shouldStop: context.shouldStop,
        onProgress: context.onProgress ? (fraction) => context.onProgress!(fraction) : undefined,
      });
      return r.endToEnd.logitsVsSoftmaxModel.relativeError;
    },
  };
}

export function runFunctional(req: FunctionalRunRequest, ctx: RequestContext, readFile: ReadFile): Promise<ResponseOf<'functional-run'>> {
  return runFunctionalOfConfig(req.configText, {
    readFile, files: req.files, shouldStop: () => ctx.shouldStop(),
    onProgress: (fraction, stage) => ctx.progress(fraction, 1, stage),
  });
}

/**
 * Curves of a device model with the `nonidealities:` (and `weights.bits_per_cell`, for RRAM
 * levels) of a config, or with the defaults when there is none.
 */
export function deviceCurvesOfConfig(model: string, config?: { readonly text: string; readonly readFile: ReadFile }): DeviceCurves {
  const name = DEVICE_MODEL_NAMES.find((m) => m === model);
  if (!name) throw new Error(`unknown device model \`${model}\`; models: ${DEVICE_MODEL_NAMES.join(', ')}`);
  if (!config) return deviceCurves(name);
  const analysis = analyzeConfig(config.text, { readFile: config.readFile, simulate: false });
  const firstError = analysis.diagnostics.find((d) => d.severity === 'error');
  if (firstError || !analysis.config || !analysis.design) throw new Error(`config: ${firstError?.message ?? 'did not validate'}`);
  return deviceCurves(name, resolveNonidealities(analysis.config.nonidealities), { bitsPerCell: analysis.design.weights.bitsPerCell });
}

export function deviceCurvesFor(req: DeviceCurvesRequest, readFile: ReadFile): ResponseOf<'device-curves'> {
  return deviceCurvesOfConfig(req.model, req.configText === undefined ? undefined : { text: req.configText, readFile });
}
