/**
 * One sweep point: the base config with the axis keys set as overrides, loaded, costed and, when
 * asked, run through the functional simulation for error.
 */
import type { PointCost, PointSpec, SweepAxis, SweepPointResult } from '../../shared/sweep';
import { costDesign } from '../analyze';
import { parseConfigDocument } from '../config/document';
import { axisOverrides } from './axes';
import type { DesignFileReader } from '../design/files';
import { loadDesign, type LoadedDesign } from '../design/loadDesign';

export interface ErrorRunContext {
  readonly shouldStop: () => boolean;
  /** Progress within the point, 0 … 1. */
  readonly onProgress?: (fraction: number) => void;
}

/** A functional error figure for a sweep: lower is better. */
export interface ErrorMetric {
  /** Shown in reports, e.g. `logits relative error`. */
  readonly name: string;
  /** The error of a point's design, loaded with its checkpoint. */
  evaluate(design: LoadedDesign, context: ErrorRunContext): Promise<number>;
}

/** The points of one sweep request, sharing a parsed base config. */
export interface SweepBatch {
  readonly baseConfigText: string;
  readonly axes: readonly SweepAxis[];
}

export interface EvaluateOptions {
  /** The files the base config names. */
  readonly reader: DesignFileReader;
  readonly errorMetric?: ErrorMetric;
  readonly shouldStop: () => boolean;
  readonly onProgress?: (fraction: number) => void;
}

/** Thrown when `shouldStop()` answers true between or inside points. */
export class SweepCancelled extends Error {
  override readonly name = 'SweepCancelled';
  constructor() {
    super('sweep cancelled');
  }
}

/** Returns a function evaluating points of `batch`; the base config is parsed once. */
export function pointEvaluator(
  batch: SweepBatch,
): (point: PointSpec, options: EvaluateOptions) => Promise<SweepPointResult> {
  const base = parseConfigDocument(batch.baseConfigText);
  return async (point, options) => {
    const values = Object.fromEntries(batch.axes.map((a, i) => [a.key, point.values[i]]));
    const fail = (status: 'invalid' | 'failed', message: string): SweepPointResult => ({
      index: point.index,
      values,
      status,
      message,
      cost: null,
      error: null,
      pareto: [],
    });
    const overrides = axisOverrides(batch.axes, point.values);
    const loaded = await loadDesign(base, options.reader, {
      overrides,
      withCheckpoint: options.errorMetric !== undefined,
    });
    const analysis = costDesign(loaded);
    const firstError = analysis.diagnostics.find((d) => d.severity === 'error');
    if (firstError || !analysis.result) return fail('invalid', firstError?.message ?? 'the config did not simulate');
    const r = analysis.result;
    const cost: PointCost = {
      energyPerTokenJ: r.perToken.energyJ,
      latencyPerTokenS: r.perToken.latencyS,
      areaMm2: r.areaMm2,
      arrays: r.mapping.arrays,
    };
    let error: number | null = null;
    if (options.errorMetric) {
      if (options.shouldStop()) throw new SweepCancelled();
      try {
        error = await options.errorMetric.evaluate(loaded, {
          shouldStop: options.shouldStop,
          onProgress: options.onProgress,
        });
      } catch (e) {
        if (options.shouldStop()) throw new SweepCancelled();
        return { ...fail('failed', `functional simulation: ${(e as Error).message}`), cost };
      }
      // A NaN or infinite error would sort anywhere on a front and print as null in JSON.
      if (!Number.isFinite(error) || error < 0)
        return { ...fail('failed', `functional simulation: the error came out as ${error}`), cost };
    }
    return { index: point.index, values, status: 'ok', cost, error, pareto: [] };
  };
}
