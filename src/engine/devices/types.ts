/**
 * The small interface every crossbar device model implements (after IBM aihwkit's
 * `BaseNoiseModel`: program, then read at the time of inference). Conductances are in µS.
 * One model per file; a new device is a new file, not a new branch in a switch.
 */
import type { DeviceParameter } from '../../shared/functionalResult';
import type { Rng } from '../functional/rng';

export interface DeviceModel {
  readonly id: string;
  /** Conductance of code 0 and of the highest code. */
  readonly gMinUs: number;
  readonly gMaxUs: number;
  /** Parameters as used, with their sources, for reports and `aimc device`. */
  readonly parameters: Readonly<Record<string, DeviceParameter>>;
  /** Conductances right after programming the targets (programming noise, level snapping). */
  program(targetUs: Float32Array, rng: Rng): Float32Array;
  /**
   * Conductances seen at `tInferenceS` after programming (drift, read noise), sampled once per
   * inference time as aihwkit's `drift_analog_weights` does.
   */
  readAt(targetUs: Float32Array, programmedUs: Float32Array, tInferenceS: number, rng: Rng): Float32Array;

  /** Standard deviation of programming noise at a target conductance (curves, tests). */
  programmingSigmaUs(targetUs: number): number;
  /** Conductance of a median device programmed to `targetUs`, `tInferenceS` later. */
  medianConductanceUs(targetUs: number, tInferenceS: number): number;
  /** Standard deviation of the read noise of a device at `programmedUs`, `tInferenceS` later. */
  readNoiseSigmaUs(programmedUs: number, tInferenceS: number): number;
}

/** Which effects of a device are on; each can be switched on its own. */
export interface DeviceEffects {
  readonly programmingNoise: boolean;
  readonly drift: boolean;
  readonly readNoise: boolean;
}

export const ALL_DEVICE_EFFECTS: DeviceEffects = { programmingNoise: true, drift: true, readNoise: true };
export const NO_DEVICE_EFFECTS: DeviceEffects = { programmingNoise: false, drift: false, readNoise: false };
