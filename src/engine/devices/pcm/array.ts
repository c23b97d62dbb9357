import { defineComponent } from '../../components/types';

/** Phase-change memory crossbar. Electrical figures for the cost model; noise lives in the functional model. */
export const pcmArraySpec = defineComponent({
  id: 'pcm_array',
  name: 'PCM crossbar array',
  description: 'Phase-change memory cells (1T1R) holding static weights as conductances.',
  parameters: {
    read_voltage_v: {
      unit: 'V',
      default: 0.2,
      minimum: 0,
      description: 'Read voltage across a cell; kept low to stay below threshold switching.',
      source: 'Le Gallo & Sebastian, J. Phys. D 2020 (PCM device physics review): ~0.2 V reads',
    },
    read_pulse_s: {
      unit: 's',
      default: 10e-9,
      minimum: 0,
      description: 'Duration of one array read (integration time).',
      source: 'DNN+NeuroSim V1.4 Param.cpp: readPulseWidth 10 ns',
    },
    cell_area_f2: {
      unit: 'F2',
      default: 48,
      minimum: 1,
      description: 'Cell footprint in units of F² (F = feature size).',
      source: 'DNN+NeuroSim V1.4 Param.cpp: 1T1R cell 4F × 12F',
    },
  },
});
