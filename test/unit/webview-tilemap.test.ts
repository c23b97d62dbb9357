/**
 * The floorplan tile map: layout (chips → blocks → arrays), colour keys, the raster, the view
 * arithmetic and the words it shows, on real designs and on small ones checked pixel by pixel.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeGroup } from '../../src/engine/mapping/tiles';
import type { SimulationResult } from '../../src/shared/result';
import { arrayAt, arrayInGroup, type TileGroup } from '../../src/shared/tileMap';
import {
  colourKeys,
  ENERGY_STEPS,
  energyKey,
  utilizationKey,
  UTILIZATION_STEPS,
} from '../../webview/tilemap/colouring';
import { arrayDetails, describeArray } from '../../webview/tilemap/describe';
import {
  arrayAtCell,
  blockAtCell,
  blockOfArray,
  blockWidth,
  boundsOfBlocks,
  buildTileLayout,
  cellOfArray,
  chipAtCell,
  DEFAULT_ASPECT,
  layersOf,
  type TileLayout,
} from '../../webview/tilemap/layout';
import { rasterColours } from '../../webview/tilemap/palette';
import {
  clampViewState,
  fitScale,
  fitViewState,
  frameRect,
  GAP_MIN_SCALE,
  MAX_CELL_PX,
  panBy,
  rasterizeTileMap,
  STRIPE_PERIOD,
  STRIPE_WIDTH,
  viewOf,
  zoomAt,
} from '../../webview/tilemap/raster';
import { config, simulateText } from '../helpers/design';

const ROOT = join(import.meta.dirname, '../..');
const gpt2 = simulateText(readFileSync(join(ROOT, 'examples/gpt2-gaincell.aimc.yaml'), 'utf8'));
const groups = gpt2.mapping.tileGroups;
/** Llama 2 7B on PCM over 25 chips of 4,096 arrays: the multi-chip case. */
const llama7b = simulateText(readFileSync(join(ROOT, 'examples/llama2-7b-pcm.aimc.yaml'), 'utf8'));

function layoutOf(r: SimulationResult): TileLayout {
  return buildTileLayout(r.mapping.tileGroups, { chips: r.mapping.chips, arraysPerChip: r.mapping.arraysPerChip });
}

/** Share of a view of the default aspect that arrays cover when the whole map is fitted into it. */
function coverage(layout: TileLayout): number {
  const scale = Math.min(DEFAULT_ASPECT / layout.columns, 1 / layout.rows);
  return (layout.arrays * scale * scale) / DEFAULT_ASPECT;
}

/** Every cell's array, checked against the blocks, chips and the engine's decoder. */
function checkEveryArrayOnce(r: SimulationResult, layout: TileLayout): void {
  const seen = new Uint8Array(r.mapping.arrays);
  for (let row = 0; row < layout.rows; row++) {
    for (let col = 0; col < layout.columns; col++) {
      const i = arrayAtCell(layout, col, row);
      if (i < 0) continue;
      seen[i]++;
      assert.deepEqual(cellOfArray(layout, i), { col, row });
      const b = layout.blocks[blockAtCell(layout, col, row)];
      const info = arrayAt(r.mapping.tileGroups, i)!;
      assert.equal(b.layer, info.layer);
      assert.equal(b.matrix, info.matrix);
      assert.equal(chipAtCell(layout, col, row), b.chip);
      const chip = layout.chips[b.chip];
      assert.ok(i >= chip.firstArray && i < chip.endArray, `array ${i} lies in chip ${b.chip}'s index range`);
    }
  }
  assert.ok(
    seen.every((n) => n === 1),
    'every array drawn exactly once',
  );
}

test('GPT-2: every array has one cell, in the block of its matrix and layer', () => {
  const layout = layoutOf(gpt2);
  assert.equal(layout.arrays, gpt2.mapping.arrays);
  assert.equal(layout.chips.length, 1);
  assert.equal(layout.blocks.length, groups.filter((g) => g.arrayCount > 0).length, 'one block per group');
  checkEveryArrayOnce(gpt2, layout);
  assert.equal(arrayAtCell(layout, -1, 0), -1);
  assert.equal(arrayAtCell(layout, layout.columns, 0), -1);
  assert.equal(arrayAtCell(layout, 0, layout.rows), -1);
});

test('Llama 2 7B over 25 chips: chips in a grid, each holding its 4,096 arrays, blocks cut at chip boundaries', () => {
  const layout = layoutOf(llama7b);
  assert.equal(llama7b.mapping.chips, 25);
  assert.equal(layout.chips.length, 25);
  layout.chips.forEach((c, i) => {
    assert.equal(c.firstArray, i * 4096);
    // Chips do not overlap, and every block lies inside its chip.
    for (const d of layout.chips.slice(i + 1))
      assert.ok(c.x + c.width <= d.x || d.x + d.width <= c.x || c.y + c.height <= d.y || d.y + d.height <= c.y);
    for (const b of layout.blocks.slice(c.firstBlock, c.endBlock)) {
      assert.equal(b.chip, i);
      assert.ok(b.x >= c.x && b.y >= c.y && b.x + b.width <= c.x + c.width && b.y + b.height <= c.y + c.height);
    }
  });
  // Blocks do not overlap (checked within each shelf, where they sit side by side).
  for (const s of layout.shelves)
    for (let i = s.firstBlock + 1; i < s.endBlock; i++)
      assert.ok(layout.blocks[i - 1].x + layout.blocks[i - 1].width <= layout.blocks[i].x);
  assert.ok(layout.blocks.length > llama7b.mapping.tileGroups.length, 'groups cut by a chip boundary are two blocks');
  checkEveryArrayOnce(llama7b, layout);
  // Chips are near square, as chips are.
  const c = layout.chips[0];
  assert.ok(c.width <= 2 * c.height && c.height <= 2 * c.width, `chip ${c.width} × ${c.height}`);
});

test('layer 17’s FFN is found in the chips that hold it', () => {
  const layout = layoutOf(llama7b);
  const ffn = layout.blocks.filter((b) => b.layer === 17 && b.matrix.startsWith('ffn_'));
  assert.deepEqual([...new Set(ffn.map((b) => b.matrix))].sort(), ['ffn_down', 'ffn_gate', 'ffn_up']);
  const perChip = llama7b.mapping.arraysPerChip!;
  for (const b of ffn) assert.equal(b.chip, Math.floor(b.firstArray / perChip));
  const bounds = boundsOfBlocks(layout, (b) => b.layer === 17)!;
  const view = viewOf(layout, 1200, 700, frameRect(layout, 1200, 700, bounds));
  // Framing the layer puts all of it on screen, and most of the screen on it.
  assert.ok(view.x <= bounds.x && view.y <= bounds.y);
  assert.ok(
    view.x + 1200 / view.scale >= bounds.x + bounds.width && view.y + 700 / view.scale >= bounds.y + bounds.height,
  );
  assert.ok(bounds.width * view.scale > 0.5 * 1200 || bounds.height * view.scale > 0.5 * 700);
});

test('the floorplan fills a panel-shaped view: no empty bands', () => {
  const big = simulateText(config('llama-2-70b', 'weights: { array: { rows: 256, cols: 256 } }\n'));
  for (const [name, r, least] of [
    ['GPT-2', gpt2, 0.6],
    ['Llama 2 7B on 25 chips', llama7b, 0.5],
    ['Llama 2 70B', big, 0.8],
  ] as const) {
    const c = coverage(layoutOf(r));
    assert.ok(
      c >= least,
      `${name}: arrays cover ${(100 * c).toFixed(0)} % of the view at fit (want ≥ ${100 * least} %)`,
    );
  }
});

test('a 70B-parameter design (4M arrays) lays out quickly, and cells map back to their arrays', (t) => {
  const big = simulateText(config('llama-2-70b', 'weights: { array: { rows: 256, cols: 256 } }\n'));
  const t0 = performance.now();
  const layout = layoutOf(big);
  const ms = performance.now() - t0;
  assert.ok(big.mapping.arrays > 4e6);
  assert.equal(layout.arrays, big.mapping.arrays);
  t.diagnostic(`layout of ${big.mapping.arrays} arrays took ${ms.toFixed(1)} ms (frames: test/bench/tilemap.bench.ts)`);
  assert.ok(ms < 1000, `layout took ${ms.toFixed(0)} ms`);
  for (const i of [0, 1, 123_457, big.mapping.arrays >> 1, big.mapping.arrays - 1]) {
    const cell = cellOfArray(layout, i)!;
    assert.equal(arrayAtCell(layout, cell.col, cell.row), i);
    assert.equal(layout.blocks[blockOfArray(layout, i)].layer, arrayAt(big.mapping.tileGroups, i)!.layer);
  }
});

test('block widths keep a matrix’s block columns as columns when that wastes little', () => {
  // 8 block rows of 22 tiles of 4 arrays (Llama 2 7B's FFN on 512 × 512 PCM pairs).
  const grain = { tile: 4, row: 88, offset: 0 };
  assert.equal(blockWidth(704, grain, 8, 1000), 88, 'one block row per row');
  assert.equal(blockWidth(704, grain, 16, 1000), 44, 'half a block row per row');
  assert.equal(blockWidth(704, grain, 25, 1000), 32, 'too much waste to align: whole tiles');
  assert.equal(blockWidth(704, grain, 8, 60), 60, 'never wider than the chip');
  assert.equal(blockWidth(704, grain, 8, 60) % 4, 0, 'whole tiles');
});

/** A design small enough to check pixel by pixel: weights and a KV cache, of uneven sizes. */
function tinyGroups(): TileGroup[] {
  const out: TileGroup[] = [];
  let next = 0;
  const add = (
    layer: number,
    matrix: TileGroup['matrix'],
    rows: number,
    cols: number,
    kind: 'weight' | 'kv' = 'weight',
  ) => {
    const g = makeGroup(
      {
        kind,
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
  add(0, 'k_cache', 4, 8, 'kv'); // 2 arrays
  add(1, 'q_proj', 4, 4); // 1 array
  add(-1, 'lm_head', 8, 12); // 6 arrays
  return out;
}

test('layer, matrix, utilisation and energy keys name each array’s group', () => {
  const layout = layoutOf(gpt2);
  const byLayer = colourKeys(groups, layout, 'layer');
  const byMatrix = colourKeys(groups, layout, 'matrix');
  for (const i of [0, 500, 5000, layout.arrays - 1]) {
    const a = arrayAt(groups, i)!;
    assert.equal(byLayer.categories[byLayer.keys[i] - 1], String(a.layer));
    assert.equal(byMatrix.categories[byMatrix.keys[i] - 1], a.matrix);
  }
  assert.deepEqual(byLayer.categories, layersOf(groups).map(String));
  assert.ok(byMatrix.categories.includes('k_cache') && byMatrix.categories.includes('lm_head'));
  const util = colourKeys(groups, layout, 'utilization').keys;
  for (let i = 0; i < layout.arrays; i++) assert.equal(util[i], utilizationKey(arrayAt(groups, i)!.utilization));
  assert.equal(utilizationKey(0), 1);
  assert.equal(utilizationKey(1), UTILIZATION_STEPS);

  // Energy: a group's energy spread over its arrays, on a log scale; more energy, a higher key.
  const energy = gpt2.mapping.groupEnergyPerTokenJ!;
  assert.equal(energy.length, groups.length);
  const e = colourKeys(groups, layout, 'energy', energy);
  const perArray = groups.map((g, i) => energy[i] / g.arrayCount);
  assert.equal(e.range!.min, Math.min(...perArray.filter((x) => x > 0)));
  assert.equal(e.range!.max, Math.max(...perArray));
  const order = groups.map((_, i) => i).sort((a, b) => perArray[a] - perArray[b]);
  for (let k = 1; k < order.length; k++)
    assert.ok(e.keys[groups[order[k]].firstArray] >= e.keys[groups[order[k - 1]].firstArray]);
  assert.equal(energyKey(e.range!.max, e.range!.min, e.range!.max), ENERGY_STEPS);
  assert.equal(energyKey(e.range!.min, e.range!.min, e.range!.max), 1);
});

test('utilisation keys agree with decoding every array of an edge-heavy group', () => {
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

/** What the raster must paint in a cell, by the layout's own lookups. */
function expectedCell(
  layout: TileLayout,
  keys: Uint8Array,
  c: ReturnType<typeof rasterColours>,
  col: number,
  row: number,
): number {
  if (chipAtCell(layout, col, row) < 0) return c.background;
  const b = blockAtCell(layout, col, row);
  if (b < 0) return c.floor!;
  const i = arrayAtCell(layout, col, row);
  return c.palette[i < 0 ? 0 : keys[i]];
}

test('the raster paints arrays in their key colour, and empty slots, chip floor and outside distinctly', () => {
  const g = tinyGroups().filter((x) => x.kind === 'weight');
  const layout = buildTileLayout(g, { aspect: 2 });
  const keys = colourKeys(g, layout, 'matrix');
  const colours = rasterColours(keys, theme);
  const width = layout.columns + 1;
  const height = layout.rows;
  const out = new Uint32Array(width * height);
  rasterizeTileMap(layout, keys.keys, colours, { scale: 1, x: 0, y: 0 }, width, height, out);
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++)
      assert.equal(out[r * width + c], expectedCell(layout, keys.keys, colours, c, r), `pixel (${c}, ${r})`);
  const distinct = new Set([colours.background, colours.floor, colours.palette[0], colours.gap, colours.palette[1]]);
  assert.equal(distinct.size, 5, 'outside, chip floor, empty slot, gap and an array all differ');
});

test('zoomed out over several chips, each pixel shows what is under its centre', () => {
  const layout = layoutOf(llama7b);
  const keys = colourKeys(llama7b.mapping.tileGroups, layout, 'layer');
  const colours = { ...rasterColours(keys, theme), stripe: undefined };
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
      const expected = inside ? expectedCell(layout, keys.keys, colours, col, row) : colours.background;
      assert.equal(out[py * width + px], expected, `pixel (${px}, ${py})`);
    }
  }
});

test('zoomed in: gap lines between arrays only inside blocks, KV arrays striped, set-back blocks dimmed', () => {
  const g = tinyGroups();
  const layout = buildTileLayout(g, { aspect: 2 });
  const keys = colourKeys(g, layout, 'layer');
  const colours = rasterColours(keys, theme);
  const scale = GAP_MIN_SCALE * 2;
  const width = layout.columns * scale;
  const height = layout.rows * scale;
  const dim = Uint8Array.from(layout.blocks, (b) => (b.layer === 0 ? 0 : 1));
  const out = new Uint32Array(width * height);
  rasterizeTileMap(layout, keys.keys, colours, { scale, x: 0, y: 0 }, width, height, out, undefined, dim);
  let striped = 0;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const col = Math.floor(px / scale);
      const row = Math.floor(py / scale);
      const onGap = px % scale === 0 || py % scale === 0;
      const b = blockAtCell(layout, col, row);
      const got = out[py * width + px];
      if (chipAtCell(layout, col, row) < 0) assert.equal(got, colours.background);
      else if (b < 0) assert.equal(got, colours.floor, `chip floor at (${px}, ${py}), no gap lines`);
      else if (onGap) assert.equal(got, colours.gap, `gap at (${px}, ${py})`);
      else {
        const i = arrayAtCell(layout, col, row);
        const key = i < 0 ? 0 : keys.keys[i];
        const block = layout.blocks[b];
        const stripe = block.kind === 'kv' && (px + py) % STRIPE_PERIOD < STRIPE_WIDTH;
        const palette = dim[b]
          ? stripe
            ? colours.dimmedStripe!
            : colours.dimmed!
          : stripe
            ? colours.stripe!
            : colours.palette;
        assert.equal(got, palette[key], `pixel (${px}, ${py}) of ${block.matrix}`);
        if (stripe) striped++;
      }
    }
  }
  assert.ok(striped > 0, 'the KV cache is striped');
  assert.notEqual(colours.stripe![keys.keys[0]], colours.palette[keys.keys[0]]);
  assert.notEqual(colours.dimmed![keys.keys[0]], colours.palette[keys.keys[0]]);
});

test('view: fit shows the whole map; zoom keeps the point under the pointer; pan and zoom are clamped', () => {
  const layout = layoutOf(gpt2);
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
  const panned = panBy(layout, w, h, fitViewState(layout), 10 * fitScale(layout, w, h), 0);
  assert.ok(Math.abs(panned.cx - (layout.columns / 2 - 10)) < 1e-9);
  assert.equal(panBy(layout, w, h, fitViewState(layout), 1e6, 0).cx, 0);
  assert.deepEqual(clampViewState(layout, w, h, { zoom: NaN, cx: NaN, cy: NaN }), {
    zoom: 1,
    cx: layout.columns / 2,
    cy: layout.rows / 2,
  });
});

test('hover text names chip, layer, matrix, block, slice and polarity', () => {
  const i = groups[1].firstArray + 5; // layer 0, k_proj, differential and 2 slices in the example
  const lines = describeArray(arrayAt(groups, i)!, groups[1], gpt2, 0);
  assert.equal(lines[0], `Array ${i} of ${gpt2.mapping.arrays.toLocaleString('en-US')}`);
  assert.equal(lines[1], 'Layer 0 · K projection (k_proj)');
  assert.equal(lines[2], 'Block (0, 1) of 3 × 3 · slice 1 of 2 · G⁻');
  const kv = groups.find((g) => g.kind === 'kv')!;
  assert.match(describeArray(arrayAt(groups, kv.firstArray)!, kv, gpt2)[2], /^KV head 0, sequence 0$/);
  const g7 = llama7b.mapping.tileGroups;
  const far = g7.findIndex((g) => g.layer === 17 && g.matrix === 'ffn_up');
  assert.match(describeArray(arrayAt(g7, g7[far].firstArray)!, g7[far], llama7b, 13)[0], / · chip 13$/);
});

test('a clicked array’s details: place, fill, and its share of energy and latency', () => {
  const g7 = llama7b.mapping.tileGroups;
  const gi = g7.findIndex((g) => g.layer === 17 && g.matrix === 'ffn_up');
  const g = g7[gi];
  const layout = layoutOf(llama7b);
  const a = arrayAt(g7, g.firstArray + 7)!;
  const chip = layout.blocks[blockOfArray(layout, a.index)].chip;
  const d = arrayDetails(a, g, gi, llama7b, chip);
  const row = (k: string) => d.rows.find(([key]) => key === k)?.[1];
  assert.equal(d.title, 'Layer 17 · FFN up');
  assert.equal(row('Chip'), `${chip} of 25 (chips 0–24)`);
  assert.match(row('Cells used')!, /^100\.0 % used \(512 × 512 cells of 512 × 512\)$/);
  assert.match(row('Slice')!, /of 2, G⁻ of a differential pair$/);
  const energy = llama7b.mapping.groupEnergyPerTokenJ![gi];
  assert.ok(
    row('Energy / token')!.includes(`(${(100 * (energy / llama7b.perToken.energyJ)).toFixed(1)} %)`) ||
      row('Energy / token')!.includes('< 0.1 %'),
  );
  assert.match(row('Layer latency')!, /% of the layers' sum\)$/);
  // A result without the engine's per-group energy leaves the row out rather than guessing.
  const bare = { ...llama7b, mapping: { ...llama7b.mapping, groupEnergyPerTokenJ: undefined } };
  assert.equal(
    arrayDetails(a, g, gi, bare, chip).rows.find(([k]) => k === 'Energy / token'),
    undefined,
  );
});
