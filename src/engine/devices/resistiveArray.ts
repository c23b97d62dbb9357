/**
 * Read of a resistive crossbar (PCM, RRAM): each selected cell dissipates V_read² · G · t_read
 * (Ohm's law over the read pulse), with G the mean programmed conductance: the device's lowest
 * conductance plus the mean stored level times its range (the mapping and the weights set the
 * level; see cost/analogMatrix.ts).
 */
export function resistiveReadEnergyPerCellJ(
  p: { readonly read_voltage_v: number; readonly read_pulse_s: number },
  gMinS: number,
  gMaxS: number,
  meanLevel: number,
): number {
  const g = gMinS + meanLevel * (gMaxS - gMinS);
  return p.read_voltage_v * p.read_voltage_v * g * p.read_pulse_s;
}

/** Cell area from its footprint in F² at the configured feature size (nm), in µm². */
export function cellAreaUm2(p: { readonly cell_area_f2: number }, nodeNm: number): number {
  const f = nodeNm * 1e-3;
  return p.cell_area_f2 * f * f;
}
