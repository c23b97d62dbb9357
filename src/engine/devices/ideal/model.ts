/** A device without non-idealities: it holds exactly the conductance it was programmed to. */
import type { DeviceModel } from '../types';

export interface IdealDeviceParams {
  /** Conductance range; the values only set units, since nothing depends on them. */
  readonly gMaxUs?: number;
}

export function createIdealDevice(params: IdealDeviceParams = {}): DeviceModel {
  // Same g_max as the PCM model so that curves of the two compare on one axis.
  const gMaxUs = params.gMaxUs ?? 25;
  return {
    id: 'ideal',
    gMinUs: 0,
    gMaxUs,
    parameters: {
      g_max_us: { value: gMaxUs, unit: 'uS', source: 'IBM aihwkit PCMLikeNoiseModel g_max 25 µS, for a common scale' },
    },
    program: (targetUs) => targetUs.slice(),
    readAt: (_targetUs, programmedUs) => programmedUs.slice(),
    programmingSigmaUs: () => 0,
    medianConductanceUs: (targetUs) => targetUs,
    readNoiseSigmaUs: () => 0,
  };
}
