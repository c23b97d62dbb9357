/**
 * Limits on the files a config run reads, and the error a file reader throws when it refuses or
 * fails to read one. docs/limits.md states each limit and why it has its value.
 */

const MiB = 1024 * 1024;

/** A config file (YAML or JSON): hand-written, a few KiB; room for generated per-layer overrides. */
export const CONFIG_TEXT_MAX_BYTES = 8 * MiB;
/** A Hugging Face `config.json`: real ones are a few KiB. */
export const HF_CONFIG_MAX_BYTES = 1 * MiB;
/**
 * A safetensors checkpoint, held in memory as one typed array: V8 (Node 20) views at most 2³²
 * bytes, and GPT-2 XL in float16 (3.2 GB) fits. Larger models: a file with the first blocks.
 */
export const CHECKPOINT_MAX_BYTES = 4 * 1024 * MiB;
/**
 * The JSON header of a safetensors file. The format allows 100 MB; real headers are well under
 * 1 MiB (one entry of ~100 bytes per tensor), and 16 MiB holds ~150,000 tensors.
 */
export const SAFETENSORS_HEADER_MAX_BYTES = 16 * MiB;

/** An evaluation text: WikiText-103's test split is 1.3 MB; room for a book-length text. */
export const EVAL_TEXT_MAX_BYTES = 64 * MiB;
/** A tokenizer file: GPT-2's `tokenizer.json` is 1.4 MB, Llama 3's 9 MB, Gemma's 17 MB. */
export const TOKENIZER_MAX_BYTES = 64 * MiB;
/** A sharded checkpoint's `model.safetensors.index.json`: ~100 bytes per tensor. */
export const CHECKPOINT_INDEX_MAX_BYTES = 16 * MiB;

/** The text files a config names, each read under its own limit. */
export type TextFileKind = 'hf-config' | 'text' | 'tokenizer' | 'checkpoint-index';

/** The limit of each kind of text file, and how an error names the kind. */
export const TEXT_FILE_LIMITS: Readonly<Record<TextFileKind, { readonly maxBytes: number; readonly what: string }>> = {
  'hf-config': { maxBytes: HF_CONFIG_MAX_BYTES, what: 'a config.json' },
  text: { maxBytes: EVAL_TEXT_MAX_BYTES, what: 'an evaluation text' },
  tokenizer: { maxBytes: TOKENIZER_MAX_BYTES, what: 'a tokenizer file' },
  'checkpoint-index': { maxBytes: CHECKPOINT_INDEX_MAX_BYTES, what: 'a checkpoint index' },
};

/** What a size is, in the words an error uses. */
export function formatBytes(n: number): string {
  return n >= 1024 * MiB && n % (1024 * MiB) === 0 ? `${n / (1024 * MiB)} GiB` : `${+(n / MiB).toFixed(2)} MiB`;
}

/**
 * Why a file was not read:
 * - `outside`: outside the folder files may come from (an absolute path, `..`, a symbolic link);
 * - `untrusted`: the workspace is not trusted, so nothing outside it is read;
 * - `not-regular`: a directory, device, named pipe or socket;
 * - `too-large`: over the limit for its kind;
 * - otherwise the system's code (`ENOENT`, `EACCES`, …).
 */
export type FileReadCode = 'outside' | 'untrusted' | 'not-regular' | 'too-large' | string;

/**
 * Thrown (or rejected with) by a file reader. The message is the reason only, without the path or
 * any of the file's content: the caller names the file where it reports the error.
 */
export class FileReadError extends Error {
  override readonly name = 'FileReadError';
  constructor(
    readonly code: FileReadCode,
    reason: string,
  ) {
    super(reason);
  }
}

/** The reason an error gives for a file that could not be read, without the file's content. */
export function fileReadReason(e: unknown): string {
  if (e instanceof FileReadError) return e.message;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Za-z_]{1,40}$/.test(code)) return systemReason(code);
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.length <= 200 ? message : 'cannot be read';
}

const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a directory',
  ENOTDIR: 'a path through something that is not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  // VS Code's FileSystemError codes
  FileNotFound: 'no such file',
  FileIsADirectory: 'a directory',
  FileNotADirectory: 'a path through something that is not a folder',
  NoPermissions: 'permission denied',
};

/** `no such file (ENOENT)` for a system (or VS Code file system) error code. */
export function systemReason(code: string): string {
  return SYSTEM_REASONS[code] ? `${SYSTEM_REASONS[code]} (${code})` : code;
}
