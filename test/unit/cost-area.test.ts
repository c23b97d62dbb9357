/**
 * computeArea (src/engine/cost/area.ts) on designs built from config text through the real path
 * (analyzeConfig → resolved design → mapDesign): area per component, and how it follows the
 * array count, array size, ADC sharing and bits, DAC bits and kind, device, technology node, batch,
 * window and which parts are digital.
 *
 * Expected areas are built from the published per-unit figures the components cite (ISAAC,
 * Horowitz, NeuroSim, Leroux et al.) and the mapping's own counts, not copied from the output.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeConfig } from '../../src/engine/index';
import { computeArea, type AreaBreakdown } from '../../src/engine/cost/area';
import { costContext } from '../../src/engine/cost/context';
import { mapDesign, type Mapping } from '../../src/engine/mapping/map';
import { hasErrors } from '../../src/shared/diagnostics';
import { config } from '../helpers/design';

interface Built {
  readonly mapping: Mapping;
  readonly area: AreaBreakdown;
  /** Area of one component in µm² (0 when absent). */
  um2(component: string): number;
}

/** Resolves a config (a preset plus extra YAML), maps it and computes its area. */
function build(extra = '', preset = 'gpt2'): Built {
  const a = analyzeConfig(config(preset, extra), { simulate: false });
  if (hasErrors(a.diagnostics) || !a.design) {
    throw new Error(
      `config did not resolve:\n${a.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n')}`,
    );
  }
  const mapping = mapDesign(a.design);
  const area = computeArea(costContext(a.design), mapping);
  return { mapping, area, um2: (c) => (area.byComponentMm2[c] ?? 0) * 1e6 };
}

function near(actual: number, expected: number, rel = 1e-9, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what} ${actual} is not within ${rel} of ${expected}`,
  );
}

const node2 = (nodeNm: number, refNm: number) => (nodeNm / refNm) ** 2;

/** Area components of the weight arrays. */
const ARRAY_PARTS = ['crossbar', 'adc', 'dac', 'accumulator', 'array_periphery', 'level_shifter', 'tile_periphery'];

// Published per-unit figures (see the component sources), at the node they were reported for.
/** ISAAC 8-bit ADC, 32 nm. */
const ADC_8B_32NM_UM2 = 1200;
/** ISAAC: 1024 1-bit DACs in 0.00017 mm², 32 nm. */
const DAC_1B_32NM_UM2 = 0.00017e6 / 1024;
/** Nangate 45 nm: FA_X1 (one bit of adder) and DFF_X1 (one bit of register), µm². */
const ADDER_BIT_45NM_UM2 = 4.256;
const REGISTER_BIT_45NM_UM2 = 4.522;
/** Nangate 45 nm: a row or column switch is DFF_X1 + INV_X1; a column mux input MUX2_X1; its decoder NAND2_X1 + INV_X1 per line. */
const SWITCH_45NM_UM2 = 4.522 + 0.532;
const MUX2_45NM_UM2 = 1.862;
const DECODER_LINE_45NM_UM2 = 0.798 + 0.532;
/**
 * A write level shifter at 45 nm: NeuroSim's input, latch (two) and output inverters with NMOS
 * widths 30, 64, 64, 128 × 90 nm, the latch and output 2.5× longer, sized by INV_Xk = (k + 1) ×
 * 0.266 µm² with k = W / 0.415 µm, times 1.44 for wiring.
 */
const inv45 = (wUm: number) => (wUm / 0.415 + 1) * 0.266;
const LEVEL_SHIFTER_45NM_UM2 = 1.44 * (inv45(2.7) + 2.5 * (2 * inv45(5.76) + inv45(11.52)));

/**
 * Accumulation area of one array at 45 nm, µm²: per ADC, an accumulator over row groups, a
 * shift-and-add over input bits, and its share of the adder tree over the n arrays of a column block.
 */
function accumulation45Um2(adcs: number, adcBits: number, rowGroups: number, inputBits: number, n: number): number {
  let width = adcBits;
  let perAdc = 0;
  if (rowGroups > 1) {
    width += Math.ceil(Math.log2(rowGroups));
    perAdc += width * (ADDER_BIT_45NM_UM2 + REGISTER_BIT_45NM_UM2);
  }
  if (inputBits > 1) {
    width += inputBits;
    perAdc += width * (ADDER_BIT_45NM_UM2 + REGISTER_BIT_45NM_UM2);
  }
  if (n > 1) perAdc += ((n - 1) / n) * (width + Math.ceil(Math.log2(n))) * ADDER_BIT_45NM_UM2;
  return adcs * perAdc;
}

/** Accumulation area of all weight arrays of a built design at `nodeNm`, from its mapping's groups. */
function accumulationUm2(
  b: Built,
  o: { adcBits?: number; cpa?: number; rowGroups?: number; inputBits?: number } = {},
  nodeNm = 22,
): number {
  let um2 = 0;
  for (const m of b.mapping.matrices) {
    const g = m.group;
    if (!g) continue;
    const adcs = Math.ceil(g.cols / (o.cpa ?? 8));
    const n = g.blockRows * g.slices * g.polarities;
    um2 += g.arrayCount * accumulation45Um2(adcs, o.adcBits ?? 8, o.rowGroups ?? 1, o.inputBits ?? 1, n);
  }
  return um2 * node2(nodeNm, 45);
}

/** Row and column switches, column muxes and decoder of one array at `nodeNm`, µm². */
function switchesUm2(rows: number, cols: number, cpa: number, nodeNm = 22): number {
  const muxes = cpa > 1 ? Math.ceil(cols / cpa) * (cpa - 1) * MUX2_45NM_UM2 + cpa * DECODER_LINE_45NM_UM2 : 0;
  return ((rows + cols) * SWITCH_45NM_UM2 + muxes) * node2(nodeNm, 45);
}
/**
 * ISAAC tile periphery per 128 × 128 array, 32 nm: tile-level digital 0.215 mm² over 12 IMAs × 8
 * arrays, plus each IMA's input and output registers and S+H (0.0021 + 0.00077 + 0.00004 mm²) over
 * its 8 arrays. Arrays of another size scale it by (rows + cols) / 256.
 */
const TILE_PERIPHERY_128_32NM_UM2 = (0.215 / 96 + (0.0021 + 0.00077 + 0.00004) / 8) * 1e6;
const tilePeripheryUm2 = (rows: number, cols: number, nodeNm: number) =>
  TILE_PERIPHERY_128_32NM_UM2 * ((rows + cols) / 256) * node2(nodeNm, 32);
/** Horowitz: FP16 multiplier 1640 µm² + adder 1360 µm², 45 nm. */
const MAC_45NM_UM2 = 1640 + 1360;
/** ISAAC: 2 KB output register in 0.00077 mm², 32 nm. */
const SRAM_PER_KIB_32NM_UM2 = 0.00077e6 / 2;
/** Leroux et al. 2025: K and V arrays of one GPT-2 head (2 × 1024 × 64 cells) 15.7e-3 mm², ~0.5 mm² per head in all. */
const GAIN_CELL_UM2 = 15.7e3 / (2 * 1024 * 64);
const GAIN_CELL_HEAD_UM2 = 0.5e6;
const GAIN_CELL_PERIPHERY_UM2 = GAIN_CELL_HEAD_UM2 - 15.7e3;

/** The gain-cell figures' own node (Leroux et al. 2025: a 28 nm PDK), where they apply unscaled. */
const AT_28NM = 'technology: { node_nm: 28 }\n';

/** Cell footprint in µm² of an F² figure at a node. */
const cellUm2 = (f2: number, nodeNm: number) => f2 * (nodeNm * 1e-3) ** 2;

test('area: the total is the sum of the components, and every listed component has area', () => {
  for (const b of [
    build(),
    build('weights: { device: rram }\nattention: { implementation: digital }\n'),
    build('weights: { implementation: digital }\n'),
  ]) {
    const values = Object.values(b.area.byComponentMm2);
    assert.ok(values.length > 0);
    for (const v of values) assert.ok(v > 0 && Number.isFinite(v));
    near(
      values.reduce((x, y) => x + y, 0),
      b.area.totalMm2,
      1e-12,
    );
  }
});

test('area of the default GPT-2 (PCM, 512 × 512, 8-bit ADC per 8 columns, 8-bit DACs, 22 nm) from the cited unit areas', () => {
  const b = build();
  const arrays = b.mapping.weightArrays;
  assert.ok(arrays > 0);
  const s = node2(22, 32);
  // PCM 1T1R cell 4F × 12F at 22 nm.
  near(b.um2('crossbar'), arrays * 512 * 512 * cellUm2(48, 22), 1e-9, 'crossbar');
  // ⌈512 / 8⌉ ADCs per array.
  near(b.um2('adc'), arrays * 64 * ADC_8B_32NM_UM2 * s, 1e-9, 'adc');
  // One 8-bit DAC per row: 2^7 one-bit units.
  near(b.um2('dac'), arrays * 512 * DAC_1B_32NM_UM2 * 2 ** 7 * s, 1e-9, 'dac');
  // Inputs in one cycle, all rows at once: only the adder tree over each column block's arrays.
  near(b.um2('accumulator'), accumulationUm2(b), 1e-9, 'accumulator');
  near(b.um2('array_periphery'), arrays * switchesUm2(512, 512, 8), 1e-9, 'array_periphery');
  // PCM is written at 2 V: a level shifter on each word line, bit line and source line.
  near(
    b.um2('level_shifter'),
    arrays * (2 * 512 + 512) * LEVEL_SHIFTER_45NM_UM2 * node2(22, 45),
    1e-9,
    'level_shifter',
  );
  // ISAAC's tile periphery per array, scaled from 128 × 128 to 512 × 512 by the edges.
  near(b.um2('tile_periphery'), arrays * TILE_PERIPHERY_128_32NM_UM2 * 4 * s, 1e-9, 'tile_periphery');
});

test("area: each analog matrix's array footprint is its cells, converters, adders, edges and tile periphery", () => {
  const b = build();
  const s = node2(22, 32);
  const analog = b.mapping.matrices.filter((m) => m.group !== null);
  assert.equal(b.area.weightArrayAreaUm2.size, analog.length);
  for (const m of analog) {
    const g = m.group!;
    const perArray =
      512 * 512 * cellUm2(48, 22) +
      64 * ADC_8B_32NM_UM2 * s +
      512 * DAC_1B_32NM_UM2 * 128 * s +
      accumulation45Um2(64, 8, 1, 1, g.blockRows * g.slices * g.polarities) * node2(22, 45) +
      switchesUm2(512, 512, 8) +
      1536 * LEVEL_SHIFTER_45NM_UM2 * node2(22, 45) +
      tilePeripheryUm2(512, 512, 22);
    near(b.area.weightArrayAreaUm2.get(g)!, perArray, 1e-9, `${m.layer}/${m.matrix}`);
  }
  // The footprints times the array counts are the seven array components.
  const arraysUm2 = analog.reduce((sum, m) => sum + b.area.weightArrayAreaUm2.get(m.group!)! * m.group!.arrayCount, 0);
  near(
    arraysUm2,
    ARRAY_PARTS.reduce((sum, c) => sum + b.um2(c), 0),
    1e-9,
  );
});

test('area: digital matrices have no array footprint and no array components', () => {
  const b = build('layers:\n  - layers: [0]\n    weights: { implementation: digital }\n');
  for (const m of b.mapping.matrices)
    assert.equal(b.area.weightArrayAreaUm2.has(m.group!), m.group !== null, `${m.layer}/${m.matrix}`);
  const d = build('weights: { implementation: digital }\n');
  assert.equal(d.area.weightArrayAreaUm2.size, 0);
  for (const c of ARRAY_PARTS) assert.equal(d.area.byComponentMm2[c], undefined, c);
});

test('area: the array components follow the weight array count, whatever the array size', () => {
  const s = node2(22, 32);
  let prevArrays = Infinity;
  for (const n of [128, 256, 512, 1024]) {
    const b = build(`weights: { array: { rows: ${n}, cols: ${n} } }\n`);
    const arrays = b.mapping.weightArrays;
    // Bigger arrays: never more of them.
    assert.ok(arrays <= prevArrays, `${n}`);
    prevArrays = arrays;
    near(b.um2('crossbar'), arrays * n * n * cellUm2(48, 22), 1e-9, `crossbar ${n}`);
    near(b.um2('adc'), arrays * Math.ceil(n / 8) * ADC_8B_32NM_UM2 * s, 1e-9, `adc ${n}`);
    near(b.um2('dac'), arrays * n * DAC_1B_32NM_UM2 * 128 * s, 1e-9, `dac ${n}`);
    near(b.um2('accumulator'), accumulationUm2(b), 1e-9, `accumulator ${n}`);
    near(b.um2('array_periphery'), arrays * switchesUm2(n, n, 8), 1e-9, `array_periphery ${n}`);
    near(b.um2('level_shifter'), arrays * 3 * n * LEVEL_SHIFTER_45NM_UM2 * node2(22, 45), 1e-9, `level_shifter ${n}`);
    near(b.um2('tile_periphery'), arrays * tilePeripheryUm2(n, n, 22), 1e-9, `tile_periphery ${n}`);
  }
});

test('area: rectangular arrays: ADCs follow the columns, DACs the rows', () => {
  const wide = build('weights: { array: { rows: 128, cols: 512 } }\n');
  const tall = build('weights: { array: { rows: 512, cols: 128 } }\n');
  const s = node2(22, 32);
  near(wide.um2('adc') / wide.mapping.weightArrays, 64 * ADC_8B_32NM_UM2 * s, 1e-9);
  near(tall.um2('adc') / tall.mapping.weightArrays, 16 * ADC_8B_32NM_UM2 * s, 1e-9);
  near(wide.um2('dac') / wide.mapping.weightArrays, 128 * DAC_1B_32NM_UM2 * 128 * s, 1e-9);
  near(tall.um2('dac') / tall.mapping.weightArrays, 512 * DAC_1B_32NM_UM2 * 128 * s, 1e-9);
  // Adders follow the ADCs; switches and the tile periphery follow rows + columns, the same for both;
  // level shifters follow 2 · rows + columns (word and bit line per row, source line per column).
  near(wide.um2('accumulator'), accumulationUm2(wide), 1e-9);
  near(tall.um2('accumulator'), accumulationUm2(tall), 1e-9);
  near(
    wide.um2('level_shifter') / wide.mapping.weightArrays,
    (2 * 128 + 512) * LEVEL_SHIFTER_45NM_UM2 * node2(22, 45),
    1e-9,
  );
  near(
    tall.um2('level_shifter') / tall.mapping.weightArrays,
    (2 * 512 + 128) * LEVEL_SHIFTER_45NM_UM2 * node2(22, 45),
    1e-9,
  );
  near(wide.um2('tile_periphery') / wide.mapping.weightArrays, tilePeripheryUm2(128, 512, 22), 1e-9);
  near(tall.um2('tile_periphery') / tall.mapping.weightArrays, tilePeripheryUm2(128, 512, 22), 1e-9);
});

test('area: ADC area ∝ ⌈columns / columns_per_adc⌉; adders and muxes follow the ADCs', () => {
  const one = build('weights: { adc: { columns_per_adc: 1 } }\n');
  const eight = build('weights: { adc: { columns_per_adc: 8 } }\n');
  const three = build('weights: { adc: { columns_per_adc: 3 } }\n');
  const wide = build('weights: { adc: { columns_per_adc: 4096 } }\n');
  assert.equal(one.mapping.weightArrays, eight.mapping.weightArrays);
  near(one.um2('adc') / eight.um2('adc'), 512 / 64, 1e-12);
  near(three.um2('adc') / one.um2('adc'), Math.ceil(512 / 3) / 512, 1e-12);
  // Sharing beyond the array's width still leaves one ADC per array.
  near(wide.um2('adc') / one.um2('adc'), 1 / 512, 1e-12);
  // One adder-tree lane per ADC: 512, 64, 171 and 1.
  near(one.um2('accumulator') / eight.um2('accumulator'), 512 / 64, 1e-12);
  near(three.um2('accumulator') / one.um2('accumulator'), Math.ceil(512 / 3) / 512, 1e-12);
  near(wide.um2('accumulator') / one.um2('accumulator'), 1 / 512, 1e-12);
  // No multiplexer when each column has its own ADC.
  near(one.um2('array_periphery'), one.mapping.weightArrays * switchesUm2(512, 512, 1), 1e-9);
  near(three.um2('array_periphery'), three.mapping.weightArrays * switchesUm2(512, 512, 3), 1e-9);
  for (const c of ['crossbar', 'dac', 'level_shifter', 'tile_periphery', 'gain_cell', 'digital_unit', 'sram_buffer'])
    assert.equal(one.area.byComponentMm2[c], eight.area.byComponentMm2[c], c);
});

test('area: each extra ADC bit doubles the ADC area (SAR capacitor array) and widens the adders by a bit', () => {
  const base = build('weights: { adc: { bits: 8 } }\n');
  for (const bits of [4, 6, 9, 12]) {
    const b = build(`weights: { adc: { bits: ${bits} } }\n`);
    near(b.um2('adc') / base.um2('adc'), 2 ** (bits - 8), 1e-12, `${bits} b`);
    near(b.um2('accumulator'), accumulationUm2(b, { adcBits: bits }), 1e-9, `accumulator at ${bits} b`);
    for (const c of ['crossbar', 'dac', 'array_periphery', 'level_shifter', 'tile_periphery'])
      assert.equal(b.area.byComponentMm2[c], base.area.byComponentMm2[c], `${c} at ${bits} b`);
  }
});

test('area: a multi-bit DAC costs 2^(bits−1) unit DACs; bit-serial inputs use 1-bit drivers', () => {
  const d8 = build('weights: { dac: { bits: 8 } }\n');
  const d4 = build('weights: { dac: { bits: 4 } }\n');
  const serial8 = build('weights: { dac: { bits: 8, bit_serial: true } }\n');
  const serial4 = build('weights: { dac: { bits: 4, bit_serial: true } }\n');
  near(d8.um2('dac') / d4.um2('dac'), 2 ** 4, 1e-12);
  near(d8.um2('dac') / serial8.um2('dac'), 2 ** 7, 1e-12);
  assert.equal(serial8.um2('dac'), serial4.um2('dac'));
  near(serial8.um2('dac'), serial8.mapping.weightArrays * 512 * DAC_1B_32NM_UM2 * node2(22, 32), 1e-9);
  // A pulse-width driver is sized as a level DAC of the same bits (its counter and pulse logic).
  const pwm8 = build('weights: { dac: { bits: 8, type: pwm } }\n');
  assert.equal(pwm8.um2('dac'), d8.um2('dac'));
  // bit_serial wins over the type: 1-bit drivers.
  assert.equal(build('weights: { dac: { bits: 8, type: pwm, bit_serial: true } }\n').um2('dac'), serial8.um2('dac'));
});

test('area: cell footprint by device: SRAM 192 F², PCM and RRAM 48 F², ideal as PCM', () => {
  const at = (device: string) => build(`weights: { device: ${device}, bits_per_cell: 1 }\n`);
  const pcm = at('pcm');
  const rram = at('rram');
  const sram = at('sram');
  const ideal = at('ideal');
  assert.equal(sram.mapping.weightArrays, pcm.mapping.weightArrays);
  near(sram.um2('crossbar') / pcm.um2('crossbar'), 192 / 48, 1e-12);
  assert.equal(rram.um2('crossbar'), pcm.um2('crossbar'));
  assert.equal(ideal.um2('crossbar'), pcm.um2('crossbar'));
  // The read periphery does not depend on the device; SRAM is written at the core supply, so it
  // has no level shifters, and resistive devices are written at 2 V.
  for (const c of ['adc', 'dac', 'accumulator', 'array_periphery', 'tile_periphery'])
    assert.equal(sram.area.byComponentMm2[c], pcm.area.byComponentMm2[c], c);
  assert.equal(sram.area.byComponentMm2.level_shifter, undefined);
  assert.equal(rram.um2('level_shifter'), pcm.um2('level_shifter'));
  assert.ok(pcm.um2('level_shifter') > 0);
  const low = build(
    'weights: { device: rram, bits_per_cell: 1 }\ncomponents:\n  array_periphery: { write_voltage_v: 1.2 }\n',
  );
  assert.equal(low.area.byComponentMm2.level_shifter, undefined, 'a write at 1.2 V needs no level shifter');
});

test('area: CMOS parts and the gain-cell figures (published at 28 nm) scale with node²', () => {
  const a = build('technology: { node_nm: 22 }\nlayers:\n  - layers: [0]\n    weights: { implementation: digital }\n');
  const b = build('technology: { node_nm: 44 }\nlayers:\n  - layers: [0]\n    weights: { implementation: digital }\n');
  assert.equal(a.mapping.arrays, b.mapping.arrays);
  for (const c of [...ARRAY_PARTS, 'digital_unit', 'sram_buffer']) {
    assert.ok(a.um2(c) > 0, c);
    near(b.um2(c) / a.um2(c), 4, 1e-12, c);
  }
  near(b.um2('gain_cell') / a.um2('gain_cell'), 4, 1e-12, 'gain_cell');
  const paper = build('technology: { node_nm: 28 }\nattention: { window: 1024 }\n');
  near(paper.um2('gain_cell'), 12 * 12 * GAIN_CELL_HEAD_UM2, 1e-9, 'gain_cell at 28 nm');
});

test("area: GPT-2 gain-cell attention at the paper's window of 1024 and node (28 nm) is 0.5 mm² per head and layer", () => {
  const b = build(`${AT_28NM}attention: { window: 1024 }\n`);
  near(b.um2('gain_cell'), 12 * 12 * GAIN_CELL_HEAD_UM2, 1e-9);
  near(b.area.byComponentMm2.gain_cell, 72, 1e-9);
  // Cells: every K and V cell of the window, in 64 × 64 arrays that the window fills exactly.
  const kvCells = b.mapping.kvArrays * 64 * 64;
  assert.equal(kvCells, 12 * 12 * 2 * 1024 * 64);
  near(b.um2('gain_cell'), kvCells * GAIN_CELL_UM2 + 12 * 12 * GAIN_CELL_PERIPHERY_UM2, 1e-9);
});

test('area: gain-cell area grows with batch (own cache per sequence) and with the window (cells only)', () => {
  const one = build(`${AT_28NM}attention: { window: 1024 }\n`);
  const two = build(`${AT_28NM}workload: { batch: 2 }\nattention: { window: 1024 }\n`);
  near(two.um2('gain_cell'), 2 * one.um2('gain_cell'), 1e-9);
  const half = build(`${AT_28NM}attention: { window: 512 }\n`);
  near(half.um2('gain_cell'), 12 * 12 * (15.7e3 / 2 + GAIN_CELL_PERIPHERY_UM2), 1e-9);
  assert.ok(half.um2('gain_cell') < one.um2('gain_cell'));
  // A partly filled array costs its whole area: 1000 tokens take as many arrays as 1024.
  const partial = build(`${AT_28NM}attention: { window: 1000 }\n`);
  assert.equal(partial.um2('gain_cell'), one.um2('gain_cell'));
});

test("area: digital attention in some layers removes those layers' gain-cell area", () => {
  const all = build('attention: { window: 1024 }\n');
  const some = build(
    'attention: { window: 1024 }\nlayers:\n  - layers: [0, 1, 2]\n    attention: { implementation: digital }\n',
  );
  near(some.um2('gain_cell'), (9 / 12) * all.um2('gain_cell'), 1e-9);
  const none = build('attention: { implementation: digital }\n');
  assert.equal(none.area.byComponentMm2.gain_cell, undefined);
});

test('area: the vector unit is always there; the MAC array only when a matrix or attention is digital', () => {
  const mac = MAC_45NM_UM2 * node2(22, 45);
  const analog = build();
  near(analog.um2('digital_unit'), 256 * mac, 1e-9, 'vector lanes only');
  const digitalLayer = build('layers:\n  - layers: [5]\n    weights: { implementation: digital }\n');
  near(digitalLayer.um2('digital_unit'), (256 + 4096) * mac, 1e-9, 'lanes and MAC array');
  const digitalAttention = build('layers:\n  - layers: [5]\n    attention: { implementation: digital }\n');
  near(digitalAttention.um2('digital_unit'), (256 + 4096) * mac, 1e-9, 'lanes and MAC array');
  // The MAC array is counted once, however much is digital.
  const allDigital = build('weights: { implementation: digital }\nattention: { implementation: digital }\n');
  near(allDigital.um2('digital_unit'), (256 + 4096) * mac, 1e-9);
  const resized = build(
    'weights: { implementation: digital }\ncomponents:\n  digital_unit: { mac_units: 1024, vector_lanes: 64 }\n',
  );
  near(resized.um2('digital_unit'), (64 + 1024) * mac, 1e-9);
});

test('area: activation buffers hold two double-buffered vectors of the widest operation per sequence', () => {
  const perKib = SRAM_PER_KIB_32NM_UM2 * node2(22, 32);
  // GPT-2: the widest operation is the FFN's 3072; FP16 is 2 bytes.
  const fp16 = build();
  near(fp16.um2('sram_buffer'), ((2 * 2 * 3072 * 2) / 1024) * perKib, 1e-9);
  const int8 = build('digital: { precision: int8 }\n');
  near(int8.um2('sram_buffer'), fp16.um2('sram_buffer') / 2, 1e-12);
  const batch = build('workload: { batch: 3 }\n');
  near(batch.um2('sram_buffer'), 3 * fp16.um2('sram_buffer'), 1e-12);
});

test('area: digital weights kept in SRAM add their bytes to the buffers; in DRAM they add nothing', () => {
  const perKib = SRAM_PER_KIB_32NM_UM2 * node2(22, 32);
  const layer0 = 'layers:\n  - layers: [0]\n    weights: { implementation: digital }\n';
  const dram = build(`digital: { weight_storage: dram }\n${layer0}`);
  const sram = build(`digital: { weight_storage: sram }\n${layer0}`);
  // GPT-2 block weights: Q, K, V, O (768 × 768 each), FFN up and down (768 × 3072 each); FP16.
  const blockWeights = 4 * 768 * 768 + 2 * 768 * 3072;
  near(sram.um2('sram_buffer') - dram.um2('sram_buffer'), ((blockWeights * 2) / 1024) * perKib, 1e-9);
  near(dram.um2('sram_buffer'), build().um2('sram_buffer'), 1e-12);
  // With nothing digital, where digital weights would live makes no difference.
  assert.equal(
    build('digital: { weight_storage: sram }\n').um2('sram_buffer'),
    build('digital: { weight_storage: dram }\n').um2('sram_buffer'),
  );
});

test('area: component parameters given in the config replace the per-unit areas', () => {
  const b = build(
    'components:\n  adc: { area_um2: 1000 }\n  dac: { area_um2: 1 }\n  accumulator: { area_per_adder_um2: 50 }\n  tile_periphery: { area_per_array_um2: 7 }\n',
  );
  const arrays = b.mapping.weightArrays;
  near(b.um2('adc'), arrays * 64 * 1000, 1e-9);
  near(b.um2('dac'), arrays * 512 * 1, 1e-9);
  // One tree adder per ADC lane, (n − 1) / n of it per array.
  const lanes = b.mapping.matrices.reduce((sum, m) => {
    const g = m.group;
    if (!g) return sum;
    const n = g.blockRows * g.slices * g.polarities;
    return sum + g.arrayCount * 64 * ((n - 1) / n);
  }, 0);
  near(b.um2('accumulator'), lanes * 50, 1e-9);
  near(b.um2('tile_periphery'), arrays * 7, 1e-9);
  const g = build(
    `${AT_28NM}attention: { window: 1024 }\ncomponents:\n  gain_cell: { cell_area_um2: 1, periphery_area_per_head_um2: 0 }\n`,
  );
  near(g.um2('gain_cell'), g.mapping.kvArrays * 64 * 64, 1e-9);
});
