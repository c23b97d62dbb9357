/**
 * The kernel-side types shared by the kernel loader (tileGemmKernel.ts) and the WebAssembly arena
 * that holds programmed arrays (tileArena.ts). They live here, apart from both, so that the loader
 * can depend on the arena without the arena depending back on the loader.
 */
import type { TileConversions, TileGeometry } from '../functional/tileGemmReference';

export type TileGemmPath = 'wasm-relaxed' | 'wasm-simd' | 'js';

/**
 * Weights written into crossbar tiles once ("programmed"), then multiplied many times. The
 * WebAssembly paths pack them into their panel layout here, as hardware holds weights static.
 */
export interface ProgrammedTileArray {
  readonly path: TileGemmPath;
  /** K: input rows. */
  readonly rows: number;
  /** N: output columns. */
  readonly cols: number;
  readonly geometry: TileGeometry;
  /** Y (tokens × N) for x (tokens × K); writes into `out` when given. */
  multiply(x: Float32Array, tokens: number, conversions: TileConversions, out?: Float32Array): Float32Array;
  /** Releases the packed weights; the array is unusable afterwards. */
  dispose(): void;
}

export interface TileGemmKernel {
  readonly path: TileGemmPath;
  program(weights: Float32Array, rows: number, cols: number, geometry: TileGeometry): ProgrammedTileArray;
}
