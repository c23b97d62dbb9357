/**
 * Colour keys of the tile map: one byte per array naming its colour-table entry, for colouring by
 * layer, by matrix, by utilisation or by energy per token. Pure (no DOM); the palette that turns
 * keys into RGBA is made from the theme in palette.ts.
 *
 * A byte per array (4.4 MB for a 70B-parameter design on 256 × 256 arrays) lets the raster loop
 * colour a pixel with two array reads, with no decoding per frame. Key 0 is "no array".
 */
import { arrayInGroup, type TileGroup } from '../../src/shared/tileMap';
import { layersOf, type TileLayout } from './layout';

export type TileColouring = 'layer' | 'matrix' | 'utilization' | 'energy';
export const TILE_COLOURINGS: readonly TileColouring[] = ['layer', 'matrix', 'utilization', 'energy'];

/** Utilisation is shown in this many steps; finer steps are not distinguishable by eye. */
export const UTILIZATION_STEPS = 64;
/** Energy per array is shown on a log scale in this many steps. */
export const ENERGY_STEPS = 64;
/** Keys 1…255 are usable, so at most this many categories (layers beyond it share colours). */
export const MAX_CATEGORIES = 255;

export interface ColourKeys {
  readonly colouring: TileColouring;
  /** Key per array index, 1…`categories.length` (or 1…UTILIZATION_STEPS for utilisation). */
  readonly keys: Uint8Array;
  /** Categorical colourings: the name of each key, key k at index k − 1. Empty for the scales. */
  readonly categories: readonly string[];
  /** Energy: the smallest and largest energy per token of one array (J), at keys 1 and ENERGY_STEPS. */
  readonly range?: { readonly min: number; readonly max: number };
}

/** The matrices in the order the engine emits them, so the legend follows the dataflow. */
export function matrixCategories(groups: readonly TileGroup[]): string[] {
  const seen: string[] = [];
  for (const g of groups) if (!seen.includes(g.matrix)) seen.push(g.matrix);
  return seen;
}

export function utilizationKey(utilization: number): number {
  const u = Math.min(1, Math.max(0, utilization));
  return 1 + Math.round(u * (UTILIZATION_STEPS - 1));
}

/** The energy key of an array's energy per token on a log scale from `min` to `max`. */
export function energyKey(energyJ: number, min: number, max: number): number {
  if (!(energyJ > 0) || !(max > min)) return energyJ > 0 ? ENERGY_STEPS : 1;
  const t = Math.log(energyJ / min) / Math.log(max / min);
  return 1 + Math.round(Math.min(1, Math.max(0, t)) * (ENERGY_STEPS - 1));
}

/** Energy per token of one array of each group (a group's arrays share its energy evenly). */
export function energyPerArray(groups: readonly TileGroup[], groupEnergyJ: readonly number[]): number[] {
  return groups.map((g, i) => (g.arrayCount > 0 ? (groupEnergyJ[i] ?? 0) / g.arrayCount : 0));
}

/**
 * Keys of every array. `layout.arrays` must cover the groups' indices. Energy colouring needs the
 * groups' energy per token (`mapping.groupEnergyPerTokenJ`); without it every array gets key 1.
 */
export function colourKeys(
  groups: readonly TileGroup[],
  layout: TileLayout,
  colouring: TileColouring,
  groupEnergyJ?: readonly number[],
): ColourKeys {
  const end = groups.reduce((n, g) => Math.max(n, g.firstArray + g.arrayCount), layout.arrays);
  const keys = new Uint8Array(end);
  switch (colouring) {
    case 'layer': {
      // One key per layer in mapping order; with more layers than keys, neighbours share a key.
      const layers = layersOf(groups);
      const n = layers.length;
      const categories: string[] = [];
      const keyOf = new Map<number, number>();
      layers.forEach((layer, i) => {
        const key = n <= MAX_CATEGORIES ? i + 1 : 1 + Math.floor((i * (MAX_CATEGORIES - 1)) / (n - 1));
        categories[key - 1] ??= String(layer);
        keyOf.set(layer, key);
      });
      for (const g of groups) keys.fill(keyOf.get(g.layer) ?? 1, g.firstArray, g.firstArray + g.arrayCount);
      return { colouring, keys, categories };
    }
    case 'energy': {
      const perArray = energyPerArray(groups, groupEnergyJ ?? []);
      const positive = perArray.filter((e) => e > 0);
      const min = positive.length ? Math.min(...positive) : 0;
      const max = positive.length ? Math.max(...positive) : 0;
      groups.forEach((g, i) => keys.fill(energyKey(perArray[i], min, max), g.firstArray, g.firstArray + g.arrayCount));
      return { colouring, keys, categories: [], range: { min, max } };
    }
    case 'matrix': {
      const categories = matrixCategories(groups).slice(0, MAX_CATEGORIES);
      for (const g of groups) {
        const key = Math.min(MAX_CATEGORIES, categories.indexOf(g.matrix) + 1);
        keys.fill(key, g.firstArray, g.firstArray + g.arrayCount);
      }
      return { colouring, keys, categories };
    }
    case 'utilization': {
      for (const g of groups) fillUtilizationKeys(g, keys);
      return { colouring, keys, categories: [] };
    }
  }
}

/**
 * Utilisation keys of one group. Decoding each of millions of arrays costs ~0.4 s for a 70B
 * design, so this relies on the documented order (copy, block row, block column, slice, polarity;
 * only the last block row and column are partial; copies are identical): one decode for the full
 * blocks of a block row and one for its last block covers every array of a copy. A unit test
 * holds it to a per-array decode, so a change of order in the engine fails a test rather than
 * miscolouring the map.
 */
function fillUtilizationKeys(g: TileGroup, keys: Uint8Array): void {
  const perTile = g.slices * g.polarities;
  const perBlockRow = g.blockCols * perTile;
  const perCopy = g.blockRows * perBlockRow;
  for (let r = 0; r < g.blockRows; r++) {
    const local = r * perBlockRow;
    const first = g.firstArray + local;
    const lastBlock = first + perBlockRow - perTile;
    if (g.blockCols > 1) keys.fill(utilizationKey(arrayInGroup(g, local).utilization), first, lastBlock);
    keys.fill(
      utilizationKey(arrayInGroup(g, local + perBlockRow - perTile).utilization),
      lastBlock,
      lastBlock + perTile,
    );
  }
  // Copies (the KV caches of each head and sequence) share one layout: repeat the first.
  for (let c = 1; c < g.copies; c++) keys.copyWithin(g.firstArray + c * perCopy, g.firstArray, g.firstArray + perCopy);
}
