/**
 * The slice of the WebAssembly JS API the kernels use, typed here because the engine compiles
 * without DOM or Node types (src/engine/tsconfig.json), yet runs where the global exists: Node,
 * browser Web Workers.
 */
/** Opaque handle of a compiled module. */
export type WasmModule = object;

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` 64 KiB pages; returns the previous size in pages. */
  grow(pages: number): number;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  readonly Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  readonly Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** The runtime's WebAssembly namespace, or null where there is none. */
export function wasmApi(): WasmApi | null {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  return api ?? null;
}

export const WASM_PAGE_BYTES = 65536;
