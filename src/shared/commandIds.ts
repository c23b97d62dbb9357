/** Commands the config CodeLens row runs; the extension registers them under these ids. */
export const SIMULATE_COMMAND = 'aimc.simulate';
export const SWEEP_COMMAND = 'aimc.runSweep';
export const COMPARE_COMMAND = 'aimc.compareBaselines';
