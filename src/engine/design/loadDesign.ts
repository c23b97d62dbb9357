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
import { fileReadReason, formatBytes, HF_CONFIG_MAX_BYTES } from '../../shared/fileLimits';
import type { CheckpointTensors } from '../functional/checkpoint';
import type { DesignFileReader } from './files';
import { readFunctionalFiles } from './functionalFiles';
import { overlayDocument } from './overrides';

export interface LoadOptions {
  /** Values set on the parsed config (sweep points, baseline choices); diagnostics keep the text's positions. */
  readonly overrides?: readonly ConfigOverride[];
  /**
   * Also read what a functional run needs (accuracy runs, sweeps with an error figure):
   * `functional.checkpoint` (its headers checked), `functional.text` and its tokenizer. `stream`:
   * open the checkpoint's files for reading tensor by tensor where the reader can (`openFile`),
   * instead of reading them whole into `files` (which a worker needs).
   */
  readonly withCheckpoint?: boolean | 'stream';
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
  /** The checkpoint, opened and its headers checked (loaded `withCheckpoint`, with no errors). */
  readonly checkpoint?: CheckpointTensors;
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
  // A file that could not be read has its diagnostic already, with the reason: not a second one.
  const reported = new Set(fileDiagnostics.map((d) => d.code));
  diagnostics.push(...semantic.diagnostics.filter((d) => !reported.has(d.code)));
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

/** The Hugging Face config a schema-valid config names, if any. */
function hfConfigFiles(config: AimcConfig): string[] {
  return config.model.huggingface === undefined ? [] : [config.model.huggingface];
}

/**
 * Loads a design from config text (or a document parsed before, as a sweep does once for all its
 * points) and the files it names, read through `reader` in one pass. A file that cannot be read,
 * is over its limit, or is not well formed (a checkpoint's headers, a tokenizer) is a positioned
 * error on the key that names it.
 */
export async function loadDesign(
  source: string | ConfigDocument,
  reader: DesignFileReader,
  options: LoadOptions = {},
): Promise<LoadedDesign> {
  const checked = checkText(source, options.overrides ?? []);
  if ('done' in checked) return checked.done;
  const files: Record<string, string | Uint8Array> = {};
  const fileDiagnostics: Diagnostic[] = [];
  const refuse = (key: readonly string[], code: string, message: string) =>
    fileDiagnostics.push({ range: checked.document.valueRange(key), severity: 'error', code, message });
  let checkpoint: CheckpointTensors | undefined;
  await Promise.all([
    ...hfConfigFiles(checked.config).map(async (p) => {
      let why: string | undefined;
      const text = await reader.readText(p, 'hf-config').catch((e: unknown) => {
        why = fileReadReason(e);
        return undefined;
      });
      if (text !== undefined && text.length > HF_CONFIG_MAX_BYTES)
        why = `larger than ${formatBytes(HF_CONFIG_MAX_BYTES)}, the limit for a Hugging Face config.json`;
      else if (text !== undefined) files[p] = text;
      // Without a reason (the reader had no such file), the semantic check reports it.
      if (why !== undefined)
        refuse(
          ['model', 'huggingface'],
          'huggingface-unreadable',
          `Cannot read Hugging Face config \`${p}\`: ${why}. Paths are relative to this file; check the path, or use \`preset\` instead.`,
        );
    }),
    options.withCheckpoint
      ? readFunctionalFiles(checked.config, reader, options.withCheckpoint === 'stream', files, refuse).then((c) => {
          checkpoint = c;
        })
      : Promise.resolve(),
  ]);
  const loaded = finish(checked, files, fileDiagnostics);
  return checkpoint && loaded.design ? { ...loaded, checkpoint } : loaded;
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
  for (const p of hfConfigFiles(checked.config)) {
    const text = readFile(p);
    if (text !== undefined) files[p] = text;
  }
  return finish(checked, files, []);
}
