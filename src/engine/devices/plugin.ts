/**
 * A device technology as a plug-in: everything the engine needs to know about one kind of crossbar
 * cell, in one folder (src/engine/devices/<id>/), registered with one line in devices/index.ts.
 *
 * - cost: the array component (its parameters, units, defaults and sources, set under
 *   `components.<component id>`) and the cell's read energy, read time and area;
 * - settings: the `nonidealities.<id>` config section (schema with defaults and sources) and its
 *   resolution, for the functional model;
 * - the functional model (program, drift, read), after aihwkit's noise-model interface;
 * - whether `aimc device <id>` draws its characteristic curves.
 */
import type { TSchema } from '@sinclair/typebox';
import type { ComponentSpec, ValuesOf } from '../components/types';
import type { DeviceEffects, DeviceModel } from './types';

/** What a functional model needs to know of the matrix it stores. */
export interface DeviceBuildContext {
  /** `weights.bits_per_cell` of the matrix. */
  readonly bitsPerCell: number;
  /** Highest code a cell is programmed to, where the weight encoding knows it (levels above it go unused). */
  readonly cellMaxCode?: number;
}

/** The cost model's view of a cell: read energy and time per input, and footprint. */
export interface DeviceCost<Spec extends ComponentSpec = ComponentSpec, Settings = unknown> {
  /** The array component, configurable under `components.<component.id>`. */
  readonly component: Spec;
  /**
   * Energy of one cell read at full input, in J, for cells whose stored level is on average
   * `meanLevel` of the device's range (0: all at the lowest conductance, 1: all at the highest).
   * `settings` is the device's resolved `nonidealities.<id>` section (its conductance range).
   */
  cellReadEnergyJ(p: ValuesOf<Spec>, settings: Settings, meanLevel: number): number;
  /** Duration of one array read, in s. */
  readLatencyS(p: ValuesOf<Spec>): number;
  cellAreaUm2(p: ValuesOf<Spec>, nodeNm: number): number;
}

export interface DevicePlugin<Settings = unknown, Spec extends ComponentSpec = ComponentSpec> {
  /** The value of `weights.device`. */
  readonly id: string;
  /** Either the device's own cost figures, or the id of a device it costs as. */
  readonly cost: DeviceCost<Spec, Settings> | { readonly costsAs: string };
  /** The `nonidealities.<id>` section, when the device has settings of its own. */
  readonly settings?: {
    readonly schema: TSchema;
    /** The section with its defaults applied; `section` is schema-valid or absent. */
    resolve(section: unknown): Settings;
  };
  /** The functional model of a cell. `settings` is what `settings.resolve` returned (undefined without settings). */
  createModel(settings: Settings, context: DeviceBuildContext, effects: DeviceEffects): DeviceModel;
  /** Whether `aimc device <id>` draws this device's curves. */
  readonly curves: boolean;
}
