import { defineComponent } from '../../components/types';

/** RRAM crossbar, with NeuroSim's default device. */
export const rramArraySpec = defineComponent({
  id: 'rram_array',
  name: 'RRAM crossbar array',
  description: 'Resistive RAM cells (1T1R) holding static weights as conductances.',
  parameters: {
    read_voltage_v: {
      unit: 'V',
      default: 0.5,
      minimum: 0,
      description: 'Read voltage across a cell.',
      source: 'DNN+NeuroSim V1.4 Param.cpp: readVoltage 0.5 V',
    },
    read_pulse_s: {
      unit: 's',
      default: 10e-9,
      minimum: 0,
      description: 'Duration of one array read.',
      source: 'DNN+NeuroSim V1.4 Param.cpp: readPulseWidth 10 ns',
    },
    cell_area_f2: {
      unit: 'F2',
      default: 48,
      minimum: 1,
      description: 'Cell footprint in units of F².',
      source: 'DNN+NeuroSim V1.4 Param.cpp: 1T1R cell 4F × 12F',
    },
  },
});
