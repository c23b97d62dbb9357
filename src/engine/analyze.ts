/**
 * A loaded design, costed: the cost simulation and the physics checks that need its numbers.
 * `analyzeDesign` is what `aimc simulate`, the editor's diagnostics and a worker's `simulate`
 * request run; `analyzeConfig` is the same for a caller that holds every file already.
 */
import { hasErrors, type Diagnostic } from '../shared/diagnostics';
import type { SimulationResult } from '../shared/result';
import { checkPhysics } from './config/physicsChecks';
import { CostModelError } from './cost/ledger';
import type { DesignFileReader } from './design/files';
import {
  loadDesign,
  loadDesignSync,
  type LoadedDesign,
  type LoadOptions,
  type ReadFileSync,
} from './design/loadDesign';
import { simulate } from './simulate';

export interface Analysis extends LoadedDesign {
  readonly result?: SimulationResult;
}

export interface AnalyzeOptions extends LoadOptions {
  /** Run the cost simulation (and the physics checks that need it). Default true. */
  readonly simulate?: boolean;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** The costing of each loaded design, kept while the design is: a sweep point costed for its
 * figures is not costed again when its functional run derives the leakage per step from it. */
const costed = new WeakMap<LoadedDesign, Analysis>();

/** Costs a loaded design that has no errors, and adds the physics warnings; else returns it as is. */
export function costDesign(loaded: LoadedDesign): Analysis {
  const known = costed.get(loaded);
  if (known) return known;
  const analysis = costUncached(loaded);
  costed.set(loaded, analysis);
  return analysis;
}

function costUncached(loaded: LoadedDesign): Analysis {
  if (hasErrors(loaded.diagnostics) || !loaded.config || !loaded.design) return loaded;
  let result: SimulationResult;
  try {
    result = simulate(loaded.design);
  } catch (e) {
    if (!(e instanceof CostModelError)) throw e;
    // Values the schema allows can still overflow together (1e308 J per conversion): say where to look.
    const at = loaded.document.nodeAt(['components']) ? ['components'] : [];
    const diagnostic: Diagnostic = {
      range: loaded.document.keyRange(at),
      severity: 'error',
      code: 'cost-not-finite',
      message: `${e.message.replace(/^cost model: /, 'The cost model fails: ')}. Bring the \`components:\` values nearer their defaults.`,
    };
    return { ...loaded, diagnostics: [...loaded.diagnostics, diagnostic].sort(byPosition) };
  }
  const physics = checkPhysics(loaded.document, loaded.config, loaded.design, result);
  return { ...loaded, diagnostics: [...loaded.diagnostics, ...physics].sort(byPosition), result };
}

export async function analyzeDesign(
  source: Parameters<typeof loadDesign>[0],
  reader: DesignFileReader,
  options: AnalyzeOptions = {},
): Promise<Analysis> {
  const loaded = await loadDesign(source, reader, options);
  return options.simulate === false ? loaded : costDesign(loaded);
}

export interface AnalyzeSyncOptions extends Omit<AnalyzeOptions, 'withCheckpoint'> {
  /** Reads a text file the config names (paths as written); undefined when unreadable. */
  readonly readFile?: ReadFileSync;
}

export function analyzeConfig(text: string, options: AnalyzeSyncOptions = {}): Analysis {
  const loaded = loadDesignSync(text, options.readFile, options);
  return options.simulate === false ? loaded : costDesign(loaded);
}
