/**
 * A config as a worker needs it: the text plus every file the config names, read here through
 * `workspace.fs` (the worker has no file system of the editor's, and unsaved buffers live here).
 * The host checks the config first, cheaply, without the cost simulation, so a config with errors
 * never reaches the pool.
 */
import type * as vscode from 'vscode';
import { readerOverFiles, type AimcConfig } from '../../engine';
import type { GpuId } from '../../shared/gpuIds';
import type { Diagnostic } from '../../shared/diagnostics';
import type { ConfigOverride } from '../../shared/overrides';
import type { ReferencedFiles } from '../../shared/protocol';
import { relativeReader } from '../language/documents';
import type { LoadLanguageService, VscodeApi } from '../language/vscodeApi';

export interface ConfigInput {
  readonly text: string;
  readonly files: ReferencedFiles;
  /** Set on the parsed config by the worker (the GPUs picked for a comparison); empty when none. */
  readonly overrides: readonly ConfigOverride[];
  /** The config with the overrides applied. */
  readonly config: AimcConfig;
}

export type PreparedConfig =
  { readonly ok: true; readonly input: ConfigInput } | { readonly ok: false; readonly errors: readonly Diagnostic[] };

export interface PrepareOptions {
  /** Also read `functional.checkpoint` (bytes), for accuracy runs and sweeps with an error figure. */
  readonly withCheckpoint?: boolean;
  /** GPUs to compare with: replaces the config's `baselines:`. */
  readonly baselines?: readonly GpuId[];
  /** GPUs to compare with when the config names none (the `aimc.defaultBaselines` setting). */
  readonly defaultBaselines?: readonly GpuId[];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Checks `text` and collects the files it names. A change of baselines travels as an override, so
 * the worker's diagnostics still point into the text as written; checking it again reuses the files
 * already read rather than reading them a second time.
 */
export async function prepareConfig(
  api: VscodeApi,
  load: LoadLanguageService,
  uri: vscode.Uri,
  text: string,
  o: PrepareOptions = {},
): Promise<PreparedConfig> {
  const service = await load();
  const first = await service.analyzeWithFiles(text, relativeReader(api, uri), {
    simulate: false,
    withCheckpoint: o.withCheckpoint,
  });
  if (!first.config) return { ok: false, errors: first.diagnostics.filter((d) => d.severity === 'error') };
  const baselines = o.baselines ?? (first.config.baselines === undefined ? o.defaultBaselines : undefined);
  const changed =
    baselines !== undefined && !(first.config.baselines !== undefined && sameList(first.config.baselines, baselines));
  const overrides: ConfigOverride[] = changed ? [{ key: 'baselines', value: [...baselines] }] : [];
  const analysis = changed
    ? await service.analyzeWithFiles(text, readerOverFiles(first.files), {
        simulate: false,
        withCheckpoint: o.withCheckpoint,
        overrides,
      })
    : first;
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !analysis.config) return { ok: false, errors };
  return { ok: true, input: { text, files: analysis.files, overrides, config: analysis.config } };
}
