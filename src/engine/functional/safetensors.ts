import { formatBytes, SAFETENSORS_HEADER_MAX_BYTES } from '../../shared/fileLimits';

/**
 * Reader of the safetensors format (huggingface/safetensors): an 8-byte little-endian header
 * length n, n bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}},
 * then the tensor data, offsets counted from the end of the header. Bytes come from the caller —
 * no file access here. F32, F16 and BF16 are read (to float32); other dtypes of the format are
 * listed but refused when read. The header is checked as the reference implementation checks it
 * (known dtypes, byte sizes that match the shapes, tensors inside the file and not overlapping),
 * with a lower size limit (SAFETENSORS_HEADER_MAX_BYTES). Errors never quote the header's text.
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
  F8_E4M3: 1,
  F8_E5M2: 1,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

/** A tensor name as an error quotes it: JSON-quoted (no raw control characters), at most 80 characters. */
export function quoteTensorName(name: string): string {
  return JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
}

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

/** String → UTF-8 bytes (TextEncoder is not part of the engine's ES2022 library). */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/**
 * UTF-8 → string (TextDecoder is not part of the engine's ES2022 library), in chunks: headers may
 * be MiBs. Offsets in its errors count from a header's start (byte 8 of a file).
 */
export function decodeUtf8(b: Uint8Array): string {
  const parts: string[] = [];
  const units: number[] = [];
  const flush = () => {
    parts.push(String.fromCharCode(...units));
    units.length = 0;
  };
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
    } else throw new Error(`invalid UTF-8 byte at offset ${8 + i}`);
    if (extra > 0 && i + extra >= b.length) throw new Error('truncated UTF-8');
    for (let k = 1; k <= extra; k++) {
      const cc = b[i + k];
      if ((cc & 0xc0) !== 0x80) throw new Error(`invalid UTF-8 continuation at offset ${8 + i + k}`);
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else units.push(cp);
    i += extra + 1;
    if (units.length >= 8192) flush();
  }
  flush();
  return parts.join('');
}

/** Where JSON.parse failed, from its message, without the text it quotes. */
function jsonErrorPlace(e: unknown): string {
  const m = /position (\d+)/.exec((e as Error).message ?? '');
  return m ? ` at byte ${8 + Number(m[1])}` : '';
}

/** The byte ranges of tensors must not overlap (empty tensors aside). */
function checkNoOverlap(tensors: ReadonlyMap<string, TensorInfo>): void {
  const spans = [...tensors.values()].filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].begin < spans[i - 1].end)
      throw new SafetensorsError(
        `tensors ${quoteTensorName(spans[i - 1].name)} and ${quoteTensorName(spans[i].name)} overlap in the file`,
      );
  }
}

/** Bytes per element of a dtype the format knows; undefined for others. */
export function dtypeBytes(dtype: string): number | undefined {
  return Object.hasOwn(BYTES, dtype) ? BYTES[dtype] : undefined;
}

/** A file's tensor table: what its header says, checked against the file's size. */
export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Where tensor data starts: 8 + the header's length. */
  readonly dataStart: number;
}

/** The header's length from a file's first 8 bytes, checked against the limit and the file's size. */
export function safetensorsHeaderLength(first: Uint8Array, fileSize: number): number {
  if (first.length < 8 || fileSize < 8)
    throw new SafetensorsError(`too short for a safetensors file (${Math.min(first.length, fileSize)} bytes)`);
  const view = new DataView(first.buffer, first.byteOffset, 8);
  const headerLen = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLen > SAFETENSORS_HEADER_MAX_BYTES)
    throw new SafetensorsError(
      `its header length (${headerLen} bytes) is over the ${formatBytes(SAFETENSORS_HEADER_MAX_BYTES)} limit`,
    );
  if (8 + headerLen > fileSize)
    throw new SafetensorsError(
      `its header length (${headerLen} bytes) runs past the end of the file (${fileSize} bytes)`,
    );
  return headerLen;
}

/**
 * The tensor table of a file of `fileSize` bytes from its header's JSON (the `headerJson.length`
 * bytes after the first 8): only the header is needed, not the tensor data.
 */
export function parseSafetensorsHeader(headerJson: Uint8Array, fileSize: number): SafetensorsHeader {
  let header: unknown;
  try {
    header = JSON.parse(decodeUtf8(headerJson));
  } catch (e) {
    const utf8 = /UTF-8/.test((e as Error).message) ? ` (${(e as Error).message})` : jsonErrorPlace(e);
    throw new SafetensorsError(`its header is not valid UTF-8 JSON${utf8}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new SafetensorsError('its header is not a JSON object');
  const dataStart = 8 + headerJson.length;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    const q = quoteTensorName(name);
    if (name === '__metadata__') {
      if (
        raw !== null &&
        (typeof raw !== 'object' || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string'))
      )
        throw new SafetensorsError('its __metadata__ is not a map of strings');
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new SafetensorsError(`tensor ${q}: its entry is not an object`);
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (
      typeof t.dtype !== 'string' ||
      !Array.isArray(t.shape) ||
      !Array.isArray(t.data_offsets) ||
      t.data_offsets.length !== 2
    ) {
      throw new SafetensorsError(`tensor ${q}: needs dtype, shape and data_offsets`);
    }
    const width = dtypeBytes(t.dtype);
    if (width === undefined) {
      const dtype = /^[A-Za-z0-9_]{1,16}$/.test(t.dtype) ? ` ${t.dtype}` : '';
      throw new SafetensorsError(`tensor ${q}: unknown dtype${dtype} (not one of ${Object.keys(BYTES).join(', ')})`);
    }
    const shape = t.shape as unknown[];
    const [b, e] = t.data_offsets as unknown[];
    if (
      !shape.every((n) => Number.isSafeInteger(n) && (n as number) >= 0) ||
      !Number.isSafeInteger(b) ||
      !Number.isSafeInteger(e) ||
      (b as number) < 0 ||
      (e as number) < (b as number)
    ) {
      throw new SafetensorsError(`tensor ${q}: bad shape or offsets`);
    }
    const [begin, end] = [b as number, e as number];
    if (dataStart + end > fileSize)
      throw new SafetensorsError(`tensor ${q}: data ends past the file (${dataStart + end} > ${fileSize})`);
    const dims = shape as number[];
    const count = dims.reduce((a, n) => a * n, 1);
    if (count * width !== end - begin) {
      throw new SafetensorsError(
        `tensor ${q}: ${t.dtype}[${dims.join(', ')}] needs ${count * width} bytes, offsets give ${end - begin}`,
      );
    }
    tensors.set(name, { name, dtype: t.dtype, shape: dims, begin: dataStart + begin, end: dataStart + end });
  }
  checkNoOverlap(tensors);
  return { tensors, metadata, dataStart };
}

/** Whether this machine stores numbers little endian, as the format does (then typed arrays can view the data). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** binary16 → float32 for all 65,536 bit patterns: a table lookup per value. */
let halfTable: Float32Array | undefined;
function halfToFloatTable(): Float32Array {
  if (halfTable === undefined) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** `bytes` as an aligned typed array of `width`-byte words (a copy only when misaligned). */
function aligned(bytes: Uint8Array, width: number): ArrayBuffer {
  if (bytes.byteOffset % width === 0 && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer;
}

/**
 * Stored values → float32: `bytes` holds whole elements of `dtype` (F32, F16, BF16 or F64), little
 * endian, at any alignment. `name` is for the error a non-float dtype gets.
 */
export function decodeTensor(bytes: Uint8Array, dtype: string, name: string): Float32Array {
  const width = dtypeBytes(dtype) ?? 1;
  const n = Math.floor(bytes.length / width);
  const out = new Float32Array(n);
  if (LITTLE_ENDIAN && (dtype === 'F32' || dtype === 'F16' || dtype === 'BF16')) {
    const buffer = aligned(bytes, width);
    const offset = buffer === bytes.buffer ? bytes.byteOffset : 0;
    if (dtype === 'F32') out.set(new Float32Array(buffer, offset, n));
    else {
      const words = new Uint16Array(buffer, offset, n);
      if (dtype === 'F16') {
        const table = halfToFloatTable();
        for (let i = 0; i < n; i++) out[i] = table[words[i]];
      } else {
        // bfloat16 is the upper half of a float32's bits.
        const bits = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) bits[i] = words[i] << 16;
      }
    }
    return out;
  }
  // DataView, because tensor data need not be aligned to its element size.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      break;
    case 'BF16': {
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        word.setUint32(0, view.getUint16(2 * i, true) << 16);
        out[i] = word.getFloat32(0);
      }
      break;
    }
    default:
      throw new SafetensorsError(
        `tensor ${quoteTensorName(name)}: dtype ${dtype} is not a float type (F32, F16, BF16, F64)`,
      );
  }
  return out;
}

export function parseSafetensors(data: Uint8Array | ArrayBufferLike): SafetensorsFile {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const headerLen = safetensorsHeaderLength(bytes.subarray(0, 8), bytes.length);
  const { tensors, metadata } = parseSafetensorsHeader(bytes.subarray(8, 8 + headerLen), bytes.length);
  return {
    tensors,
    metadata,
    read(name, count) {
      const info = tensors.get(name);
      if (!info) throw new SafetensorsError(`no tensor ${quoteTensorName(name)}`);
      const width = dtypeBytes(info.dtype) ?? 1;
      const stored = (info.end - info.begin) / width;
      const n = count === undefined ? stored : Math.min(stored, Math.max(0, count));
      return decodeTensor(bytes.subarray(info.begin, info.begin + n * width), info.dtype, name);
    },
  };
}

/** Several files of one sharded checkpoint, read as one. */
export function mergeSafetensors(files: readonly SafetensorsFile[]): SafetensorsFile {
  const owner = new Map<string, SafetensorsFile>();
  const tensors = new Map<string, TensorInfo>();
  for (const f of files) {
    for (const [name, info] of f.tensors) {
      if (owner.has(name)) throw new SafetensorsError(`tensor ${quoteTensorName(name)} appears in more than one file`);
      owner.set(name, f);
      tensors.set(name, info);
    }
  }
  return {
    tensors,
    metadata: Object.assign({}, ...files.map((f) => f.metadata)),
    read(name, count) {
      const f = owner.get(name);
      if (!f) throw new SafetensorsError(`no tensor ${quoteTensorName(name)}`);
      return f.read(name, count);
    },
  };
}
