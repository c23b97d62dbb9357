import { scaleAreaUm2, scaleEnergyJ } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/**
 * Crossbar row (word-line) drivers: one per array row, in one of three forms.
 *
 *   bit-serial   a 1-bit driver; per input cycle, a row whose input bit is 1 charges its line:
 *                E = C_line · V² + E_latch
 *   pwm          the input sets a pulse width (1 clock per LSB); a non-zero input charges the line
 *                once: E = C_line · V² + bits · E_bit (the pulse counter); latency (2^bits − 1) clocks
 *   level        a capacitive DAC sets a voltage level that drives the line:
 *                E = E[x²] · C_line · V² + ½ · 2^bits · C_unit · V²  (charging its binary-weighted array)
 *
 * C_line = cells on the line × capacitance per cell (the access-transistor gate plus one cell
 * pitch of wire). Energies of logic scale with the node (scaling.ts).
 */
export const rowDriverSpec = defineComponent({
  id: 'dac',
  name: 'Crossbar row driver',
  description: 'Drives one array row (word line) per input: 1-bit, pulse-width or voltage-level.',
  parameters: {
    line_capacitance_per_cell_f: {
      unit: 'F',
      default: null,
      minimum: 0,
      description:
        'Word-line capacitance per cell on the line: the access transistor gate plus one cell pitch of wire. Default: 0.2 fF at 22 nm, scaled with the node.',
      source:
        'Order of magnitude at 22 nm: ~0.1 fF gate of a minimum access transistor plus ~0.2 fF/µm wire over a ~0.3 µm pitch (ITRS 2013 interconnect tables; check)',
    },
    drive_voltage_v: {
      unit: 'V',
      default: 0.8,
      minimum: 0,
      description: 'Voltage the driver swings the line to (the word line of a 1T1R array is driven at V_DD).',
      source: 'DNN+NeuroSim V1.4 technology file, 22 nm: V_DD 0.8 V',
    },
    logic_energy_per_bit_j: {
      unit: 'J',
      default: null,
      minimum: 0,
      description:
        'Energy of one bit of driver logic per conversion (latch, pulse counter). Default: 3.75 fJ at 45 nm, scaled to the node.',
      source: 'Horowitz, ISSCC 2014: 8-bit add 0.03 pJ at 45 nm, i.e. 3.75 fJ per bit',
    },
    unit_capacitance_f: {
      unit: 'F',
      default: 1e-15,
      minimum: 0,
      description: 'Unit capacitor of a level DAC (its array holds 2^bits units).',
      source: 'A 1 fF metal-oxide-metal unit capacitor, a common matching-limited minimum in SAR/DAC designs (check)',
    },
    area_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description:
        'Area of one driver. Default: 0.166 µm² per 1-bit driver at 32 nm, ×2^(bits−1) for pulse or level DACs, scaled with node².',
      source: 'ISAAC (Shafiee et al., ISCA 2016): 1024 1-bit DACs in 0.00017 mm² at 32 nm',
    },
  },
});

export type RowDriverKind = 'bit-serial' | 'pwm' | 'level';
type Values = ValuesOf<typeof rowDriverSpec>;

/** What the inputs look like, for the energy of driving them (workload.input_statistics). */
export interface InputActivity {
  /** Fraction of 1 bits in bit-serial codes. */
  readonly oneBitFraction: number;
  /** Mean |x| as a fraction of full scale. */
  readonly meanAbs: number;
}

function lineEnergyJ(p: Values, cellsOnLine: number, nodeNm: number): number {
  // Capacitance scales with feature size, as energy does at constant voltage (scaling.ts).
  const cPerCell = p.line_capacitance_per_cell_f ?? scaleEnergyJ(0.2e-15, 22, nodeNm);
  return cellsOnLine * cPerCell * p.drive_voltage_v * p.drive_voltage_v;
}

function logicBitJ(p: Values, nodeNm: number): number {
  return p.logic_energy_per_bit_j ?? scaleEnergyJ(3.75e-15, 45, nodeNm);
}

/**
 * Mean energy of one row driver per input cycle, over the inputs' statistics: bit-serial rows
 * fire on 1 bits; a pulse charges its line once whatever its width (every input taken as
 * non-zero: Gaussian inputs with full scale at 4σ quantise to 0 about 1 % of the time); a level
 * costs E[x²] of a full swing, with E[x²] = 1.5625 · E[|x|]², the ratio of the two for Gaussian
 * inputs (1/16 against 0.2²).
 */
export function rowDriverEnergyJ(
  p: Values,
  kind: RowDriverKind,
  bits: number,
  cellsOnLine: number,
  activity: InputActivity,
  nodeNm: number,
): number {
  const line = lineEnergyJ(p, cellsOnLine, nodeNm);
  const bit = logicBitJ(p, nodeNm);
  switch (kind) {
    case 'bit-serial':
      return activity.oneBitFraction * line + bit;
    case 'pwm':
      return line + bits * bit;
    case 'level': {
      const meanSquare = Math.min(1, activity.meanAbs * activity.meanAbs * 1.5625);
      const v = p.drive_voltage_v;
      return meanSquare * line + 0.5 * Math.pow(2, bits) * p.unit_capacitance_f * v * v;
    }
  }
}

/** Time a driver holds its row per input cycle: one clock, or the longest pulse. */
export function rowDriverLatencyS(kind: RowDriverKind, bits: number, clockHz: number): number {
  return kind === 'pwm' ? (Math.pow(2, bits) - 1) / clockHz : 1 / clockHz;
}

export function rowDriverAreaUm2(p: Values, kind: RowDriverKind, bits: number, nodeNm: number): number {
  if (p.area_um2 != null) return p.area_um2;
  const unitBits = kind === 'bit-serial' ? 1 : bits;
  return scaleAreaUm2((0.00017e6 / 1024) * Math.pow(2, unitBits - 1), 32, nodeNm);
}
