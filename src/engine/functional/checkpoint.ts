/**
 * A safetensors checkpoint read tensor by tensor, never held whole: one `.safetensors` file, or a
 * sharded one through its `model.safetensors.index.json` ({"metadata": …, "weight_map": {tensor:
 * shard file}}, as Hugging Face `save_pretrained` writes it). Opening reads headers only (a shard's
 * when one of its tensors is first asked about); reading a tensor reads its byte range only.
 *
 * Files come through `OpenFile`, a path relative to the checkpoint's folder: the engine has no
 * file system (the CLI opens files with Node's fs, tests and workers hold bytes: `bytesFile`).
 */
import { CHECKPOINT_INDEX_MAX_BYTES, formatBytes } from '../../shared/fileLimits';
import {
  decodeTensor,
  decodeUtf8,
  dtypeBytes,
  parseSafetensorsHeader,
  quoteTensorName,
  safetensorsHeaderLength,
  SafetensorsError,
  type SafetensorsHeader,
} from './safetensors';

/** Random access to one file; `read` returns exactly `length` bytes or throws (truncated file). */
export interface RandomAccessFile {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/** Opens a file by a path relative to the checkpoint's folder (shards). */
export type OpenFile = (relativePath: string) => RandomAccessFile;

export interface CheckpointTensors {
  /** Every tensor name (from the index, for a sharded checkpoint: no shard is opened). */
  names(): string[];
  /** dtype and shape of a tensor (opening its shard's header); undefined for a name it lacks. */
  info(name: string): { dtype: string; shape: number[] } | undefined;
  /** The whole tensor as float32, row-major in its stored shape. */
  read(name: string): Float32Array;
  /** Rows [start, start + count) of the tensor's first dimension, as float32. */
  readRows(name: string, start: number, count: number): Float32Array;
  /**
   * The shard that holds a tensor, relative to the checkpoint's folder, for error messages;
   * undefined for a one-file checkpoint (its caller names the file) or a name it lacks.
   */
  fileOf(name: string): string | undefined;
}

/** A checkpoint that cannot be read as asked: the message names the tensor and/or the file. */
export class CheckpointError extends SafetensorsError {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** A file held in memory. */
export function bytesFile(bytes: Uint8Array): RandomAccessFile {
  return {
    size: bytes.length,
    read(offset, length) {
      if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length))
        throw new CheckpointError(
          `the file is truncated: bytes ${offset} to ${offset + length} were asked for, it has ${bytes.length}`,
        );
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** A path as an error quotes it: JSON-quoted, at most 120 characters. */
function quotePath(p: string): string {
  return JSON.stringify(p.length > 120 ? `${p.slice(0, 120)}…` : p);
}

/** `dir` joined with `name`, refusing names that leave the folder (absolute, `..`, drive letters). */
function insideFolder(dir: string, name: string): string {
  const parts = name.split(/[\\/]/);
  if (
    name === '' ||
    /^[\\/]/.test(name) ||
    /^[A-Za-z]:/.test(name) ||
    parts.some((p) => p === '..' || p === '.' || p === '') ||
    name.includes('\0')
  )
    throw new CheckpointError(
      `the index names the shard ${quotePath(name)}, which is not a plain file name inside the checkpoint's folder`,
    );
  return dir === '' ? name : `${dir}/${name}`;
}

/** The safetensors header of `file`, its errors naming `label` when there is one. */
function readHeader(file: RandomAccessFile, label: string | null): SafetensorsHeader {
  try {
    const headerLen = safetensorsHeaderLength(file.read(0, Math.min(8, file.size)), file.size);
    return parseSafetensorsHeader(file.read(8, headerLen), file.size);
  } catch (e) {
    if (e instanceof SafetensorsError && label !== null) throw new CheckpointError(`${label}: ${e.message}`);
    throw e;
  }
}

/** One opened safetensors file. */
class Shard {
  private header: SafetensorsHeader | undefined;
  private file: RandomAccessFile | undefined;

  constructor(
    readonly path: string,
    private readonly open: () => RandomAccessFile,
    /** How errors name the file; null for an unsharded checkpoint, which the caller names. */
    private readonly label: string | null,
  ) {}

  get tensors(): SafetensorsHeader['tensors'] {
    return this.opened().header.tensors;
  }

  private opened(): { file: RandomAccessFile; header: SafetensorsHeader } {
    if (this.file === undefined) {
      try {
        this.file = this.open();
      } catch (e) {
        throw new CheckpointError(
          `${this.label ?? 'the checkpoint'} cannot be opened: ${(e as Error).message ?? String(e)}`,
        );
      }
    }
    this.header ??= readHeader(this.file, this.label);
    return { file: this.file, header: this.header };
  }

  /** Bytes [from, to) of the tensor's data, relative to its start, as float32. */
  read(name: string, from?: number, to?: number): Float32Array {
    const { file, header } = this.opened();
    const info = header.tensors.get(name);
    if (info === undefined)
      throw new CheckpointError(
        `${this.label ?? 'the checkpoint'} has no tensor ${quoteTensorName(name)}${this.label === null ? '' : ', which the index places there'}`,
      );
    const begin = info.begin + (from ?? 0);
    const end = to === undefined ? info.end : info.begin + to;
    let bytes: Uint8Array;
    try {
      bytes = file.read(begin, end - begin);
    } catch (e) {
      throw new CheckpointError(
        `tensor ${quoteTensorName(name)}${this.label === null ? '' : ` in ${this.label}`} cannot be read: ${(e as Error).message ?? String(e)}`,
      );
    }
    if (bytes.length !== end - begin)
      throw new CheckpointError(
        `tensor ${quoteTensorName(name)}${this.label === null ? '' : ` in ${this.label}`}: the file is truncated (${bytes.length} of ${end - begin} bytes read)`,
      );
    return decodeTensor(bytes, info.dtype, name);
  }
}

/** The shard map of a `model.safetensors.index.json`. */
function parseIndex(file: RandomAccessFile, entry: string): Map<string, string> {
  if (file.size > CHECKPOINT_INDEX_MAX_BYTES)
    throw new CheckpointError(
      `the index ${quotePath(entry)} is ${formatBytes(file.size)}, over the ${formatBytes(CHECKPOINT_INDEX_MAX_BYTES)} limit for a checkpoint index`,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(decodeUtf8(file.read(0, file.size)));
  } catch (e) {
    if (e instanceof SafetensorsError) throw e;
    throw new CheckpointError(`the index ${quotePath(entry)} is not valid UTF-8 JSON`);
  }
  const map = (doc as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new CheckpointError(
      `the index ${quotePath(entry)} has no "weight_map" object (tensor name → shard file), as model.safetensors.index.json has`,
    );
  const shards = new Map<string, string>();
  for (const [name, shard] of Object.entries(map)) {
    if (typeof shard !== 'string')
      throw new CheckpointError(`the index ${quotePath(entry)} maps tensor ${quoteTensorName(name)} to a non-string`);
    shards.set(name, shard);
  }
  if (shards.size === 0) throw new CheckpointError(`the index ${quotePath(entry)} lists no tensors`);
  return shards;
}

/**
 * The shard files a sharded checkpoint's index names, each once, relative to the index's folder.
 * Throws CheckpointError for a malformed index or a shard name that leaves the folder.
 */
export function indexShards(indexFile: RandomAccessFile, entry: string): string[] {
  return [...new Set(parseIndex(indexFile, entry).values())].map((file) => insideFolder('', file));
}

/**
 * `entry`: a `.safetensors` file or a `model.safetensors.index.json` (sharded), relative to the
 * checkpoint's folder. Only headers are read here (the single file's, or the index).
 */
export function openCheckpoint(entry: string, open: OpenFile): CheckpointTensors {
  if (!entry.endsWith('.json')) {
    const shard = new Shard(entry, () => open(entry), null);
    const tensors = shard.tensors;
    return tensorsOf(
      () => [...tensors.keys()],
      (name) => (tensors.has(name) ? shard : undefined),
      false,
    );
  }
  const slash = Math.max(entry.lastIndexOf('/'), entry.lastIndexOf('\\'));
  const dir = slash < 0 ? '' : entry.slice(0, slash);
  let indexFile: RandomAccessFile;
  try {
    indexFile = open(entry);
  } catch (e) {
    throw new CheckpointError(`the index ${quotePath(entry)} cannot be opened: ${(e as Error).message ?? String(e)}`);
  }
  const weightMap = parseIndex(indexFile, entry);
  const shards = new Map<string, Shard>();
  for (const file of new Set(weightMap.values())) {
    const path = insideFolder(dir, file);
    shards.set(file, new Shard(path, () => open(path), `shard ${quotePath(file)}`));
  }
  return tensorsOf(
    () => [...weightMap.keys()],
    (name) => {
      const file = weightMap.get(name);
      return file === undefined ? undefined : shards.get(file);
    },
    true,
  );
}

/**
 * Opens every file of the checkpoint and checks its header (and that each shard holds the tensors
 * the index places there): the check a config load makes, reading headers only.
 */
export function checkCheckpoint(tensors: CheckpointTensors): void {
  for (const name of tensors.names()) tensors.info(name);
}

function tensorsOf(
  names: () => string[],
  shardOf: (name: string) => Shard | undefined,
  sharded: boolean,
): CheckpointTensors {
  const infoOf = (name: string) => {
    const shard = shardOf(name);
    const info = shard?.tensors.get(name);
    if (shard !== undefined && info === undefined)
      throw new CheckpointError(
        `the index places tensor ${quoteTensorName(name)} in shard ${quotePath(shard.path)}, which does not hold it`,
      );
    return info === undefined || shard === undefined ? undefined : { shard, info };
  };
  const need = (name: string) => {
    const found = infoOf(name);
    if (found === undefined) throw new CheckpointError(`the checkpoint has no tensor ${quoteTensorName(name)}`);
    return found;
  };
  return {
    names,
    info(name) {
      const found = infoOf(name);
      return found === undefined ? undefined : { dtype: found.info.dtype, shape: [...found.info.shape] };
    },
    fileOf: (name) => (sharded ? shardOf(name)?.path : undefined),
    read(name) {
      return need(name).shard.read(name);
    },
    readRows(name, start, count) {
      const { shard, info } = need(name);
      const rows = info.shape[0] ?? 1;
      if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && start + count <= rows))
        throw new CheckpointError(
          `tensor ${quoteTensorName(name)} has ${rows} rows; rows ${start} to ${start + count} were asked for`,
        );
      const rowBytes = info.shape.slice(1).reduce((a, n) => a * n, 1) * (dtypeBytes(info.dtype) ?? 1);
      return shard.read(name, start * rowBytes, (start + count) * rowBytes);
    },
  };
}
