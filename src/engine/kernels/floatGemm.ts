/**
 * Synchronous float32 GEMM on a WebAssembly SIMD module generated at load time with the project's
 * own encoder (wasmEncoder.ts): the matrix products of training (src/engine/train/), forward and
 * backward.
 *
 * Layout, after GotoBLAS/BLIS (Goto & van de Geijn, ACM TOMS 2008; Van Zee & van de Geijn, ACM
 * TOMS 2015):
 * - op(A) is packed into row panels of MR rows, k-major (`a[k·MR + i]`), zero padded past m;
 * - op(B) is packed into column panels of NR columns, k-major (`b[k·NR + j]`), zero padded past n;
 * - the depth is cut into blocks of KC so that one B panel (KC × NR floats) stays in L1 while every
 *   A panel streams past it;
 * - a micro-kernel keeps an MR × NR block of C in vector registers over a depth block, then stores
 *   it or adds it to C.
 * Transposition costs nothing extra: it only changes the packing's read order. C lives in a padded
 * buffer (rows to MR, columns to NR) inside the module's memory and is copied out.
 *
 * MR × NR = 4 × 8, as for the tile GEMM (tileGemmKernel.ts): V8 on x64 has 15 usable XMM registers,
 * and 8 accumulators + 2 B vectors + 4 broadcast A values fit without spilling.
 *
 * Where the runtime has no WebAssembly SIMD, `sgemm` runs a plain-JavaScript loop with the same
 * contract. Compilation is synchronous (`new WebAssembly.Module`), which Node and browser Web
 * Workers allow for modules of any size.
 */
import { FunctionBuilder, ModuleBuilder, ValType } from './wasmEncoder';
import { WASM_PAGE_BYTES, wasmApi } from './wasmRuntime';
import type { WasmApi, WasmInstance, WasmMemory, WasmModule } from './wasmRuntime';

/** Options of one product C (m×n) = op(A) · op(B) (+ C when accumulate), all row-major. */
export interface SgemmOptions {
  /** op(A) = Aᵀ: A is stored k×m. */
  transA: boolean;
  /** op(B) = Bᵀ: B is stored n×k. */
  transB: boolean;
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  /** Add the product to C instead of overwriting it. */
  accumulate?: boolean;
}

/** Which implementation `sgemm` uses in this runtime. */
export type SgemmPath = 'wasm-relaxed' | 'wasm-simd' | 'js';

const MR = 4;
const NR = 8;
/** Depth block: a B panel of KC × NR float32 is 8 KiB, well inside a 32 KiB L1 data cache. */
const KC = 256;
/** Memory limit: 2 GiB keeps every byte offset a positive int32. */
const MEMORY_LIMIT_BYTES = 2 ** 31;

const { I32, V128 } = ValType;

/**
 * Micro-kernel: params (a, b, kc, c, ldc, accumulate). `a` and `b` point at the depth block of a
 * packed A and B panel; C[i][j] at c + i·ldc + 4j is stored (accumulate = 0) or added to.
 */
function microKernel(relaxed: boolean): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32], []);
  const [a, b, kc, c, ldc, accumulate] = [0, 1, 2, 3, 4, 5];
  const nv = NR / 4;
  const acc: number[][] = [];
  for (let i = 0; i < MR; i++) {
    acc.push([]);
    for (let j = 0; j < nv; j++) acc[i].push(f.local(V128));
  }
  const bv: number[] = [];
  for (let j = 0; j < nv; j++) bv.push(f.local(V128));
  const av = f.local(V128);
  const aEnd = f.local(I32);
  const aStride = MR * 4;
  const bStride = NR * 4;

  f.get(a).get(kc).i32Const(aStride).i32Mul().i32Add().set(aEnd);
  f.block().loop();
  f.get(a).get(aEnd).i32GeU().brIf(1);
  for (let j = 0; j < nv; j++)
    f.get(b)
      .v128Load(j * 16)
      .set(bv[j]);
  for (let i = 0; i < MR; i++) {
    f.get(a)
      .v128Load32Splat(i * 4)
      .set(av);
    for (let j = 0; j < nv; j++) {
      const s = acc[i][j];
      if (relaxed) f.get(av).get(bv[j]).get(s).f32x4RelaxedMadd().set(s);
      else f.get(s).get(av).get(bv[j]).f32x4Mul().f32x4Add().set(s);
    }
  }
  f.get(a).i32Const(aStride).i32Add().set(a);
  f.get(b).i32Const(bStride).i32Add().set(b);
  f.br(0).end().end();

  f.get(accumulate).if_();
  for (let i = 0; i < MR; i++) {
    for (let j = 0; j < nv; j++)
      f.get(c)
        .get(c)
        .v128Load(j * 16)
        .get(acc[i][j])
        .f32x4Add()
        .v128Store(j * 16);
    if (i + 1 < MR) f.get(c).get(ldc).i32Add().set(c);
  }
  f.else_();
  for (let i = 0; i < MR; i++) {
    for (let j = 0; j < nv; j++)
      f.get(c)
        .get(acc[i][j])
        .v128Store(j * 16);
    if (i + 1 < MR) f.get(c).get(ldc).i32Add().set(c);
  }
  f.end();
  return f;
}

/**
 * Depth-block driver: params (a, b, kc, aPanelBytes, bPanelBytes, mPanels, nPanels, c, ldc,
 * accumulate). B panels outside, A panels inside, so a B panel's depth block stays in L1.
 */
function blockDriver(kernelIndex: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], []);
  const [a, b, kc, aPanelBytes, bPanelBytes, mPanels, nPanels, c, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const q = f.local(I32);
  const p = f.local(I32);
  const ap = f.local(I32);
  const cp = f.local(I32);
  const cRowBlock = f.local(I32);
  f.get(ldc).i32Const(MR).i32Mul().set(cRowBlock);
  f.block().loop();
  f.get(q).get(nPanels).i32GeU().brIf(1);
  f.get(a).set(ap);
  f.get(c).set(cp);
  f.i32Const(0).set(p);
  f.block().loop();
  f.get(p).get(mPanels).i32GeU().brIf(1);
  f.get(ap).get(b).get(kc).get(cp).get(ldc).get(accumulate).call(kernelIndex);
  f.get(ap).get(aPanelBytes).i32Add().set(ap);
  f.get(cp).get(cRowBlock).i32Add().set(cp);
  f.get(p).i32Const(1).i32Add().set(p);
  f.br(0).end().end();
  f.get(b).get(bPanelBytes).i32Add().set(b);
  f.get(c)
    .i32Const(NR * 4)
    .i32Add()
    .set(c);
  f.get(q).i32Const(1).i32Add().set(q);
  f.br(0).end().end();
  return f;
}

/** The module's bytes: `kernel` (function 0) and `block` (function 1). */
export function buildFloatGemmModule(relaxed: boolean): Uint8Array {
  const module = new ModuleBuilder();
  module.addFunction('kernel', microKernel(relaxed));
  module.addFunction('block', blockDriver(0));
  return module.encode();
}

interface FloatGemmExports {
  readonly block: (
    a: number,
    b: number,
    kc: number,
    aPanelBytes: number,
    bPanelBytes: number,
    mPanels: number,
    nPanels: number,
    c: number,
    ldc: number,
    accumulate: number,
  ) => void;
}

/** The synchronous parts of the WebAssembly JS API (not in wasmRuntime.ts's asynchronous slice). */
interface SyncWasmApi extends WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
}

class WasmFloatGemm {
  private readonly memory: WasmMemory;
  private readonly exports: FloatGemmExports;
  private heap: Float32Array;

  constructor(
    readonly path: 'wasm-relaxed' | 'wasm-simd',
    api: SyncWasmApi,
  ) {
    const module = new api.Module(buildFloatGemmModule(path === 'wasm-relaxed'));
    this.memory = new api.Memory({ initial: 16, maximum: MEMORY_LIMIT_BYTES / WASM_PAGE_BYTES });
    const instance: WasmInstance = new api.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as FloatGemmExports;
    this.heap = new Float32Array(this.memory.buffer);
  }

  private reserve(bytes: number): Float32Array {
    if (bytes > MEMORY_LIMIT_BYTES) throw new RangeError(`sgemm needs ${bytes} bytes, over the 2 GiB limit`);
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
    if (this.heap.buffer !== this.memory.buffer) this.heap = new Float32Array(this.memory.buffer);
    return this.heap;
  }

  run(o: SgemmOptions): void {
    const { m, n, k, transA, transB, a, b, c } = o;
    const accumulate = o.accumulate === true;
    const mPanels = Math.ceil(m / MR);
    const nPanels = Math.ceil(n / NR);
    const mPad = mPanels * MR;
    const nPad = nPanels * NR;
    // Float offsets of the three regions; 16-float alignment keeps vector loads on cache lines.
    const aOff = 16;
    const bOff = aOff + align16(mPad * k);
    const cOff = bOff + align16(nPad * k);
    const heap = this.reserve((cOff + mPad * nPad) * 4);
    packA(heap, aOff, a, m, k, transA);
    packB(heap, bOff, b, n, k, transB);
    const direct = nPad === n;
    if (accumulate) {
      if (direct) heap.set(c.subarray(0, m * n), cOff);
      else for (let i = 0; i < m; i++) heap.set(c.subarray(i * n, i * n + n), cOff + i * nPad);
    }
    const ldc = nPad * 4;
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, m * n);
      return;
    }
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = Math.min(KC, k - k0);
      this.exports.block(
        (aOff + k0 * MR) * 4,
        (bOff + k0 * NR) * 4,
        kc,
        k * MR * 4,
        k * NR * 4,
        mPanels,
        nPanels,
        cOff * 4,
        ldc,
        accumulate || k0 > 0 ? 1 : 0,
      );
    }
    if (direct) c.set(heap.subarray(cOff, cOff + m * n));
    else for (let i = 0; i < m; i++) c.set(heap.subarray(cOff + i * nPad, cOff + i * nPad + n), i * n);
  }
}

function align16(floats: number): number {
  return Math.ceil(floats / 16) * 16;
}

/** Packs op(A) (m×k) into row panels of MR, k-major, zero padded past m. */
function packA(heap: Float32Array, off: number, a: Float32Array, m: number, k: number, transA: boolean): void {
  for (let p = 0; p < m; p += MR) {
    const rows = Math.min(MR, m - p);
    const base = off + p * k;
    if (transA) {
      // A is k×m: the MR values of one depth step are contiguous.
      for (let kk = 0; kk < k; kk++) {
        const src = kk * m + p;
        const dst = base + kk * MR;
        for (let i = 0; i < rows; i++) heap[dst + i] = a[src + i];
        for (let i = rows; i < MR; i++) heap[dst + i] = 0;
      }
    } else {
      for (let i = 0; i < MR; i++) {
        if (i < rows) {
          const src = (p + i) * k;
          for (let kk = 0; kk < k; kk++) heap[base + kk * MR + i] = a[src + kk];
        } else {
          for (let kk = 0; kk < k; kk++) heap[base + kk * MR + i] = 0;
        }
      }
    }
  }
}

/** Packs op(B) (k×n) into column panels of NR, k-major, zero padded past n. */
function packB(heap: Float32Array, off: number, b: Float32Array, n: number, k: number, transB: boolean): void {
  for (let q = 0; q < n; q += NR) {
    const cols = Math.min(NR, n - q);
    const base = off + q * k;
    if (transB) {
      for (let j = 0; j < NR; j++) {
        if (j < cols) {
          const src = (q + j) * k;
          for (let kk = 0; kk < k; kk++) heap[base + kk * NR + j] = b[src + kk];
        } else {
          for (let kk = 0; kk < k; kk++) heap[base + kk * NR + j] = 0;
        }
      }
    } else if (cols === NR) {
      for (let kk = 0; kk < k; kk++) heap.set(b.subarray(kk * n + q, kk * n + q + NR), base + kk * NR);
    } else {
      for (let kk = 0; kk < k; kk++) {
        const src = kk * n + q;
        const dst = base + kk * NR;
        for (let j = 0; j < cols; j++) heap[dst + j] = b[src + j];
        for (let j = cols; j < NR; j++) heap[dst + j] = 0;
      }
    }
  }
}

/**
 * Plain-JavaScript GEMM with the same contract: op(B) made row-major first, then four rows of C at
 * a time against each row of op(B), in float64 accumulators.
 */
function jsSgemm(o: SgemmOptions): void {
  const { m, n, k, transA, transB, a, b, c } = o;
  const accumulate = o.accumulate === true;
  const bRows = transB ? transpose(b, n, k) : b;
  const acc = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const [p0, p1, p2, p3] = acc;
  const at = (i: number, kk: number): number => (i < m ? (transA ? a[kk * m + i] : a[i * k + kk]) : 0);
  for (let i = 0; i < m; i += 4) {
    const rows = Math.min(4, m - i);
    for (let r = 0; r < 4; r++) {
      if (accumulate && r < rows) for (let j = 0; j < n; j++) acc[r][j] = c[(i + r) * n + j];
      else acc[r].fill(0);
    }
    for (let kk = 0; kk < k; kk++) {
      const a0 = at(i, kk);
      const a1 = at(i + 1, kk);
      const a2 = at(i + 2, kk);
      const a3 = at(i + 3, kk);
      const off = kk * n;
      for (let j = 0; j < n; j++) {
        const bv = bRows[off + j];
        p0[j] += a0 * bv;
        p1[j] += a1 * bv;
        p2[j] += a2 * bv;
        p3[j] += a3 * bv;
      }
    }
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) c[(i + r) * n + j] = acc[r][j];
  }
}

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) out[q * rows + r] = x[r * cols + q];
  return out;
}

function checkOptions(o: SgemmOptions): void {
  const { m, n, k } = o;
  for (const [name, v] of [
    ['m', m],
    ['n', n],
    ['k', k],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`sgemm: ${name} must be a non-negative integer, got ${v}`);
  }
  if (o.a.length < m * k) throw new RangeError(`sgemm: a holds ${o.a.length} values, needs m·k = ${m * k}`);
  if (o.b.length < k * n) throw new RangeError(`sgemm: b holds ${o.b.length} values, needs k·n = ${k * n}`);
  if (o.c.length < m * n) throw new RangeError(`sgemm: c holds ${o.c.length} values, needs m·n = ${m * n}`);
}

let engine: WasmFloatGemm | null | undefined;
let forcedPath: SgemmPath | null = null;

function wasmEngine(): WasmFloatGemm | null {
  if (engine !== undefined) return engine;
  engine = null;
  const api = wasmApi() as SyncWasmApi | null;
  if (api && typeof api.Module === 'function') {
    for (const relaxed of [true, false]) {
      if (api.validate(buildFloatGemmModule(relaxed))) {
        engine = new WasmFloatGemm(relaxed ? 'wasm-relaxed' : 'wasm-simd', api);
        break;
      }
    }
  }
  return engine;
}

/** The implementation `sgemm` runs: relaxed-SIMD FMA where validated, plain SIMD, or JavaScript. */
export function sgemmPath(): SgemmPath {
  if (forcedPath) return forcedPath;
  return wasmEngine()?.path ?? 'js';
}

/**
 * Forces the plain-JavaScript path (`'js'`) or returns to the fastest one (`null`); for tests and
 * benchmarks of the fallback.
 */
export function forceSgemmPath(path: 'js' | null): void {
  forcedPath = path;
}

/** C (m×n) = op(A) · op(B) (+ C when accumulate), row-major; op(A) is m×k, op(B) is k×n. */
export function sgemm(o: SgemmOptions): void {
  checkOptions(o);
  if (o.m === 0 || o.n === 0) return;
  const wasm = forcedPath === 'js' ? null : wasmEngine();
  if (wasm) wasm.run(o);
  else jsSgemm(o);
}
