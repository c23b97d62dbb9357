/**
 * One entry point for every front end (CLI, extension, worker): parse → schema → semantics →
 * resolve → simulate → physics. Diagnostics carry exact ranges; the later stages run only when
 * the earlier ones found no errors.
 */
import type { SimulationResult } from '../../shared/result';
import { simulate } from '../simulate';
import { hasErrors, type Diagnostic } from '../../shared/diagnostics';
import { parseConfigDocument, type ConfigDocument } from './document';
import { checkPhysics } from './physicsChecks';
import { resolveDesign, type ResolvedDesign } from './resolve';
import type { AimcConfig } from './schema';
import { checkSchema } from './schemaCheck';
import { checkSemantics, type ReadFile } from './semanticChecks';

export interface AnalyzeOptions {
  /** Reads a file referenced by the config (paths relative to the config); undefined when unreadable. */
  readonly readFile?: ReadFile;
  /** Run the cost simulation (and the physics checks that need it). Default true. */
  readonly simulate?: boolean;
}

export interface Analysis {
  readonly document: ConfigDocument;
  readonly diagnostics: readonly Diagnostic[];
  readonly config?: AimcConfig;
  readonly design?: ResolvedDesign;
  readonly result?: SimulationResult;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

export function analyzeConfig(text: string, options: AnalyzeOptions = {}): Analysis {
  const document = parseConfigDocument(text);
  const diagnostics: Diagnostic[] = [...document.syntaxDiagnostics];
  if (hasErrors(diagnostics)) return { document, diagnostics };
  if (document.value === null || document.value === undefined || typeof document.value !== 'object' || Array.isArray(document.value)) {
    diagnostics.push({
      range: document.rangeOf(0, Math.max(1, text.indexOf('\n'))), severity: 'error', code: 'not-a-config',
      message: 'The file must be a map of config sections, starting with `version: 1` and `model:`.',
    });
    return { document, diagnostics };
  }
  diagnostics.push(...checkSchema(document));
  if (hasErrors(diagnostics)) return { document, diagnostics: diagnostics.sort(byPosition) };

  const config = document.value as AimcConfig;
  const semantic = checkSemantics(document, config, options.readFile);
  diagnostics.push(...semantic.diagnostics);
  if (hasErrors(diagnostics) || !semantic.shape) return { document, diagnostics: diagnostics.sort(byPosition), config };

  const design = resolveDesign(config, semantic.shape);
  if (options.simulate === false) return { document, diagnostics: diagnostics.sort(byPosition), config, design };
  const result = simulate(design);
  diagnostics.push(...checkPhysics(document, config, design, result));
  return { document, diagnostics: diagnostics.sort(byPosition), config, design, result };
}
