/**
 * How the engine reads the files a config names (`model.huggingface`, `functional.checkpoint`):
 * through this interface, never the file system, so the same code runs in the CLI (Node's fs), the
 * editor (`workspace.fs`, unsaved buffers) and a worker (files read by its client and sent along).
 */
import type { ReferencedFiles } from '../../shared/protocol';

export interface DesignFileReader {
  /** Text of a file, by its path as written in the config (relative to the config's folder). */
  readText(path: string): Promise<string | undefined>;
  /** Bytes of a file (a safetensors checkpoint). */
  readBytes(path: string): Promise<Uint8Array | undefined>;
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
