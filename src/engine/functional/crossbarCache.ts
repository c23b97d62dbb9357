/**
 * Programmed conductances kept across runs of the same matrices, so that a sweep over what acts
 * after programming (the time of inference: drift, read noise, drift compensation; converters;
 * output noise) programs each array once. An entry holds, per physical array of one matrix, the
 * conductances right after programming (programming noise and level snapping, before stuck-at
 * faults), and is found by
 *
 *   the weights' identity   (a WeakMap on their Float32Array: weights dropped by the caller drop
 *                            their entries' key)
 *   everything that decides those conductances: the matrix's shape and layout, its crossbar
 *   settings that act at programming (device, array size, bits per cell, weight bits, mapping; not
 *   the converters), the non-idealities that act at programming (weight quantisation, programming
 *   noise, the device sections), the seed and the matrix's label.
 *
 * The cache holds at most `maxBytes` of conductances and drops the least recently used entries
 * first.
 */
import type { NonidealitySettings } from './settings';

/** The crossbar settings that decide programmed conductances (converters act later). */
export interface ProgrammingSettings {
  readonly device: string;
  readonly rows: number;
  readonly cols: number;
  readonly bitsPerCell: number;
  readonly weightBits: number;
  readonly mapping: string;
}

export interface CrossbarCache {
  readonly maxBytes: number;
  /** Bytes of conductances held now. */
  readonly bytes: number;
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
  clear(): void;
}

/** A cache of programmed conductances of at most `maxBytes` (see the header). */
export function createCrossbarCache(maxBytes: number): CrossbarCache {
  if (!(maxBytes >= 0) || !Number.isFinite(maxBytes)) throw new RangeError(`maxBytes must be ≥ 0, got ${maxBytes}`);
  return new ProgrammedConductanceCache(maxBytes);
}

/** What decides the programmed conductances of a matrix, besides the weights themselves. */
export interface ProgrammingKey {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly layout: string;
  readonly settings: ProgrammingSettings;
  readonly nonidealities: NonidealitySettings;
  readonly seed: number;
  readonly label: string;
}

/** The programmed conductances of one matrix, one array per physical array in tile order. */
export type ProgrammedConductances = readonly Float32Array[];

interface Entry {
  readonly owner: Map<string, Entry>;
  readonly key: string;
  readonly arrays: ProgrammedConductances;
  readonly bytes: number;
}

function keyText(k: ProgrammingKey): string {
  const n = k.nonidealities;
  return JSON.stringify([
    k.inFeatures,
    k.outFeatures,
    k.layout,
    k.settings.device,
    k.settings.rows,
    k.settings.cols,
    k.settings.bitsPerCell,
    k.settings.weightBits,
    k.settings.mapping,
    n.weightQuantization,
    n.programmingNoise,
    n.devices,
    k.seed,
    k.label,
  ]);
}

export class ProgrammedConductanceCache implements CrossbarCache {
  private readonly byWeights = new WeakMap<Float32Array, Map<string, Entry>>();
  /** Entries from least to most recently used (a Map keeps insertion order). */
  private readonly recency = new Map<Entry, true>();
  private held = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.held;
  }
  get entries(): number {
    return this.recency.size;
  }
  get hits(): number {
    return this.hitCount;
  }
  get misses(): number {
    return this.missCount;
  }

  lookup(weights: Float32Array, key: ProgrammingKey): ProgrammedConductances | null {
    const entry = this.byWeights.get(weights)?.get(keyText(key));
    if (!entry) {
      this.missCount++;
      return null;
    }
    this.hitCount++;
    this.recency.delete(entry);
    this.recency.set(entry, true);
    return entry.arrays;
  }

  store(weights: Float32Array, key: ProgrammingKey, arrays: ProgrammedConductances): void {
    const bytes = arrays.reduce((a, c) => a + c.byteLength, 0);
    if (bytes > this.maxBytes) return;
    let owner = this.byWeights.get(weights);
    if (!owner) {
      owner = new Map();
      this.byWeights.set(weights, owner);
    }
    const text = keyText(key);
    const old = owner.get(text);
    if (old) this.drop(old);
    while (this.held + bytes > this.maxBytes) {
      const oldest = this.recency.keys().next().value as Entry;
      this.drop(oldest);
    }
    const entry: Entry = { owner, key: text, arrays, bytes };
    owner.set(text, entry);
    this.recency.set(entry, true);
    this.held += bytes;
  }

  clear(): void {
    for (const entry of [...this.recency.keys()]) this.drop(entry);
  }

  private drop(entry: Entry): void {
    entry.owner.delete(entry.key);
    this.recency.delete(entry);
    this.held -= entry.bytes;
  }
}
