/**
 * Checkpoint files read in pieces with Node's fs, for the engine's streaming checkpoint reader
 * (its `RandomAccessFile` and `OpenFile`, which these match): a tensor is read from its byte
 * range, so a checkpoint of any size is never held whole. Where a path may come from (confinement
 * to the config's folder, symbolic links) is the caller's business; these only open and read.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** A file open for reading at any offset; `close` releases its descriptor. */
export interface CheckpointFile {
  readonly size: number;
  /** Exactly `length` bytes from `offset`, or an error if the file ends first (truncated). */
  read(offset: number, length: number): Uint8Array;
  /** Bytes read so far through `read`. */
  readonly bytesRead: number;
  close(): void;
}

export function openCheckpointFile(path: string): CheckpointFile {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    size = stat.size;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let open = true;
  let total = 0;
  return {
    size,
    get bytesRead() {
      return total;
    },
    read(offset, length) {
      if (!open) throw new Error('the file was closed');
      if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0))
        throw new RangeError(`bad byte range: offset ${offset}, length ${length}`);
      const out = new Uint8Array(length);
      let done = 0;
      // One readSync call may return fewer bytes than asked (Linux caps a call near 2 GiB).
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n === 0)
          throw new Error(
            `the file is truncated: it ends at byte ${offset + done}, bytes ${offset} to ${offset + length} were asked for`,
          );
        done += n;
      }
      total += length;
      return out;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/**
 * Opens files of the checkpoint folder `folder` by their relative paths (a one-file checkpoint, an
 * index and its shards), each once; `close` closes them all. For tools that read a folder without
 * a config; a config's files go through the confined reader of src/cli/io.ts.
 */
export function openCheckpointFolder(folder: string): {
  open: (relativePath: string) => CheckpointFile;
  close(): void;
} {
  const files = new Map<string, CheckpointFile>();
  return {
    open(relativePath) {
      let f = files.get(relativePath);
      if (f === undefined) {
        f = openCheckpointFile(join(folder, relativePath));
        files.set(relativePath, f);
      }
      return f;
    },
    close() {
      for (const f of files.values()) f.close();
      files.clear();
    },
  };
}
