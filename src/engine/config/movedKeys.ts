/**
 * Keys that earlier versions of the config format accepted and this one does not: a config written
 * for them gets a diagnostic saying what to write instead, not a bare "unknown key".
 */
export const MOVED_KEYS: Readonly<Record<string, string>> = {
  'components.dac.reference_energy_j':
    'The Leroux-referenced DAC now drives attention only: move this to `components.attention_dac.reference_energy_j`. Crossbar row drivers are modelled from their line capacitance (`components.dac.line_capacitance_per_cell_f`).',
  'components.dac.reference_bits': 'Move this to `components.attention_dac.reference_bits` (the attention query DAC).',
  'components.dac.reference_cells':
    'Move this to `components.attention_dac.reference_cells` (the attention query DAC).',
  'components.dac.energy_per_conversion_j':
    'For the attention query DAC, write `components.attention_dac.energy_per_conversion_j`; crossbar row drivers take `components.dac.line_capacitance_per_cell_f` and `drive_voltage_v`.',
  'components.dac.latency_s':
    'Move this to `components.attention_dac.latency_s`; crossbar row drivers take one clock (or a pulse of 2^bits − 1 clocks for `weights.dac.type: pwm`).',
  'components.pcm_array.mean_conductance_s':
    'Removed: the mean conductance now follows the device range (`nonidealities.pcm.g_max_us`) and the weights (`weights.mean_abs_weight`, `weights.mapping`).',
  'components.rram_array.mean_conductance_s':
    'Removed: the mean conductance now follows the device range (`nonidealities.rram.r_on_ohm`, `r_off_ohm`) and the weights (`weights.mean_abs_weight`, `weights.mapping`).',
};
