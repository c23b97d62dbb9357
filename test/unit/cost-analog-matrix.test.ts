/**
 * The reworked crossbar cost (src/engine/cost/analogMatrix.ts) end to end: configs resolved by
 * analyzeConfig, then either simulated whole (energy by component) or one matrix costed on its own
 * (its stage timing). Checks how energy follows the data (input statistics, mean weight, the
 * mapping), row groups, ADC kinds, row-driver kinds, the accumulator's mean add width, and the
 * cost-not-finite diagnostic.
 *
 * Expectations are ratios and differences the doc comments state (energy ∝ one-bit fraction, row
 * groups ×⌈rows / rows_per_read⌉, pwm (2^bits − 1) clocks, ...), not numbers copied from a run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeConfig } from '../../src/engine/index';
import { adcEnergyPerConversionJ, adcSurveyEnergyJ } from '../../src/engine/components/adc';
import { addEnergyJ, meanAddWidthBits } from '../../src/engine/components/accumulator';
import { analogCounts, costAnalogMatrix, meanStoredLevel } from '../../src/engine/cost/analogMatrix';
import { costContext } from '../../src/engine/cost/context';
import { Ledger, type CostComponent } from '../../src/engine/cost/ledger';
import { mapDesign } from '../../src/engine/mapping/map';
import { buildWorkload } from '../../src/engine/workload/build';
import type { MatrixOp } from '../../src/engine/workload/operations';
import { DEFAULT_WEIGHTS } from '../../src/engine/config/resolve';
import { hasErrors } from '../../src/shared/diagnostics';
import type { TileGroup } from '../../src/shared/tileMap';
import { config, simulateText } from '../helpers/design';

function near(actual: number, expected: number, rel = 1e-9, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what} ${actual} is not within ${rel} of ${expected}`,
  );
}

/** Energy of one component over a whole GPT-2 step (J), digital attention so only the matrices are analog. */
function energy(extra: string, component: CostComponent): number {
  const r = simulateText(config('gpt2', `attention: { implementation: digital }\n${extra}`));
  return r.breakdown.byComponent[component] ?? 0;
}

interface OneMatrix {
  readonly group: TileGroup;
  readonly op: MatrixOp;
  readonly ledger: Ledger;
  /** Energy of a component for the matrix (J). */
  readonly j: (c: CostComponent) => number;
  readonly fillS: number;
  readonly intervalS: number;
}

/** Resolves a GPT-2 config through analyzeConfig and costs layer 0's `matrix` alone, at distance 0. */
function oneMatrix(extra = '', matrix = 'q_proj'): OneMatrix {
  const a = analyzeConfig(config('gpt2', extra), { simulate: false });
  if (hasErrors(a.diagnostics) || !a.design) throw new Error(a.diagnostics.map((d) => d.message).join('\n'));
  const design = a.design;
  const mapping = mapDesign(design);
  const m = mapping.matrices.find((x) => x.layer === 0 && x.matrix === matrix);
  const op = buildWorkload(design.shape, design.workload).operations.find(
    (o): o is MatrixOp => o.kind === 'matrix' && o.layer === 0 && o.matrix === matrix,
  );
  assert.ok(m?.group && op, `layer 0 ${matrix} is an analog matrix`);
  const ledger = new Ledger();
  costAnalogMatrix(costContext(design), op, m, m.group, 0, ledger);
  assert.equal(ledger.stages.length, 1);
  return {
    group: m.group,
    op,
    ledger,
    j: (c) => ledger.byComponent.get(c) ?? 0,
    fillS: ledger.stages[0].fillS,
    intervalS: ledger.stages[0].intervalS,
  };
}

/** The component parameters of the default GPT-2 design, as the cost model sees them. */
function designP() {
  const design = analyzeConfig(config('gpt2'), { simulate: false }).design;
  assert.ok(design);
  return costContext(design).p;
}

// ---------------------------------------------------------------------------------------------
// Input statistics

test('crossbar energy ∝ the one-bit fraction for bit-serial inputs, and the mean magnitude does not enter', () => {
  const at = (f: number, mean = 0.2) =>
    energy(
      `workload: { input_statistics: { one_bit_fraction: ${f}, mean_abs: ${mean} } }\nweights: { dac: { bit_serial: true } }\n`,
      'crossbar',
    );
  near(at(0.2) / at(0.4), 0.5, 1e-12);
  near(at(0.39) / at(0.13), 3, 1e-12);
  assert.equal(at(0.39, 0.9), at(0.39, 0.1));
  assert.equal(at(0), 0);
  // The default is 0.39 (8-bit sign-magnitude codes of N(0, 1) inputs at 4σ full scale).
  near(energy('weights: { dac: { bit_serial: true } }\n', 'crossbar'), at(0.39), 1e-12);
});

test('crossbar energy ∝ E|x| for pulse inputs and ∝ E[x²] for level inputs; the one-bit fraction does not enter', () => {
  for (const type of ['level', 'pwm']) {
    const at = (mean: number, f = 0.39) =>
      energy(
        `workload: { input_statistics: { one_bit_fraction: ${f}, mean_abs: ${mean} } }\nweights: { dac: { type: ${type} } }\n`,
        'crossbar',
      );
    // A pulse conducts for a time ∝ x; a level dissipates V²G ∝ x².
    const power = type === 'pwm' ? 1 : 2;
    near(at(0.4) / at(0.2), 2 ** power, 1e-12, type);
    near(at(0.1) / at(0.2), 0.5 ** power, 1e-12, type);
    assert.equal(at(0.2, 0.9), at(0.2, 0.1), type);
    // The default mean |x| is 0.2 of full scale (0.80σ over 4σ).
    near(energy(`weights: { dac: { type: ${type} } }\n`, 'crossbar'), at(0.2), 1e-12, type);
  }
});

// ---------------------------------------------------------------------------------------------
// Mean stored level: mapping and mean |w|

test('meanStoredLevel: differential m/2 per cell for one slice, (m + ½(S−1)) / 2S for S slices; offset and bit-sliced ½', () => {
  const w = (mapping: 'differential' | 'offset' | 'bit-sliced', m: number) => ({
    ...DEFAULT_WEIGHTS,
    mapping,
    meanAbsWeight: m,
  });
  near(meanStoredLevel(w('differential', 0.16), 1), 0.08, 1e-12);
  near(meanStoredLevel(w('differential', 0.16), 2), (0.16 + 0.5) / 4, 1e-12);
  near(meanStoredLevel(w('differential', 1), 1), 0.5, 1e-12);
  for (const m of [0, 0.16, 1]) {
    assert.equal(meanStoredLevel(w('offset', m), 1), 0.5);
    assert.equal(meanStoredLevel(w('bit-sliced', m), 2), 0.5);
  }
});

test('crossbar energy grows with mean_abs_weight for differential mapping, but not for offset or bit-sliced', () => {
  const at = (weights: string, m: number) => energy(`weights: { ${weights}, mean_abs_weight: ${m} }\n`, 'crossbar');
  // One slice (8-bit weights, 8 bits per cell) on PCM, whose g_min is 0: energy ∝ mean |w|.
  near(
    at('mapping: differential, bits_per_cell: 8', 0.32) / at('mapping: differential, bits_per_cell: 8', 0.16),
    2,
    1e-12,
  );
  // Two slices (the default 4 bits per cell): the top slice holds m, the lower one uniform digits.
  near(at('mapping: differential', 0.5) / at('mapping: differential', 0.16), (0.5 + 0.5) / (0.16 + 0.5), 1e-12);
  // RRAM's g_min (1/R_off) is not 0: still growing, but less than ∝ m.
  const rram = (m: number) => at('mapping: differential, device: rram, bits_per_cell: 8', m);
  assert.ok(rram(0.32) > rram(0.16) && rram(0.32) < 2 * rram(0.16));
  // Offset and bit-sliced mappings store w + max, centred mid-range whatever the magnitude.
  for (const mapping of ['offset', 'bit-sliced']) {
    assert.equal(at(`mapping: ${mapping}`, 0.05), at(`mapping: ${mapping}`, 0.9), mapping);
    assert.ok(at(`mapping: ${mapping}`, 0.16) > 0, mapping);
  }
  // The default mean |w| is 0.16 (0.80σ over a 4.9σ largest weight).
  near(energy('', 'crossbar'), at('mapping: differential', 0.16), 1e-12);
});

// ---------------------------------------------------------------------------------------------
// Row groups (weights.rows_per_read)

test('row groups multiply ADC conversions and the array read time by ⌈rows / rows_per_read⌉', () => {
  // 256-row arrays: GPT-2's 768 inputs fill three row blocks exactly, so every array has every row group.
  const arrays = 'array: { rows: 256, cols: 256 }';
  const all = oneMatrix(`weights: { ${arrays} }\n`);
  assert.equal(all.group.rows, 256);
  assert.equal(all.group.logicalRows, all.group.blockRows * all.group.rows);
  for (const [rowsPerRead, groups] of [
    [64, 4],
    [100, 3],
    [16, 16],
    [256, 1],
    [4096, 1],
  ] as const) {
    const g = oneMatrix(`weights: { ${arrays}, rows_per_read: ${rowsPerRead} }\n`);
    const what = `rows_per_read ${rowsPerRead}`;
    assert.equal(g.group.arrayCount, all.group.arrayCount, what);
    near(g.j('adc'), groups * all.j('adc'), 1e-12, `${what}: ADC energy`);
    near(g.intervalS, groups * all.intervalS, 1e-12, `${what}: array read time`);
    // The extra read time is in the first vector's latency too.
    near(g.fillS - all.fillS, g.intervalS - all.intervalS, 1e-9, `${what}: fill`);
    // Every row is still driven, and every cell read, once per input.
    near(g.j('dac'), all.j('dac'), 1e-12, `${what}: row drivers`);
    near(g.j('crossbar'), all.j('crossbar'), 1e-12, `${what}: cells`);
    const c = analogCounts(g.group, false, 8, rowsPerRead);
    assert.equal(c.rowGroups, groups, what);
    assert.equal(c.adcConversions, groups * analogCounts(g.group, false, 8).adcConversions, what);
    // More partial sums to add.
    if (groups > 1) assert.ok(g.j('accumulator') > all.j('accumulator'), what);
  }
  // The default 512-row arrays: the read time of an array is ×4 for 128 rows at a time.
  near(oneMatrix('weights: { rows_per_read: 128 }\n').intervalS, 4 * oneMatrix().intervalS, 1e-12);
  // With bit-serial inputs, groups and input cycles multiply.
  const serial = oneMatrix(`weights: { ${arrays}, dac: { bit_serial: true } }\n`);
  const serialGroups = oneMatrix(`weights: { ${arrays}, rows_per_read: 64, dac: { bit_serial: true } }\n`);
  near(serialGroups.intervalS, 4 * serial.intervalS, 1e-12);
  near(serialGroups.j('adc'), 4 * serial.j('adc'), 1e-12);
  near(serial.intervalS, 8 * all.intervalS, 1e-12);
});

// ---------------------------------------------------------------------------------------------
// ADC kinds

test('ADC kinds end to end: flash and mlsa energy per conversion from their comparators, ×(63/15) from 4 to 6 bits', () => {
  const sar8 = energy('', 'adc');
  // Same conversions, other energy per conversion: the ratio is that of the converters at 22 nm.
  const perConv = (bits: number, kind: string) =>
    kind === 'sar'
      ? adcSurveyEnergyJ(bits, 22)
      : kind === 'flash'
        ? (2 ** bits - 1) * 27e-15 * (22 / 32)
        : (2 ** bits - 1) * 2.2e-15;
  for (const kind of ['flash', 'mlsa']) {
    near(
      energy(`weights: { adc: { type: ${kind} } }\n`, 'adc') / sar8,
      perConv(8, kind) / perConv(8, 'sar'),
      1e-9,
      kind,
    );
    const e = (bits: number) => energy(`weights: { adc: { type: ${kind}, bits: ${bits} } }\n`, 'adc');
    near(e(6) / e(4), 63 / 15, 1e-12, `${kind} 4 → 6 b`);
  }
  const sar = (bits: number) => energy(`weights: { adc: { type: sar, bits: ${bits} } }\n`, 'adc');
  assert.ok(sar(6) / sar(4) < 1.2, `sar 4 → 6 b: ×${sar(6) / sar(4)}`);
  near(sar(8), sar8, 1e-12, 'sar is the default');
});

test('ADC kinds end to end: a SAR array read is slower than a flash or an MLSA by columns_per_adc × bits clocks', () => {
  const sar = oneMatrix('weights: { adc: { type: sar } }\n');
  const flash = oneMatrix('weights: { adc: { type: flash } }\n');
  const mlsa = oneMatrix('weights: { adc: { type: mlsa } }\n');
  // 8 columns per ADC, each conversion bits + 1 = 9 clocks against 1, at 1 GHz.
  near(sar.intervalS - flash.intervalS, 8 * 8 * 1e-9, 1e-9);
  assert.equal(mlsa.intervalS, flash.intervalS);
  const shared = (k: string) => oneMatrix(`weights: { adc: { type: ${k}, columns_per_adc: 32, bits: 6 } }\n`);
  near(shared('sar').intervalS - shared('flash').intervalS, 32 * 6 * 1e-9, 1e-9);
});

// ---------------------------------------------------------------------------------------------
// Row drivers

test('row drivers end to end: pwm holds a row (2^bits − 1) clocks against one for a level DAC', () => {
  const level = oneMatrix('weights: { dac: { type: level, bits: 8 } }\n');
  const pwm = oneMatrix('weights: { dac: { type: pwm, bits: 8 } }\n');
  near(pwm.intervalS - level.intervalS, (255 - 1) * 1e-9, 1e-9);
  const pwm4 = oneMatrix('weights: { dac: { type: pwm, bits: 4 } }\n');
  near(pwm.intervalS - pwm4.intervalS, (255 - 15) * 1e-9, 1e-9);
  // Bit-serial: one clock of drive per input bit.
  const serial = oneMatrix('weights: { dac: { bit_serial: true, bits: 8 } }\n');
  near(serial.intervalS, 8 * level.intervalS, 1e-12);
});

test('row drivers end to end: energy ∝ V², bit-serial ∝ the one-bit fraction, pwm independent of the inputs', () => {
  const lineOnly = 'components:\n  dac: { logic_energy_per_bit_j: 0, unit_capacitance_f: 0 }\n';
  const higherV = 'components:\n  dac: { logic_energy_per_bit_j: 0, unit_capacitance_f: 0, drive_voltage_v: 1.6 }\n';
  for (const dac of ['{ bit_serial: true }', '{ type: pwm }', '{ type: level }']) {
    const w = `weights: { dac: ${dac} }\n`;
    near(energy(w + higherV, 'dac') / energy(w + lineOnly, 'dac'), 4, 1e-12, dac);
  }
  const serial = (f: number) =>
    energy(
      `workload: { input_statistics: { one_bit_fraction: ${f} } }\nweights: { dac: { bit_serial: true } }\n${lineOnly}`,
      'dac',
    );
  near(serial(0.2) / serial(0.4), 0.5, 1e-12);
  const pwm = (mean: number) =>
    energy(`workload: { input_statistics: { mean_abs: ${mean} } }\nweights: { dac: { type: pwm } }\n`, 'dac');
  assert.equal(pwm(0.1), pwm(0.6));
  // A level DAC pays E[x²] of a full swing: ∝ mean |x|² on the line.
  const level = (mean: number) =>
    energy(
      `workload: { input_statistics: { mean_abs: ${mean} } }\nweights: { dac: { type: level } }\n${lineOnly}`,
      'dac',
    );
  near(level(0.4) / level(0.2), 4, 1e-12);
});

test('row drivers end to end: energy ∝ cells on the line (the array columns)', () => {
  const lineOnly = 'components:\n  dac: { logic_energy_per_bit_j: 0 }\n';
  const wide = oneMatrix(`weights: { array: { rows: 256, cols: 512 }, dac: { bit_serial: true } }\n${lineOnly}`);
  const narrow = oneMatrix(`weights: { array: { rows: 256, cols: 256 }, dac: { bit_serial: true } }\n${lineOnly}`);
  const perDrive = (m: OneMatrix) => m.j('dac') / analogCounts(m.group, true, 8).dacConversions;
  near(perDrive(wide) / perDrive(narrow), 2, 1e-12);
});

test('the gain-cell query DAC books to attention_dac; the crossbar row drivers to dac', () => {
  const r = simulateText(config('gpt2', 'weights: { implementation: digital }\n'));
  assert.equal(r.breakdown.byComponent.dac ?? 0, 0, 'no crossbars, no row drivers');
  assert.ok(r.breakdown.byComponent.attention_dac > 0);
  // Configuring the row drivers leaves the attention DAC alone, and the other way round.
  const drivers = simulateText(config('gpt2', 'components:\n  dac: { drive_voltage_v: 2 }\n')).breakdown.byComponent;
  const base = simulateText(config('gpt2')).breakdown.byComponent;
  assert.equal(drivers.attention_dac, base.attention_dac);
  assert.ok(drivers.dac > base.dac);
  const query = simulateText(config('gpt2', 'components:\n  attention_dac: { energy_per_conversion_j: 1e-15 }\n'))
    .breakdown.byComponent;
  assert.equal(query.dac, base.dac);
  assert.ok(query.attention_dac < base.attention_dac);
});

// ---------------------------------------------------------------------------------------------
// Accumulator

test('accumulator energy end to end: adds × 0.1 pJ × (mean width / 32), with the mean width of the growing sum', () => {
  const m = oneMatrix();
  const g = m.group;
  const c = analogCounts(g, false, 8);
  // Partial sums per output: row blocks × slices × polarities (no reference column for differential).
  const partials = g.blockRows * g.slices * g.polarities;
  assert.equal(c.additions, g.logicalCols * (partials - 1));
  let log2Factorial = 0;
  for (let k = 2; k <= partials; k++) log2Factorial += Math.log2(k);
  const width = 8 + log2Factorial / (partials - 1);
  near(meanAddWidthBits(8, partials), width, 1e-12);
  near(m.j('accumulator'), m.op.vectors * c.additions * 0.1e-12 * (width / 32) * (22 / 45), 1e-12);
  // A configured register width replaces the mean width.
  const fixed = oneMatrix('components:\n  accumulator: { accumulator_bits: 24 }\n');
  near(fixed.j('accumulator') / m.j('accumulator'), 24 / width, 1e-12);
  near(addEnergyJ(designP().accumulator, 22, width), 0.1e-12 * (width / 32) * (22 / 45), 1e-12);
});

// ---------------------------------------------------------------------------------------------
// Overflow

test('a cost that overflows is still a cost-not-finite diagnostic naming the component', () => {
  for (const [extra, component] of [
    ['weights: { adc: { type: mlsa } }\ncomponents:\n  adc: { sense_energy_per_level_j: 1.0e308 }\n', 'adc'],
    ['weights: { adc: { type: flash } }\ncomponents:\n  adc: { comparator_energy_j: 1.0e308 }\n', 'adc'],
    ['components:\n  adc: { energy_per_conversion_j: 1.0e308 }\n', 'adc'],
    ['components:\n  dac: { line_capacitance_per_cell_f: 1.0e308 }\n', 'dac'],
  ] as const) {
    const a = analyzeConfig(config('gpt2', extra));
    const error = a.diagnostics.find((d) => d.code === 'cost-not-finite');
    assert.ok(error, extra);
    assert.equal(error.severity, 'error');
    assert.match(error.message, new RegExp(`"${component}"`), extra);
    assert.equal(a.result, undefined, extra);
  }
  // An explicit energy is taken as given: finite on its own, the overflow is in the sum.
  const p = { ...designP().adc, energy_per_conversion_j: 1e308, energy_scale: 10 };
  assert.equal(adcEnergyPerConversionJ(p, 'sar', 8, 22), 1e308);
});
