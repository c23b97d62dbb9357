/**
 * Read of a resistive crossbar (PCM, RRAM): each selected cell dissipates V_read² · G · t_read
 * (Ohm's law over the read pulse). G is the mean programmed conductance of a cell, which depends
 * on the weight distribution; the device modules give a default.
 */
export function resistiveReadEnergyPerCellJ(p: {
  readonly read_voltage_v: number;
  readonly mean_conductance_s: number;
  readonly read_pulse_s: number;
}): number {
  return p.read_voltage_v * p.read_voltage_v * p.mean_conductance_s * p.read_pulse_s;
}

/** Cell area from its footprint in F² at the configured feature size (nm), in µm². */
export function cellAreaUm2(p: { readonly cell_area_f2: number }, nodeNm: number): number {
  const f = nodeNm * 1e-3;
  return p.cell_area_f2 * f * f;
}
