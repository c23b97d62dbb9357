/**
 * Reader of the safetensors format (huggingface/safetensors): an 8-byte little-endian header
 * length n, n bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}},
 * then the tensor data, offsets counted from the end of the header. Bytes come from the caller —
 * no file access here. F32, F16 and BF16 are read (to float32); other dtypes are listed but refused
 * when read.
 */

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL' | string;

export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Absolute byte range in the file. */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  /** The tensor as float32, row-major in its stored shape; `count` reads only its first values. */
  read(name: string, count?: number): Float32Array;
}

const BYTES: Record<string, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};
/** Larger headers are not written by the reference implementation (100 MB limit). */
const MAX_HEADER_BYTES = 100_000_000;

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** IEEE 754 binary16 → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** UTF-8 → string (TextDecoder is not part of the engine's ES2022 library). */
function decodeUtf8(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length;) {
    const c = b[i];
    let cp: number;
    let extra: number;
    if (c < 0x80) {
      cp = c;
      extra = 0;
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = c & 0x1f;
      extra = 1;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = c & 0x0f;
      extra = 2;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = c & 0x07;
      extra = 3;
    } else throw new Error(`invalid UTF-8 byte at ${i}`);
    if (extra > 0 && i + extra >= b.length) throw new Error('truncated UTF-8');
    for (let k = 1; k <= extra; k++) {
      const cc = b[i + k];
      if ((cc & 0xc0) !== 0x80) throw new Error(`invalid UTF-8 continuation at ${i + k}`);
      cp = (cp << 6) | (cc & 0x3f);
    }
    out += String.fromCodePoint(cp);
    i += extra + 1;
  }
  return out;
}

export function parseSafetensors(data: Uint8Array | ArrayBufferLike): SafetensorsFile {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < 8) throw new SafetensorsError(`too short for a safetensors file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLen > MAX_HEADER_BYTES || 8 + headerLen > bytes.length) {
    throw new SafetensorsError(`header length ${headerLen} does not fit in ${bytes.length} bytes`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(decodeUtf8(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new SafetensorsError(`header is not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new SafetensorsError('header is not a JSON object');
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (
      typeof t.dtype !== 'string' ||
      !Array.isArray(t.shape) ||
      !Array.isArray(t.data_offsets) ||
      t.data_offsets.length !== 2
    ) {
      throw new SafetensorsError(`tensor "${name}": needs dtype, shape and data_offsets`);
    }
    const shape = t.shape as number[];
    const [b, e] = t.data_offsets as number[];
    if (
      !shape.every((n) => Number.isInteger(n) && n >= 0) ||
      !Number.isInteger(b) ||
      !Number.isInteger(e) ||
      b < 0 ||
      e < b
    ) {
      throw new SafetensorsError(`tensor "${name}": bad shape or offsets`);
    }
    if (dataStart + e > bytes.length)
      throw new SafetensorsError(`tensor "${name}": data ends past the file (${dataStart + e} > ${bytes.length})`);
    const width = BYTES[t.dtype];
    const count = shape.reduce((a, n) => a * n, 1);
    if (width !== undefined && count * width !== e - b) {
      throw new SafetensorsError(
        `tensor "${name}": ${t.dtype}[${shape.join(', ')}] needs ${count * width} bytes, offsets give ${e - b}`,
      );
    }
    tensors.set(name, { name, dtype: t.dtype, shape, begin: dataStart + b, end: dataStart + e });
  }

  return {
    tensors,
    metadata,
    read(name, count) {
      const info = tensors.get(name);
      if (!info) throw new SafetensorsError(`no tensor "${name}"`);
      const stored = (info.end - info.begin) / (BYTES[info.dtype] ?? 1);
      const n = count === undefined ? stored : Math.min(stored, Math.max(0, count));
      const out = new Float32Array(n);
      // DataView, because tensor data need not be aligned to its element size.
      switch (info.dtype) {
        case 'F32':
          for (let i = 0; i < n; i++) out[i] = view.getFloat32(info.begin + 4 * i, true);
          break;
        case 'F64':
          for (let i = 0; i < n; i++) out[i] = view.getFloat64(info.begin + 8 * i, true);
          break;
        case 'F16':
          for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(info.begin + 2 * i, true));
          break;
        case 'BF16': {
          const word = new DataView(new ArrayBuffer(4));
          for (let i = 0; i < n; i++) {
            word.setUint32(0, view.getUint16(info.begin + 2 * i, true) << 16);
            out[i] = word.getFloat32(0);
          }
          break;
        }
        default:
          throw new SafetensorsError(`tensor "${name}": dtype ${info.dtype} is not a float type (F32, F16, BF16, F64)`);
      }
      return out;
    },
  };
}

/** Several files of one sharded checkpoint, read as one. */
export function mergeSafetensors(files: readonly SafetensorsFile[]): SafetensorsFile {
  const owner = new Map<string, SafetensorsFile>();
  const tensors = new Map<string, TensorInfo>();
  for (const f of files) {
    for (const [name, info] of f.tensors) {
      if (owner.has(name)) throw new SafetensorsError(`tensor "${name}" appears in more than one file`);
      owner.set(name, f);
      tensors.set(name, info);
    }
  }
  return {
    tensors,
    metadata: Object.assign({}, ...files.map((f) => f.metadata)),
    read(name, count) {
      const f = owner.get(name);
      if (!f) throw new SafetensorsError(`no tensor "${name}"`);
      return f.read(name, count);
    },
  };
}
