/**
 * First-order IR drop along the columns of a crossbar.
 *
 * Each column is held at virtual ground by its sense circuit at one end; the wire between
 * neighbouring rows has resistance r. Row 0 is farthest from the sense end (aihwkit's convention:
 * "the first input is farthest away from the output channel", IOParameters.ir_drop). With the ideal
 * cell currents I_i = G_i·x_i, the current through the wire segment next to row i toward the sense
 * end is C_i = Σ_{i'≤i} I_i', so the column node at row i rises to V_i = r·Σ_{i''≥i} C_i''. One
 * fixed-point step gives the first-order current I = Σ_i G_i·(x_i − V_i): the correction
 * subtracted is Δ = Σ_i G_i·V_i. Row-wire drop and higher orders are left out (CrossSim solves the
 * full network; this is its first-order term).
 *
 * Units: G in any unit u (here: one conductance level step Δg), x in read-voltage units, and
 * `wireTimesUnit` = r·u (dimensionless), so Δ comes out in the units of Σ G·x.
 * Default wire resistance: 0.35 Ω per cell-to-cell segment (aihwkit IOParameters.ir_drop_g_ratio
 * docstring: "0.35 Ohm wire resistance").
 */

export const IR_DROP_DEFAULTS = { wireResistanceOhm: 0.35 } as const;

/**
 * Correction Δ (tokens × cols) for one array: x is tokens × rows, g is rows × cols (row-major).
 * Subtract it from the ideal partial sums x·g.
 */
export function irDropCorrection(
  x: Float32Array,
  tokens: number,
  g: Float32Array,
  rows: number,
  cols: number,
  wireTimesUnit: number,
): Float32Array {
  const out = new Float32Array(tokens * cols);
  if (wireTimesUnit === 0) return out;
  const cum = new Float64Array(rows);
  for (let t = 0; t < tokens; t++) {
    const xRow = t * rows;
    for (let c = 0; c < cols; c++) {
      let running = 0;
      for (let i = 0; i < rows; i++) {
        running += g[i * cols + c] * x[xRow + i];
        cum[i] = running;
      }
      // V_i = r·Σ_{i''≥i} C_i'': a suffix sum, walked from the sense end.
      let suffix = 0;
      let delta = 0;
      for (let i = rows - 1; i >= 0; i--) {
        suffix += cum[i];
        delta += g[i * cols + c] * suffix;
      }
      out[t * cols + c] = wireTimesUnit * delta;
    }
  }
  return out;
}
