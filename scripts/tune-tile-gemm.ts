/**
 * Compares register-block shapes of the tile-GEMM WebAssembly kernels on this machine, measuring
 * them round-robin (best of several rounds) so that background load hits every shape alike.
 * Run: node --experimental-wasm-relaxed-simd --import tsx scripts/tune-tile-gemm.ts
 */
import { availableTileGemmPaths, loadTileGemmKernelWithShape } from '../src/engine/kernels/tileGemmKernel';
import type { ProgrammedTileArray } from '../src/engine/kernels/tileGemmKernel';
import type { TileConversions } from '../src/engine/functional/tileGemmReference';
import type { TileGemmModuleShape } from '../src/engine/kernels/tileGemmWasmModule';

const K = 768;
const N = 3072;
const ROUNDS = 7;

function shapes(relaxed: boolean): TileGemmModuleShape[] {
  const out: TileGemmModuleShape[] = [];
  for (const [mr, nr] of [
    [4, 8],
    [3, 8],
    [5, 8],
    [3, 12],
    [2, 12],
  ]) {
    for (const broadcast of ['load', 'shuffle'] as const) {
      for (const gemvSplit of [1, 2, 4]) out.push({ mr, nr, relaxed, broadcast, depthSplits: [gemvSplit] });
    }
  }
  return out;
}

function gflops(array: ProgrammedTileArray, tokens: number, conversions: TileConversions): number {
  const x = Float32Array.from({ length: tokens * K }, () => Math.random() * 2 - 1);
  const out = new Float32Array(tokens * N);
  const reps = tokens === 1 ? 400 : 20;
  const start = performance.now();
  for (let i = 0; i < reps; i++) array.multiply(x, tokens, conversions, out);
  const seconds = (performance.now() - start) / 1e3 / reps;
  return (2 * tokens * K * N) / seconds / 1e9;
}

async function main(): Promise<void> {
  const relaxed = availableTileGemmPaths().includes('wasm-relaxed');
  const weights = Float32Array.from({ length: K * N }, () => Math.random() * 0.1 - 0.05);
  const conversions: TileConversions = {
    inputDac: { bits: 8, bound: 1 },
    outputAdc: { bits: 8, bound: 10 },
    outputNoise: null,
  };
  const candidates = [];
  for (const shape of [...shapes(false), ...(relaxed ? shapes(true) : [])]) {
    const kernel = await loadTileGemmKernelWithShape(shape);
    candidates.push({
      shape,
      array: kernel.program(weights, K, N, { tileRows: 512, tileCols: 512 }),
      gemv: 0,
      gemm: 0,
    });
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of candidates) {
      c.gemv = Math.max(c.gemv, gflops(c.array, 1, conversions));
      c.gemm = Math.max(c.gemm, gflops(c.array, 64, conversions));
    }
  }
  candidates.sort((a, b) => b.gemm - a.gemm);
  for (const { shape, gemv, gemm } of candidates) {
    const name = `${shape.relaxed ? 'relaxed' : 'simd'} ${shape.mr}x${shape.nr} ${shape.broadcast} gemv-split ${shape.depthSplits[0]}`;
    console.log(
      `${name.padEnd(40)} GEMV ${gemv.toFixed(1).padStart(5)}  GEMM-64 ${gemm.toFixed(1).padStart(5)} GFLOP/s`,
    );
  }
}

void main();
