/**
 * CSS colour strings ↔ RGBA, and the palettes the charts and the tile map draw with. Pure (no
 * DOM): the theme's colours are read in theme.ts and passed in.
 */
export type Rgba = readonly [number, number, number, number];

const HEX = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const RGB = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i;

/** Parses the colour forms computed styles and VS Code themes use: #rgb[a], #rrggbb[aa], rgb[a](). */
export function parseColour(text: string): Rgba | null {
  const s = text.trim();
  const hex = HEX.exec(s);
  if (hex) {
    let h = hex[1];
    if (h.length <= 4) h = [...h].map((c) => c + c).join('');
    const n = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return [n(0), n(2), n(4), h.length === 8 ? n(6) / 255 : 1];
  }
  const rgb = RGB.exec(s);
  if (rgb) {
    const a = rgb[4] === undefined ? 1 : rgb[4].endsWith('%') ? parseFloat(rgb[4]) / 100 : parseFloat(rgb[4]);
    return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), Math.min(1, Math.max(0, a))];
  }
  return null;
}

export function toCss(c: Rgba): string {
  const [r, g, b, a] = c.map((v, i) => (i < 3 ? Math.round(v) : v));
  return a >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${Number(a.toFixed(3))})`;
}

/** `t` of the way from a to b (alpha included). */
export function mix(a: Rgba, b: Rgba, t: number): Rgba {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t, a[3] + (b[3] - a[3]) * t];
}

/** A colour with alpha composited over an opaque background, as the canvas would show it. */
export function over(c: Rgba, background: Rgba): Rgba {
  const m = mix(background, c, c[3]);
  return [m[0], m[1], m[2], 1];
}

export function withAlpha(c: Rgba, a: number): Rgba {
  return [c[0], c[1], c[2], a];
}

/** WCAG relative luminance, to tell light from dark backgrounds and to pick label colours. */
export function luminance(c: Rgba): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

export function contrastRatio(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// Viridis (matplotlib; van der Walt & Smith), 9 evenly spaced stops: perceptually uniform and
// readable by colour-blind users, for quantities (utilisation, layer depth).
const VIRIDIS: readonly Rgba[] = [
  [68, 1, 84, 1],
  [71, 45, 123, 1],
  [59, 82, 139, 1],
  [44, 114, 142, 1],
  [33, 145, 140, 1],
  [40, 174, 128, 1],
  [94, 201, 98, 1],
  [170, 220, 50, 1],
  [253, 231, 37, 1],
];

export function viridis(t: number): Rgba {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  return mix(VIRIDIS[i], VIRIDIS[i + 1], x - i);
}

// Inferno (matplotlib; van der Walt & Smith), 9 evenly spaced stops: perceptually uniform, dark to
// hot, for energy (where "hotter" reads as "costs more").
const INFERNO: readonly Rgba[] = [
  [0, 0, 4, 1],
  [31, 12, 72, 1],
  [85, 15, 109, 1],
  [136, 34, 106, 1],
  [186, 54, 85, 1],
  [227, 89, 51, 1],
  [249, 140, 10, 1],
  [249, 201, 50, 1],
  [252, 255, 164, 1],
];

export function inferno(t: number): Rgba {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(x));
  return mix(INFERNO[i], INFERNO[i + 1], x - i);
}

/**
 * `n` distinct colours for categories, from the theme's six chart colours in the order blue,
 * orange, green, purple, red, yellow (theme.ts reads them so). Beyond six come new hues mixed from
 * two base colours far apart on the wheel and a neutral (lightening or darkening a base colour
 * gives a colour too close to it to tell apart), then lighter variants of all of those.
 */
export function categoricalColours(n: number, base: readonly Rgba[], foreground: Rgba, background: Rgba): Rgba[] {
  const [blue, orange, green, purple, red, yellow] = base;
  const first: Rgba[] = [...base];
  if (base.length >= 6) {
    first.push(
      mix(blue, green, 0.5), // teal
      mix(red, purple, 0.5), // magenta
      mix(foreground, background, 0.45), // neutral grey
      mix(yellow, green, 0.5), // olive
      mix(blue, purple, 0.5), // indigo
      mix(orange, red, 0.5), // vermilion
    );
  }
  const out: Rgba[] = [];
  for (let i = 0; i < n; i++) {
    const round = Math.floor(i / first.length);
    const c = first[i % first.length];
    out.push(round === 0 ? c : mix(c, foreground, Math.min(0.6, 0.3 * round)));
  }
  return out;
}
