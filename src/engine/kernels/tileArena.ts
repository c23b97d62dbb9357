/**
 * One WebAssembly memory and instance holding many programmed tile arrays plus the scratch space
 * of a multiply. Sharing a memory matters: V8 reserves about 10 GB of address space per memory, so
 * one memory per weight matrix runs out on a model with a few hundred matrices.
 */
import type { TileConversions, TileGeometry } from '../functional/tileGemmReference';
import { quantizerLevels, quantizerStep } from '../functional/tileGemmReference';
import { EpilogueMode } from './tileGemmWasmModule';
import type { TileGemmExports } from './tileGemmWasmModule';
import type { ProgrammedTileArray, TileGemmPath } from './tileKernelTypes';
import type { WasmMemory, WasmModule } from './wasmRuntime';
import { WASM_PAGE_BYTES, wasmApi } from './wasmRuntime';

/** Arena size limit: 2 GiB keeps every byte offset a positive int32 and within browser limits. */
const ARENA_LIMIT_BYTES = 2 ** 31;
/** Region alignment: one cache line. */
const ALIGN_BYTES = 64;

type MultiplyCheck = (
  x: Float32Array,
  tokens: number,
  rows: number,
  cols: number,
  conversions: TileConversions,
  out?: Float32Array,
) => Float32Array;

interface Region {
  start: number;
  size: number;
}

/** First-fit allocator over byte offsets, merging neighbours on release. */
class RegionAllocator {
  private readonly free: Region[] = [];
  /** High-water mark: everything past it is free. Offset 0 stays unused. */
  end = ALIGN_BYTES;
  used = 0;

  allocate(bytes: number): number {
    const size = Math.ceil(bytes / ALIGN_BYTES) * ALIGN_BYTES;
    this.used += size;
    const index = this.free.findIndex((r) => r.size >= size);
    if (index >= 0) {
      const region = this.free[index];
      const regionStart = region.start;
      region.start += size;
      region.size -= size;
      if (region.size === 0) this.free.splice(index, 1);
      return regionStart;
    }
    const start = this.end;
    this.end += size;
    return start;
  }

  release(start: number, bytes: number): void {
    const size = Math.ceil(bytes / ALIGN_BYTES) * ALIGN_BYTES;
    this.used -= size;
    let index = this.free.findIndex((r) => r.start > start);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, { start, size });
    // Merge with the next, then the previous region.
    const next = this.free[index + 1];
    if (next && start + size === next.start) {
      this.free[index].size += next.size;
      this.free.splice(index + 1, 1);
    }
    const previous = this.free[index - 1];
    if (previous && previous.start + previous.size === start) {
      previous.size += this.free[index].size;
      this.free.splice(index, 1);
      index--;
    }
    const last = this.free[this.free.length - 1];
    if (last && last.start + last.size === this.end) {
      this.end = last.start;
      this.free.pop();
    }
  }
}

/** Frees the packed weights of arrays dropped without dispose(), so long sweeps do not leak. */
const unreleased = new FinalizationRegistry<{ arena: TileArena; start: number; bytes: number }>(
  ({ arena, start, bytes }) => arena.release(start, bytes),
);

export class TileArena {
  private readonly memory: WasmMemory;
  private readonly kernels: TileGemmExports;
  private readonly allocator = new RegionAllocator();
  private scratch: Region | null = null;

  constructor(
    module: WasmModule,
    private readonly nr: number,
  ) {
    const wasm = wasmApi();
    if (!wasm) throw new Error('WebAssembly is not available');
    this.memory = new wasm.Memory({ initial: 1, maximum: ARENA_LIMIT_BYTES / WASM_PAGE_BYTES });
    this.kernels = new wasm.Instance(module, { env: { memory: this.memory } }).exports as unknown as TileGemmExports;
  }

  canHold(bytes: number): boolean {
    return this.allocator.used + (this.scratch?.size ?? 0) + bytes + ALIGN_BYTES <= ARENA_LIMIT_BYTES * 0.9;
  }

  release(start: number, bytes: number): void {
    this.allocator.release(start, bytes);
  }

  private allocate(bytes: number): number {
    const start = this.allocator.allocate(bytes);
    const needed = this.allocator.end - this.memory.buffer.byteLength;
    // Growing by at least a quarter keeps the number of grow calls (each a new buffer) logarithmic.
    if (needed > 0) {
      const have = this.memory.buffer.byteLength;
      const want = Math.min(ARENA_LIMIT_BYTES, Math.max(have + needed, Math.ceil(have * 1.25)));
      this.memory.grow(Math.ceil((want - have) / WASM_PAGE_BYTES));
    }
    return start;
  }

  /** Scratch of at least `bytes`, reused across multiplies (only one runs at a time per realm). */
  private scratchStart(bytes: number): number {
    if (this.scratch && this.scratch.size >= bytes) return this.scratch.start;
    if (this.scratch) this.allocator.release(this.scratch.start, this.scratch.size);
    const size = Math.max(bytes, 1.5 * (this.scratch?.size ?? 0));
    this.scratch = { start: this.allocate(size), size };
    return this.scratch.start;
  }

  program(
    path: TileGemmPath,
    weights: Float32Array,
    rows: number,
    cols: number,
    geometry: TileGeometry,
    checkMultiply: MultiplyCheck,
  ): ProgrammedTileArray {
    const { nr } = this;
    const panels = Math.ceil(cols / nr);
    const paddedCols = panels * nr;
    const packedBytes = rows * paddedCols * 4;
    let packedStart: number | null = this.allocate(packedBytes);

    // Row block [k0, k0 + kb), panel p: kb × nr floats at k0·paddedCols + p·kb·nr, k-major.
    const packed = new Float32Array(this.memory.buffer, packedStart, rows * paddedCols);
    for (let k0 = 0; k0 < rows; k0 += geometry.tileRows) {
      const kb = Math.min(rows, k0 + geometry.tileRows) - k0;
      for (let p = 0; p < panels; p++) {
        const base = k0 * paddedCols + p * kb * nr;
        const width = Math.min(nr, cols - p * nr);
        for (let k = 0; k < kb; k++) {
          const src = (k0 + k) * cols + p * nr;
          const dst = base + k * nr;
          for (let j = 0; j < width; j++) packed[dst + j] = weights[src + j];
          for (let j = width; j < nr; j++) packed[dst + j] = 0;
        }
      }
    }

    const array: ProgrammedTileArray = {
      path,
      rows,
      cols,
      geometry: { tileRows: geometry.tileRows, tileCols: geometry.tileCols },
      multiply: (x, tokens, conversions, out) => {
        if (packedStart === null) throw new Error('programmed tile array used after dispose()');
        const y = checkMultiply(x, tokens, rows, cols, conversions, out);
        this.multiply(packedStart, rows, cols, geometry.tileRows, x, tokens, conversions, y);
        return y;
      },
      dispose: () => {
        if (packedStart === null) return;
        unreleased.unregister(array);
        this.release(packedStart, packedBytes);
        packedStart = null;
      },
    };
    unreleased.register(array, { arena: this, start: packedStart, bytes: packedBytes }, array);
    return array;
  }

  private multiply(
    packedStart: number,
    rows: number,
    cols: number,
    tileRows: number,
    x: Float32Array,
    tokens: number,
    conversions: TileConversions,
    y: Float32Array,
  ): void {
    const { nr, kernels } = this;
    const panels = Math.ceil(cols / nr);
    const paddedCols = panels * nr;
    const align = (bytes: number): number => Math.ceil(bytes / ALIGN_BYTES) * ALIGN_BYTES;
    const inputBytes = align(tokens * rows * 4);
    const outputBytes = align(tokens * paddedCols * 4);
    const { inputDac, outputAdc, outputNoise } = conversions;
    // The last panel reads up to nr − 1 noise samples past the row it belongs to.
    const noiseBytes = outputNoise ? align((tokens * cols + nr) * 4) : 0;
    const xStart = this.scratchStart(2 * inputBytes + outputBytes + noiseBytes);
    const panelStart = xStart + inputBytes;
    const yStart = panelStart + inputBytes;
    const noiseStart = yStart + outputBytes;
    const heap = new Float32Array(this.memory.buffer);

    heap.set(x, xStart / 4);
    if (inputDac) kernels.quantizeInput(xStart, tokens * rows, quantizerStep(inputDac), quantizerLevels(inputDac.bits));

    const adcStep = outputAdc ? quantizerStep(outputAdc) : 1;
    const adcLevels = outputAdc ? quantizerLevels(outputAdc.bits) : 0;
    const noiseScale = outputNoise && outputAdc ? Math.fround(outputNoise.sigma * outputAdc.bound) : 0;
    const noiseView = outputNoise ? heap.subarray(noiseStart / 4, noiseStart / 4 + tokens * cols) : null;
    let mode = EpilogueMode.store | (outputAdc ? EpilogueMode.adc : 0) | (outputNoise ? EpilogueMode.noise : 0);
    for (let k0 = 0; k0 < rows; k0 += tileRows) {
      const kb = Math.min(rows, k0 + tileRows) - k0;
      const blockPanels = panelStart + k0 * tokens * 4;
      kernels.packInput(xStart, rows, k0, kb, tokens, blockPanels);
      if (outputNoise && noiseView) outputNoise.normals.fill(noiseView);
      kernels.rowBlock(
        blockPanels,
        packedStart + k0 * paddedCols * 4,
        kb,
        tokens,
        panels,
        yStart,
        paddedCols * 4,
        noiseStart,
        cols * 4,
        noiseScale,
        adcStep,
        adcLevels,
        mode,
      );
      mode &= ~EpilogueMode.store;
    }

    if (paddedCols === cols) {
      y.set(heap.subarray(yStart / 4, yStart / 4 + tokens * cols));
    } else {
      for (let t = 0; t < tokens; t++) {
        const src = yStart / 4 + t * paddedCols;
        y.set(heap.subarray(src, src + cols), t * cols);
      }
    }
  }
}
