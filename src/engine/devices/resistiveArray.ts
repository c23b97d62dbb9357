import type { ParameterValues } from '../components/types';

/**
 * Read of a resistive crossbar (PCM, RRAM): each selected cell dissipates V_read² · G · t_read
 * (Ohm's law over the read pulse). G is the mean programmed conductance of a cell, which depends
 * on the weight distribution; the device modules give a default.
 */
export function resistiveReadEnergyPerCellJ(p: ParameterValues): number {
  const v = p.read_voltage_v ?? 0;
  const g = p.mean_conductance_s ?? 0;
  const t = p.read_pulse_s ?? 0;
  return v * v * g * t;
}

/** Cell area from its footprint in F² at the configured feature size (nm), in µm². */
export function cellAreaUm2(p: ParameterValues, nodeNm: number): number {
  const f = nodeNm * 1e-3;
  return (p.cell_area_f2 ?? 0) * f * f;
}
