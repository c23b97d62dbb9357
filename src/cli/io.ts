import {
  closeSync,
  constants as fs,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { analyzeDesign, type Analysis, type AnalyzeOptions, type DesignFileReader } from '../engine';
import { formatDiagnostic, hasErrors, type Diagnostic, type Severity } from '../shared/diagnostics';
import { openCheckpointFile } from './checkpointFile';
import {
  CHECKPOINT_MAX_BYTES,
  CONFIG_TEXT_MAX_BYTES,
  FileReadError,
  fileReadReason,
  formatBytes,
  TEXT_FILE_LIMITS,
  systemReason,
} from '../shared/fileLimits';

export class UsageError extends Error {
  constructor(message: string) {
    super(forTerminal(message));
  }
}
export class InputError extends Error {
  constructor(message: string) {
    super(forTerminal(message));
  }
}

export const EXIT_OK = 0;
export const EXIT_INVALID_INPUT = 1;
export const EXIT_USAGE = 2;

// ---------------------------------------------------------------------------------------------
// Terminal output

/**
 * ESC sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`), DCS/SOS/PM/APC (`ESC P|X|^|_ … ST`)
 * and two-character escapes; a string sequence without its terminator ends at the line's end.
 */
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCES = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?|[ -~]?)/g;
/** C0 controls except tab and newline, DEL, and C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Text for a human's terminal: escape sequences and control characters (C0 but tab and newline,
 * DEL, C1) removed, so that a name or path written in a config cannot clear, retitle or rewrite
 * the terminal. Everything the CLI prints for humans goes through here; JSON output does not (it
 * escapes control characters itself, and its strings must stay as they are).
 */
export function forTerminal(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(CONTROL_CHARACTERS, '');
}

/** Prints diagnostics of `severities` as `file:line:col: severity: message`, one a line; true when there are errors. */
export function printDiagnostics(
  stream: NodeJS.WritableStream,
  file: string,
  diagnostics: readonly Diagnostic[],
  severities: readonly Severity[] = ['error'],
): boolean {
  for (const d of diagnostics)
    if (severities.includes(d.severity)) stream.write(`${forTerminal(formatDiagnostic(file, d))}\n`);
  return hasErrors(diagnostics);
}

/**
 * Prints the diagnostics of `severities` as `file:line:col: severity: message` to stderr; true
 * when there are errors.
 */
export function reportDiagnostics(
  file: string,
  analysis: { readonly diagnostics: readonly Diagnostic[] },
  severities: readonly Severity[] = ['error'],
): boolean {
  return printDiagnostics(process.stderr, file, analysis.diagnostics, severities);
}

// ---------------------------------------------------------------------------------------------
// Reading files: regular files only, each kind under its size limit (src/shared/fileLimits.ts)

/**
 * Never blocks on a named pipe: opening for reading with O_NONBLOCK returns at once, and the file
 * is refused on its fstat before anything is read. O_NOCTTY: a terminal device never becomes ours.
 */
const OPEN_FLAGS = fs.O_RDONLY | (fs.O_NONBLOCK ?? 0) | (fs.O_NOCTTY ?? 0);

function whatItIs(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** Refuses what is not a regular file or is over `maxBytes`; `kind` names the limit. */
function checkStats(st: Stats, maxBytes: number, kind: string): void {
  if (!st.isFile()) throw new FileReadError('not-regular', `not a regular file (${whatItIs(st)})`);
  if (st.size > maxBytes)
    throw new FileReadError('too-large', `larger than ${formatBytes(maxBytes)}, the limit for ${kind}`);
}

function systemError(e: unknown): FileReadError {
  const code = (e as NodeJS.ErrnoException).code;
  return new FileReadError(code ?? 'io', code ? systemReason(code) : 'cannot be read');
}

/** A regular file's bytes, at most `maxBytes` of them. Throws FileReadError. */
function readRegularFileSync(path: string, maxBytes: number, kind: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw systemError(e);
  }
  try {
    const st = fstatSync(fd);
    checkStats(st, maxBytes, kind);
    // One byte more than the size, to notice a file that grows while it is read.
    const out = new Uint8Array(st.size + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < out.length; n += got) got = readSync(fd, out, n, out.length - n, null);
    if (n > st.size) throw new FileReadError('changed', 'it changed while it was read');
    return out.subarray(0, n);
  } catch (e) {
    throw e instanceof FileReadError ? e : systemError(e);
  } finally {
    closeSync(fd);
  }
}

/**
 * The same, asynchronously, into `alloc(size)` (shared memory for a checkpoint); `noFollow`: the
 * path was resolved already, and a symbolic link put in its place since is refused (O_NOFOLLOW).
 */
async function readRegularFile(
  path: string,
  maxBytes: number,
  kind: string,
  o: { alloc?: (size: number) => Uint8Array; noFollow?: boolean } = {},
): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS | (o.noFollow ? (fs.O_NOFOLLOW ?? 0) : 0));
  } catch (e) {
    throw systemError(e);
  }
  try {
    const st = await handle.stat();
    checkStats(st, maxBytes, kind);
    const out = o.alloc ? o.alloc(st.size) : new Uint8Array(st.size);
    let n = 0;
    while (n < out.length) {
      // At most 1 GiB a call: one read() moves at most 2 GiB.
      const { bytesRead } = await handle.read(out, n, Math.min(out.length - n, 2 ** 30), null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n < out.length) throw new FileReadError('changed', 'it changed while it was read');
    return out;
  } catch (e) {
    throw e instanceof FileReadError ? e : systemError(e);
  } finally {
    await handle.close();
  }
}

/**
 * Bytes → text: UTF-16 (LE or BE) and UTF-8 by their byte-order mark, else UTF-8; the mark is
 * dropped. Invalid UTF-8 becomes U+FFFD, which the parser then reports where it is.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes); // drops a UTF-8 BOM
}

/**
 * Config text as the parser reads it: a lone CR (classic Mac line ends) becomes LF, which YAML
 * does not otherwise see as a line break. One character for one, so every offset stays the same;
 * CRLF stays as it is.
 */
export function normaliseLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/**
 * A text file named on the command line (`kind` names its limit in errors), as one-line InputErrors
 * that name the file and the reason, never its content.
 */
export function readTextFile(file: string, maxBytes: number, kind: string): string {
  try {
    return decodeText(readRegularFileSync(file, maxBytes, kind));
  } catch (e) {
    throw new InputError(`${file}: cannot read: ${fileReadReason(e)}`);
  }
}

/** A config file: regular, at most CONFIG_TEXT_MAX_BYTES, UTF-8 or UTF-16 with a BOM, any line ends. */
export function readConfigText(file: string): string {
  return normaliseLineEnds(readTextFile(file, CONFIG_TEXT_MAX_BYTES, 'a config file'));
}

export interface FileAccess {
  /** `--allow-outside-files`: read files outside the config's folder (absolute paths, `..`, symbolic links). */
  readonly allowOutsideFiles?: boolean;
}

/** The `--allow-outside-files` option of every command that reads a config, for `parseArgs`. */
export const FILE_ACCESS_OPTIONS = { 'allow-outside-files': { type: 'boolean' } } as const;

/** What the parsed `--allow-outside-files` flag allows. */
export function fileAccess(values: { readonly 'allow-outside-files'?: boolean }): FileAccess {
  return { allowOutsideFiles: values['allow-outside-files'] === true };
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const OUTSIDE_HINT = '--allow-outside-files allows it';

/**
 * Where path `p` of a config in `base` may be read: inside the config's folder, symbolic links
 * followed (the real path must be inside the real folder), unless access allows anything.
 */
async function confine(base: string, p: string, access: FileAccess): Promise<string> {
  const target = resolve(base, p);
  if (access.allowOutsideFiles) return target;
  if (isAbsolute(p) || /^[A-Za-z]:[\\/]/.test(p))
    throw new FileReadError('outside', `an absolute path, outside the config's folder; ${OUTSIDE_HINT}`);
  if (!isInside(base, target))
    throw new FileReadError('outside', `outside the config's folder, through \`..\`; ${OUTSIDE_HINT}`);
  let real: string;
  try {
    real = await realpath(target);
  } catch (e) {
    throw systemError(e);
  }
  let realBase: string;
  try {
    realBase = await realpath(base);
  } catch (e) {
    throw systemError(e);
  }
  if (!isInside(realBase, real))
    throw new FileReadError('outside', `outside the config's folder, through a symbolic link; ${OUTSIDE_HINT}`);
  return real;
}

/**
 * Reads the files a config names, relative to the config's folder and (unless `access` allows
 * more) inside it; regular files only, each kind under its limit. Refusals reject with a
 * FileReadError that loadDesign turns into a positioned diagnostic. Bytes land in shared memory:
 * a sweep hands the same checkpoint to every worker, and a shared buffer is not copied per request.
 */
export function fileReaderFor(configFile: string, access: FileAccess = {}): DesignFileReader {
  const base = dirname(resolve(configFile));
  const confined = access.allowOutsideFiles !== true;
  return {
    readText: async (p, kind = 'hf-config') => {
      const path = await confine(base, p, access);
      const { maxBytes, what } = TEXT_FILE_LIMITS[kind];
      const bytes = await readRegularFile(path, maxBytes, what, { noFollow: confined });
      return new TextDecoder('utf-8').decode(bytes);
    },
    readBytes: async (p) =>
      readRegularFile(await confine(base, p, access), CHECKPOINT_MAX_BYTES, 'a checkpoint', {
        alloc: (size) => new Uint8Array(new SharedArrayBuffer(size)),
        noFollow: confined,
      }),
    // A checkpoint opened for reading tensor by tensor: no size limit, since it is never held whole.
    openFile: async (p) => {
      const path = await confine(base, p, access);
      let st: Stats;
      try {
        st = await stat(path);
      } catch (e) {
        throw systemError(e);
      }
      checkStats(st, Number.MAX_SAFE_INTEGER, 'a checkpoint');
      try {
        return openCheckpointFile(path);
      } catch (e) {
        throw systemError(e);
      }
    },
  };
}

/** Reads, loads and (unless told not to) costs a config file. */
export function analyzeFile(file: string, options: AnalyzeOptions = {}, access: FileAccess = {}): Promise<Analysis> {
  return analyzeDesign(readConfigText(file), fileReaderFor(file, access), options);
}

// ---------------------------------------------------------------------------------------------
// --out

function outError(outFile: string, why: string): InputError {
  return new InputError(`--out ${outFile}: ${why}`);
}

/**
 * Checks `--out` before any work starts: its folder exists and a file can be created in it, and
 * it is not a folder itself. Every command with `--out` calls this first, so that an unwritable
 * path costs nothing (a sweep would otherwise lose every point it computed).
 */
export function checkOut(outFile: string | undefined): void {
  if (outFile === undefined) return;
  if (outFile === '') throw new UsageError('--out takes a file name');
  const target = resolve(outFile);
  const folder = dirname(target);
  let st: Stats;
  try {
    st = statSync(folder);
  } catch (e) {
    throw outError(outFile, `its folder cannot be used: ${fileReadReason(e)}`);
  }
  if (!st.isDirectory()) throw outError(outFile, `${dirname(outFile)} is not a folder`);
  let existing: Stats | undefined;
  try {
    existing = statSync(target);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw outError(outFile, 'is a folder; give a file name');
  if (existing && !existing.isFile())
    throw outError(outFile, `is not a regular file (${whatItIs(existing)}); leave out --out to print`);
  // The surest test that the folder takes a new file (permissions, ACLs, a read-only mount): make one.
  const probe = tempName(target);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    unlinkSync(probe);
  } catch (e) {
    throw outError(outFile, `cannot write in its folder: ${fileReadReason(e)}`);
  }
}

function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
}

/** Writes `--out` atomically: a temporary file in the same folder, renamed over the target. */
function writeOut(outFile: string, text: string): void {
  const target = resolve(outFile);
  const temp = tempName(target);
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    renameSync(temp, target);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // not created, or already renamed
    }
    throw outError(outFile, `cannot write: ${fileReadReason(e)}`);
  }
}

/**
 * Prints a command's output, or writes it to `outFile` (checked by `checkOut` first). Text for
 * humans (tables, CSV) goes through `forTerminal`; JSON as it is.
 */
export function emit(text: string, outFile: string | undefined, format: 'text' | 'json' = 'text'): void {
  const body = format === 'json' ? text : forTerminal(text);
  const out = body.endsWith('\n') ? body : `${body}\n`;
  if (outFile) writeOut(outFile, out);
  else process.stdout.write(out);
}
