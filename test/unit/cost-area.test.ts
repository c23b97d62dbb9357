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

// Published per-unit figures (see the component sources), at the node they were reported for.
/** ISAAC 8-bit ADC, 32 nm. */
const ADC_8B_32NM_UM2 = 1200;
/** ISAAC: 1024 1-bit DACs in 0.00017 mm², 32 nm. */
const DAC_1B_32NM_UM2 = 0.00017e6 / 1024;
/** ISAAC: 4 shift-and-add units in 0.00024 mm², 32 nm; one per two of the IMA's 8 ADCs. */
const ADDER_32NM_UM2 = 0.00024e6 / 4;
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
  // One shift-and-add unit per two ADCs, as in ISAAC's IMA (4 per 8 ADCs).
  near(b.um2('accumulator'), arrays * 32 * ADDER_32NM_UM2 * s, 1e-9, 'accumulator');
  // ISAAC's tile periphery per array, scaled from 128 × 128 to 512 × 512 by the edges.
  near(b.um2('tile_periphery'), arrays * TILE_PERIPHERY_128_32NM_UM2 * 4 * s, 1e-9, 'tile_periphery');
});

test("area: each analog matrix's array footprint is its cells, ADCs, DACs, adders and tile periphery", () => {
  const b = build();
  const s = node2(22, 32);
  const perArray =
    512 * 512 * cellUm2(48, 22) +
    64 * ADC_8B_32NM_UM2 * s +
    512 * DAC_1B_32NM_UM2 * 128 * s +
    32 * ADDER_32NM_UM2 * s +
    tilePeripheryUm2(512, 512, 22);
  const analog = b.mapping.matrices.filter((m) => m.group !== null);
  assert.equal(b.area.weightArrayAreaUm2.size, analog.length);
  for (const m of analog) near(b.area.weightArrayAreaUm2.get(m.group!)!, perArray, 1e-9, `${m.layer}/${m.matrix}`);
  // The footprints times the array counts are the five array components.
  const arraysUm2 = analog.reduce((sum, m) => sum + b.area.weightArrayAreaUm2.get(m.group!)! * m.group!.arrayCount, 0);
  near(
    arraysUm2,
    b.um2('crossbar') + b.um2('adc') + b.um2('dac') + b.um2('accumulator') + b.um2('tile_periphery'),
    1e-9,
  );
});

test('area: digital matrices have no array footprint and no array components', () => {
  const b = build('layers:\n  - layers: [0]\n    weights: { implementation: digital }\n');
  for (const m of b.mapping.matrices)
    assert.equal(b.area.weightArrayAreaUm2.has(m.group!), m.group !== null, `${m.layer}/${m.matrix}`);
  const d = build('weights: { implementation: digital }\n');
  assert.equal(d.area.weightArrayAreaUm2.size, 0);
  for (const c of ['crossbar', 'adc', 'dac', 'accumulator', 'tile_periphery'])
    assert.equal(d.area.byComponentMm2[c], undefined, c);
});

test('area: the five array components follow the weight array count, whatever the array size', () => {
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
    near(b.um2('accumulator'), arrays * Math.ceil(n / 8 / 2) * ADDER_32NM_UM2 * s, 1e-9, `accumulator ${n}`);
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
  // Shift-and-add units follow the ADCs; the tile periphery follows rows + columns, the same for both.
  near(wide.um2('accumulator') / wide.mapping.weightArrays, 32 * ADDER_32NM_UM2 * s, 1e-9);
  near(tall.um2('accumulator') / tall.mapping.weightArrays, 8 * ADDER_32NM_UM2 * s, 1e-9);
  near(wide.um2('tile_periphery') / wide.mapping.weightArrays, tilePeripheryUm2(128, 512, 22), 1e-9);
  near(tall.um2('tile_periphery') / tall.mapping.weightArrays, tilePeripheryUm2(128, 512, 22), 1e-9);
});

test('area: ADC area ∝ ⌈columns / columns_per_adc⌉, shift-and-add units follow at one per two ADCs', () => {
  const one = build('weights: { adc: { columns_per_adc: 1 } }\n');
  const eight = build('weights: { adc: { columns_per_adc: 8 } }\n');
  const three = build('weights: { adc: { columns_per_adc: 3 } }\n');
  const wide = build('weights: { adc: { columns_per_adc: 4096 } }\n');
  assert.equal(one.mapping.weightArrays, eight.mapping.weightArrays);
  near(one.um2('adc') / eight.um2('adc'), 512 / 64, 1e-12);
  near(three.um2('adc') / one.um2('adc'), Math.ceil(512 / 3) / 512, 1e-12);
  // Sharing beyond the array's width still leaves one ADC per array.
  near(wide.um2('adc') / one.um2('adc'), 1 / 512, 1e-12);
  // ⌈ADCs / 2⌉ shift-and-add units: 256, 32, ⌈171 / 2⌉ = 86, and one for a single ADC.
  near(one.um2('accumulator') / eight.um2('accumulator'), 256 / 32, 1e-12);
  near(three.um2('accumulator') / one.um2('accumulator'), Math.ceil(Math.ceil(512 / 3) / 2) / 256, 1e-12);
  near(wide.um2('accumulator') / one.um2('accumulator'), 1 / 256, 1e-12);
  for (const c of ['crossbar', 'dac', 'tile_periphery', 'gain_cell', 'digital_unit', 'sram_buffer'])
    assert.equal(one.area.byComponentMm2[c], eight.area.byComponentMm2[c], c);
});

test('area: each extra ADC bit doubles the ADC area (SAR capacitor array), nothing else', () => {
  const base = build('weights: { adc: { bits: 8 } }\n');
  for (const bits of [4, 6, 9, 12]) {
    const b = build(`weights: { adc: { bits: ${bits} } }\n`);
    near(b.um2('adc') / base.um2('adc'), 2 ** (bits - 8), 1e-12, `${bits} b`);
    for (const c of ['crossbar', 'dac', 'accumulator', 'tile_periphery'])
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
  // The periphery does not depend on the device.
  for (const c of ['adc', 'dac', 'accumulator', 'tile_periphery'])
    assert.equal(sram.area.byComponentMm2[c], pcm.area.byComponentMm2[c], c);
});

test('area: CMOS parts scale with node²; the gain-cell figures (published at one node) do not', () => {
  const a = build('technology: { node_nm: 22 }\nlayers:\n  - layers: [0]\n    weights: { implementation: digital }\n');
  const b = build('technology: { node_nm: 44 }\nlayers:\n  - layers: [0]\n    weights: { implementation: digital }\n');
  assert.equal(a.mapping.arrays, b.mapping.arrays);
  for (const c of ['crossbar', 'adc', 'dac', 'accumulator', 'tile_periphery', 'digital_unit', 'sram_buffer']) {
    assert.ok(a.um2(c) > 0, c);
    near(b.um2(c) / a.um2(c), 4, 1e-12, c);
  }
  assert.equal(b.um2('gain_cell'), a.um2('gain_cell'));
});

test("area: GPT-2 gain-cell attention at the paper's window of 1024 is 0.5 mm² per head and layer", () => {
  const b = build('attention: { window: 1024 }\n');
  near(b.um2('gain_cell'), 12 * 12 * GAIN_CELL_HEAD_UM2, 1e-9);
  near(b.area.byComponentMm2.gain_cell, 72, 1e-9);
  // Cells: every K and V cell of the window, in 64 × 64 arrays that the window fills exactly.
  const kvCells = b.mapping.kvArrays * 64 * 64;
  assert.equal(kvCells, 12 * 12 * 2 * 1024 * 64);
  near(b.um2('gain_cell'), kvCells * GAIN_CELL_UM2 + 12 * 12 * GAIN_CELL_PERIPHERY_UM2, 1e-9);
});

test('area: gain-cell area grows with batch (own cache per sequence) and with the window (cells only)', () => {
  const one = build('attention: { window: 1024 }\n');
  const two = build('workload: { batch: 2 }\nattention: { window: 1024 }\n');
  near(two.um2('gain_cell'), 2 * one.um2('gain_cell'), 1e-9);
  const half = build('attention: { window: 512 }\n');
  near(half.um2('gain_cell'), 12 * 12 * (15.7e3 / 2 + GAIN_CELL_PERIPHERY_UM2), 1e-9);
  assert.ok(half.um2('gain_cell') < one.um2('gain_cell'));
  // A partly filled array costs its whole area: 1000 tokens take as many arrays as 1024.
  const partial = build('attention: { window: 1000 }\n');
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
  near(b.um2('accumulator'), arrays * 32 * 50, 1e-9);
  near(b.um2('tile_periphery'), arrays * 7, 1e-9);
  const g = build(
    'attention: { window: 1024 }\ncomponents:\n  gain_cell: { cell_area_um2: 1, periphery_area_per_head_um2: 0 }\n',
  );
  near(g.um2('gain_cell'), g.mapping.kvArrays * 64 * 64, 1e-9);
});
