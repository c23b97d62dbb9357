import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrayAt, arrayInGroup, type TileGroup } from '../../src/shared/tileMap';
import { makeGroup } from '../../src/engine/mapping/tiles';
import { colourKeys, utilizationKey, UTILIZATION_STEPS } from '../../webview/tilemap/colouring';
import { describeArray } from '../../webview/tilemap/describe';
import { arrayAtCell, buildTileLayout, cellOfArray, layerRuns } from '../../webview/tilemap/layout';
import { rasterColours } from '../../webview/tilemap/palette';
import {
  clampViewState,
  fitScale,
  fitViewState,
  GAP_MIN_SCALE,
  MAX_CELL_PX,
  panBy,
  rasterizeTileMap,
  viewOf,
  zoomAt,
} from '../../webview/tilemap/raster';
import { config, simulateText } from '../helpers/design';

const gpt2 = simulateText(
  config(
    'gpt2',
    'weights: { array: { rows: 256, cols: 256 } }\nattention: { implementation: gain-cell, window: 1024 }\n',
  ),
);
const groups = gpt2.mapping.tileGroups;

/** A design small enough to check pixel by pixel: three layers of uneven size. */
function tinyGroups(): TileGroup[] {
  const out: TileGroup[] = [];
  let next = 0;
  const add = (layer: number, matrix: TileGroup['matrix'], rows: number, cols: number) => {
    const g = makeGroup(
      {
        kind: 'weight',
        layer,
        matrix,
        copies: 1,
        kvHeads: 1,
        rows: 4,
        cols: 4,
        slices: 1,
        polarities: 1,
        logicalRows: rows,
        logicalCols: cols,
      },
      0,
      next,
    );
    out.push(g);
    next += g.arrayCount;
  };
  add(0, 'q_proj', 8, 8); // 4 arrays
  add(0, 'ffn_up', 8, 6); // 4 arrays, the right column half used
  add(1, 'q_proj', 4, 4); // 1 array
  add(-1, 'lm_head', 8, 12); // 6 arrays
  return out;
}

test('each layer is one band starting on a fresh row, and every array has exactly one cell', () => {
  const layout = buildTileLayout(groups);
  assert.equal(layout.arrays, gpt2.mapping.arrays);
  assert.equal(layout.bands.length, gpt2.model.layers + 1, 'a band per block and one for the LM head');
  assert.deepEqual(
    layout.bands.map((b) => b.layer),
    [...Array.from({ length: gpt2.model.layers }, (_, i) => i), -1],
  );
  let row = 0;
  for (const b of layout.bands) {
    assert.equal(b.firstRow, row);
    assert.equal(b.rowCount, Math.ceil((b.endArray - b.firstArray) / layout.columns));
    row += b.rowCount;
  }
  assert.equal(layout.rows, row);
  const seen = new Uint8Array(layout.arrays);
  for (let r = 0; r < layout.rows; r++) {
    for (let c = 0; c < layout.columns; c++) {
      const i = arrayAtCell(layout, c, r);
      if (i < 0) continue;
      seen[i]++;
      assert.deepEqual(cellOfArray(layout, i), { col: c, row: r });
      assert.equal(
        arrayAt(groups, i)!.layer,
        layout.bands.find((b) => r >= b.firstRow && r < b.firstRow + b.rowCount)!.layer,
      );
    }
  }
  assert.ok(
    seen.every((n) => n === 1),
    'every array drawn once',
  );
  assert.equal(arrayAtCell(layout, -1, 0), -1);
  assert.equal(arrayAtCell(layout, layout.columns, 0), -1);
  assert.equal(arrayAtCell(layout, 0, layout.rows), -1);
});

test('the grid comes out about as wide as asked', () => {
  for (const aspect of [1, 2, 4]) {
    const layout = buildTileLayout(groups, aspect);
    const ratio = layout.columns / layout.rows;
    assert.ok(ratio >= aspect && ratio < aspect * 1.25, `aspect ${aspect}: got ${ratio.toFixed(2)}`);
  }
});

test('a 70B-parameter design lays out with a band per layer, and cells map back to their arrays', (t) => {
  const big = simulateText(config('llama-2-70b', 'weights: { array: { rows: 256, cols: 256 } }\n'));
  const t0 = performance.now();
  const layout = buildTileLayout(big.mapping.tileGroups);
  const ms = performance.now() - t0;
  assert.ok(big.mapping.arrays > 1e6);
  assert.equal(layout.arrays, big.mapping.arrays);
  assert.equal(layout.bands.length, 81);
  t.diagnostic(
    `layout of ${big.mapping.arrays} arrays took ${ms.toFixed(1)} ms (timings: test/bench/tilemap.bench.ts)`,
  );
  // Spot checks across the map: the cell's array is the one the engine's decoder names.
  for (const i of [0, 1, 123_457, big.mapping.arrays >> 1, big.mapping.arrays - 1]) {
    const cell = cellOfArray(layout, i)!;
    assert.equal(arrayAtCell(layout, cell.col, cell.row), i);
  }
});

test('layer runs merge only contiguous groups of the same layer', () => {
  assert.deepEqual(
    layerRuns(tinyGroups()).map((r) => [r.layer, r.firstArray, r.endArray]),
    [
      [0, 0, 8],
      [1, 8, 9],
      [-1, 9, 15],
    ],
  );
});

test('utilisation keys agree with decoding every array, for every group of a real design', () => {
  const layout = buildTileLayout(groups);
  const keys = colourKeys(groups, layout, 'utilization').keys;
  for (let i = 0; i < layout.arrays; i++)
    assert.equal(keys[i], utilizationKey(arrayAt(groups, i)!.utilization), `array ${i}`);
  // Edge blocks in both directions, slices, polarities and repeated copies:
  const g = makeGroup(
    {
      kind: 'weight',
      layer: 0,
      matrix: 'q_proj',
      copies: 3,
      kvHeads: 3,
      rows: 64,
      cols: 64,
      slices: 2,
      polarities: 2,
      logicalRows: 100,
      logicalCols: 150,
    },
    1,
    0,
  );
  const one = colourKeys([g], buildTileLayout([g]), 'utilization').keys;
  for (let i = 0; i < g.arrayCount; i++)
    assert.equal(one[i], utilizationKey(arrayInGroup(g, i).utilization), `edge group array ${i}`);
  assert.ok(new Set(one).size >= 3, 'full, edge-row, edge-column and corner blocks differ');
});

test('layer and matrix keys name the group each array belongs to', () => {
  const layout = buildTileLayout(groups);
  const byLayer = colourKeys(groups, layout, 'layer');
  const byMatrix = colourKeys(groups, layout, 'matrix');
  for (const i of [0, 500, 5000, layout.arrays - 1]) {
    const a = arrayAt(groups, i)!;
    assert.equal(byLayer.categories[byLayer.keys[i] - 1], String(a.layer));
    assert.equal(byMatrix.categories[byMatrix.keys[i] - 1], a.matrix);
  }
  assert.ok(byMatrix.categories.includes('k_cache') && byMatrix.categories.includes('lm_head'));
  assert.equal(utilizationKey(0), 1);
  assert.equal(utilizationKey(1), UTILIZATION_STEPS);
  assert.equal(utilizationKey(2), UTILIZATION_STEPS);
});

const theme = {
  foreground: [204, 204, 204, 1],
  background: [31, 31, 31, 1],
  chartColours: [
    [55, 148, 255, 1],
    [209, 134, 22, 1],
    [137, 209, 133, 1],
    [177, 128, 215, 1],
    [241, 76, 76, 1],
    [204, 167, 0, 1],
  ],
} as const;

test('the raster paints each array in its key colour, empty cells and the outside distinctly', () => {
  const g = tinyGroups();
  const layout = buildTileLayout(g, 2);
  const keys = colourKeys(g, layout, 'matrix');
  const colours = rasterColours(keys, theme);
  // One device pixel per cell at offset 0: the image is the grid itself, plus one column outside.
  const width = layout.columns + 1;
  const height = layout.rows;
  const out = new Uint32Array(width * height);
  rasterizeTileMap(layout, keys.keys, colours, { scale: 1, x: 0, y: 0 }, width, height, out);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = arrayAtCell(layout, c, r);
      const expected =
        c >= layout.columns ? colours.background : i < 0 ? colours.palette[0] : colours.palette[keys.keys[i]];
      assert.equal(out[r * width + c], expected, `pixel (${c}, ${r})`);
    }
  }
  assert.notEqual(colours.palette[0], colours.background);
  assert.notEqual(colours.gap, colours.palette[1]);
});

test('zoomed out, each pixel shows the array under its centre, with the outside on both sides', () => {
  const layout = buildTileLayout(groups);
  const keys = colourKeys(groups, layout, 'matrix');
  const colours = rasterColours(keys, theme);
  const view = { scale: 0.37, x: -7.3, y: -2.1 };
  const width = Math.ceil((layout.columns + 20) * view.scale);
  const height = Math.ceil((layout.rows + 8) * view.scale);
  const out = new Uint32Array(width * height);
  rasterizeTileMap(layout, keys.keys, colours, view, width, height, out);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const col = Math.floor(view.x + (px + 0.5) / view.scale);
      const row = Math.floor(view.y + (py + 0.5) / view.scale);
      const inside = col >= 0 && col < layout.columns && row >= 0 && row < layout.rows;
      const i = arrayAtCell(layout, col, row);
      const expected = !inside ? colours.background : i < 0 ? colours.palette[0] : colours.palette[keys.keys[i]];
      assert.equal(out[py * width + px], expected, `pixel (${px}, ${py})`);
    }
  }
});

test('zoomed in, cells become blocks separated by gap lines, and rows repeat exactly', () => {
  const g = tinyGroups();
  const layout = buildTileLayout(g, 2);
  const keys = colourKeys(g, layout, 'layer');
  const colours = rasterColours(keys, theme);
  const scale = GAP_MIN_SCALE * 2;
  const width = layout.columns * scale;
  const height = layout.rows * scale;
  const out = new Uint32Array(width * height);
  rasterizeTileMap(layout, keys.keys, colours, { scale, x: 0, y: 0 }, width, height, out);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const onGap = px % scale === 0 || py % scale === 0;
      const i = arrayAtCell(layout, Math.floor(px / scale), Math.floor(py / scale));
      const expected = onGap ? colours.gap : i < 0 ? colours.palette[0] : colours.palette[keys.keys[i]];
      assert.equal(out[py * width + px], expected, `pixel (${px}, ${py})`);
    }
  }
});

test('view: fit shows the whole map; zoom keeps the point under the pointer; pan and zoom are clamped', () => {
  const layout = buildTileLayout(groups);
  const [w, h] = [1200, 600];
  const fit = viewOf(layout, w, h, fitViewState(layout));
  assert.ok(fit.x <= 0 && fit.y <= 0);
  assert.ok(fit.x + w / fit.scale >= layout.columns && fit.y + h / fit.scale >= layout.rows);
  const s = zoomAt(layout, w, h, fitViewState(layout), 3, 300, 200);
  const before = { x: fit.x + 300 / fit.scale, y: fit.y + 200 / fit.scale };
  const v = viewOf(layout, w, h, s);
  assert.ok(Math.abs(v.x + 300 / v.scale - before.x) < 1e-9 && Math.abs(v.y + 200 / v.scale - before.y) < 1e-9);
  assert.ok(Math.abs(v.scale / fit.scale - 3) < 1e-9);
  const huge = clampViewState(layout, w, h, { zoom: 1e9, cx: 1e9, cy: -5 });
  assert.ok(viewOf(layout, w, h, huge).scale <= MAX_CELL_PX + 1e-9);
  assert.equal(huge.cx, layout.columns);
  assert.equal(huge.cy, 0);
  // Dragging right by 10 cells' worth of pixels moves the view 10 cells left, but never off the map.
  const panned = panBy(layout, w, h, fitViewState(layout), 10 * fitScale(layout, w, h), 0);
  assert.ok(Math.abs(panned.cx - (layout.columns / 2 - 10)) < 1e-9);
  assert.equal(panBy(layout, w, h, fitViewState(layout), 1e6, 0).cx, 0);
  assert.deepEqual(clampViewState(layout, w, h, { zoom: NaN, cx: NaN, cy: NaN }), {
    zoom: 1,
    cx: layout.columns / 2,
    cy: layout.rows / 2,
  });
});

test('hover text names layer, matrix, block, slice and polarity', () => {
  const i = groups[1].firstArray + 5; // layer 0, k_proj, differential and 2 slices in the example
  const lines = describeArray(arrayAt(groups, i)!, groups[1], gpt2);
  assert.equal(lines[0], `Array ${i} of ${gpt2.mapping.arrays.toLocaleString('en-US')}`);
  assert.equal(lines[1], 'Layer 0 · K projection (k_proj)');
  assert.equal(lines[2], 'Block (0, 1) of 3 × 3 · slice 1 of 2 · G⁻');
  const kv = groups.find((g) => g.kind === 'kv')!;
  const kvLines = describeArray(arrayAt(groups, kv.firstArray)!, kv, gpt2);
  assert.match(kvLines[2], /^KV head 0, sequence 0$/);
});
