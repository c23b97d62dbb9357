/**
 * Fast noisy-tile GEMM/GEMV: the hot loop of the functional analog simulation, as WebAssembly
 * kernels generated at load time (tileGemmWasmModule.ts). They compute exactly the contract of
 * src/engine/functional/tileGemmReference.ts (input DAC, per-row-block partial sums, output noise, ADC,
 * digital accumulation); its plain-JavaScript `tileGemm` is the 'js' path and the yardstick of the
 * tests. Partial sums are float32 here, in any summation order (fused on the relaxed path).
 *
 * Paths: 'wasm-relaxed' (relaxed-SIMD FMA, where the runtime validates it: Node 20 only with
 * --experimental-wasm-relaxed-simd), 'wasm-simd' (fixed-width SIMD, the default on Node 20), and
 * 'js'. No Node built-ins: the same code runs in worker_threads and browser Web Workers (compiling
 * is asynchronous; programming an array instantiates synchronously, which browsers allow off the
 * main thread).
 *
 * Use: `const kernel = await loadTileGemmKernel()`, then `kernel.program(W, K, N, geometry)` once
 * per weight matrix (it packs W, as a crossbar is written once) and `array.multiply(x, tokens,
 * conversions)` per call. A kernel is a `TileGemmBackend` of the functional simulation.
 */
import type { QuantizerSpec, TileConversions, TileGemmSpec, TileGeometry } from '../functional/tileGemmReference';
import { tileGemm } from '../functional/tileGemmReference';
import { TileArena } from './tileArena';
import { buildTileGemmModule } from './tileGemmWasmModule';
import type { TileGemmModuleShape } from './tileGemmWasmModule';
import type { ProgrammedTileArray, TileGemmKernel, TileGemmPath } from './tileKernelTypes';
import type { WasmModule } from './wasmRuntime';
import { wasmApi } from './wasmRuntime';

export type { ProgrammedTileArray, TileGemmKernel, TileGemmPath } from './tileKernelTypes';

/**
 * Register blocks, measured with scripts/tune-tile-gemm.ts on x64 (AMD EPYC, Node 20). V8 has 15
 * usable XMM registers and TurboFan issues every load of a loop iteration before its arithmetic,
 * so mr × nr/4 accumulators, nr/4 weight vectors and mr broadcast inputs must all fit: 4 × 8 does
 * (8 + 2 + 4 = 14), while 5 × 8, 6 × 8 and 4 × 12 spill and run at half the speed or worse. The
 * one-token kernel (GEMV) splits the depth over two accumulator sets to hide the FMA latency.
 */
const SHAPES: Record<'wasm-relaxed' | 'wasm-simd', TileGemmModuleShape> = {
  'wasm-relaxed': { mr: 4, nr: 8, relaxed: true, broadcast: 'load', depthSplits: [2] },
  'wasm-simd': { mr: 4, nr: 8, relaxed: false, broadcast: 'load', depthSplits: [2] },
};

/** Smallest module using an instruction of each set, to probe what the runtime accepts. */
function probeBytes(relaxed: boolean): Uint8Array {
  return buildTileGemmModule({ mr: 1, nr: 4, relaxed, broadcast: 'load', depthSplits: [] });
}

/** The paths this runtime can run, fastest first. */
export function availableTileGemmPaths(): TileGemmPath[] {
  const paths: TileGemmPath[] = [];
  const wasm = wasmApi();
  if (wasm) {
    if (wasm.validate(probeBytes(true))) paths.push('wasm-relaxed');
    if (wasm.validate(probeBytes(false))) paths.push('wasm-simd');
  }
  paths.push('js');
  return paths;
}

/** One kernel per path and realm, so that every caller shares its arenas. */
const kernels = new Map<TileGemmPath, Promise<TileGemmKernel>>();

/**
 * Compiles (once per path and realm) and returns the kernel of a path. 'auto' takes the fastest
 * available path; asking for an unavailable path throws.
 */
export async function loadTileGemmKernel(path: TileGemmPath | 'auto' = 'auto'): Promise<TileGemmKernel> {
  const available = availableTileGemmPaths();
  const chosen = path === 'auto' ? available[0] : path;
  if (!available.includes(chosen)) {
    throw new Error(`tile GEMM path '${chosen}' is not available in this runtime (available: ${available.join(', ')})`);
  }
  if (chosen === 'js') return jsKernel;
  let kernel = kernels.get(chosen);
  if (!kernel) {
    const shape = SHAPES[chosen];
    kernel = compileShape(shape).then((module) => new WasmTileGemmKernel(chosen, shape, module));
    kernels.set(chosen, kernel);
  }
  return kernel;
}

function compileShape(shape: TileGemmModuleShape): Promise<WasmModule> {
  const wasm = wasmApi();
  if (!wasm) throw new Error('WebAssembly is not available');
  return wasm.compile(buildTileGemmModule(shape));
}

/** A kernel with another register block, for tuning on a new machine (not cached). */
export async function loadTileGemmKernelWithShape(shape: TileGemmModuleShape): Promise<TileGemmKernel> {
  return new WasmTileGemmKernel(shape.relaxed ? 'wasm-relaxed' : 'wasm-simd', shape, await compileShape(shape));
}

/** One-shot convenience: program, multiply once, release. */
export async function noisyTileGemm(
  x: Float32Array,
  tokens: number,
  weights: Float32Array,
  K: number,
  N: number,
  spec: TileGemmSpec,
  path: TileGemmPath | 'auto' = 'auto',
): Promise<Float32Array> {
  const array = (await loadTileGemmKernel(path)).program(weights, K, N, spec);
  try {
    return array.multiply(x, tokens, spec);
  } finally {
    array.dispose();
  }
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

function checkQuantizer(name: string, spec: QuantizerSpec | null): void {
  if (!spec) return;
  if (!Number.isInteger(spec.bits) || spec.bits < 2 || spec.bits > 24) {
    throw new RangeError(`${name}.bits must be an integer in 2..24, got ${spec.bits}`);
  }
  if (!(spec.bound > 0) || !Number.isFinite(spec.bound)) {
    throw new RangeError(`${name}.bound must be positive and finite, got ${spec.bound}`);
  }
}

function checkProgram(weights: Float32Array, rows: number, cols: number, geometry: TileGeometry): void {
  checkPositiveInteger('rows', rows);
  checkPositiveInteger('cols', cols);
  checkPositiveInteger('tileRows', geometry.tileRows);
  checkPositiveInteger('tileCols', geometry.tileCols);
  if (weights.length !== rows * cols) {
    throw new RangeError(`weights hold ${weights.length} values, expected rows × cols = ${rows * cols}`);
  }
}

function checkMultiply(
  x: Float32Array,
  tokens: number,
  rows: number,
  cols: number,
  conversions: TileConversions,
  out?: Float32Array,
): Float32Array {
  checkPositiveInteger('tokens', tokens);
  if (x.length !== tokens * rows)
    throw new RangeError(`x holds ${x.length} values, expected tokens × K = ${tokens * rows}`);
  checkQuantizer('inputDac', conversions.inputDac);
  checkQuantizer('outputAdc', conversions.outputAdc);
  const noise = conversions.outputNoise;
  if (noise) {
    if (!conversions.outputAdc)
      throw new RangeError('outputNoise needs outputAdc: its sigma is relative to the ADC bound');
    if (!(noise.sigma >= 0) || !Number.isFinite(noise.sigma))
      throw new RangeError(`outputNoise.sigma must be ≥ 0, got ${noise.sigma}`);
  }
  if (out && out.length !== tokens * cols)
    throw new RangeError(`out holds ${out.length} values, expected tokens × N = ${tokens * cols}`);
  return out ?? new Float32Array(tokens * cols);
}

/** The functional simulation's plain-JavaScript `tileGemm` behind the kernel interface. */
const jsKernel: TileGemmKernel = {
  path: 'js',
  program(weights, rows, cols, geometry) {
    checkProgram(weights, rows, cols, geometry);
    let held: Float32Array | null = weights.slice();
    return {
      path: 'js',
      rows,
      cols,
      geometry: { tileRows: geometry.tileRows, tileCols: geometry.tileCols },
      multiply(x, tokens, conversions, out) {
        if (!held) throw new Error('programmed tile array used after dispose()');
        const y = checkMultiply(x, tokens, rows, cols, conversions, out);
        return tileGemm(x, tokens, held, rows, cols, { ...geometry, ...conversions }, y);
      },
      dispose() {
        held = null;
      },
    };
  },
};

class WasmTileGemmKernel implements TileGemmKernel {
  private readonly arenas: TileArena[] = [];

  constructor(
    readonly path: TileGemmPath,
    private readonly shape: TileGemmModuleShape,
    private readonly module: WasmModule,
  ) {}

  program(weights: Float32Array, rows: number, cols: number, geometry: TileGeometry): ProgrammedTileArray {
    checkProgram(weights, rows, cols, geometry);
    const panels = Math.ceil(cols / this.shape.nr);
    const packedBytes = rows * panels * this.shape.nr * 4;
    let arena = this.arenas.find((a) => a.canHold(packedBytes));
    if (!arena) {
      arena = new TileArena(this.module, this.shape.nr);
      this.arenas.push(arena);
    }
    return arena.program(this.path, weights, rows, cols, geometry, checkMultiply);
  }
}
