/**
 * Generates the WebAssembly module of the noisy-tile GEMM, whose contract is documented in
 * src/engine/functional/tileGemmReference.ts.
 *
 * Layout, after GotoBLAS/BLIS (Goto & van de Geijn, ACM TOMS 2008; Van Zee & van de Geijn, ACM
 * TOMS 2015), with the depth block fixed to the tile's row block because the ADC digitises each
 * tile's partial sums:
 * - W is packed once per row block into column panels of NR columns, k-major (`b[k·NR + j]`), zero
 *   padded past N. This is the "programmed array": static weights, packed when they are programmed.
 * - Each call packs the quantised input of a row block into token panels of up to MR tokens,
 *   k-major (`a[k·mr + t]`).
 * - A micro-kernel keeps an mr × NR block of partial sums in vector registers over the whole row
 *   block, then applies output noise, the ADC and the digital accumulation in its epilogue, so the
 *   partial sums never go to memory unquantised.
 * The driver walks column panels outside token panels: a weight panel (row block × NR floats) stays
 * in L1 while every token panel streams past it from L2.
 *
 * x64 V8 has 16 XMM registers with one kept as scratch, and TurboFan issues all the loads of a
 * loop iteration before its arithmetic: MR × NR/4 accumulators, NR/4 weight vectors and MR
 * broadcast inputs must fit in 15 at once (tileGemmKernel.ts picks the shapes). Kernels for few tokens
 * can split the depth loop over several accumulator sets to hide the FMA latency.
 */
import { FunctionBuilder, ModuleBuilder, ValType } from './wasmEncoder';

export interface TileGemmModuleShape {
  /** Tokens per register block (the micro-kernel's rows). */
  readonly mr: number;
  /** Columns per register block; a multiple of 4 (one f32x4 vector). */
  readonly nr: number;
  /** Use relaxed-SIMD fused multiply-add in the depth loop. */
  readonly relaxed: boolean;
  /** How inputs are broadcast: a splat load each, or one vector load and lane shuffles. */
  readonly broadcast: 'load' | 'shuffle';
  /**
   * Accumulator sets for kernels of fewer tokens than mr, indexed by token count − 1 (missing
   * entries: 1). A kernel with few accumulators is bound by FMA latency; splitting the depth over
   * s sets gives s times as many independent chains, summed at the end.
   */
  readonly depthSplits: readonly number[];
}

/** Epilogue switches passed to the kernels, as bits of `mode`. */
export const EpilogueMode = {
  /** Add `noiseScale · noise[t, n]` to each partial sum before the ADC. */
  noise: 1,
  /** ADC: clip to ±levels steps and round to the nearest step (ties to even). */
  adc: 2,
  /** First row block: store into Y instead of accumulating (saves zeroing Y). */
  store: 4,
} as const;

const { I32, F32, V128 } = ValType;

/** Parameters shared by the micro-kernels and the row-block driver, in this order. */
const EPILOGUE_PARAMS = [
  I32, // y: address of the block's first output
  I32, // ldy: bytes between output rows
  I32, // noise: address of the block's first noise sample
  I32, // ldNoise: bytes between noise rows
  F32, // noiseScale: σ in output units
  F32, // step: ADC step in output units
  F32, // levels: ADC levels each side of zero, 2^(bits−1) − 1
  I32, // mode: EpilogueMode bits
] as const;

/**
 * Micro-kernel for an mr × nr block: params (a, b, kb, ...EPILOGUE_PARAMS).
 * `a` points at a packed token panel, `b` at a packed weight panel, `kb` is the row block's depth.
 */
function microKernel(
  mr: number,
  nr: number,
  relaxed: boolean,
  split: number,
  broadcast: 'load' | 'shuffle',
): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, ...EPILOGUE_PARAMS], []);
  const [a, b, kb, y, ldy, noise, ldNoise, noiseScale, step, levels, mode] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const nv = nr / 4;
  // One depth step per iteration per accumulator set: TurboFan issues every load of an iteration
  // before its arithmetic, so deeper unrolling only adds live registers and spills.
  const unroll = split;
  // acc[set][token][vector]; wasm locals start at zero, as accumulators must.
  const acc: number[][][] = [];
  for (let s = 0; s < split; s++) {
    acc.push([]);
    for (let i = 0; i < mr; i++) {
      acc[s].push([]);
      for (let j = 0; j < nv; j++) acc[s][i].push(f.local(V128));
    }
  }
  const bv: number[] = [];
  for (let j = 0; j < nv; j++) bv.push(f.local(V128));
  const av = f.local(V128);
  const aVectors: number[] = [];
  for (let g = 0; g < Math.ceil(mr / 4); g++) aVectors.push(f.local(V128));
  const aEnd = f.local(I32);
  const aStrideBytes = mr * 4;
  const bStrideBytes = nr * 4;

  // With 'shuffle', a token panel of fewer than 4·⌈mr/4⌉ tokens is read up to 12 bytes past its
  // end: harmless, as the panels are followed by the output scratch.
  const depthStep = (u: number, s: number): void => {
    for (let j = 0; j < nv; j++)
      f.get(b)
        .v128Load(u * bStrideBytes + j * 16)
        .set(bv[j]);
    if (broadcast === 'shuffle') {
      for (let g = 0; g < aVectors.length; g++)
        f.get(a)
          .v128Load(u * aStrideBytes + g * 16)
          .set(aVectors[g]);
    }
    for (let i = 0; i < mr; i++) {
      if (broadcast === 'shuffle') {
        const lane = i % 4;
        const pattern: number[] = [];
        for (let r = 0; r < 4; r++) pattern.push(lane * 4, lane * 4 + 1, lane * 4 + 2, lane * 4 + 3);
        f.get(aVectors[i >> 2])
          .get(aVectors[i >> 2])
          .i8x16Shuffle(pattern)
          .set(av);
      } else {
        f.get(a)
          .v128Load32Splat(u * aStrideBytes + i * 4)
          .set(av);
      }
      for (let j = 0; j < nv; j++) {
        const c = acc[s][i][j];
        if (relaxed) f.get(av).get(bv[j]).get(c).f32x4RelaxedMadd().set(c);
        else f.get(c).get(av).get(bv[j]).f32x4Mul().f32x4Add().set(c);
      }
    }
  };

  // Depth loop over kb rounded down to the unroll factor (a power of two).
  f.get(a).get(kb).i32Const(-unroll).i32And().i32Const(aStrideBytes).i32Mul().i32Add().set(aEnd);
  f.block().loop();
  f.get(a).get(aEnd).i32GeU().brIf(1);
  for (let u = 0; u < unroll; u++) depthStep(u, u % split);
  f.get(a)
    .i32Const(unroll * aStrideBytes)
    .i32Add()
    .set(a);
  f.get(b)
    .i32Const(unroll * bStrideBytes)
    .i32Add()
    .set(b);
  f.br(0).end().end();
  // Remaining depth, one row at a time.
  f.get(a)
    .get(kb)
    .i32Const(unroll - 1)
    .i32And()
    .i32Const(aStrideBytes)
    .i32Mul()
    .i32Add()
    .set(aEnd);
  f.block().loop();
  f.get(a).get(aEnd).i32GeU().brIf(1);
  depthStep(0, 0);
  f.get(a).i32Const(aStrideBytes).i32Add().set(a);
  f.get(b).i32Const(bStrideBytes).i32Add().set(b);
  f.br(0).end().end();
  for (let s = 1; s < split; s++) {
    for (let i = 0; i < mr; i++) {
      for (let j = 0; j < nv; j++) f.get(acc[0][i][j]).get(acc[s][i][j]).f32x4Add().set(acc[0][i][j]);
    }
  }
  const sums = acc[0];

  // Output noise, in place.
  f.get(mode).i32Const(EpilogueMode.noise).i32And().if_();
  const scaleV = f.local(V128);
  f.get(noiseScale).f32x4Splat().set(scaleV);
  for (let i = 0; i < mr; i++) {
    const row = f.local(I32);
    f.get(noise).get(ldNoise).i32Const(i).i32Mul().i32Add().set(row);
    for (let j = 0; j < nv; j++) {
      f.get(sums[i][j])
        .get(row)
        .v128Load(j * 16)
        .get(scaleV)
        .f32x4Mul()
        .f32x4Add()
        .set(sums[i][j]);
    }
  }
  f.end();

  // ADC: levels = clamp(nearest(p / step), −L, L); value = levels · step.
  f.get(mode).i32Const(EpilogueMode.adc).i32And().if_();
  const stepV = f.local(V128);
  const hiV = f.local(V128);
  const loV = f.local(V128);
  f.get(step).f32x4Splat().set(stepV);
  f.get(levels).f32x4Splat().set(hiV);
  f.f32Const(0).get(levels).f32Sub().f32x4Splat().set(loV);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nv; j++) {
      const c = sums[i][j];
      f.get(c).get(stepV).f32x4Div().f32x4Nearest();
      // pmax(v, lo) = v < lo ? lo : v and pmin(v, hi) = hi < v ? hi : v: a NaN stays NaN.
      f.set(c).get(c).get(loV).f32x4Pmax().set(c);
      f.get(c).get(hiV).f32x4Pmin().get(stepV).f32x4Mul().set(c);
    }
  }
  f.end();

  // Digital accumulation into Y (or a plain store for the first row block).
  f.get(mode).i32Const(EpilogueMode.store).i32And().if_();
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nv; j++)
      f.get(y)
        .get(sums[i][j])
        .v128Store(j * 16);
    if (i + 1 < mr) f.get(y).get(ldy).i32Add().set(y);
  }
  f.else_();
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nv; j++)
      f.get(y)
        .get(y)
        .v128Load(j * 16)
        .get(sums[i][j])
        .f32x4Add()
        .v128Store(j * 16);
    if (i + 1 < mr) f.get(y).get(ldy).i32Add().set(y);
  }
  f.end();
  return f;
}

/**
 * Row-block driver: params (a, b, kb, tokens, panels, ...EPILOGUE_PARAMS). Runs every micro-kernel
 * of one row block: column panels outside, token panels inside, the last token panel with the
 * kernel for the remaining tokens.
 */
function rowBlockDriver(mr: number, nr: number, kernelIndex: (rows: number) => number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, ...EPILOGUE_PARAMS], []);
  const [a, b, kb, tokens, panels, y, ldy, noise, ldNoise, noiseScale, step, levels, mode] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
  ];
  const p = f.local(I32);
  const t = f.local(I32);
  const ap = f.local(I32);
  const yp = f.local(I32);
  const np = f.local(I32);
  const full = f.local(I32);
  const rest = f.local(I32);
  const aPanelBytes = f.local(I32);

  // full = tokens − tokens mod mr, rest = tokens mod mr (mr need not be a power of two).
  f.get(tokens).get(tokens).i32Const(mr).i32DivU().i32Const(mr).i32Mul().tee(full).i32Sub().set(rest);
  f.get(kb)
    .i32Const(mr * 4)
    .i32Mul()
    .set(aPanelBytes);

  const callKernel = (rows: number): void => {
    f.get(ap).get(b).get(kb).get(yp).get(ldy).get(np).get(ldNoise).get(noiseScale).get(step).get(levels).get(mode);
    f.call(kernelIndex(rows));
  };

  f.block().loop();
  f.get(p).get(panels).i32GeU().brIf(1);
  f.get(a).set(ap);
  f.get(y).set(yp);
  f.get(noise).set(np);
  f.i32Const(0).set(t);
  f.block().loop();
  f.get(t).get(full).i32GeU().brIf(1);
  callKernel(mr);
  f.get(ap).get(aPanelBytes).i32Add().set(ap);
  f.get(yp).get(ldy).i32Const(mr).i32Mul().i32Add().set(yp);
  f.get(np).get(ldNoise).i32Const(mr).i32Mul().i32Add().set(np);
  f.get(t).i32Const(mr).i32Add().set(t);
  f.br(0).end().end();
  for (let rows = 1; rows < mr; rows++) {
    f.get(rest).i32Const(rows).i32Eq().if_();
    callKernel(rows);
    f.end();
  }
  f.get(b)
    .get(kb)
    .i32Const(nr * 4)
    .i32Mul()
    .i32Add()
    .set(b);
  f.get(y)
    .i32Const(nr * 4)
    .i32Add()
    .set(y);
  f.get(noise)
    .i32Const(nr * 4)
    .i32Add()
    .set(noise);
  f.get(p).i32Const(1).i32Add().set(p);
  f.br(0).end().end();
  return f;
}

/**
 * Input DAC, in place: params (x, count, step, levels); x[i] = clamp(nearest(x[i] / step), −L, L) · step.
 */
function quantizeInput(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, F32, F32], []);
  const [x, count, step, levels] = [0, 1, 2, 3];
  const end = f.local(I32);
  const vEnd = f.local(I32);
  const stepV = f.local(V128);
  const hiV = f.local(V128);
  const loV = f.local(V128);
  const v = f.local(V128);
  const s = f.local(F32);
  f.get(x).get(count).i32Const(2).i32Shl().i32Add().set(end);
  f.get(x).get(count).i32Const(-4).i32And().i32Const(2).i32Shl().i32Add().set(vEnd);
  f.get(step).f32x4Splat().set(stepV);
  f.get(levels).f32x4Splat().set(hiV);
  f.f32Const(0).get(levels).f32Sub().f32x4Splat().set(loV);
  f.block().loop();
  f.get(x).get(vEnd).i32GeU().brIf(1);
  f.get(x).v128Load().get(stepV).f32x4Div().f32x4Nearest().set(v);
  f.get(v).get(loV).f32x4Pmax().set(v);
  f.get(x).get(v).get(hiV).f32x4Pmin().get(stepV).f32x4Mul().v128Store();
  f.get(x).i32Const(16).i32Add().set(x);
  f.br(0).end().end();
  f.block().loop();
  f.get(x).get(end).i32GeU().brIf(1);
  // Scalar tail with the same operand order as pmax/pmin: NaN stays NaN.
  f.get(x).f32Load().get(step).f32Div().f32Nearest().set(s);
  f.f32Const(0).get(levels).f32Sub().get(s).get(s).f32Const(0).get(levels).f32Sub().f32Lt().select().set(s);
  f.get(levels).get(s).get(levels).get(s).f32Lt().select().set(s);
  f.get(x).get(s).get(step).f32Mul().f32Store();
  f.get(x).i32Const(4).i32Add().set(x);
  f.br(0).end().end();
  return f;
}

/**
 * Packs rows [k0, k0 + kb) of the quantised input (tokens × K, row-major) into token panels:
 * params (x, K, k0, kb, tokens, dst). Panel p holds tokens [p·mr, p·mr + rows) as dst[k·rows + t].
 */
function packInput(mr: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32], []);
  const [x, K, k0, kb, tokens, dst] = [0, 1, 2, 3, 4, 5];
  const t0 = f.local(I32);
  const rows = f.local(I32);
  const k = f.local(I32);
  const t = f.local(I32);
  const src = f.local(I32);
  const rowBytes = f.local(I32);
  f.get(K).i32Const(2).i32Shl().set(rowBytes);
  f.get(x).get(k0).i32Const(2).i32Shl().i32Add().set(x);
  f.block().loop();
  f.get(t0).get(tokens).i32GeU().brIf(1);
  // rows = min(mr, tokens − t0)
  f.get(tokens).get(t0).i32Sub().set(rows);
  f.i32Const(mr).get(rows).get(rows).i32Const(mr).i32GtU().select().set(rows);
  f.i32Const(0).set(k);
  f.block().loop();
  f.get(k).get(kb).i32GeU().brIf(1);
  f.get(x).get(k).i32Const(2).i32Shl().i32Add().set(src);
  f.i32Const(0).set(t);
  f.block().loop();
  f.get(t).get(rows).i32GeU().brIf(1);
  f.get(dst).get(src).i32Load().i32Store();
  f.get(dst).i32Const(4).i32Add().set(dst);
  f.get(src).get(rowBytes).i32Add().set(src);
  f.get(t).i32Const(1).i32Add().set(t);
  f.br(0).end().end();
  f.get(k).i32Const(1).i32Add().set(k);
  f.br(0).end().end();
  f.get(x).get(rowBytes).get(rows).i32Mul().i32Add().set(x);
  f.get(t0).get(rows).i32Add().set(t0);
  f.br(0).end().end();
  return f;
}

/** Export names of the generated module. */
export interface TileGemmExports {
  readonly quantizeInput: (x: number, count: number, step: number, levels: number) => void;
  readonly packInput: (x: number, K: number, k0: number, kb: number, tokens: number, dst: number) => void;
  readonly rowBlock: (
    a: number,
    b: number,
    kb: number,
    tokens: number,
    panels: number,
    y: number,
    ldy: number,
    noise: number,
    ldNoise: number,
    noiseScale: number,
    step: number,
    levels: number,
    mode: number,
  ) => void;
}

/** The module's bytes for one register-block shape and instruction set. */
export function buildTileGemmModule(shape: TileGemmModuleShape): Uint8Array {
  const { mr, nr, relaxed } = shape;
  if (nr % 4 !== 0 || nr < 4 || mr < 1) throw new RangeError(`unsupported register block ${mr}×${nr}`);
  for (const split of shape.depthSplits) {
    if (!Number.isInteger(Math.log2(split))) throw new RangeError(`depth split ${split} is not a power of two`);
  }
  const module = new ModuleBuilder();
  // Function indices follow insertion order: kernels for 1..mr tokens first.
  for (let rows = 1; rows <= mr; rows++) {
    const split = shape.depthSplits[rows - 1] ?? 1;
    module.addFunction(`kernel${rows}`, microKernel(rows, nr, relaxed, split, shape.broadcast));
  }
  module.addFunction(
    'rowBlock',
    rowBlockDriver(mr, nr, (rows) => rows - 1),
  );
  module.addFunction('quantizeInput', quantizeInput());
  module.addFunction('packInput', packInput(mr));
  return module.encode();
}
