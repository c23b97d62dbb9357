import { defineComponent } from '../../components/types';

/**
 * SRAM compute-in-memory array. A cell does not conduct a weight-proportional current; the
 * energy is the bit-line charge per cell: C_bl · V_dd · V_swing.
 */
export const sramArraySpec = defineComponent({
  id: 'sram_array',
  name: 'SRAM compute-in-memory array',
  description: '8T SRAM cells computing on the read bit line.',
  parameters: {
    bitline_capacitance_per_cell_f: {
      unit: 'F',
      default: 0.2e-15,
      minimum: 0,
      description: 'Bit-line capacitance contributed by one cell (drain junction plus wire).',
      source: 'DNN+NeuroSim V1.4 (22 nm): access-transistor drain capacitance ≈ 0.1–0.2 fF; upper value taken',
    },
    supply_voltage_v: {
      unit: 'V',
      default: 0.8,
      minimum: 0,
      description: 'Supply voltage.',
      source: 'DNN+NeuroSim V1.4 technology file, 22 nm: V_dd 0.8 V',
    },
    voltage_swing_v: {
      unit: 'V',
      default: 0.1,
      minimum: 0,
      description: 'Bit-line swing sensed per read.',
      source: 'DNN+NeuroSim V1.4 Param.cpp: minSenseVoltage 0.1 V',
    },
    read_pulse_s: {
      unit: 's',
      default: 1e-9,
      minimum: 0,
      description: 'Duration of one array read (one clock at 1 GHz).',
      source: 'DNN+NeuroSim V1.4 Param.cpp: clkFreq 1 GHz',
    },
    cell_area_f2: {
      unit: 'F2',
      default: 192,
      minimum: 1,
      description: 'Cell footprint in units of F².',
      source: 'DNN+NeuroSim V1.4 Param.cpp, 22 nm SRAM: 8F × 24F',
    },
  },
});
