/**
 * Bulk float32 math for programming crossbar cells, where each cell needs several normals and a
 * few transcendental functions: standard normals, exp and log over whole arrays, as one
 * WebAssembly SIMD module generated at load time with the project's encoder (wasmEncoder.ts), and a
 * plain-JavaScript twin that rounds every step to float32 and so returns the same bits.
 *
 * Normals: four xoshiro128** streams side by side, one per SIMD lane (Blackman & Vigna, ACM TOMS
 * 47(4), 2021), turned into pairs by the Box–Muller transform (Box & Muller, Ann. Math. Stat. 29,
 * 1958): z₁ = R·cos θ, z₂ = R·sin θ with R = √(−2 ln u₂). The angle is drawn in the first quadrant
 * and two further bits of the same draw give the signs of z₁ and z₂, which makes θ uniform over the
 * circle. u₂ ∈ (0, 1] from 31 bits bounds |z| by √(2·32·ln 2) ≈ 6.7, a tail of 2·10⁻¹¹.
 *
 * exp: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (Cody & Waite's two-part ln 2, so n·ln2_hi is exact), e^r by
 * its Taylor series to r⁷/7! (remainder below 2·10⁻⁸ of the result), times 2ⁿ built in the exponent
 * bits. Arguments are clamped to [−87, 88], where 2ⁿ stays a normal float32.
 * log: x = m·2ᵉ with m ∈ [√½, √2), ln m = 2·atanh(s) = 2(s + s³/3 + … + s¹¹/11), s = (m − 1)/(m + 1),
 * |s| ≤ 0.172 (remainder below 10⁻¹⁰). Arguments below the smallest normal float32 are raised to it.
 * sin and cos of the Box–Muller angle: Taylor series on [−π/4, π/4] to φ⁹/9! and φ¹⁰/10!.
 */
import { ConstantPool, FunctionBuilder, ModuleBuilder, ValType } from './wasmEncoder';
import type { WasmApi, WasmInstance, WasmMemory, WasmModule } from './wasmRuntime';
import { wasmApi } from './wasmRuntime';

export type VectorMathPath = 'wasm-simd' | 'js';

export interface VectorMath {
  readonly path: VectorMathPath;
  /**
   * Fills `out` (a multiple of 8 long) with standard normals from four xoshiro128** streams whose
   * state is `state` (16 words: s0 of the four lanes, then s1, s2, s3), advanced in place.
   */
  normals(state: Uint32Array, out: Float32Array): void;
  /** x ← eˣ, in place. */
  exp(x: Float32Array): void;
  /** x ← ln x, in place (x > 0; 0 gives ln of the smallest normal float32, about −87.3). */
  log(x: Float32Array): void;
}

/** Floats per call into the module: one 64 KiB page. */
const CHUNK = 16384;
const STATE_BYTES = 64;
/** Splat constants of the polynomials, between the stream state and the buffer. */
const CONSTANTS_OFFSET = STATE_BYTES;
const BUFFER_OFFSET = 1024;
const MEMORY_PAGES = 2;

const f = Math.fround;
const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M32 = 2 ** -32;
const TWO_POW_M31 = 2 ** -31;
const HALF_PI = f(Math.PI / 2);
const SQRT_HALF = f(Math.SQRT1_2);
const SQRT2 = f(Math.SQRT2);
const LN2_HI = 0.693359375;
const LN2_LO = f(Math.LN2 - LN2_HI);
const LOG2E = f(Math.LOG2E);
const EXP_MIN = -87;
const EXP_MAX = 88;
const SMALLEST_NORMAL = f(2 ** -126);

function factorial(n: number): number {
  let p = 1;
  for (let i = 2; i <= n; i++) p *= i;
  return p;
}
/** Horner coefficients, highest power first, rounded to float32 as both paths hold them. */
const EXP_COEFFS = [7, 6, 5, 4, 3, 2, 1, 0].map((k) => f(1 / factorial(k)));
/** 1/11, 1/9, …, 1/3, 1 in powers of s². */
const LOG_COEFFS = [11, 9, 7, 5, 3, 1].map((k) => f(1 / k));
/** sin φ / φ in powers of φ²: 1/9!, −1/7!, 1/5!, −1/3!, 1. */
const SIN_COEFFS = [9, 7, 5, 3, 1].map((k) => f((((k - 1) / 2) % 2 === 0 ? 1 : -1) / factorial(k)));
/** cos φ in powers of φ²: −1/10!, 1/8!, −1/6!, 1/4!, −1/2!, 1. */
const COS_COEFFS = [10, 8, 6, 4, 2, 0].map((k) => f(((k / 2) % 2 === 0 ? 1 : -1) / factorial(k)));

// ---------------------------------------------------------------------------------------------
// The WebAssembly module.
// ---------------------------------------------------------------------------------------------

const { I32, V128 } = ValType;

/** Emits Horner's scheme over the vector in local `x`; leaves the value on the stack. */
function horner(fn: FunctionBuilder, x: number, coeffs: readonly number[]): void {
  fn.f32x4SplatConst(coeffs[0]);
  for (let i = 1; i < coeffs.length; i++) fn.get(x).f32x4Mul().f32x4SplatConst(coeffs[i]).f32x4Add();
}

/** Emits ln of the vector in local `x` (overwritten); leaves the value on the stack. */
export function emitLog(fn: FunctionBuilder, x: number): void {
  const e = fn.local(V128);
  const m = fn.local(V128);
  const mask = fn.local(V128);
  const s = fn.local(V128);
  const s2 = fn.local(V128);
  fn.get(x).f32x4SplatConst(SMALLEST_NORMAL).f32x4Pmax().set(x);
  fn.get(x).i32Const(23).i32x4ShrU().i32x4SplatConst(127).i32x4Sub().set(e);
  fn.get(x).i32x4SplatConst(0x007fffff).v128And().i32x4SplatConst(0x3f800000).v128Or().set(m);
  fn.get(m).f32x4SplatConst(SQRT2).f32x4Gt().set(mask);
  fn.get(m).f32x4SplatConst(0.5).f32x4Mul().get(m).get(mask).v128Bitselect().set(m);
  fn.get(e).get(mask).i32x4Sub().set(e);
  fn.get(m).f32x4SplatConst(1).f32x4Sub().get(m).f32x4SplatConst(1).f32x4Add().f32x4Div().set(s);
  fn.get(s).get(s).f32x4Mul().set(s2);
  // ln m = 2·s·P(s²); ln x = ln m + e·ln2_lo + e·ln2_hi.
  horner(fn, s2, LOG_COEFFS);
  fn.get(s).f32x4Mul().f32x4SplatConst(2).f32x4Mul();
  fn.get(e).f32x4ConvertI32x4S().set(e);
  fn.get(e).f32x4SplatConst(LN2_LO).f32x4Mul().f32x4Add();
  fn.get(e).f32x4SplatConst(LN2_HI).f32x4Mul().f32x4Add();
}

/** Emits eˣ of the vector in local `x` (overwritten); leaves the value on the stack. */
export function emitExp(fn: FunctionBuilder, x: number): void {
  const n = fn.local(V128);
  const r = fn.local(V128);
  fn.get(x).f32x4SplatConst(EXP_MIN).f32x4Pmax().f32x4SplatConst(EXP_MAX).f32x4Pmin().set(x);
  fn.get(x).f32x4SplatConst(LOG2E).f32x4Mul().f32x4Nearest().set(n);
  fn.get(x).get(n).f32x4SplatConst(LN2_HI).f32x4Mul().f32x4Sub();
  fn.get(n).f32x4SplatConst(LN2_LO).f32x4Mul().f32x4Sub().set(r);
  horner(fn, r, EXP_COEFFS);
  fn.get(n).i32x4TruncSatF32x4S().i32x4SplatConst(127).i32x4Add().i32Const(23).i32x4Shl();
  fn.f32x4Mul();
}

/** An in-place map over `count` floats (a multiple of 4) at byte offset `ptr`. */
function mapFunction(emit: (fn: FunctionBuilder, x: number) => void, constants: ConstantPool): FunctionBuilder {
  const fn = new FunctionBuilder([I32, I32], []);
  fn.constants = constants;
  const ptr = 0;
  const count = 1;
  const end = fn.local(I32);
  const x = fn.local(V128);
  fn.get(ptr).get(count).i32Const(4).i32Mul().i32Add().set(end);
  fn.block().loop();
  fn.get(ptr).get(end).i32GeU().brIf(1);
  fn.get(ptr).v128Load().set(x);
  fn.get(ptr);
  emit(fn, x);
  fn.v128Store();
  fn.get(ptr).i32Const(16).i32Add().set(ptr);
  fn.br(0).end().end();
  return fn;
}

/** One xoshiro128** step of the four lanes in locals s[0..3]; the output goes to local `out`. */
function emitXoshiro(fn: FunctionBuilder, s: readonly number[], out: number, tmp: number): void {
  const [s0, s1, s2, s3] = s;
  fn.get(s1).i32x4SplatConst(5).i32x4Mul().set(tmp);
  fn.get(tmp).i32Const(7).i32x4Shl().get(tmp).i32Const(25).i32x4ShrU().v128Or().i32x4SplatConst(9).i32x4Mul().set(out);
  fn.get(s1).i32Const(9).i32x4Shl().set(tmp);
  fn.get(s2).get(s0).v128Xor().set(s2);
  fn.get(s3).get(s1).v128Xor().set(s3);
  fn.get(s1).get(s2).v128Xor().set(s1);
  fn.get(s0).get(s3).v128Xor().set(s0);
  fn.get(s2).get(tmp).v128Xor().set(s2);
  fn.get(s3).i32Const(11).i32x4Shl().get(s3).i32Const(21).i32x4ShrU().v128Or().set(s3);
}

/** normals(state, out, count): count (a multiple of 8) normals at byte offset `out`. */
function normalsFunction(constants: ConstantPool): FunctionBuilder {
  const fn = new FunctionBuilder([I32, I32, I32], []);
  fn.constants = constants;
  const [state, out, count] = [0, 1, 2];
  const end = fn.local(I32);
  const s = [fn.local(V128), fn.local(V128), fn.local(V128), fn.local(V128)];
  const a = fn.local(V128);
  const b = fn.local(V128);
  const tmp = fn.local(V128);
  const phi = fn.local(V128);
  const phi2 = fn.local(V128);
  const sin = fn.local(V128);
  const cos = fn.local(V128);
  const radius = fn.local(V128);
  const u = fn.local(V128);
  s.forEach((lane, i) =>
    fn
      .get(state)
      .v128Load(16 * i)
      .set(lane),
  );
  fn.get(out).get(count).i32Const(4).i32Mul().i32Add().set(end);
  fn.block().loop();
  fn.get(out).get(end).i32GeU().brIf(1);
  emitXoshiro(fn, s, a, tmp);
  emitXoshiro(fn, s, b, tmp);
  // φ = (a>>>8 · 2⁻²⁴ − ½) · π/2 ∈ [−π/4, π/4); θ = φ + π/4 in the first quadrant.
  fn.get(a).i32Const(8).i32x4ShrU().f32x4ConvertI32x4S().f32x4SplatConst(TWO_POW_M24).f32x4Mul();
  fn.f32x4SplatConst(0.5).f32x4Sub().f32x4SplatConst(HALF_PI).f32x4Mul().set(phi);
  fn.get(phi).get(phi).f32x4Mul().set(phi2);
  horner(fn, phi2, SIN_COEFFS);
  fn.get(phi).f32x4Mul().set(sin);
  horner(fn, phi2, COS_COEFFS);
  fn.set(cos);
  // u₂ ∈ (0, 1] from the high 31 bits (a signed conversion is one instruction, an unsigned one
  // several); R = √max(0, −2 ln u₂).
  fn.get(b).i32Const(1).i32x4ShrU().f32x4ConvertI32x4S();
  fn.f32x4SplatConst(TWO_POW_M31).f32x4Mul().f32x4SplatConst(TWO_POW_M32).f32x4Add().set(u);
  emitLog(fn, u);
  fn.f32x4SplatConst(-2).f32x4Mul().f32x4SplatConst(0).f32x4Pmax().f32x4Sqrt().set(radius);
  // z₁ = ±R·(cos φ − sin φ)·√½, z₂ = ±R·(cos φ + sin φ)·√½; the signs are bits 0 and 1 of a.
  fn.get(out);
  fn.get(cos).get(sin).f32x4Sub().f32x4SplatConst(SQRT_HALF).f32x4Mul().get(radius).f32x4Mul();
  fn.get(a).i32Const(31).i32x4Shl().v128Xor();
  fn.v128Store(0);
  fn.get(out);
  fn.get(cos).get(sin).f32x4Add().f32x4SplatConst(SQRT_HALF).f32x4Mul().get(radius).f32x4Mul();
  fn.get(a).i32Const(30).i32x4Shl().i32x4SplatConst(-0x80000000).v128And().v128Xor();
  fn.v128Store(16);
  fn.get(out).i32Const(32).i32Add().set(out);
  fn.br(0).end().end();
  s.forEach((lane, i) =>
    fn
      .get(state)
      .get(lane)
      .v128Store(16 * i),
  );
  return fn;
}

/** The module's bytes and the constant table its functions read. */
export function buildVectorMathModule(): { bytes: Uint8Array; constants: ConstantPool } {
  const constants = new ConstantPool(CONSTANTS_OFFSET, (BUFFER_OFFSET - CONSTANTS_OFFSET) / 4);
  const module = new ModuleBuilder();
  const functions: Array<[string, FunctionBuilder]> = [
    ['normals', normalsFunction(constants)],
    ['exp', mapFunction(emitExp, constants)],
    ['log', mapFunction(emitLog, constants)],
  ];
  for (const [name, fn] of functions) module.addFunction(name, fn);
  return { bytes: module.encode(), constants };
}

export interface SyncWasmApi extends WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
}

interface VectorMathExports {
  normals(state: number, out: number, count: number): void;
  exp(ptr: number, count: number): void;
  log(ptr: number, count: number): void;
}

class WasmVectorMath implements VectorMath {
  readonly path = 'wasm-simd';
  private readonly exports: VectorMathExports;
  private readonly state: Uint32Array;
  private readonly buffer: Float32Array;

  constructor(api: SyncWasmApi) {
    const memory: WasmMemory = new api.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES });
    const { bytes, constants } = buildVectorMathModule();
    const instance: WasmInstance = new api.Instance(new api.Module(bytes), { env: { memory } });
    constants.write(memory.buffer);
    this.exports = instance.exports as unknown as VectorMathExports;
    this.state = new Uint32Array(memory.buffer, 0, STATE_BYTES / 4);
    this.buffer = new Float32Array(memory.buffer, BUFFER_OFFSET, CHUNK);
  }

  normals(state: Uint32Array, out: Float32Array): void {
    checkNormals(state, out);
    this.state.set(state);
    for (let i = 0; i < out.length; i += CHUNK) {
      const n = Math.min(CHUNK, out.length - i);
      this.exports.normals(0, BUFFER_OFFSET, n);
      out.set(n === CHUNK ? this.buffer : this.buffer.subarray(0, n), i);
    }
    state.set(this.state);
  }

  exp(x: Float32Array): void {
    this.map(x, this.exports.exp);
  }

  log(x: Float32Array): void {
    this.map(x, this.exports.log);
  }

  private map(x: Float32Array, run: (ptr: number, count: number) => void): void {
    for (let i = 0; i < x.length; i += CHUNK) {
      const n = Math.min(CHUNK, x.length - i);
      const part = x.subarray(i, i + n);
      this.buffer.set(part);
      run(BUFFER_OFFSET, (n + 3) & ~3);
      part.set(n === CHUNK ? this.buffer : this.buffer.subarray(0, n));
    }
  }
}

function checkNormals(state: Uint32Array, out: Float32Array): void {
  if (state.length !== 16) throw new RangeError(`normal stream state holds ${state.length} words, expected 16`);
  if (out.length % 8 !== 0) throw new RangeError(`normals fill multiples of 8 values, got ${out.length}`);
}

// ---------------------------------------------------------------------------------------------
// The plain-JavaScript twin: every operation of the module, rounded to float32 in the same order.
// ---------------------------------------------------------------------------------------------

const i32 = new Int32Array(1);
const f32 = new Float32Array(i32.buffer);

function bitsOf(x: number): number {
  f32[0] = x;
  return i32[0];
}
function floatOf(bits: number): number {
  i32[0] = bits;
  return f32[0];
}
function hornerJs(x: number, coeffs: readonly number[]): number {
  let p = coeffs[0];
  for (let i = 1; i < coeffs.length; i++) p = f(f(p * x) + coeffs[i]);
  return p;
}
/** IEEE round half to even (f32x4.nearest). */
function nearest(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function logF32(value: number): number {
  const x = value < SMALLEST_NORMAL ? SMALLEST_NORMAL : f(value);
  const bits = bitsOf(x);
  let e = (bits >>> 23) - 127;
  let m = floatOf((bits & 0x007fffff) | 0x3f800000);
  if (m > SQRT2) {
    m = f(m * 0.5);
    e += 1;
  }
  const s = f(f(m - 1) / f(m + 1));
  const s2 = f(s * s);
  const lnm = f(f(hornerJs(s2, LOG_COEFFS) * s) * 2);
  return f(f(lnm + f(e * LN2_LO)) + f(e * LN2_HI));
}

export function expF32(value: number): number {
  const x = Math.min(Math.max(f(value), EXP_MIN), EXP_MAX);
  const n = nearest(f(x * LOG2E));
  const r = f(f(x - f(n * LN2_HI)) - f(n * LN2_LO));
  return f(hornerJs(r, EXP_COEFFS) * floatOf((n + 127) << 23));
}

function xoshiroJs(state: Uint32Array, lane: number): number {
  const s1 = state[4 + lane];
  const product = Math.imul(s1, 5);
  const result = Math.imul((product << 7) | (product >>> 25), 9);
  const t = s1 << 9;
  state[8 + lane] ^= state[lane];
  state[12 + lane] ^= s1;
  state[4 + lane] ^= state[8 + lane];
  state[lane] ^= state[12 + lane];
  state[8 + lane] ^= t;
  const s3 = state[12 + lane];
  state[12 + lane] = (s3 << 11) | (s3 >>> 21);
  return result | 0;
}

const jsVectorMath: VectorMath = {
  path: 'js',
  normals(state, out) {
    checkNormals(state, out);
    for (let i = 0; i < out.length; i += 8) {
      for (let lane = 0; lane < 4; lane++) {
        const a = xoshiroJs(state, lane);
        // The module runs both steps of all lanes first; the lanes are independent, so the order
        // within a lane is all that matters.
        const b = xoshiroJs(state, lane) >>> 0;
        const phi = f(f(f(f((a >>> 8) * TWO_POW_M24) - 0.5)) * HALF_PI);
        const phi2 = f(phi * phi);
        const sin = f(hornerJs(phi2, SIN_COEFFS) * phi);
        const cos = hornerJs(phi2, COS_COEFFS);
        const u = f(f(f(b >>> 1) * TWO_POW_M31) + TWO_POW_M32);
        const radius = f(Math.sqrt(Math.max(0, f(logF32(u) * -2))));
        const z1 = f(f(f(cos - sin) * SQRT_HALF) * radius);
        const z2 = f(f(f(cos + sin) * SQRT_HALF) * radius);
        out[i + lane] = (a & 1) !== 0 ? -z1 : z1;
        out[i + 4 + lane] = (a & 2) !== 0 ? -z2 : z2;
      }
    }
  },
  exp(x) {
    for (let i = 0; i < x.length; i++) x[i] = expF32(x[i]);
  },
  log(x) {
    for (let i = 0; i < x.length; i++) x[i] = logF32(x[i]);
  },
};

let wasmMath: VectorMath | null | undefined;

function wasmVectorMath(): VectorMath | null {
  if (wasmMath !== undefined) return wasmMath;
  wasmMath = null;
  const api = wasmApi() as SyncWasmApi | null;
  if (api && typeof api.Module === 'function' && api.validate(buildVectorMathModule().bytes))
    wasmMath = new WasmVectorMath(api);
  return wasmMath;
}

/** The vector math of a path: 'auto' is the WebAssembly module where the runtime validates it, else JavaScript. */
export function vectorMath(path: VectorMathPath | 'auto' = 'auto'): VectorMath {
  if (path === 'js') return jsVectorMath;
  const wasm = wasmVectorMath();
  if (wasm) return wasm;
  if (path === 'wasm-simd') throw new Error('WebAssembly SIMD is not available in this runtime');
  return jsVectorMath;
}
