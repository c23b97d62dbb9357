/** Which documents are AIMC configs, and how to read the files they name. */
import type * as vscode from 'vscode';
import type { ReadFileAsync } from '../../engine/language/index';
import type { VscodeApi } from './vscodeApi';

/** YAML configs have their own language; JSON configs stay `json` and are told apart by name. */
export const AIMC_LANGUAGE = 'aimc';
export const YAML_SELECTOR: vscode.DocumentSelector = [{ language: AIMC_LANGUAGE }];
export const CONFIG_SELECTOR: vscode.DocumentSelector = [{ language: AIMC_LANGUAGE }, { pattern: '**/*.aimc.json' }];

export function isJsonConfig(doc: Pick<vscode.TextDocument, 'uri'>): boolean {
  return doc.uri.path.endsWith('.aimc.json');
}

export function isConfigDocument(doc: Pick<vscode.TextDocument, 'uri' | 'languageId'>): boolean {
  return doc.languageId === AIMC_LANGUAGE || isJsonConfig(doc);
}

/**
 * Reads files named by the config at `configUri` (paths relative to its folder) through
 * `workspace.fs`, so remote and virtual workspaces work as local ones do.
 */
export function relativeReader(api: VscodeApi, configUri: vscode.Uri): ReadFileAsync {
  return async (path) => {
    const absolute = path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path);
    if (!absolute && configUri.scheme === 'untitled') return undefined;
    const uri = absolute ? api.Uri.file(path) : api.Uri.joinPath(configUri, '..', path);
    try {
      return new TextDecoder().decode(await api.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  };
}
