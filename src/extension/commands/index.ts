/**
 * The command implementations, loaded on the first command run (see register.ts): they bring the
 * engine's schema, sweep planner and config writers, which activation does not need.
 */
export { exportCommand, exportResults } from './exportResults';
export { importHuggingFaceCommand, newConfigCommand } from './newConfig';
export { accuracyCommand, compareCommand, showTileMapCommand, simulateCommand, simulateDocument } from './simulate';
export { openDesignPoint, sweepCommand } from './sweep';
export { compareDesignPoint, compareDesignsCommand } from './compare';
export { getStartedCommand } from './onboarding';
export { openExampleCommand } from './newConfig';
export { revealConfigLines } from './revealConfig';
