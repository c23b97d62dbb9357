/**
 * Tile map cost, in Node, with the webview's own layout, colouring and raster code:
 * - once per result: layout and colour keys (layer, matrix, utilisation);
 * - per frame: rasterising a 1600 × 900 device-pixel view (a full-HD panel) at fit, zoomed in,
 *   and zoomed far in, as the median and worst of repeated frames after a warm-up.
 * The per-frame target is 8 ms, half a 60 Hz frame, leaving the rest for putImageData and overlays.
 * Run: node --import tsx test/bench/tilemap.bench.ts
 */
import { performance } from 'node:perf_hooks';
import type { SimulationResult } from '../../src/shared/result';
import { colourKeys, TILE_COLOURINGS } from '../../webview/tilemap/colouring';
import { buildTileLayout } from '../../webview/tilemap/layout';
import {
  clampViewState,
  fitViewState,
  rasterizeTileMap,
  rasterScratch,
  viewOf,
  type TileViewState,
} from '../../webview/tilemap/raster';
import { config, simulateText } from '../helpers/design';

const WIDTH = 1600;
const HEIGHT = 900;
const FRAMES = 60;
const TARGET_MS = 8;

const designs: [string, string][] = [
  [
    'GPT-2 example (gpt2, 256 × 256 arrays)',
    config(
      'gpt2',
      'weights: { array: { rows: 256, cols: 256 } }\nattention: { implementation: gain-cell, window: 1024 }\n',
    ),
  ],
  ['~100k arrays (gpt2, 64 × 64 arrays)', config('gpt2', 'weights: { array: { rows: 64, cols: 64 } }\n')],
  ['70B (llama-2-70b, 256 × 256 arrays)', config('llama-2-70b', 'weights: { array: { rows: 256, cols: 256 } }\n')],
];

function stats(xs: number[]): { median: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

console.log(
  `tile map: layout + colour keys once per result; raster per frame at ${WIDTH} × ${HEIGHT} device px (median / worst of ${FRAMES} frames)`,
);
for (const [label, text] of designs) {
  const result: SimulationResult = simulateText(text);
  const groups = result.mapping.tileGroups;
  const [layout, layoutMs] = time(() => buildTileLayout(groups));
  const keyTimes = TILE_COLOURINGS.map((c) => `${c} ${time(() => colourKeys(groups, layout, c))[1].toFixed(1)} ms`);
  console.log(
    `\n${label}: ${result.mapping.arrays.toLocaleString('en-US')} arrays, ${groups.length} groups, grid ${layout.columns} × ${layout.rows}`,
  );
  console.log(`  once: layout ${layoutMs.toFixed(2)} ms; keys: ${keyTimes.join(', ')}`);

  const keys = colourKeys(groups, layout, 'utilization').keys;
  const palette = new Uint32Array(256).map((_, i) => 0xff000000 | (i * 0x010101));
  const colours = { palette, background: 0xff202020, gap: 0xff101010 };
  const out = new Uint32Array(WIDTH * HEIGHT);
  const scratch = rasterScratch(WIDTH);
  const fit = fitViewState(layout);
  const cases: [string, TileViewState][] = [
    ['fit', fit],
    ['zoom 8×', { zoom: 8, cx: layout.columns * 0.3, cy: layout.rows * 0.6 }],
    ['zoom to 40 px/cell', { zoom: 1e9, cx: layout.columns * 0.7, cy: layout.rows * 0.2 }],
  ];
  for (const [name, s0] of cases) {
    const times: number[] = [];
    for (let f = -10; f < FRAMES; f++) {
      // Each frame pans a little, as a drag does, so no frame repeats the previous one exactly.
      const s = clampViewState(layout, WIDTH, HEIGHT, { ...s0, cx: s0.cx + f * 0.37, cy: s0.cy + f * 0.11 });
      const view = viewOf(layout, WIDTH, HEIGHT, s);
      const t0 = performance.now();
      rasterizeTileMap(layout, keys, colours, view, WIDTH, HEIGHT, out, scratch);
      if (f >= 0) times.push(performance.now() - t0);
    }
    const { median, max } = stats(times);
    const scale = viewOf(layout, WIDTH, HEIGHT, clampViewState(layout, WIDTH, HEIGHT, s0)).scale;
    const verdict = median <= TARGET_MS ? 'met' : 'MISSED';
    console.log(
      `  frame ${name.padEnd(20)} (${scale < 1 ? `${(1 / scale).toFixed(1)} cells/px` : `${scale.toFixed(1)} px/cell`}): median ${median.toFixed(2)} ms, worst ${max.toFixed(2)} ms (target ${TARGET_MS} ms: ${verdict})`,
    );
  }
}
