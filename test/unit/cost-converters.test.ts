/**
 * The converter and periphery components of the reworked cost model, each on its own: the ADC kinds
 * (sar, flash, mlsa), the crossbar row drivers (bit-serial, pwm, level), the accumulator's mean add
 * width, and the tile periphery area.
 *
 * Expected values come from the physics the doc comments state and the figures they cite (the 32 nm
 * flash ADC's 1.70 pJ over 63 comparators, NeuroSim's 32.4 fJ 4-bit MLSA, ISAAC's tile), never from a
 * run of the code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addEnergyJ, meanAddWidthBits } from '../../src/engine/components/accumulator';
import {
  adcAreaUm2,
  adcConversionLatencyS,
  adcEnergyPerConversionJ,
  adcSpec,
  adcSurveyEnergyJ,
  comparatorEnergyJ,
  type AdcKind,
} from '../../src/engine/components/adc';
import { resolveComponentParameters } from '../../src/engine/components/index';
import {
  rowDriverAreaUm2,
  rowDriverEnergyJ,
  rowDriverLatencyS,
  rowDriverSpec,
  type InputActivity,
  type RowDriverKind,
} from '../../src/engine/components/rowDriver';
import { tilePeripheryAreaUm2, tilePeripherySpec } from '../../src/engine/components/tilePeriphery';

function near(actual: number, expected: number, rel = 1e-9, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what} ${actual} is not within ${rel} of ${expected}`,
  );
}

const P = resolveComponentParameters(undefined);
const NODES = [7, 14, 22, 32, 45, 65, 90];
const KINDS: readonly AdcKind[] = ['sar', 'flash', 'mlsa'];

// ---------------------------------------------------------------------------------------------
// adc.ts: sar, flash, mlsa

test('ADC flash: (2^bits − 1) comparators of 27 fJ at 32 nm (a 1.70 pJ 6-bit flash over its 63), ∝ node', () => {
  // The cited measurement: 6-bit 5 GS/s flash ADC at 32 nm, 1.70 pJ per sample, 63 comparators.
  near(comparatorEnergyJ(P.adc, 32), 27e-15, 1e-12);
  near(comparatorEnergyJ(P.adc, 32), 1.7e-12 / 63, 2e-3);
  near(adcEnergyPerConversionJ(P.adc, 'flash', 6, 32), 1.7e-12, 2e-3, 'the 6-bit flash it was derived from');
  for (const node of NODES) {
    near(comparatorEnergyJ(P.adc, node), 27e-15 * (node / 32), 1e-12, `${node} nm`);
    for (const bits of [1, 4, 8])
      near(
        adcEnergyPerConversionJ(P.adc, 'flash', bits, node),
        (2 ** bits - 1) * 27e-15 * (node / 32),
        1e-12,
        `${bits} b at ${node} nm`,
      );
  }
  // An explicit comparator energy is taken as given (not node-scaled).
  near(adcEnergyPerConversionJ({ ...P.adc, comparator_energy_j: 10e-15 }, 'flash', 3, 7), 7 * 10e-15, 1e-12);
  assert.match(adcSpec.parameters.comparator_energy_j.source, /1\.70 pJ per sample over 63 comparators/);
});

test("ADC mlsa: (2^bits − 1) sense levels of 2.2 fJ at 22 nm, within 2 % of NeuroSim's 32.4 fJ 4-bit MLSA", () => {
  near(adcEnergyPerConversionJ(P.adc, 'mlsa', 1, 22), 2.2e-15, 1e-12, 'one level');
  near(adcEnergyPerConversionJ(P.adc, 'mlsa', 4, 22), 15 * 2.2e-15, 1e-12);
  // The calibration point: DNN+NeuroSim V1.4, RRAM, 4-bit MLSA at 22 nm, 32.4 fJ per conversion.
  near(adcEnergyPerConversionJ(P.adc, 'mlsa', 4, 22), 32.4e-15, 0.02, 'NeuroSim 4-bit MLSA');
  for (const node of NODES)
    near(adcEnergyPerConversionJ(P.adc, 'mlsa', 5, node), 31 * 2.2e-15 * (node / 22), 1e-12, `${node} nm`);
  // A sense-amplifier level is far cheaper than a stand-alone high-speed comparator at the same node.
  assert.ok(adcEnergyPerConversionJ(P.adc, 'mlsa', 1, 22) < comparatorEnergyJ(P.adc, 22) / 5);
  near(adcEnergyPerConversionJ({ ...P.adc, sense_energy_per_level_j: 1e-15 }, 'mlsa', 4, 90), 15e-15, 1e-12);
  assert.match(adcSpec.parameters.sense_energy_per_level_j.source, /32\.4 fJ per conversion over 15 levels/);
});

test('ADC: flash and mlsa energy doubles per bit; a SAR is nearly flat from 4 to 6 bits', () => {
  for (const node of [22, 45, 65]) {
    for (const kind of ['flash', 'mlsa'] as const) {
      const e = (bits: number) => adcEnergyPerConversionJ(P.adc, kind, bits, node);
      const one = e(1); // one comparator or level
      for (let bits = 1; bits < 16; bits++) {
        // 2^bits − 1 decisions: adding the one missing level, the energy doubles exactly per bit.
        near(e(bits + 1) + one, 2 * (e(bits) + one), 1e-12, `${kind} ${bits} b at ${node} nm`);
        assert.ok(e(bits + 1) / e(bits) >= 2, `${kind} ${bits} b`);
      }
      near(e(6) / e(4), 63 / 15, 1e-12, `${kind} 4 → 6 b`);
    }
    // SAR: comparator and logic dominate at low resolution (survey: 0.46 → 0.53 pJ at 22 nm).
    const sar = (bits: number) => adcEnergyPerConversionJ(P.adc, 'sar', bits, node);
    assert.ok(sar(6) / sar(4) < 1.2, `sar 4 → 6 b at ${node} nm: ×${sar(6) / sar(4)}`);
    assert.ok(sar(6) > sar(4));
    // ... and grows about ×2 per bit past 8 bits (0.85 → 1.6 pJ from 8 to 10 bits at 22 nm).
    assert.ok(sar(10) / sar(8) > 1.5 && sar(10) / sar(8) < 4, `sar 8 → 10 b at ${node} nm`);
    assert.equal(sar(8), adcSurveyEnergyJ(8, node));
  }
  // So a flash is the cheaper converter at low resolution and the dearer one at high resolution.
  assert.ok(adcEnergyPerConversionJ(P.adc, 'flash', 4, 22) < adcEnergyPerConversionJ(P.adc, 'sar', 4, 22));
  assert.ok(adcEnergyPerConversionJ(P.adc, 'flash', 8, 22) > adcEnergyPerConversionJ(P.adc, 'sar', 8, 22));
});

test('ADC: energy_scale multiplies the modelled energy of every kind', () => {
  for (const kind of KINDS) {
    for (const bits of [3, 8]) {
      near(
        adcEnergyPerConversionJ({ ...P.adc, energy_scale: 3 }, kind, bits, 22),
        3 * adcEnergyPerConversionJ(P.adc, kind, bits, 22),
        1e-12,
        `${kind} ${bits} b`,
      );
      assert.equal(adcEnergyPerConversionJ({ ...P.adc, energy_scale: 0 }, kind, bits, 22), 0);
    }
  }
});

test('ADC latency: a SAR takes bits + 1 clocks, a flash or an MLSA one clock whatever its bits', () => {
  for (const bits of [1, 4, 8, 12]) {
    near(adcConversionLatencyS(P.adc, 'sar', bits, 1e9), (bits + 1) * 1e-9, 1e-12, `sar ${bits} b`);
    near(adcConversionLatencyS(P.adc, 'flash', bits, 1e9), 1e-9, 1e-12, `flash ${bits} b`);
    near(adcConversionLatencyS(P.adc, 'mlsa', bits, 2e9), 0.5e-9, 1e-12, `mlsa ${bits} b`);
  }
  // An explicit cycle count applies to every kind.
  for (const kind of KINDS) near(adcConversionLatencyS({ ...P.adc, cycles_per_conversion: 3 }, kind, 8, 1e9), 3e-9);
});

test('ADC area does not depend on the kind: ×2 per bit for a capacitor array or a comparator bank', () => {
  // adcAreaUm2 takes no kind: one figure, ISAAC's 1200 µm² at 8 bits and 32 nm.
  near(adcAreaUm2(P.adc, 8, 32), 1200, 1e-12);
  near(adcAreaUm2(P.adc, 4, 32), 1200 / 16, 1e-12);
});

// ---------------------------------------------------------------------------------------------
// rowDriver.ts

const ROW = P.dac;
/** Driver logic switched off, to isolate the line term. */
const LINE_ONLY = { ...ROW, logic_energy_per_bit_j: 0 };
const ACT: InputActivity = { oneBitFraction: 0.39, meanAbs: 0.2 };
const DRIVERS: readonly RowDriverKind[] = ['bit-serial', 'pwm', 'level'];

test('row driver: the crossbar drivers keep the `dac` id; defaults 0.2 fF per cell at 22 nm, 0.8 V, 3.75 fJ per logic bit', () => {
  assert.equal(rowDriverSpec.id, 'dac');
  // Derived at the node unless given: 0.2 fF at 22 nm.
  assert.equal(ROW.line_capacitance_per_cell_f, null);
  assert.equal(ROW.drive_voltage_v, 0.8);
  assert.equal(ROW.logic_energy_per_bit_j, null);
  assert.equal(ROW.unit_capacitance_f, 1e-15);
  // Horowitz: an 8-bit add is 0.03 pJ at 45 nm, i.e. 3.75 fJ per bit.
  near(0.03e-12 / 8, 3.75e-15, 1e-12);
  // A bit-serial row whose bit is 1, on 512 cells at 22 nm: C_line · V² plus one latch bit.
  near(
    rowDriverEnergyJ(ROW, 'bit-serial', 1, 512, { oneBitFraction: 1, meanAbs: 0 }, 22),
    512 * 0.2e-15 * 0.8 ** 2 + 3.75e-15 * (22 / 45),
    1e-12,
  );
});

test('row driver: energy of the line ∝ cells on the line and ∝ V², for every kind', () => {
  for (const kind of DRIVERS) {
    for (const bits of [1, 4, 8]) {
      const e = (cells: number, p = LINE_ONLY) => rowDriverEnergyJ(p, kind, bits, cells, ACT, 22);
      const where = `${kind} ${bits} b`;
      // The line term is linear in the cells (the level DAC's own capacitor array is not).
      near(e(512) - e(256), e(256) - e(0), 1e-9, `${where}: cells`);
      assert.ok(e(512) > e(256), where);
      if (kind !== 'level') near(e(512), 2 * e(256), 1e-12, `${where}: ∝ cells`);
      // Every term charges a capacitance to the drive voltage: doubling it quadruples the energy.
      for (const cells of [64, 512])
        near(e(cells, { ...LINE_ONLY, drive_voltage_v: 1.6 }), 4 * e(cells), 1e-12, `${where}: V² at ${cells}`);
      assert.equal(
        rowDriverEnergyJ({ ...ROW, drive_voltage_v: 0, logic_energy_per_bit_j: 0 }, kind, bits, 512, ACT, 22),
        0,
      );
    }
  }
  // The line capacitance per cell is given at 22 nm and scales ∝ node, like other energies.
  for (const node of NODES)
    near(
      rowDriverEnergyJ(LINE_ONLY, 'pwm', 8, 512, ACT, node),
      rowDriverEnergyJ(LINE_ONLY, 'pwm', 8, 512, ACT, 22) * (node / 22),
      1e-12,
      `${node} nm`,
    );
});

test('row driver, bit-serial: a row charges its line only on a 1 bit, so energy ∝ the one-bit fraction', () => {
  const e = (f: number, p = ROW) => rowDriverEnergyJ(p, 'bit-serial', 8, 512, { oneBitFraction: f, meanAbs: 0.2 }, 22);
  near(e(0.78, LINE_ONLY), 2 * e(0.39, LINE_ONLY), 1e-12);
  assert.equal(e(0, LINE_ONLY), 0);
  // With the latch: its bit is paid every cycle, the line only on 1 bits.
  near(e(0.39) - e(0), 0.39 * (e(1) - e(0)), 1e-12);
  near(e(0), 3.75e-15 * (22 / 45), 1e-12);
  // One bit per cycle: the input resolution does not enter, nor does the mean magnitude.
  assert.equal(
    rowDriverEnergyJ(ROW, 'bit-serial', 4, 512, ACT, 22),
    rowDriverEnergyJ(ROW, 'bit-serial', 12, 512, { ...ACT, meanAbs: 0.9 }, 22),
  );
});

test('row driver, pwm: one line charge per non-zero input whatever its width, plus a bits-wide pulse counter', () => {
  const e = (bits: number, a = ACT) => rowDriverEnergyJ(ROW, 'pwm', bits, 512, a, 22);
  const line = 512 * 0.2e-15 * 0.64;
  const bit = 3.75e-15 * (22 / 45);
  near(e(8), line + 8 * bit, 1e-12);
  near(e(8) - e(4), 4 * bit, 1e-9);
  assert.equal(e(8, { oneBitFraction: 0.1, meanAbs: 0.9 }), e(8), 'input statistics do not enter');
});

test('row driver, level: E[x²] of a full line swing (E[x²] = 1.5625 E|x|², 1/16 for Gaussian inputs at 4σ) plus its capacitor array', () => {
  const cap = (bits: number) => 0.5 * 2 ** bits * 1e-15 * 0.64;
  const line = 512 * 0.2e-15 * 0.64;
  near(rowDriverEnergyJ(ROW, 'level', 8, 512, ACT, 22), line / 16 + cap(8), 1e-12);
  near(rowDriverEnergyJ(ROW, 'level', 8, 512, { ...ACT, meanAbs: 0.4 }, 22), line / 4 + cap(8), 1e-12);
  // E[x²] cannot exceed a full swing.
  near(rowDriverEnergyJ(ROW, 'level', 8, 512, { ...ACT, meanAbs: 1 }, 22), line + cap(8), 1e-12);
  // The binary-weighted array doubles per bit; the line term does not depend on the bits.
  near(rowDriverEnergyJ(ROW, 'level', 9, 512, ACT, 22) - rowDriverEnergyJ(ROW, 'level', 8, 512, ACT, 22), cap(8), 1e-9);
  assert.equal(
    rowDriverEnergyJ(ROW, 'level', 8, 512, { ...ACT, oneBitFraction: 0.9 }, 22),
    rowDriverEnergyJ(ROW, 'level', 8, 512, ACT, 22),
  );
});

test('row driver latency: a pulse of (2^bits − 1) clocks for pwm, one clock for bit-serial and level', () => {
  for (const bits of [1, 4, 8]) {
    near(rowDriverLatencyS('pwm', bits, 1e9), (2 ** bits - 1) * 1e-9, 1e-12, `pwm ${bits} b`);
    near(rowDriverLatencyS('pwm', bits, 2e9), (2 ** bits - 1) / 2e9, 1e-12, `pwm ${bits} b at 2 GHz`);
    near(rowDriverLatencyS('bit-serial', bits, 1e9), 1e-9, 1e-12);
    near(rowDriverLatencyS('level', bits, 1e9), 1e-9, 1e-12);
  }
});

test("row driver area: ISAAC's 1-bit driver (0.00017 mm² per 1024 at 32 nm), ×2^(bits−1) for pwm and level, ∝ node²", () => {
  const oneBit = 0.00017e6 / 1024;
  for (const bits of [1, 4, 8]) {
    near(rowDriverAreaUm2(ROW, 'bit-serial', bits, 32), oneBit, 1e-12, `bit-serial ${bits} b`);
    near(rowDriverAreaUm2(ROW, 'pwm', bits, 32), oneBit * 2 ** (bits - 1), 1e-12, `pwm ${bits} b`);
    near(rowDriverAreaUm2(ROW, 'level', bits, 32), oneBit * 2 ** (bits - 1), 1e-12, `level ${bits} b`);
  }
  near(rowDriverAreaUm2(ROW, 'level', 8, 16), (oneBit * 128) / 4, 1e-12);
  assert.equal(rowDriverAreaUm2({ ...ROW, area_um2: 3 }, 'pwm', 8, 7), 3);
  assert.match(rowDriverSpec.parameters.area_um2.source, /1024 1-bit DACs in 0\.00017 mm²/);
});

// ---------------------------------------------------------------------------------------------
// accumulator.ts: the mean width of the adds

/** Mean of log2 k over k = 1 … P (the register width the k-th partial sum needs, above the ADC bits). */
/** Mean of log2 k over the adds k = 2 … P, summed term by term. */
function meanLog2OverAdds(P: number): number {
  let s = 0;
  for (let k = 2; k <= P; k++) s += Math.log2(k);
  return s / (P - 1);
}

test('accumulator: the k-th add writes ADC bits + log2 k bits; the mean over the adds k = 2 … P', () => {
  for (const bits of [4, 8]) {
    for (const P of [2, 3, 4, 8, 16, 100, 1024, 4096])
      near(meanAddWidthBits(bits, P), bits + meanLog2OverAdds(P), 1e-12, `${bits} b, P ${P}`);
    // One add of two partial sums needs one more bit; a single partial sum needs no add.
    near(meanAddWidthBits(bits, 2), bits + 1, 1e-12);
    for (const P of [0, 1]) assert.equal(meanAddWidthBits(bits, P), bits, `P ${P}`);
    // Past 4,096 partial sums, Stirling's formula continues the exact sum smoothly.
    const step = meanAddWidthBits(bits, 4097) - meanAddWidthBits(bits, 4096);
    assert.ok(step > 0 && step < 1e-3, `step at the switch: ${step}`);
    // About one more bit per doubling of the partial sums.
    near(meanAddWidthBits(bits, 1024) - meanAddWidthBits(bits, 512), 1, 0.02);
  }
});

test('accumulator: the default add energy is 0.1 pJ × (mean width / 32) at 45 nm, ∝ node', () => {
  assert.equal(P.accumulator.accumulator_bits, null);
  const width = meanAddWidthBits(8, 64);
  near(addEnergyJ(P.accumulator, 45, width), 0.1e-12 * (width / 32), 1e-12);
  near(addEnergyJ(P.accumulator, 22, width), 0.1e-12 * (width / 32) * (22 / 45), 1e-12);
  // A configured register width replaces the mean width; an explicit energy replaces both.
  near(addEnergyJ({ ...P.accumulator, accumulator_bits: 24 }, 45, width), 0.075e-12, 1e-12);
  assert.equal(addEnergyJ({ ...P.accumulator, energy_per_add_j: 1e-14 }, 45, width), 1e-14);
});

// ---------------------------------------------------------------------------------------------
// tilePeriphery.ts

test("tile periphery: ISAAC's tile apportioned per 128 × 128 array is 2.61e-3 mm² at 32 nm", () => {
  // Table I: tile-level digital 0.215 mm² over 12 IMAs × 8 arrays; each IMA's IR 0.0021, OR 0.00077
  // and S+H 0.00004 mm² over its 8 arrays.
  const isaac = (0.215 / 96 + (0.0021 + 0.00077 + 0.00004) / 8) * 1e6;
  near(tilePeripheryAreaUm2(P.tile_periphery, 128, 128, 32), isaac, 1e-12);
  near(tilePeripheryAreaUm2(P.tile_periphery, 128, 128, 32), 2.61e-3 * 1e6, 5e-3, 'the 2.61e-3 mm² of the doc comment');
  assert.match(tilePeripherySpec.parameters.area_per_array_um2.source, /0\.215 mm² per 96 arrays/);
});

test('tile periphery: scaled by (rows + cols) / 256 and by node²; an explicit area wins', () => {
  const base = tilePeripheryAreaUm2(P.tile_periphery, 128, 128, 32);
  near(tilePeripheryAreaUm2(P.tile_periphery, 512, 512, 32), 4 * base, 1e-12);
  near(tilePeripheryAreaUm2(P.tile_periphery, 128, 512, 32), 2.5 * base, 1e-12);
  near(tilePeripheryAreaUm2(P.tile_periphery, 512, 128, 32), 2.5 * base, 1e-12);
  for (const node of NODES)
    near(tilePeripheryAreaUm2(P.tile_periphery, 128, 128, node), base * (node / 32) ** 2, 1e-12, `${node} nm`);
  assert.equal(tilePeripheryAreaUm2({ area_per_array_um2: 42 }, 512, 512, 7), 42);
});
