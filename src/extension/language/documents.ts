/** Which documents are AIMC configs, and how to read the files they name. */
import type * as vscode from 'vscode';
import type { DesignFileReader } from '../../engine';
import { CHECKPOINT_MAX_BYTES, FileReadError, formatBytes, TEXT_FILE_LIMITS } from '../../shared/fileLimits';
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

/** `aimc.allowFilesOutsideWorkspace`: machine-scoped, so a workspace cannot set it for itself. */
export const ALLOW_OUTSIDE_SETTING = 'allowFilesOutsideWorkspace';

// vscode.FileType, as numbers: the adapters get the API as a value, and these never change.
const FILE_TYPE_FILE = 1;
const FILE_TYPE_SYMBOLIC_LINK = 64;

/** `/a/b/../c/./d` → `/a/c/d`. */
function normalisePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

function isUnder(folder: vscode.Uri, uri: vscode.Uri): boolean {
  if (folder.scheme !== uri.scheme || folder.authority !== uri.authority) return false;
  const f = normalisePath(folder.path);
  const p = normalisePath(uri.path);
  return p === f || p.startsWith(f === '/' ? '/' : `${f}/`);
}

/**
 * The folder files named by a config may come from: the workspace folder that holds the config,
 * else the config's own folder. Undefined for an untitled config without a path.
 */
function allowedRoot(api: VscodeApi, configUri: vscode.Uri): vscode.Uri | undefined {
  const file =
    configUri.scheme === 'untitled' && configUri.path.startsWith('/') ? api.Uri.file(configUri.path) : configUri;
  if (file.scheme === 'untitled') return undefined;
  const folder = (api.workspace.workspaceFolders ?? []).find((f) => isUnder(f.uri, file));
  return folder?.uri ?? api.Uri.joinPath(file, '..');
}

/**
 * Where a path named by the config may be read from, or why not: inside the workspace folder (or
 * the config's folder when it is in none), and no symbolic link, whose target workspace.fs cannot
 * show. `aimc.allowFilesOutsideWorkspace` lifts this in a trusted workspace, never in an untrusted one.
 */
/** vscode.FileSystemError codes as the POSIX codes the CLI reports, so both say the same words. */
const POSIX_CODES: Readonly<Record<string, string>> = {
  FileNotFound: 'ENOENT',
  FileIsADirectory: 'EISDIR',
  FileNotADirectory: 'ENOTDIR',
  NoPermissions: 'EACCES',
  FileExists: 'EEXIST',
};

function withPosixCode(e: unknown): unknown {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !(code in POSIX_CODES)) return e;
  return Object.assign(new Error((e as Error).message), { code: POSIX_CODES[code] });
}

async function checkedUri(
  api: VscodeApi,
  configUri: vscode.Uri,
  path: string,
  maxBytes: number,
  kind: string,
): Promise<vscode.Uri | undefined> {
  const uri = referencedUri(api, configUri, path);
  if (!uri) return undefined;
  const trusted = api.workspace.isTrusted === true;
  const allowOutside =
    trusted && api.workspace.getConfiguration('aimc').get<boolean>(ALLOW_OUTSIDE_SETTING, false) === true;
  const hint = trusted
    ? 'the setting aimc.allowFilesOutsideWorkspace allows it'
    : 'nothing outside it is read in an untrusted workspace';
  const root = allowedRoot(api, configUri);
  if (!allowOutside && (!root || !isUnder(root, uri)))
    throw new FileReadError(trusted ? 'outside' : 'untrusted', `outside the workspace folder; ${hint}`);
  const stat = await api.workspace.fs.stat(uri).then(undefined, (e: unknown) => {
    throw withPosixCode(e);
  });
  if (!allowOutside && (stat.type & FILE_TYPE_SYMBOLIC_LINK) !== 0)
    throw new FileReadError(
      trusted ? 'outside' : 'untrusted',
      `a symbolic link, which may lead outside the workspace folder; ${hint}`,
    );
  if ((stat.type & FILE_TYPE_FILE) === 0) throw new FileReadError('not-regular', 'not a regular file');
  if (stat.size > maxBytes)
    throw new FileReadError('too-large', `larger than ${formatBytes(maxBytes)}, the limit for ${kind}`);
  return uri;
}

/**
 * Reads files named by the config at `configUri` through `workspace.fs`, so remote and virtual
 * workspaces work as local ones do; confined, regular files only, and under the limit of their
 * kind (`checkedUri`). Bytes land in shared memory: every request of a sweep carries the files,
 * and a shared buffer reaches each worker as is, where a plain one would be copied.
 */
export function relativeReader(api: VscodeApi, configUri: vscode.Uri): DesignFileReader {
  const read = async (path: string, maxBytes: number, kind: string) => {
    const uri = await checkedUri(api, configUri, path, maxBytes, kind);
    if (!uri) return undefined;
    const bytes = await api.workspace.fs.readFile(uri);
    // The file may have grown since it was looked at.
    if (bytes.byteLength > maxBytes)
      throw new FileReadError('too-large', `larger than ${formatBytes(maxBytes)}, the limit for ${kind}`);
    return bytes;
  };
  return {
    readText: async (path, kind = 'hf-config') => {
      const bytes = await read(path, TEXT_FILE_LIMITS[kind].maxBytes, TEXT_FILE_LIMITS[kind].what);
      return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
    },
    readBytes: async (path) => {
      const bytes = await read(path, CHECKPOINT_MAX_BYTES, 'a checkpoint');
      if (bytes === undefined) return undefined;
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
      shared.set(bytes);
      return shared;
    },
  };
}
