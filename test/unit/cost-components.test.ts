/**
 * The component functions of the cost model (src/engine/components/), each on its own: the
 * published anchor values their source comments cite, the scaling with technology node that
 * scaling.ts states (energy ∝ node, area ∝ node²), monotonicity in bits, and overrides.
 *
 * Expected values are computed here from the cited figures (e.g. ISAAC's 0.00024 mm² for 4
 * shift-and-add units), never copied from the code's output.
 */
import type { ValuesOf } from '../../src/engine/components/types';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accumulationAreaPerArrayUm2, accumulatorSpec, addEnergyJ } from '../../src/engine/components/accumulator';
import { arrayPeripheryAreaUm2, LEVEL_SHIFTER_45NM_UM2 } from '../../src/engine/components/arrayPeriphery';
import {
  adcAreaUm2,
  adcConversionLatencyS,
  adcEnergyPerConversionJ,
  adcSpec,
  adcSurveyEnergyJ,
} from '../../src/engine/components/adc';
import { pcmArraySpec } from '../../src/engine/devices/pcm/array';
import { cellAreaUm2, resistiveReadEnergyPerCellJ } from '../../src/engine/devices/resistiveArray';
import { rramArraySpec } from '../../src/engine/devices/rram/array';
import { sramArraySpec } from '../../src/engine/devices/sram/array';
import {
  attentionDacAreaUm2,
  attentionDacEnergyPerConversionJ,
  attentionDacLatencyS,
  attentionDacSpec,
} from '../../src/engine/components/attentionDac';
import {
  digitalMacEnergyJ,
  digitalUnitSpec,
  macAreaUm2,
  vectorOpEnergyJ,
} from '../../src/engine/components/digitalUnit';
import { dramSpec } from '../../src/engine/components/dram';
import {
  gainCellAreaScale,
  gainCellEnergyScale,
  gainCellQueryLatencyS,
  gainCellSpec,
} from '../../src/engine/components/gainCell';
import {
  COMPONENT_IDS,
  COMPONENT_LIBRARY,
  resolveComponentParameters,
  type ComponentSpec,
} from '../../src/engine/components/index';
import { interconnectSpec } from '../../src/engine/components/interconnect';
import { scaleAreaUm2, scaleEnergyJ } from '../../src/engine/components/scaling';
import {
  sramBufferAreaPerKibUm2,
  sramBufferEnergyPerByteJ,
  sramBufferSpec,
} from '../../src/engine/components/sramBuffer';
import type { CostContext } from '../../src/engine/cost/context';
import { cellAreaOfDeviceUm2, cellReadEnergyJ, cellReadLatencyS } from '../../src/engine/cost/crossbarCell';
import type { ResolvedDesign } from '../../src/engine/config/resolve';
import { resolveNonidealities } from '../../src/engine/functional/settings';

/** Relative closeness; the published figures are given to 2–3 digits, the arithmetic here is exact to ~1e-15. */
function near(actual: number, expected: number, rel = 1e-9, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what} ${actual} is not within ${rel} of ${expected}`,
  );
}

/** Defaults of every component, through the same code path a config without `components:` takes. */
const P = resolveComponentParameters(undefined);
/** The device arrays' values, typed by their specs (the library keeps them by component id). */
const PCM = P.pcm_array as unknown as ValuesOf<typeof pcmArraySpec>;
const RRAM = P.rram_array as unknown as ValuesOf<typeof rramArraySpec>;
const SRAM = P.sram_array as unknown as ValuesOf<typeof sramArraySpec>;
const NODES = [7, 14, 22, 28, 32, 45, 65, 90, 180];

// ---------------------------------------------------------------------------------------------
// scaling.ts

test('scaling: energy is proportional to the node, area to its square', () => {
  for (const from of NODES) {
    for (const to of NODES) {
      near(scaleEnergyJ(1e-12, from, to), 1e-12 * (to / from), 1e-12, `${from}→${to}`);
      near(scaleAreaUm2(100, from, to), 100 * (to / from) ** 2, 1e-12, `${from}→${to}`);
    }
    assert.equal(scaleEnergyJ(3e-12, from, from), 3e-12);
    assert.equal(scaleAreaUm2(7, from, from), 7);
  }
  // Halving the node halves energy and quarters area.
  near(scaleEnergyJ(1, 44, 22), 0.5);
  near(scaleAreaUm2(1, 44, 22), 0.25);
});

test('scaling: composes (a→b→c equals a→c) and is linear in the figure', () => {
  for (const [a, b, c] of [
    [45, 22, 7],
    [32, 65, 14],
    [90, 28, 180],
  ]) {
    near(scaleEnergyJ(scaleEnergyJ(2e-12, a, b), b, c), scaleEnergyJ(2e-12, a, c), 1e-12);
    near(scaleAreaUm2(scaleAreaUm2(50, a, b), b, c), scaleAreaUm2(50, a, c), 1e-12);
    near(scaleEnergyJ(6e-12, a, c), 3 * scaleEnergyJ(2e-12, a, c), 1e-12);
    near(scaleAreaUm2(150, a, c), 3 * scaleAreaUm2(50, a, c), 1e-12);
  }
});

// ---------------------------------------------------------------------------------------------
// Specs and defaults (index.ts, types.ts)

test('every component of the library is keyed by its own id', () => {
  assert.deepEqual([...COMPONENT_IDS].sort(), Object.keys(COMPONENT_LIBRARY).sort());
  for (const id of COMPONENT_IDS) assert.equal(COMPONENT_LIBRARY[id].id, id);
});

test('every parameter states a unit, a description and a source, and its default is within its range', () => {
  for (const id of COMPONENT_IDS) {
    const spec: ComponentSpec = COMPONENT_LIBRARY[id];
    assert.ok(spec.name.length > 0 && spec.description.length > 0, id);
    for (const [name, p] of Object.entries(spec.parameters)) {
      const where = `${id}.${name}`;
      assert.ok(p.description.length > 0, `${where} has no description`);
      assert.ok(p.source.length > 0, `${where} has no source`);
      if (p.default !== null) {
        assert.ok(Number.isFinite(p.default), `${where} default is not finite`);
        if (p.minimum !== undefined) assert.ok(p.default >= p.minimum, `${where} default below its minimum`);
        if (p.maximum !== undefined) assert.ok(p.default <= p.maximum, `${where} default above its maximum`);
      }
      if (p.minimum !== undefined && p.maximum !== undefined) assert.ok(p.minimum <= p.maximum, where);
    }
  }
});

test('parameter units agree with the suffix of their names', () => {
  for (const id of COMPONENT_IDS) {
    const spec: ComponentSpec = COMPONENT_LIBRARY[id];
    for (const [name, p] of Object.entries(spec.parameters)) {
      const where = `${id}.${name} (${p.unit})`;
      if (name.endsWith('_j')) assert.equal(p.unit, 'J', where);
      else if (name.endsWith('_um2')) assert.equal(p.unit, 'um2', where);
      else if (name.endsWith('_f2')) assert.equal(p.unit, 'F2', where);
      else if (name.endsWith('_f')) assert.equal(p.unit, 'F', where);
      else if (name.endsWith('_v')) assert.equal(p.unit, 'V', where);
      else if (name.endsWith('_per_s')) assert.match(p.unit, /\/s$/, where);
      // `_s` is seconds, except for conductances, where it is siemens.
      else if (name.endsWith('_s')) assert.equal(p.unit, name.includes('conductance') ? 'S' : 's', where);
      else if (name.endsWith('_bits')) assert.equal(p.unit, 'bits', where);
    }
  }
});

test('resolveComponentParameters: spec defaults, with overrides on top of the named component only', () => {
  for (const id of COMPONENT_IDS) {
    const spec: ComponentSpec = COMPONENT_LIBRARY[id];
    assert.deepEqual(Object.keys(P[id]).sort(), Object.keys(spec.parameters).sort(), id);
    for (const [name, p] of Object.entries(spec.parameters)) assert.equal(P[id][name], p.default, `${id}.${name}`);
  }
  const o = resolveComponentParameters({ adc: { energy_scale: 2 }, dram: { energy_per_byte_j: 5e-12 } });
  assert.equal(o.adc.energy_scale, 2);
  assert.equal(o.adc.area_um2, null, 'parameters not overridden keep their default');
  assert.equal(o.dram.energy_per_byte_j, 5e-12);
  assert.equal(o.dram.bandwidth_bytes_per_s, dramSpec.parameters.bandwidth_bytes_per_s.default);
  assert.deepEqual(o.dac, P.dac);
  // Resolving does not change the library's defaults.
  assert.equal(resolveComponentParameters(undefined).adc.energy_scale, 1);
});

// ---------------------------------------------------------------------------------------------
// adc.ts

const SURVEY: Record<number, Array<[number, number]>> = {
  // Cited in adcSpec: 22 nm: 4 b 0.46 pJ, 6 b 0.53 pJ, 8 b 0.85 pJ, 10 b 1.6 pJ; 65 nm: 3.5, 4.0, 6.5, 12.5 pJ.
  22: [
    [4, 0.46],
    [6, 0.53],
    [8, 0.85],
    [10, 1.6],
  ],
  65: [
    [4, 3.5],
    [6, 4.0],
    [8, 6.5],
    [10, 12.5],
  ],
};

test('ADC: the survey fit passes through every tabulated point it cites', () => {
  for (const [node, points] of Object.entries(SURVEY)) {
    for (const [bits, pJ] of points)
      near(adcSurveyEnergyJ(bits, Number(node)), pJ * 1e-12, 1e-9, `${bits} b at ${node} nm`);
  }
  assert.match(
    adcSpec.parameters.energy_per_conversion_j.source,
    /22 nm: 4 b 0\.46 pJ, 6 b 0\.53 pJ, 8 b 0\.85 pJ, 10 b 1\.6 pJ; 65 nm: 3\.5, 4\.0, 6\.5, 12\.5 pJ/,
  );
});

test('ADC: log-linear in bits between tabulated points, log-log in node between 22 and 65 nm', () => {
  // Midway in bits: the geometric mean of the neighbours.
  near(adcSurveyEnergyJ(5, 22), Math.sqrt(0.46 * 0.53) * 1e-12, 1e-9);
  near(adcSurveyEnergyJ(9, 65), Math.sqrt(6.5 * 12.5) * 1e-12, 1e-9);
  // Midway in log-node: the geometric mean of the two tables.
  const mid = Math.sqrt(22 * 65);
  for (const bits of [4, 6, 8, 10]) {
    const e22 = SURVEY[22].find(([b]) => b === bits)![1];
    const e65 = SURVEY[65].find(([b]) => b === bits)![1];
    near(adcSurveyEnergyJ(bits, mid), Math.sqrt(e22 * e65) * 1e-12, 1e-9, `${bits} b`);
  }
});

test('ADC: flat below 4 bits, ×2 per bit above 10 bits, as the comments state', () => {
  for (const node of [22, 45, 65]) {
    for (const bits of [1, 2, 3])
      near(adcSurveyEnergyJ(bits, node), adcSurveyEnergyJ(4, node), 1e-12, `${bits} b at ${node} nm`);
    for (const bits of [11, 12, 14, 16])
      near(
        adcSurveyEnergyJ(bits, node),
        adcSurveyEnergyJ(10, node) * 2 ** (bits - 10),
        1e-9,
        `${bits} b at ${node} nm`,
      );
  }
});

test('ADC: energy never falls with more bits and grows with the node', () => {
  for (const node of NODES) {
    for (let bits = 1; bits < 16; bits++)
      assert.ok(adcSurveyEnergyJ(bits + 1, node) >= adcSurveyEnergyJ(bits, node), `${bits} b at ${node} nm`);
    // Strictly above 4 bits, where the survey is not flat.
    for (let bits = 4; bits < 16; bits++)
      assert.ok(adcSurveyEnergyJ(bits + 1, node) > adcSurveyEnergyJ(bits, node), `${bits} b at ${node} nm`);
  }
  for (let bits = 1; bits <= 16; bits++) {
    for (let i = 1; i < NODES.length; i++)
      assert.ok(adcSurveyEnergyJ(bits, NODES[i]) > adcSurveyEnergyJ(bits, NODES[i - 1]), `${bits} b`);
  }
});

test("ADC: the survey fit is within a factor 1.5 of ISAAC's 8-bit ADC (2 mW at 1.28 GS/s, 32 nm)", () => {
  // The same ISAAC ADC is the area anchor; its energy per conversion is 2 mW / 1.28 GS/s = 1.5625 pJ.
  const isaac = 2e-3 / 1.28e9;
  const fit = adcSurveyEnergyJ(8, 32);
  assert.ok(fit / isaac < 1.5 && isaac / fit < 1.5, `${fit} vs ${isaac}`);
});

test('ADC: a SAR conversion costs the survey fit, times energy_scale; an explicit energy is taken as given', () => {
  for (const [bits, node] of [
    [8, 22],
    [6, 45],
    [12, 7],
  ]) {
    assert.equal(adcEnergyPerConversionJ(P.adc, 'sar', bits, node), adcSurveyEnergyJ(bits, node));
    near(
      adcEnergyPerConversionJ({ ...P.adc, energy_scale: 2 }, 'sar', bits, node),
      2 * adcSurveyEnergyJ(bits, node),
      1e-12,
    );
    // An explicit energy ignores kind, bits and node, and energy_scale does not apply to it.
    for (const kind of ['sar', 'flash', 'mlsa'] as const) {
      assert.equal(adcEnergyPerConversionJ({ ...P.adc, energy_per_conversion_j: 3e-12 }, kind, bits, node), 3e-12);
      assert.equal(
        adcEnergyPerConversionJ({ ...P.adc, energy_per_conversion_j: 3e-12, energy_scale: 5 }, kind, bits, node),
        3e-12,
      );
    }
  }
  assert.equal(adcEnergyPerConversionJ({ ...P.adc, energy_scale: 0 }, 'sar', 8, 22), 0);
});

test('ADC: a SAR conversion takes bits + 1 clock cycles (NeuroSim: log2(levels) + 1)', () => {
  for (const bits of [1, 4, 8, 12]) {
    const levels = 2 ** bits;
    near(adcConversionLatencyS(P.adc, 'sar', bits, 1e9), (Math.log2(levels) + 1) * 1e-9, 1e-12, `${bits} b`);
    near(adcConversionLatencyS(P.adc, 'sar', bits, 2e9), (bits + 1) / 2e9, 1e-12, `${bits} b at 2 GHz`);
  }
  near(adcConversionLatencyS({ ...P.adc, cycles_per_conversion: 3 }, 'sar', 8, 1e9), 3e-9, 1e-12);
  // More bits, slower; faster clock, faster.
  assert.ok(adcConversionLatencyS(P.adc, 'sar', 9, 1e9) > adcConversionLatencyS(P.adc, 'sar', 8, 1e9));
  assert.ok(adcConversionLatencyS(P.adc, 'sar', 8, 2e9) < adcConversionLatencyS(P.adc, 'sar', 8, 1e9));
});

test("ADC area: ISAAC's 1200 µm² at 8 bits and 32 nm, ×2 per bit, ∝ node²", () => {
  near(adcAreaUm2(P.adc, 8, 32), 1200, 1e-12);
  near(adcAreaUm2(P.adc, 9, 32), 2400, 1e-12);
  near(adcAreaUm2(P.adc, 6, 32), 300, 1e-12);
  near(adcAreaUm2(P.adc, 8, 16), 300, 1e-12);
  near(adcAreaUm2(P.adc, 8, 22), 1200 * (22 / 32) ** 2, 1e-12);
  for (const node of NODES)
    for (let bits = 1; bits < 16; bits++)
      near(adcAreaUm2(P.adc, bits + 1, node) / adcAreaUm2(P.adc, bits, node), 2, 1e-12);
  assert.equal(adcAreaUm2({ ...P.adc, area_um2: 500 }, 12, 7), 500);
});

// ---------------------------------------------------------------------------------------------
// attentionDac.ts (the gain-cell query DAC; the crossbar row drivers are in cost-row-driver.test.ts)

const ADAC = P.attention_dac;

test("attention DAC: the reference energy is Leroux et al.'s 330 pJ over 16 × 64 conversions (0.322 pJ)", () => {
  assert.equal(attentionDacSpec.id, 'attention_dac');
  near(ADAC.reference_energy_j!, 330e-12 / (16 * 64), 1e-12);
  near(ADAC.reference_energy_j!, 0.322e-12, 1e-3);
  // At the reference point (4-bit queries on 64-cell lines) one conversion costs the reference.
  near(attentionDacEnergyPerConversionJ(ADAC, 4, 64, 28), 330e-12 / 1024, 1e-12);
  // The paper's 16 sub-tiles × 64 rows then cost its 330 pJ.
  near(16 * 64 * attentionDacEnergyPerConversionJ(ADAC, 4, 64, 28), 330e-12, 1e-12);
});

test('attention DAC: energy ∝ cells on the line × bits, and an explicit energy wins', () => {
  const e0 = attentionDacEnergyPerConversionJ(ADAC, 4, 64, 28);
  near(attentionDacEnergyPerConversionJ(ADAC, 4, 128, 28), 2 * e0, 1e-12);
  near(attentionDacEnergyPerConversionJ(ADAC, 8, 64, 28), 2 * e0, 1e-12);
  near(attentionDacEnergyPerConversionJ(ADAC, 1, 512, 28), e0 * (512 / 64) * (1 / 4), 1e-12);
  for (let bits = 1; bits < 16; bits++)
    assert.ok(
      attentionDacEnergyPerConversionJ(ADAC, bits + 1, 64, 28) > attentionDacEnergyPerConversionJ(ADAC, bits, 64, 28),
    );
  // Moving the reference point moves the energy accordingly.
  near(
    attentionDacEnergyPerConversionJ({ ...ADAC, reference_bits: 8, reference_cells: 128 }, 8, 128, 28),
    ADAC.reference_energy_j!,
    1e-12,
  );
  assert.equal(attentionDacEnergyPerConversionJ({ ...ADAC, energy_per_conversion_j: 1e-13 }, 8, 512, 28), 1e-13);
});

test('attention DAC: settles in one clock cycle unless a latency is given', () => {
  near(attentionDacLatencyS(ADAC, 1e9), 1e-9, 1e-12);
  near(attentionDacLatencyS(ADAC, 2.5e9), 0.4e-9, 1e-12);
  assert.equal(attentionDacLatencyS({ ...ADAC, latency_s: 3e-9 }, 1e9), 3e-9);
});

test("attention DAC area: ISAAC's 1024 1-bit DACs in 0.00017 mm² at 32 nm, ×2^(bits−1), ∝ node²", () => {
  const oneBit = 0.00017e6 / 1024; // µm²
  near(oneBit, 0.166, 1e-2); // the 0.166 µm² of the description
  near(attentionDacAreaUm2(ADAC, 1, 32), oneBit, 1e-12);
  near(attentionDacAreaUm2(ADAC, 8, 32), oneBit * 128, 1e-12);
  near(attentionDacAreaUm2(ADAC, 1, 64), oneBit * 4, 1e-12);
  for (let bits = 1; bits < 16; bits++)
    near(attentionDacAreaUm2(ADAC, bits + 1, 22) / attentionDacAreaUm2(ADAC, bits, 22), 2, 1e-12);
  assert.equal(attentionDacAreaUm2({ ...ADAC, area_um2: 2 }, 8, 7), 2);
  assert.match(attentionDacSpec.parameters.area_um2.source, /1024 1-bit DACs in 0\.00017 mm²/);
});

// ---------------------------------------------------------------------------------------------
// accumulator.ts

test("accumulator: a 32-bit add is Horowitz's 0.1 pJ at 45 nm, linear in width, ∝ node", () => {
  near(addEnergyJ({ ...P.accumulator, accumulator_bits: 32 }, 45), 0.1e-12, 1e-12);
  near(addEnergyJ({ ...P.accumulator, accumulator_bits: 16 }, 45), 0.05e-12, 1e-12);
  // No fixed register width by default: the width of the add is passed in (32 bits when not).
  assert.equal(P.accumulator.accumulator_bits, null);
  near(addEnergyJ(P.accumulator, 45), 0.1e-12, 1e-12);
  near(addEnergyJ(P.accumulator, 45, 24), (0.1e-12 * 24) / 32, 1e-12);
  near(addEnergyJ(P.accumulator, 22, 24), 0.1e-12 * (24 / 32) * (22 / 45), 1e-12);
  // A configured width wins over the one passed in.
  near(addEnergyJ({ ...P.accumulator, accumulator_bits: 16 }, 45, 11.3), 0.05e-12, 1e-12);
  for (let bits = 1; bits < 64; bits++)
    assert.ok(
      addEnergyJ({ ...P.accumulator, accumulator_bits: bits + 1 }, 22) >
        addEnergyJ({ ...P.accumulator, accumulator_bits: bits }, 22),
    );
  // "About linear": Horowitz's 8-bit add (0.03 pJ) is within 20% of the linear model's 8-bit figure.
  const eight = addEnergyJ({ ...P.accumulator, accumulator_bits: 8 }, 45);
  assert.ok(Math.abs(eight - 0.03e-12) <= 0.2 * 0.03e-12, `${eight}`);
  assert.equal(addEnergyJ({ ...P.accumulator, energy_per_add_j: 7e-14 }, 7), 7e-14);
});

test('accumulator area: per ADC, a row-group accumulator, an input shift-and-add and its share of the adder tree', () => {
  const bit45 = 4.256 + 4.522; // Nangate 45 nm FA_X1 + DFF_X1
  const shape = { adcs: 16, adcBits: 4, rowGroups: 4, inputCycles: 8, arraysPerOutput: 48 };
  // Widths 4 + 2 = 6 bits (row groups), 6 + 8 = 14 (input bits), tree adders 14 + 6 = 20 bits, 47/48 per array.
  const expected = 16 * (6 * bit45 + 14 * bit45 + (47 / 48) * 20 * 4.256);
  near(accumulationAreaPerArrayUm2(P.accumulator, 45, shape), expected, 1e-12);
  near(accumulationAreaPerArrayUm2(P.accumulator, 22.5, shape), expected / 4, 1e-12);
  // Nothing to add: one row group, one input cycle, one array per output.
  assert.equal(
    accumulationAreaPerArrayUm2(P.accumulator, 22, { ...shape, rowGroups: 1, inputCycles: 1, arraysPerOutput: 1 }),
    0,
  );
  // Each stage grows with the ADC bits.
  assert.ok(
    accumulationAreaPerArrayUm2(P.accumulator, 22, { ...shape, adcBits: 5 }) >
      accumulationAreaPerArrayUm2(P.accumulator, 22, shape),
  );
  // A set stage area replaces the bit-level estimate: 2 stages + 47/48 of a tree adder per ADC.
  near(
    accumulationAreaPerArrayUm2({ ...P.accumulator, area_per_adder_um2: 10 }, 7, shape),
    16 * 10 * (2 + 47 / 48),
    1e-12,
  );
  assert.match(accumulatorSpec.parameters.area_per_adder_um2.source, /FA_X1 4\.256.*DFF_X1 4\.522/);
});

test('array periphery: switches per row and column, a mux per ADC, level shifters only above 1.5 V', () => {
  const P45 = P.array_periphery;
  const a = { rows: 128, cols: 128, adcs: 16, columnsPerAdc: 8, device: 'rram' };
  const e = arrayPeripheryAreaUm2(P45, a, 45);
  near(e.rowSwitches, 128 * (4.522 + 0.532), 1e-12);
  near(e.columnSwitches, 128 * (4.522 + 0.532), 1e-12);
  near(e.columnMuxes, 16 * 7 * 1.862 + 8 * (0.798 + 0.532), 1e-12);
  near(e.levelShifters, (2 * 128 + 128) * LEVEL_SHIFTER_45NM_UM2, 1e-12);
  // NeuroSim's level shifter, sized by the Nangate drive rule: about 59 µm² at 45 nm, 14 µm² at 22 nm.
  assert.ok(Math.abs(LEVEL_SHIFTER_45NM_UM2 - 58.9) < 0.1, `${LEVEL_SHIFTER_45NM_UM2}`);
  assert.equal(arrayPeripheryAreaUm2(P45, { ...a, device: 'sram' }, 45).levelShifters, 0);
  assert.equal(arrayPeripheryAreaUm2({ ...P45, write_voltage_v: 1.5 }, a, 45).levelShifters, 0);
  assert.equal(arrayPeripheryAreaUm2(P45, { ...a, columnsPerAdc: 1, adcs: 128 }, 45).columnMuxes, 0);
  // node² scaling
  const half = arrayPeripheryAreaUm2(P45, a, 22.5);
  near(half.levelShifters, e.levelShifters / 4, 1e-12);
  near(half.rowSwitches, e.rowSwitches / 4, 1e-12);
});

// ---------------------------------------------------------------------------------------------
// digitalUnit.ts

test('digital unit: Horowitz 45 nm energies: FP16 MAC 1.1 + 0.4 pJ, INT8 MAC 0.2 + 0.1 pJ, vector op 0.75 pJ', () => {
  near(digitalMacEnergyJ(P.digital_unit, 'fp16', 45), 1.1e-12 + 0.4e-12, 1e-12);
  near(digitalMacEnergyJ(P.digital_unit, 'int8', 45), 0.2e-12 + 0.1e-12, 1e-12);
  near(vectorOpEnergyJ(P.digital_unit, 45), (1.1e-12 + 0.4e-12) / 2, 1e-12);
  for (const node of NODES) {
    near(digitalMacEnergyJ(P.digital_unit, 'fp16', node), 1.5e-12 * (node / 45), 1e-12, `${node} nm`);
    near(digitalMacEnergyJ(P.digital_unit, 'int8', node), 0.3e-12 * (node / 45), 1e-12, `${node} nm`);
    near(vectorOpEnergyJ(P.digital_unit, node), 0.75e-12 * (node / 45), 1e-12, `${node} nm`);
    assert.ok(digitalMacEnergyJ(P.digital_unit, 'int8', node) < digitalMacEnergyJ(P.digital_unit, 'fp16', node));
  }
  const o = { ...P.digital_unit, fp16_mac_energy_j: 1e-12, int8_mac_energy_j: 2e-13, vector_op_energy_j: 3e-13 };
  assert.equal(digitalMacEnergyJ(o, 'fp16', 7), 1e-12);
  assert.equal(digitalMacEnergyJ(o, 'int8', 7), 2e-13);
  assert.equal(vectorOpEnergyJ(o, 7), 3e-13);
});

test("digital unit area: an FP16 MAC is Horowitz's multiplier 1640 µm² + adder 1360 µm² at 45 nm, ∝ node²", () => {
  near(macAreaUm2(P.digital_unit, 45), 1640 + 1360, 1e-12);
  for (const node of NODES) near(macAreaUm2(P.digital_unit, node), 3000 * (node / 45) ** 2, 1e-12, `${node} nm`);
  assert.equal(macAreaUm2({ ...P.digital_unit, mac_area_um2: 100 }, 7), 100);
  assert.equal(P.digital_unit.mac_units, 64 * 64, 'a 64 × 64 systolic array');
  assert.match(digitalUnitSpec.parameters.mac_area_um2.source, /1640 µm², adder 1360 µm²/);
});

// ---------------------------------------------------------------------------------------------
// sramBuffer.ts, dram.ts, interconnect.ts

test('SRAM buffer: 10 pJ per 64-bit read of an 8 KB SRAM at 45 nm (1.25 pJ/B), ∝ node', () => {
  near(sramBufferEnergyPerByteJ(P.sram_buffer, 45), 10e-12 / 8, 1e-12);
  for (const node of NODES)
    near(sramBufferEnergyPerByteJ(P.sram_buffer, node), 1.25e-12 * (node / 45), 1e-12, `${node} nm`);
  assert.equal(sramBufferEnergyPerByteJ({ ...P.sram_buffer, energy_per_byte_j: 2e-12 }, 7), 2e-12);
  assert.equal(P.sram_buffer.bytes_per_cycle, 512 / 8, 'one 512-bit port');
});

test("SRAM buffer area: ISAAC's 2 KB output register in 0.00077 mm² at 32 nm, per KiB, ∝ node²", () => {
  near(sramBufferAreaPerKibUm2(P.sram_buffer, 32), 0.00077e6 / 2, 1e-12);
  near(sramBufferAreaPerKibUm2(P.sram_buffer, 64), 4 * 385, 1e-12);
  assert.equal(sramBufferAreaPerKibUm2({ ...P.sram_buffer, area_per_kib_um2: 9 }, 7), 9);
  assert.match(sramBufferSpec.parameters.area_per_kib_um2.source, /2 KB, 0\.00077 mm²/);
});

test('DRAM: LPDDR5 256-bit at 6400 MT/s is 204.8 GB/s; energy per byte is a midpoint of its stated 10–30 pJ/B', () => {
  near(dramSpec.parameters.bandwidth_bytes_per_s.default!, (256 / 8) * 6400e6, 1e-12);
  near(P.dram.bandwidth_bytes_per_s!, 204.8e9, 1e-12);
  near(P.dram.energy_per_byte_j!, (10e-12 + 30e-12) / 2, 1e-12);
});

test('DRAM energy per byte lies in the 10–30 pJ/B band its source cites, and says why it is below Horowitz’s DDR3 figure', () => {
  const e = P.dram.energy_per_byte_j;
  assert.ok(e >= 10e-12 && e <= 30e-12, `${e} J/B is outside 10–30 pJ/B`);
  // HBM at 3–4 pJ/bit is 24–32 pJ/B: the default is the band's midpoint, not below HBM by more than ×1.6.
  assert.ok(e >= (3e-12 * 8) / 1.6);
  const source = dramSpec.parameters.energy_per_byte_j.source;
  assert.match(source, /HBM ≈ 3–4 pJ\/bit/);
  // Horowitz's 1.3–2.6 nJ per 64 bits is 162–325 pJ/B: the source must not present it as this figure.
  assert.match(source, /8–16× more/);
});

test('interconnect: 0.1 pJ/bit/mm on chip, 1 pJ/bit between chips, one 1 GHz cycle per 10 mm', () => {
  assert.equal(interconnectSpec.parameters.energy_per_bit_mm_j.default, 0.1e-12);
  assert.equal(interconnectSpec.parameters.chip_link_energy_per_bit_j.default, 1e-12);
  near(P.interconnect.latency_per_mm_s!, 1e-9 / 10, 1e-12);
  // Leaving the chip costs more per bit than crossing a millimetre of it.
  assert.ok(P.interconnect.chip_link_energy_per_bit_j! > P.interconnect.energy_per_bit_mm_j!);
});

// ---------------------------------------------------------------------------------------------
// gainCell.ts (Leroux et al. 2025)

test("gain cell: per-unit defaults reproduce the paper's per-head totals at window 1024, head dim 64", () => {
  const macs = 1024 * 64;
  const subtileOutputs = 16 * 64;
  const g = P.gain_cell;
  near(g.qk_energy_per_mac_j! * macs, 1120e-12, 1e-12);
  near(g.av_energy_per_mac_j! * macs, 700e-12, 1e-12);
  near(g.subtile_output_energy_j! * subtileOutputs, 4e-9, 1e-12);
  // With the DAC's 330 pJ: the paper's 6.15 nJ per head per token.
  const dac = subtileOutputs * attentionDacEnergyPerConversionJ(P.attention_dac, 4, 64, 28);
  near(
    g.qk_energy_per_mac_j! * macs + g.av_energy_per_mac_j! * macs + g.subtile_output_energy_j! * subtileOutputs + dac,
    6.15e-9,
    1e-9,
  );
  // The per-unit figures docs/cost-model.md quotes.
  near(g.qk_energy_per_mac_j!, 17.1e-15, 1e-2);
  near(g.av_energy_per_mac_j!, 10.7e-15, 1e-2);
  near(g.subtile_output_energy_j!, 3.91e-12, 1e-2);
  assert.equal(g.write_energy_per_cell_j, 0, 'writes are folded into the DAC and digital figures');
});

test("gain cell: two 15 ns pulse windows plus 35 ns digital make the paper's 65 ns per token", () => {
  const g = P.gain_cell;
  near(g.pulse_max_s!, 15e-9, 1e-12);
  near(2 * g.pulse_max_s! + g.digital_latency_s!, 65e-9, 1e-12);
  // "consistent with 4 nJ at the reported 113.7 mW digital power (35.2 ns)"
  const fromPower = 4e-9 / 113.7e-3;
  near(fromPower, 35.2e-9, 1e-3);
  assert.ok(Math.abs(g.digital_latency_s! - fromPower) / fromPower < 0.01);
  near(g.retention_s!, 5e-3, 1e-12);
});

test('gain cell: figures are given at 28 nm and scale with the node (energy ∝ node, area ∝ node²)', () => {
  const g = P.gain_cell;
  assert.equal(g.reference_node_nm, 28);
  near(gainCellEnergyScale(g, 28), 1, 1e-12);
  near(gainCellEnergyScale(g, 14), 0.5, 1e-12);
  near(gainCellAreaScale(g, 14), 0.25, 1e-12);
  near(gainCellEnergyScale({ ...g, reference_node_nm: 22 }, 22), 1, 1e-12);
  // The query DAC too.
  near(attentionDacEnergyPerConversionJ(P.attention_dac, 4, 64, 14), 330e-12 / 1024 / 2, 1e-12);
});

test('gain cell latency: the paper’s 65 ns at 16 sub-tiles; one clock per doubling; rounds when sub-tiles are limited', () => {
  const g = P.gain_cell;
  const at = (subtiles: number, p = g) => gainCellQueryLatencyS(p, subtiles, 1e9);
  near(at(16).scoresS + at(16).valuesS, 65e-9, 1e-12);
  near(at(32).scoresS + at(32).valuesS, 66e-9, 1e-12);
  near(at(4).scoresS + at(4).valuesS, 63e-9, 1e-12);
  assert.equal(at(16).rounds, 1);
  // Four sub-tiles at a time: 16 sub-tiles take four rounds of both pulse windows.
  const limited = at(16, { ...g, parallel_subtiles: 4 });
  assert.equal(limited.rounds, 4);
  near(limited.scoresS + limited.valuesS, 4 * 30e-9 + 35e-9, 1e-12);
});

test('gain cell area: 15.7e-3 mm² for 2 × 1024 × 64 cells, and about 0.5 mm² per head with periphery', () => {
  const g = P.gain_cell;
  near(g.cell_area_um2! * 2 * 1024 * 64, 15.7e-3 * 1e6, 1e-12);
  near(g.cell_area_um2!, 0.12, 0.01); // docs: 0.12 µm² per cell
  near(g.cell_area_um2! * 2 * 1024 * 64 + g.periphery_area_per_head_um2!, 0.5e6, 1e-12);
  near(g.periphery_area_per_head_um2!, 0.48e6, 0.01); // docs: 0.48 mm² of periphery per head
  assert.equal(gainCellSpec.id, 'gain_cell');
});

// ---------------------------------------------------------------------------------------------
// arrays/* and the per-device dispatch in cost/crossbarCell.ts

test("resistive read: V² · G · t per cell (Ohm's law over the read pulse), G = g_min + level · (g_max − g_min)", () => {
  const base = { read_voltage_v: 0.2, read_pulse_s: 10e-9 };
  const e = (p = base, gMin = 0, gMax = 20e-6, level = 0.5) => resistiveReadEnergyPerCellJ(p, gMin, gMax, level);
  near(e(), 0.04 * 10e-6 * 10e-9, 1e-12);
  near(e({ ...base, read_voltage_v: 0.4 }), 4 * e(), 1e-12);
  near(e({ ...base, read_pulse_s: 5e-9 }), 0.5 * e(), 1e-12);
  near(e(base, 0, 60e-6), 3 * e(), 1e-12);
  assert.equal(e({ ...base, read_voltage_v: 0 }), 0);
  // The level spans the range: 0 reads g_min, 1 reads g_max, and the energy is linear in between.
  near(e(base, 2e-6, 20e-6, 0), 0.04 * 2e-6 * 10e-9, 1e-12);
  near(e(base, 2e-6, 20e-6, 1), 0.04 * 20e-6 * 10e-9, 1e-12);
  near(e(base, 2e-6, 20e-6, 0.25), 0.75 * e(base, 2e-6, 20e-6, 0) + 0.25 * e(base, 2e-6, 20e-6, 1), 1e-12);
  assert.equal(e(base, 0, 20e-6, 0), 0);
});

/** The devices' resolved `nonidealities.<id>` sections at their defaults. */
const DEVICE_SETTINGS = resolveNonidealities(undefined).devices;

test("PCM: 0.2 V reads of 10 ns over aihwkit's 0 to 25 µS: 5 fJ per cell at mid-range, ∝ the stored level", () => {
  assert.equal('mean_conductance_s' in PCM, false, 'the conductance comes from the device range, not a parameter');
  const ctx = cellContext();
  // Mid-range is the old default of half of g_max.
  near(cellReadEnergyJ(ctx, 'pcm', 0.5), 0.2 ** 2 * 12.5e-6 * 10e-9, 1e-12);
  near(cellReadEnergyJ(ctx, 'pcm', 0.5), 5e-15, 1e-9);
  near(cellReadEnergyJ(ctx, 'pcm', 1), 0.2 ** 2 * 25e-6 * 10e-9, 1e-12);
  // g_min is 0: an empty cell draws nothing, and the energy is proportional to the level.
  assert.equal(cellReadEnergyJ(ctx, 'pcm', 0), 0);
  near(cellReadEnergyJ(ctx, 'pcm', 0.08), 0.16 * cellReadEnergyJ(ctx, 'pcm', 0.5), 1e-12);
  // The range follows `nonidealities.pcm.g_max_us`.
  const pcm = DEVICE_SETTINGS.pcm as { gMaxUs: number };
  near(pcm.gMaxUs, 25, 1e-12);
  const wider = cellContext(P, { ...DEVICE_SETTINGS, pcm: { ...pcm, gMaxUs: 50 } });
  near(cellReadEnergyJ(wider, 'pcm', 0.5), 2 * cellReadEnergyJ(ctx, 'pcm', 0.5), 1e-12);
  assert.equal(pcmArraySpec.parameters.cell_area_f2.default, 4 * 12);
});

test("RRAM: NeuroSim's 0.5 V, 10 ns reads over 1/R_off (1.7 MΩ) to 1/R_on (100 kΩ)", () => {
  assert.equal('mean_conductance_s' in RRAM, false);
  const ctx = cellContext();
  const gOn = 1 / 100e3;
  const gOff = 1 / 1.7e6;
  near(cellReadEnergyJ(ctx, 'rram', 0), 0.25 * gOff * 10e-9, 1e-12);
  near(cellReadEnergyJ(ctx, 'rram', 1), 0.25 * gOn * 10e-9, 1e-12);
  // Mid-range is the old default, the mean of the on and off conductances.
  near(cellReadEnergyJ(ctx, 'rram', 0.5), 0.25 * ((gOn + gOff) / 2) * 10e-9, 1e-12);
  // The range follows `nonidealities.rram.r_on_ohm` / `r_off_ohm`.
  const rram = DEVICE_SETTINGS.rram as { rOnOhm: number; rOffOhm: number };
  const halfOn = cellContext(P, { ...DEVICE_SETTINGS, rram: { ...rram, rOnOhm: 50e3 } });
  near(cellReadEnergyJ(halfOn, 'rram', 1), 2 * cellReadEnergyJ(ctx, 'rram', 1), 1e-12);
  assert.equal(cellReadEnergyJ(halfOn, 'rram', 0), cellReadEnergyJ(ctx, 'rram', 0));
  assert.equal(rramArraySpec.parameters.read_voltage_v.default, 0.5);
  assert.equal(rramArraySpec.parameters.cell_area_f2.default, 4 * 12);
});

test('cell area: F² footprint at the node (PCM, RRAM 4F × 12F; SRAM 8F × 24F), ∝ node²', () => {
  near(cellAreaUm2(PCM, 22), 48 * 0.022 ** 2, 1e-12);
  near(cellAreaUm2(SRAM, 22), 192 * 0.022 ** 2, 1e-12);
  assert.equal(sramArraySpec.parameters.cell_area_f2.default, 8 * 24);
  for (const node of NODES) near(cellAreaUm2(RRAM, 2 * node) / cellAreaUm2(RRAM, node), 4, 1e-12, `${node} nm`);
  assert.equal(cellAreaUm2({ cell_area_f2: 6 }, 1000), 6, 'at F = 1 µm, F² = 1 µm²');
});

/** Just what the per-cell functions read: parameters, technology and the devices' settings. */
function cellContext(p = P, deviceSettings: Record<string, unknown> = DEVICE_SETTINGS): CostContext {
  return { p, nodeNm: 22, clockHz: 1e9, design: { deviceSettings } as unknown as ResolvedDesign };
}

test('crossbar cells by device: SRAM bit-line charge C · V_dd · ΔV where a 1 is stored, ideal costs as PCM', () => {
  const ctx = cellContext();
  // An 8T cell's read port discharges its bit line only where it stores a 1: ∝ the stored level.
  near(cellReadEnergyJ(ctx, 'sram', 1), 0.2e-15 * 0.8 * 0.1, 1e-12);
  near(cellReadEnergyJ(ctx, 'sram', 0.5), 0.5 * 0.2e-15 * 0.8 * 0.1, 1e-12);
  assert.equal(cellReadEnergyJ(ctx, 'sram', 0), 0);
  for (const level of [0, 0.3, 1])
    assert.equal(cellReadEnergyJ(ctx, 'ideal', level), cellReadEnergyJ(ctx, 'pcm', level));
  // Each device reads with its own parameters: overriding one leaves the others alone.
  const o = cellContext(resolveComponentParameters({ rram_array: { read_voltage_v: 1 } }));
  near(cellReadEnergyJ(o, 'rram', 0.5), 4 * cellReadEnergyJ(ctx, 'rram', 0.5), 1e-12);
  assert.equal(cellReadEnergyJ(o, 'pcm', 0.5), cellReadEnergyJ(ctx, 'pcm', 0.5));
  assert.equal(cellReadEnergyJ(o, 'sram', 0.5), cellReadEnergyJ(ctx, 'sram', 0.5));
});

test('crossbar cells by device: read latency is the read pulse (SRAM: one 1 GHz clock), area its footprint', () => {
  const ctx = cellContext();
  assert.equal(cellReadLatencyS(ctx, 'pcm'), 10e-9);
  assert.equal(cellReadLatencyS(ctx, 'rram'), 10e-9);
  near(cellReadLatencyS(ctx, 'sram'), 1 / 1e9, 1e-12);
  assert.equal(cellReadLatencyS(ctx, 'ideal'), cellReadLatencyS(ctx, 'pcm'));
  near(cellAreaOfDeviceUm2(ctx, 'sram') / cellAreaOfDeviceUm2(ctx, 'pcm'), 192 / 48, 1e-12);
  assert.equal(cellAreaOfDeviceUm2(ctx, 'ideal'), cellAreaOfDeviceUm2(ctx, 'pcm'));
  assert.equal(cellAreaOfDeviceUm2(ctx, 'rram'), cellAreaOfDeviceUm2(ctx, 'pcm'));
});

test('a misspelt component parameter is a compile error, not a silent zero', () => {
  // `npm test` type-checks this file: if the parameters lost their types, the directive below would
  // be unused and the type check would fail.
  // @ts-expect-error `bitz` is not a parameter of the ADC
  const misspelt = (p: ValuesOf<typeof adcSpec>) => p.bitz;
  assert.equal(typeof misspelt, 'function');
});
