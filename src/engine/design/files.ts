/**
 * How the engine reads the files a config names (`model.huggingface`, `functional.checkpoint`):
 * through this interface, never the file system, so the same code runs in the CLI (Node's fs), the
 * editor (`workspace.fs`, unsaved buffers) and a worker (files read by its client and sent along).
 */
import type { TextFileKind } from '../../shared/fileLimits';
import type { ReferencedFiles } from '../../shared/protocol';
import type { RandomAccessFile } from '../functional/checkpoint';

/**
 * A reader refuses what it must not read (a path outside the folder it serves, something that is
 * not a regular file, a file over the limit for its kind: `src/shared/fileLimits.ts`) by rejecting
 * with a `FileReadError` whose message is the reason; any other rejection is reported by its `code`
 * (`ENOENT`). `undefined` means "not there" with no reason to give. `loadDesign` turns either into
 * a positioned diagnostic that names the file and the reason, never the file's content.
 */
export interface DesignFileReader {
  /**
   * Text of a file, by its path as written in the config (relative to the config's folder), under
   * the limit of its kind (`TEXT_FILE_LIMITS`; a Hugging Face `config.json` when not given).
   */
  readText(path: string, kind?: TextFileKind): Promise<string | undefined>;
  /** Bytes of a file: a safetensors checkpoint (or shard), at most `CHECKPOINT_MAX_BYTES`. */
  readBytes(path: string): Promise<Uint8Array | undefined>;
  /**
   * A checkpoint file opened for reading in pieces, where the reader can (the CLI): then a
   * checkpoint of any size is read tensor by tensor and never held whole. Confined as `readBytes`.
   */
  openFile?(path: string): Promise<RandomAccessFile>;
}

/** A reader over files read beforehand, as a worker receives them with a request. */
export function readerOverFiles(files: ReferencedFiles): DesignFileReader {
  return {
    readText: async (path) => {
      const f = files[path];
      return typeof f === 'string' ? f : undefined;
    },
    readBytes: async (path) => {
      const f = files[path];
      return f instanceof Uint8Array ? f : undefined;
    },
  };
}

/** For configs that name no file, or callers that have none to give. */
export const NO_FILES: DesignFileReader = readerOverFiles({});
