/**
 * The GPUs a design can be compared with, by id. Their datasheet figures are in
 * src/engine/baselines/gpus.ts, which must cover exactly these ids (the compiler checks it); the
 * ids live here so the editor's settings can check them without loading the engine.
 */
export const GPU_IDS = ['jetson-nano', 'jetson-agx-orin', 'rtx-4090', 'a100', 'h100', 'h200'] as const;
export type GpuId = (typeof GPU_IDS)[number];

/** The GPUs a design is compared with when its config names none (`baselines:`). */
export const DEFAULT_BASELINES: readonly GpuId[] = ['h100'];
