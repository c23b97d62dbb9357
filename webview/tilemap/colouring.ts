/**
 * Colour keys of the tile map: one byte per array naming its colour-table entry, for colouring by
 * layer, by matrix or by utilisation. Pure (no DOM); the palette that turns keys into RGBA is made
 * from the theme in palette.ts.
 *
 * A byte per array (4.4 MB for a 70B-parameter design on 256 × 256 arrays) lets the raster loop
 * colour a pixel with two array reads, with no decoding per frame. Key 0 is "no array".
 */
import { arrayInGroup, type TileGroup } from '../../src/shared/tileMap';
import type { TileLayout } from './layout';

export type TileColouring = 'layer' | 'matrix' | 'utilization';
export const TILE_COLOURINGS: readonly TileColouring[] = ['layer', 'matrix', 'utilization'];

/** Utilisation is shown in this many steps; finer steps are not distinguishable by eye. */
export const UTILIZATION_STEPS = 64;
/** Keys 1…255 are usable, so at most this many categories (layers beyond it share colours). */
export const MAX_CATEGORIES = 255;

export interface ColourKeys {
  readonly colouring: TileColouring;
  /** Key per array index, 1…`categories.length` (or 1…UTILIZATION_STEPS for utilisation). */
  readonly keys: Uint8Array;
  /** Categorical colourings: the name of each key, key k at index k − 1. Empty for utilisation. */
  readonly categories: readonly string[];
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

export function colourKeys(groups: readonly TileGroup[], layout: TileLayout, colouring: TileColouring): ColourKeys {
  const keys = new Uint8Array(layout.arrays);
  switch (colouring) {
    case 'layer': {
      // One key per band; with more bands than keys, neighbouring layers share a key.
      const n = layout.bands.length;
      const categories: string[] = [];
      layout.bands.forEach((b, i) => {
        const key = n <= MAX_CATEGORIES ? i + 1 : 1 + Math.floor((i * (MAX_CATEGORIES - 1)) / (n - 1));
        categories[key - 1] ??= String(b.layer);
        keys.fill(key, b.firstArray, b.endArray);
      });
      return { colouring, keys, categories };
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
