import { scaleAreaUm2 } from './scaling';
import { cellAreaUm2, NANGATE45_UM2, sizedInverterArea45Um2 } from './standardCells';
import { defineComponent, type ValuesOf } from './types';

/**
 * What sits on the edges of every crossbar array besides its converters, per array (the circuit
 * structure of DNN+NeuroSim V1.4's `SubArray.cpp`; the areas are this model's own, from standard
 * cells):
 *
 *   row switches     one per row: a flip-flop holding the row's input bit and a transmission gate
 *                    that connects the line to the read voltage (NeuroSim's word-line switch matrix)
 *   column switches  one per column: a flip-flop and a transmission gate that select the column
 *                    for a write (NeuroSim's source-line switch matrix; an SRAM's write driver)
 *   column muxes     one `columns_per_adc`:1 multiplexer per ADC, (columns_per_adc − 1) 2:1 muxes,
 *                    and one decoder per array for its select lines (columns_per_adc NAND2 + INV)
 *   level shifters   where the device is written above the core supply (write voltage above
 *                    1.5 V, NeuroSim's threshold for thin-oxide devices): one per row word line,
 *                    row bit line and column source line, the three lines a 1T1R write drives
 *
 * Standard-cell areas: Nangate 45 nm Open Cell Library (standardCells.ts), a transmission gate
 * taken as one INV_X1 footprint (two transistors). A level shifter is NeuroSim's circuit
 * (`LevelShifter.cpp`, validated mode): an input inverter and a cross-coupled latch (two inverters)
 * and an output inverter with NMOS widths of 30, 64 and 128 minimum (2F) widths, the latch and
 * output built from I/O transistors 2.5× as long, and 1.44× for wiring (NeuroSim's α). Each stage
 * is sized in the Nangate drive-strength rule (INV_Xk = (k + 1) × 0.266 µm² at 45 nm): 58.9 µm² at
 * 45 nm, 14.1 µm² at 22 nm. All areas scale with node².
 */
export const arrayPeripherySpec = defineComponent({
  id: 'array_periphery',
  name: 'Array periphery',
  description:
    'Row and column switches, column multiplexers with their decoder, and write level shifters on the edges of each crossbar array.',
  parameters: {
    row_switch_area_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description:
        'Area of one row switch (input flip-flop and transmission gate). Default: DFF_X1 + INV_X1 = 5.05 µm² at 45 nm, scaled with node².',
      source:
        'Nangate 45 nm Open Cell Library: DFF_X1 4.522 µm², INV_X1 0.532 µm²; structure from NeuroSim V1.4 SwitchMatrix',
    },
    column_switch_area_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description:
        'Area of one column write switch (flip-flop and transmission gate). Default: DFF_X1 + INV_X1 = 5.05 µm² at 45 nm, scaled with node².',
      source:
        'Nangate 45 nm Open Cell Library: DFF_X1 4.522 µm², INV_X1 0.532 µm²; structure from NeuroSim V1.4 SwitchMatrix (source line)',
    },
    column_mux_area_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description:
        'Area of one columns_per_adc:1 multiplexer in front of an ADC. Default: (columns_per_adc − 1) MUX2_X1 of 1.862 µm² at 45 nm, scaled with node²; none when an ADC serves one column.',
      source: 'Nangate 45 nm Open Cell Library: MUX2_X1 1.862 µm² (check)',
    },
    level_shifter_area_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description:
        'Area of one write level shifter. Default: 58.9 µm² at 45 nm (14.1 µm² at 22 nm), scaled with node².',
      source:
        'Circuit and sizing of DNN+NeuroSim V1.4 LevelShifter.cpp (validated mode, α = 1.44), sized with the Nangate 45 nm INV_Xk rule',
    },
    write_voltage_v: {
      unit: 'V',
      default: null,
      minimum: 0,
      description:
        'Voltage the cells are written with; above 1.5 V every written line needs a level shifter. Default: 2 V for resistive devices (RRAM, PCM), the core supply (no level shifters) for SRAM.',
      source: 'DNN+NeuroSim V1.4 Param.cpp: writeVoltage 2 V (RRAM); level shifters above 1.5 V (SubArray.cpp)',
    },
  },
});

type Values = ValuesOf<typeof arrayPeripherySpec>;

/** NeuroSim's minimum NMOS width, 2F, at 45 nm, µm. */
const MIN_NMOS_45NM_UM = 2 * 0.045;

/** One level shifter at 45 nm, µm² (see the module comment). */
export const LEVEL_SHIFTER_45NM_UM2 =
  1.44 *
  (sizedInverterArea45Um2(30 * MIN_NMOS_45NM_UM) +
    2.5 * (2 * sizedInverterArea45Um2(64 * MIN_NMOS_45NM_UM) + sizedInverterArea45Um2(128 * MIN_NMOS_45NM_UM)));

/** Write voltage above which a write needs level shifters (NeuroSim SubArray.cpp). */
const LEVEL_SHIFT_ABOVE_V = 1.5;

/** The device's write voltage: the parameter, or 2 V for resistive devices and none for SRAM. */
export function writeVoltageV(p: Values, device: string): number {
  if (p.write_voltage_v != null) return p.write_voltage_v;
  return device === 'sram' ? 0 : 2;
}

export interface ArrayEdges {
  readonly rows: number;
  readonly cols: number;
  readonly adcs: number;
  readonly columnsPerAdc: number;
  readonly device: string;
}

export interface ArrayPeripheryAreaUm2 {
  readonly rowSwitches: number;
  readonly columnSwitches: number;
  readonly columnMuxes: number;
  readonly levelShifters: number;
}

/** Area of one array's periphery by part, µm². */
export function arrayPeripheryAreaUm2(p: Values, a: ArrayEdges, nodeNm: number): ArrayPeripheryAreaUm2 {
  const switch45 = NANGATE45_UM2.flipFlop + NANGATE45_UM2.inverter;
  const rowSwitch = p.row_switch_area_um2 ?? scaleAreaUm2(switch45, 45, nodeNm);
  const columnSwitch = p.column_switch_area_um2 ?? scaleAreaUm2(switch45, 45, nodeNm);
  const muxInputs = Math.min(a.columnsPerAdc, a.cols);
  const mux = p.column_mux_area_um2 ?? (muxInputs - 1) * cellAreaUm2('mux2', nodeNm);
  const decoder = muxInputs > 1 ? muxInputs * (cellAreaUm2('nand2', nodeNm) + cellAreaUm2('inverter', nodeNm)) : 0;
  const shifted = writeVoltageV(p, a.device) > LEVEL_SHIFT_ABOVE_V;
  const shifter = p.level_shifter_area_um2 ?? scaleAreaUm2(LEVEL_SHIFTER_45NM_UM2, 45, nodeNm);
  return {
    rowSwitches: a.rows * rowSwitch,
    columnSwitches: a.cols * columnSwitch,
    columnMuxes: muxInputs > 1 ? a.adcs * mux + decoder : 0,
    levelShifters: shifted ? (2 * a.rows + a.cols) * shifter : 0,
  };
}
