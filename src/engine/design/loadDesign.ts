/**
 * Config text and the files it names → a resolved design, or positioned diagnostics. The one path
 * every front end takes (CLI, editor, worker, sweeps):
 *
 *   parse → overrides → schema → read the named files (all at once) → semantics → resolve
 *
 * Each stage runs only when the earlier ones found no errors. Costing the design is the next step
 * (src/engine/analyze.ts), not this one's.
 */
import { hasErrors, type Diagnostic } from '../../shared/diagnostics';
import type { ConfigOverride } from '../../shared/overrides';
import type { ReferencedFiles } from '../../shared/protocol';
import { parseConfigDocument, type ConfigDocument } from '../config/document';
import { resolveDesign, type ResolvedDesign } from '../config/resolve';
import type { AimcConfig } from '../config/schema';
import { checkSchema } from '../config/schemaCheck';
import { checkSemantics } from '../config/semanticChecks';
import type { DesignFileReader } from './files';
import { overlayDocument } from './overrides';

export interface LoadOptions {
  /** Values set on the parsed config (sweep points, baseline choices); diagnostics keep the text's positions. */
  readonly overrides?: readonly ConfigOverride[];
  /** Also read `functional.checkpoint` (bytes): accuracy runs and sweeps with an error figure. */
  readonly withCheckpoint?: boolean;
}

export interface LoadedDesign {
  /** The parsed text, with the overrides applied to its value. */
  readonly document: ConfigDocument;
  /** Sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly config?: AimcConfig;
  readonly design?: ResolvedDesign;
  /** Every file the config names that could be read, by its path as written: what a worker needs. */
  readonly files: ReferencedFiles;
}

/** A synchronous file reader, for callers that hold the files already (tests, the sync `analyzeConfig`). */
export type ReadFileSync = (path: string) => string | undefined;

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

type Checked =
  | { readonly done: LoadedDesign }
  | { readonly document: ConfigDocument; readonly config: AimcConfig; readonly diagnostics: Diagnostic[] };

/** Parse, overrides and schema: everything that needs no file. */
function checkText(source: string | ConfigDocument, overrides: readonly ConfigOverride[]): Checked {
  const parsed = typeof source === 'string' ? parseConfigDocument(source) : source;
  const diagnostics: Diagnostic[] = [...parsed.syntaxDiagnostics];
  if (hasErrors(diagnostics)) return { done: { document: parsed, diagnostics, files: {} } };
  const value = parsed.value;
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push({
      range: parsed.rangeOf(0, Math.max(1, parsed.text.indexOf('\n'))),
      severity: 'error',
      code: 'not-a-config',
      message: 'The file must be a map of config sections, starting with `version: 1` and `model:`.',
    });
    return { done: { document: parsed, diagnostics, files: {} } };
  }
  const document = overlayDocument(parsed, overrides);
  diagnostics.push(...checkSchema(document));
  if (hasErrors(diagnostics)) return { done: { document, diagnostics: diagnostics.sort(byPosition), files: {} } };
  return { document, config: document.value as AimcConfig, diagnostics };
}

/** Semantics and resolution, over the files already read. */
function finish(
  checked: Exclude<Checked, { done: LoadedDesign }>,
  files: ReferencedFiles,
  fileDiagnostics: readonly Diagnostic[],
): LoadedDesign {
  const { document, config } = checked;
  const diagnostics = [...checked.diagnostics, ...fileDiagnostics];
  const semantic = checkSemantics(document, config, (p) => {
    const f = files[p];
    return typeof f === 'string' ? f : undefined;
  });
  diagnostics.push(...semantic.diagnostics);
  if (hasErrors(diagnostics) || !semantic.shape)
    return { document, diagnostics: diagnostics.sort(byPosition), config, files };
  return {
    document,
    diagnostics: diagnostics.sort(byPosition),
    config,
    design: resolveDesign(config, semantic.shape),
    files,
  };
}

/** The files a schema-valid config names: text files always, the checkpoint when asked for. */
function namedFiles(config: AimcConfig, withCheckpoint: boolean): { text: string[]; bytes: string[] } {
  const text = config.model.huggingface === undefined ? [] : [config.model.huggingface];
  const checkpoint = config.functional?.checkpoint;
  return { text, bytes: withCheckpoint && checkpoint !== undefined ? [checkpoint] : [] };
}

function reason(e: unknown): string {
  return (e as { code?: string }).code ?? (e as Error).message ?? String(e);
}

/**
 * Loads a design from config text (or a document parsed before, as a sweep does once for all its
 * points) and the files it names, read through `reader` in one pass.
 */
export async function loadDesign(
  source: string | ConfigDocument,
  reader: DesignFileReader,
  options: LoadOptions = {},
): Promise<LoadedDesign> {
  const checked = checkText(source, options.overrides ?? []);
  if ('done' in checked) return checked.done;
  const named = namedFiles(checked.config, options.withCheckpoint === true);
  const files: Record<string, string | Uint8Array> = {};
  const fileDiagnostics: Diagnostic[] = [];
  await Promise.all([
    ...named.text.map(async (p) => {
      const text = await reader.readText(p).catch(() => undefined);
      if (text !== undefined) files[p] = text;
    }),
    ...named.bytes.map(async (p) => {
      let why = 'not found';
      const bytes = await reader.readBytes(p).catch((e: unknown) => {
        why = reason(e);
        return undefined;
      });
      if (bytes !== undefined) files[p] = bytes;
      else {
        fileDiagnostics.push({
          range: checked.document.valueRange(['functional', 'checkpoint']),
          severity: 'error',
          code: 'checkpoint-unreadable',
          message: `Cannot read the checkpoint \`${p}\` (${why}); paths are relative to this file. Check the path, or remove \`functional.checkpoint\` to use synthetic weights.`,
        });
      }
    }),
  ]);
  return finish(checked, files, fileDiagnostics);
}

/** `loadDesign` for a caller that holds the text files already (tests; a synchronous validator). */
export function loadDesignSync(
  source: string | ConfigDocument,
  readFile: ReadFileSync = () => undefined,
  options: Omit<LoadOptions, 'withCheckpoint'> = {},
): LoadedDesign {
  const checked = checkText(source, options.overrides ?? []);
  if ('done' in checked) return checked.done;
  const files: Record<string, string> = {};
  for (const p of namedFiles(checked.config, false).text) {
    const text = readFile(p);
    if (text !== undefined) files[p] = text;
  }
  return finish(checked, files, []);
}
