/**
 * Colour tables of the tile map for the current theme. Pure: takes the theme's colours, returns
 * packed RGBA words for the raster and CSS colours for the legend.
 */
import { formatEngineering } from '../../src/shared/format';
import { categoricalColours, inferno, mix, toCss, viridis, type Rgba } from '../colour';
import type { ColourKeys } from './colouring';
import { ENERGY_STEPS, UTILIZATION_STEPS } from './colouring';
import { packRgba, type RasterColours } from './raster';

export interface TileTheme {
  readonly foreground: Rgba;
  readonly background: Rgba;
  readonly chartColours: readonly Rgba[];
}

/** More layers than this are shown in the legend by a sample. */
const MAX_LAYER_SWATCHES = 16;

/** Odd layers are shifted this far towards the background, so neighbouring bands never look alike. */
const ALTERNATE_LAYER_SHADE = 0.3;

/**
 * Viridis reversed: full arrays take the dark end and partly used ones the bright end, so the
 * waste the user is looking for stands out instead of drowning in a bright wall of full arrays.
 */
export function utilizationColour(u: number): Rgba {
  return viridis(1 - u);
}

/**
 * Inferno without its ends: the near-black start would read as an empty slot on a dark theme and
 * the pale end as one on a light theme.
 */
export function energyColour(t: number): Rgba {
  return inferno(0.12 + 0.8 * Math.min(1, Math.max(0, t)));
}

/** Shares of the way from background to foreground of the map's non-array surfaces. */
const GAP_SHADE = 0.02;
const FLOOR_SHADE = 0.05;
const EMPTY_SHADE = 0.12;
/** KV stripes are the array's colour this far towards the background; dimmed blocks this far. */
const STRIPE_SHADE = 0.45;
const DIM_SHADE = 0.78;

/** The colour of each key: index k is key k; index 0 is a slot of a block that holds no array. */
export function keyColours(keys: ColourKeys, theme: TileTheme): Rgba[] {
  const empty = mix(theme.background, theme.foreground, EMPTY_SHADE);
  switch (keys.colouring) {
    case 'layer': {
      // Depth order reads as a gradient; the alternating shade separates adjacent layers.
      const n = keys.categories.length;
      return [
        empty,
        ...keys.categories.map((_, i) => {
          const c = viridis(n > 1 ? i / (n - 1) : 0.5);
          return i % 2 === 1 ? mix(c, theme.background, ALTERNATE_LAYER_SHADE) : c;
        }),
      ];
    }
    case 'matrix':
      return [
        empty,
        ...categoricalColours(keys.categories.length, theme.chartColours, theme.foreground, theme.background),
      ];
    case 'utilization':
      return [
        empty,
        ...Array.from({ length: UTILIZATION_STEPS }, (_, i) => utilizationColour(i / (UTILIZATION_STEPS - 1))),
      ];
    case 'energy':
      return [empty, ...Array.from({ length: ENERGY_STEPS }, (_, i) => energyColour(i / (ENERGY_STEPS - 1)))];
  }
}

function pack(c: Rgba): number {
  return packRgba(Math.round(c[0]), Math.round(c[1]), Math.round(c[2]), 255);
}

export function rasterColours(keys: ColourKeys, theme: TileTheme): RasterColours {
  const colours = keyColours(keys, theme);
  const table = (f: (c: Rgba) => Rgba) => {
    const t = new Uint32Array(256);
    colours.forEach((c, i) => (t[i] = pack(f(c))));
    return t;
  };
  const stripe = (c: Rgba) => mix(c, theme.background, STRIPE_SHADE);
  const dim = (c: Rgba) => mix(c, theme.background, DIM_SHADE);
  return {
    palette: table((c) => c),
    background: pack(theme.background),
    // Gaps are closer to the background than empty slots, so cells read as separate arrays.
    gap: pack(mix(theme.background, theme.foreground, GAP_SHADE)),
    floor: pack(mix(theme.background, theme.foreground, FLOOR_SHADE)),
    stripe: table(stripe),
    dimmed: table(dim),
    dimmedStripe: table((c) => dim(stripe(c))),
  };
}

export interface LegendEntry {
  readonly label: string;
  readonly colour: string;
}

/** Legend swatches: every category, or a few sample steps of a gradient. */
export function legendEntries(
  keys: ColourKeys,
  theme: TileTheme,
  labelOf: (category: string) => string,
): LegendEntry[] {
  const colours = keyColours(keys, theme);
  if (keys.colouring === 'utilization') {
    return [0, 0.25, 0.5, 0.75, 1].map((u) => ({
      label: `${Math.round(u * 100)} %`,
      colour: toCss(utilizationColour(u)),
    }));
  }
  if (keys.colouring === 'energy') {
    const { min, max } = keys.range ?? { min: 0, max: 0 };
    if (!(max > 0)) return [{ label: 'no energy figures', colour: toCss(colours[1]) }];
    const steps = max > min ? [0, 0.25, 0.5, 0.75, 1] : [1];
    return steps.map((t) => ({
      label: formatEngineering(min * (max / min) ** t, 'J'),
      colour: toCss(energyColour(t)),
    }));
  }
  if (keys.colouring === 'layer' && keys.categories.length > MAX_LAYER_SWATCHES) {
    // Too many layers to list: sample the gradient at evenly spaced layers.
    const n = keys.categories.length;
    const k = MAX_LAYER_SWATCHES - 1;
    const picks = [...new Set(Array.from({ length: MAX_LAYER_SWATCHES }, (_, i) => Math.round((i * (n - 1)) / k)))];
    return picks.map((i) => ({ label: labelOf(keys.categories[i]), colour: toCss(colours[i + 1]) }));
  }
  return keys.categories.map((c, i) => ({ label: labelOf(c), colour: toCss(colours[i + 1]) }));
}
