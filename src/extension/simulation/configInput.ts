/**
 * A config as a worker needs it: the text plus every file the config names, read here through
 * `workspace.fs` (the worker has no file system of the editor's, and unsaved buffers live here).
 * The host checks the config first, cheaply, without the cost simulation, so a config with errors
 * never reaches the pool.
 */
import type * as vscode from 'vscode';
import type { GpuId } from '../../engine/baselines/gpus';
import type { Diagnostic } from '../../shared/diagnostics';
import type { AimcConfig } from '../../engine/config/schema';
import type { ReferencedFiles } from '../../shared/protocol';
import { referencedUri, relativeReader } from '../language/documents';
import type { LoadLanguageService, VscodeApi } from '../language/vscodeApi';

export interface ConfigInput {
  readonly text: string;
  readonly files: ReferencedFiles;
  readonly config: AimcConfig;
}

export type PreparedConfig =
  | { readonly ok: true; readonly input: ConfigInput }
  | { readonly ok: false; readonly errors: readonly Diagnostic[] };

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
 * Checks `text` and collects the files it names. When the baselines change, the config is sent
 * as JSON with the new list: the worker only simulates it, and the editor's diagnostics keep
 * coming from the text as written.
 */
export async function prepareConfig(api: VscodeApi, load: LoadLanguageService, uri: vscode.Uri, text: string, o: PrepareOptions = {}): Promise<PreparedConfig> {
  const service = await load();
  const read = relativeReader(api, uri);
  const files: Record<string, string | Uint8Array> = {};
  const analysis = await service.analyzeWithFiles(text, async (path) => {
    const content = await read(path);
    if (content !== undefined) files[path] = content;
    return content;
  }, { simulate: false });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !analysis.config) return { ok: false, errors };
  const config = analysis.config;
  const checkpoint = config.functional?.checkpoint;
  if (o.withCheckpoint && checkpoint !== undefined) {
    const bytes = await readBytes(api, uri, checkpoint);
    if (!bytes) {
      const range = analysis.document.valueRange(['functional', 'checkpoint']);
      return { ok: false, errors: [{ range, severity: 'error', code: 'missing-file', message: `functional.checkpoint: cannot read \`${checkpoint}\`` }] };
    }
    files[checkpoint] = bytes;
  }
  const baselines = o.baselines ?? (config.baselines === undefined ? o.defaultBaselines : undefined);
  const current = config.baselines ?? [];
  const sendText = baselines && !(config.baselines !== undefined && sameList(current, baselines))
    ? JSON.stringify({ ...config, baselines })
    : text;
  return { ok: true, input: { text: sendText, files, config: sendText === text ? config : { ...config, baselines: [...baselines!] } } };
}

/**
 * A checkpoint's bytes in shared memory: every request of a sweep carries the files, and a shared
 * buffer reaches each worker as is, where a plain one would be copied per request.
 */
async function readBytes(api: VscodeApi, configUri: vscode.Uri, path: string): Promise<Uint8Array | undefined> {
  const uri = referencedUri(api, configUri, path);
  if (!uri) return undefined;
  try {
    const bytes = await api.workspace.fs.readFile(uri);
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
    shared.set(bytes);
    return shared;
  } catch {
    return undefined;
  }
}
