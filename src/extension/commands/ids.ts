/** Command ids, as contributed in package.json; the CodeLens ones come from the engine's language service. */
export { COMPARE_COMMAND, SIMULATE_COMMAND, SWEEP_COMMAND } from '../../shared/commandIds';

export const SHOW_RESULTS_COMMAND = 'aimc.showResults';
export const SHOW_TILE_MAP_COMMAND = 'aimc.showTileMap';
export const ACCURACY_COMMAND = 'aimc.runAccuracy';
export const NEW_CONFIG_COMMAND = 'aimc.newConfig';
export const IMPORT_HF_COMMAND = 'aimc.importHuggingFace';
export const EXPORT_COMMAND = 'aimc.exportResults';
export const CANCEL_COMMAND = 'aimc.cancel';
export const COMPARE_DESIGNS_COMMAND = 'aimc.compareDesigns';
export const OPEN_EXAMPLE_COMMAND = 'aimc.openExample';
export const GET_STARTED_COMMAND = 'aimc.getStarted';
