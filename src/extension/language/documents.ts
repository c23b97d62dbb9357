/** Which documents are AIMC configs, and how to read the files they name. */
import type * as vscode from 'vscode';
import type { DesignFileReader } from '../../engine';
import type { VscodeApi } from './vscodeApi';

/** YAML configs have their own language; JSON configs stay `json` and are told apart by name. */
export const AIMC_LANGUAGE = 'aimc';
export const YAML_SELECTOR: vscode.DocumentSelector = [{ language: AIMC_LANGUAGE }];
export const CONFIG_SELECTOR: vscode.DocumentSelector = [
  { language: AIMC_LANGUAGE },
  { language: 'json', pattern: '**/*.aimc.json' },
];

export function isJsonConfig(doc: Pick<vscode.TextDocument, 'uri'>): boolean {
  return doc.uri.path.endsWith('.aimc.json');
}

export function isConfigDocument(doc: Pick<vscode.TextDocument, 'uri' | 'languageId'>): boolean {
  return doc.languageId === AIMC_LANGUAGE || isJsonConfig(doc);
}

/**
 * Where a path written in the config at `configUri` points: relative paths from the config's
 * folder. An untitled config has no folder unless VS Code was given the path it will be saved to
 * (`untitled:/dir/name.aimc.yaml`), as the extension does for configs it writes.
 */
export function referencedUri(api: VscodeApi, configUri: vscode.Uri, path: string): vscode.Uri | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return api.Uri.file(path);
  if (configUri.scheme !== 'untitled') return api.Uri.joinPath(configUri, '..', path);
  return configUri.path.startsWith('/') ? api.Uri.joinPath(api.Uri.file(configUri.path), '..', path) : undefined;
}

/**
 * Reads files named by the config at `configUri` through `workspace.fs`, so remote and virtual
 * workspaces work as local ones do. Bytes land in shared memory: every request of a sweep carries
 * the files, and a shared buffer reaches each worker as is, where a plain one would be copied.
 */
export function relativeReader(api: VscodeApi, configUri: vscode.Uri): DesignFileReader {
  const read = async (path: string) => {
    const uri = referencedUri(api, configUri, path);
    return uri ? api.workspace.fs.readFile(uri) : undefined;
  };
  return {
    readText: async (path) => {
      const bytes = await read(path).catch(() => undefined);
      return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
    },
    readBytes: async (path) => {
      const bytes = await read(path);
      if (bytes === undefined) return undefined;
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
      shared.set(bytes);
      return shared;
    },
  };
}
