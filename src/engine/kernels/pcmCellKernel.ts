/**
 * The read-out of programmed PCM cells at the time of inference (drift and 1/f read noise, the
 * formulas of devices/pcm/model.ts) as one WebAssembly SIMD pass, four cells per step, with the
 * logarithms and exponentials of kernels/vectorMath.ts. The model keeps its constants and passes
 * them in (`PcmReadParams`); this file holds no physics of its own. Where the runtime has no
 * WebAssembly SIMD, `pcmCellKernel()` is null and the model computes the same in JavaScript.
 *
 * Per cell, with r_T = max(|g_T|/g_max, clip), r_P = |g_P|/g_max:
 *   drift  μ = clamp(a_μ·ln r_T + b_μ, lo_μ, hi_μ), σ = clamp(a_σ·ln r_T + b_σ, lo_σ, hi_σ),
 *          ν = |μ + σ·z_d|·s_drift,  g ← g_P · e^(−ν·ln(t/t₀))
 *   read   Q = min(q / max(r_P^p, q_floor), q_max),  g ← max(0, g + |g|·Q·f_read·z_r)
 * and programming, g_P = max(0, g_T + σ_prog(g_T)·z_p), whose max is branch-free here (in
 * JavaScript it is a branch that cells at g_min, half above and half below, mispredict).
 */
import { emitExp, emitLog } from './vectorMath';
import type { SyncWasmApi } from './vectorMath';
import { ConstantPool, FunctionBuilder, ModuleBuilder, ValType } from './wasmEncoder';
import { wasmApi } from './wasmRuntime';

export interface PcmReadParams {
  readonly gMaxUs: number;
  /** ln(t/t₀), 0 when t = t₀. */
  readonly logTime: number;
  readonly drift: {
    readonly scale: number;
    readonly relativeClip: number;
    readonly muSlope: number;
    readonly muIntercept: number;
    readonly muMin: number;
    readonly muMax: number;
    readonly sigmaSlope: number;
    readonly sigmaIntercept: number;
    readonly sigmaMin: number;
    readonly sigmaMax: number;
  } | null;
  readonly read: {
    /** sqrt(ln((t + t_read)/(2·t_read))) times the read-noise scale. */
    readonly factor: number;
    readonly exponent: number;
    readonly numerator: number;
    readonly floor: number;
    readonly max: number;
  } | null;
}

/** σ_prog(g) = (c0 + c1·r + c2·r²)·scale with r = g/g_max, in µS. */
export interface PcmProgramParams {
  readonly gMaxUs: number;
  readonly c0: number;
  readonly c1: number;
  readonly c2: number;
  readonly scale: number;
}

export interface PcmCellKernel {
  /** Programmed conductances into `out`: max(0, g_T + σ_prog(g_T)·z), one normal z per cell. */
  program(targetUs: Float32Array, normals: Float32Array, params: PcmProgramParams, out: Float32Array): void;
  /**
   * Conductances at the time of inference into `out`, from targets and programmed conductances;
   * `driftNormals` and `readNormals` hold one standard normal per cell (null when that effect is off).
   */
  readAt(
    targetUs: Float32Array,
    programmedUs: Float32Array,
    driftNormals: Float32Array | null,
    readNormals: Float32Array | null,
    params: PcmReadParams,
    out: Float32Array,
  ): void;
}

/** Cells per call into the module. */
const CHUNK = 8192;
const PARAM_FLOATS = 32;
/** Byte offsets: parameters, then the five buffers. */
const PARAMS = 0;
/** Splat constants of log and exp (wasmEncoder.ts ConstantPool). */
const CONSTANTS = 256;
const TARGET = 1024;
const PROGRAMMED = TARGET + CHUNK * 4;
const DRIFT_Z = PROGRAMMED + CHUNK * 4;
const READ_Z = DRIFT_Z + CHUNK * 4;
const OUT = READ_Z + CHUNK * 4;
const MEMORY_PAGES = Math.ceil((OUT + CHUNK * 4) / 65536);

/** Parameter slots (float index in the parameter block). */
const P = {
  invGMax: 0,
  negLogTime: 1,
  driftScale: 2,
  clip: 3,
  muSlope: 4,
  muIntercept: 5,
  muMin: 6,
  muMax: 7,
  sigmaSlope: 8,
  sigmaIntercept: 9,
  sigmaMin: 10,
  sigmaMax: 11,
  readFactor: 12,
  exponent: 13,
  numerator: 14,
  floor: 15,
  qMax: 16,
  c0: 17,
  c1: 18,
  c2: 19,
  progScale: 20,
} as const;

const { I32, V128 } = ValType;

/** readAt(count, drift, read): count cells (a multiple of 4) from the fixed buffers. */
function readAtFunction(constants: ConstantPool): FunctionBuilder {
  const fn = new FunctionBuilder([I32, I32, I32], []);
  fn.constants = constants;
  const [count, drift, read] = [0, 1, 2];
  const offset = fn.local(I32);
  const end = fn.local(I32);
  // Parameters are broadcast from memory where used: held in locals they would crowd out the
  // temporaries of log and exp from the 16 vector registers.
  const param = (slot: number): FunctionBuilder => fn.i32Const(PARAMS).v128Load32Splat(slot * 4);
  const g = fn.local(V128);
  const x = fn.local(V128);
  const mu = fn.local(V128);
  const clamp = (slope: number, intercept: number, lo: number, hi: number): void => {
    fn.get(x);
    param(slope).f32x4Mul();
    param(intercept).f32x4Add();
    param(lo).f32x4Pmax();
    param(hi).f32x4Pmin();
  };
  fn.get(count).i32Const(4).i32Mul().set(end);
  fn.block().loop();
  fn.get(offset).get(end).i32GeU().brIf(1);
  fn.get(offset).v128Load(PROGRAMMED).set(g);
  fn.get(drift).if_();
  {
    fn.get(offset).v128Load(TARGET).f32x4Abs();
    param(P.invGMax).f32x4Mul();
    param(P.clip).f32x4Pmax().set(x);
    emitLog(fn, x);
    fn.set(x);
    clamp(P.muSlope, P.muIntercept, P.muMin, P.muMax);
    fn.set(mu);
    clamp(P.sigmaSlope, P.sigmaIntercept, P.sigmaMin, P.sigmaMax);
    fn.get(offset).v128Load(DRIFT_Z).f32x4Mul().get(mu).f32x4Add().f32x4Abs();
    param(P.driftScale).f32x4Mul();
    param(P.negLogTime).f32x4Mul().set(x);
    fn.get(g);
    emitExp(fn, x);
    fn.f32x4Mul().set(g);
  }
  fn.end();
  fn.get(read).if_();
  {
    fn.get(offset).v128Load(PROGRAMMED).f32x4Abs();
    param(P.invGMax).f32x4Mul().set(x);
    emitLog(fn, x);
    param(P.exponent).f32x4Mul().set(x);
    emitExp(fn, x);
    // Q = min(q / max(r^p, floor), q_max); g ← max(0, g + |g|·Q·f·z).
    fn.set(x);
    param(P.numerator).get(x);
    param(P.floor).f32x4Pmax().f32x4Div();
    param(P.qMax).f32x4Pmin();
    fn.get(g).f32x4Abs().f32x4Mul();
    param(P.readFactor).f32x4Mul();
    fn.get(offset).v128Load(READ_Z).f32x4Mul().get(g).f32x4Add().f32x4SplatConst(0).f32x4Pmax().set(g);
  }
  fn.end();
  fn.get(offset).get(g).v128Store(OUT);
  fn.get(offset).i32Const(16).i32Add().set(offset);
  fn.br(0).end().end();
  return fn;
}

/** program(count): count cells (a multiple of 4) from TARGET and DRIFT_Z (the normals) into OUT. */
function programFunction(constants: ConstantPool): FunctionBuilder {
  const fn = new FunctionBuilder([I32], []);
  fn.constants = constants;
  const count = 0;
  const offset = fn.local(I32);
  const end = fn.local(I32);
  const g = fn.local(V128);
  const r = fn.local(V128);
  const param = (slot: number): FunctionBuilder => fn.i32Const(PARAMS).v128Load32Splat(slot * 4);
  fn.get(count).i32Const(4).i32Mul().set(end);
  fn.block().loop();
  fn.get(offset).get(end).i32GeU().brIf(1);
  fn.get(offset).v128Load(TARGET).set(g);
  fn.get(g);
  param(P.invGMax).f32x4Mul().set(r);
  // σ = ((c2·r + c1)·r + c0)·scale; g_P = max(0, g + σ·z).
  param(P.c2).get(r).f32x4Mul();
  param(P.c1).f32x4Add().get(r).f32x4Mul();
  param(P.c0).f32x4Add();
  param(P.progScale).f32x4Mul();
  fn.get(offset).v128Load(DRIFT_Z).f32x4Mul().get(g).f32x4Add().f32x4SplatConst(0).f32x4Pmax();
  fn.set(g).get(offset).get(g).v128Store(OUT);
  fn.get(offset).i32Const(16).i32Add().set(offset);
  fn.br(0).end().end();
  return fn;
}

/** The module's bytes and the constant table its functions read. */
export function buildPcmCellModule(): { bytes: Uint8Array; constants: ConstantPool } {
  const constants = new ConstantPool(CONSTANTS, (TARGET - CONSTANTS) / 4);
  const module = new ModuleBuilder();
  module.addFunction('readAt', readAtFunction(constants));
  module.addFunction('program', programFunction(constants));
  return { bytes: module.encode(), constants };
}

class WasmPcmCellKernel implements PcmCellKernel {
  private readonly run: (count: number, drift: number, read: number) => void;
  private readonly runProgram: (count: number) => void;
  private readonly params: Float32Array;
  private readonly target: Float32Array;
  private readonly programmed: Float32Array;
  private readonly driftZ: Float32Array;
  private readonly readZ: Float32Array;
  private readonly out: Float32Array;

  constructor(api: SyncWasmApi) {
    const memory = new api.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES });
    const { bytes, constants } = buildPcmCellModule();
    const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
    constants.write(memory.buffer);
    this.run = instance.exports.readAt as (count: number, drift: number, read: number) => void;
    this.runProgram = instance.exports.program as (count: number) => void;
    const view = (byteOffset: number, floats: number) => new Float32Array(memory.buffer, byteOffset, floats);
    this.params = view(PARAMS, PARAM_FLOATS);
    this.target = view(TARGET, CHUNK);
    this.programmed = view(PROGRAMMED, CHUNK);
    this.driftZ = view(DRIFT_Z, CHUNK);
    this.readZ = view(READ_Z, CHUNK);
    this.out = view(OUT, CHUNK);
  }

  program(targetUs: Float32Array, normals: Float32Array, params: PcmProgramParams, out: Float32Array): void {
    const n = targetUs.length;
    if (normals.length !== n || out.length !== n)
      throw new RangeError('pcm program: targets, normals and output must have one value per cell');
    const v = this.params;
    v.fill(0);
    v[P.invGMax] = 1 / params.gMaxUs;
    v[P.c0] = params.c0;
    v[P.c1] = params.c1;
    v[P.c2] = params.c2;
    v[P.progScale] = params.scale;
    for (let i0 = 0; i0 < n; i0 += CHUNK) {
      const i1 = Math.min(n, i0 + CHUNK);
      const m = i1 - i0;
      this.target.set(targetUs.subarray(i0, i1));
      this.driftZ.set(normals.subarray(i0, i1));
      this.runProgram((m + 3) & ~3);
      out.set(m === CHUNK ? this.out : this.out.subarray(0, m), i0);
    }
  }

  readAt(
    targetUs: Float32Array,
    programmedUs: Float32Array,
    driftNormals: Float32Array | null,
    readNormals: Float32Array | null,
    params: PcmReadParams,
    out: Float32Array,
  ): void {
    const n = programmedUs.length;
    if (
      targetUs.length !== n ||
      out.length !== n ||
      (driftNormals && driftNormals.length !== n) ||
      (readNormals && readNormals.length !== n)
    )
      throw new RangeError('pcm readAt: targets, conductances, normals and output must have one value per cell');
    this.setParams(params);
    const drift = params.drift && driftNormals ? 1 : 0;
    const read = params.read && readNormals ? 1 : 0;
    for (let i0 = 0; i0 < n; i0 += CHUNK) {
      const i1 = Math.min(n, i0 + CHUNK);
      const m = i1 - i0;
      this.target.set(targetUs.subarray(i0, i1));
      this.programmed.set(programmedUs.subarray(i0, i1));
      if (drift) this.driftZ.set(driftNormals!.subarray(i0, i1));
      if (read) this.readZ.set(readNormals!.subarray(i0, i1));
      this.run((m + 3) & ~3, drift, read);
      out.set(m === CHUNK ? this.out : this.out.subarray(0, m), i0);
    }
  }

  private setParams(p: PcmReadParams): void {
    const v = this.params;
    v.fill(0);
    v[P.invGMax] = 1 / p.gMaxUs;
    v[P.negLogTime] = -p.logTime;
    if (p.drift) {
      v[P.driftScale] = p.drift.scale;
      v[P.clip] = p.drift.relativeClip;
      v[P.muSlope] = p.drift.muSlope;
      v[P.muIntercept] = p.drift.muIntercept;
      v[P.muMin] = p.drift.muMin;
      v[P.muMax] = p.drift.muMax;
      v[P.sigmaSlope] = p.drift.sigmaSlope;
      v[P.sigmaIntercept] = p.drift.sigmaIntercept;
      v[P.sigmaMin] = p.drift.sigmaMin;
      v[P.sigmaMax] = p.drift.sigmaMax;
    }
    if (p.read) {
      v[P.readFactor] = p.read.factor;
      v[P.exponent] = p.read.exponent;
      v[P.numerator] = p.read.numerator;
      v[P.floor] = p.read.floor;
      v[P.qMax] = p.read.max;
    }
  }
}

let kernel: PcmCellKernel | null | undefined;
let disabled = false;

/** Turns the kernel off (the JavaScript path runs) or back on; for tests and benchmarks. */
export function usePcmCellKernel(enabled: boolean): void {
  disabled = !enabled;
}

/** The WebAssembly kernel where the runtime validates SIMD, else null. */
export function pcmCellKernel(): PcmCellKernel | null {
  if (disabled) return null;
  if (kernel !== undefined) return kernel;
  kernel = null;
  const api = wasmApi() as SyncWasmApi | null;
  if (api && typeof api.Module === 'function' && api.validate(buildPcmCellModule().bytes))
    kernel = new WasmPcmCellKernel(api);
  return kernel;
}
