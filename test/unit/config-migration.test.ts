import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeConfig } from '../../src/engine';

const codes = (text: string) => analyzeConfig(text).diagnostics.map((d) => d.code);

test('a component key of the earlier format says where it went, on the key itself', () => {
  const a = analyzeConfig('version: 1\nmodel: { preset: gpt2 }\ncomponents:\n  dac: { reference_bits: 4 }\n');
  const d = a.diagnostics.find((x) => x.code === 'moved-key');
  assert.ok(d);
  assert.equal(d.range.start.line, 3);
  assert.match(d.message, /components\.attention_dac\.reference_bits/);
  assert.ok(
    codes('version: 1\nmodel: { preset: gpt2 }\ncomponents:\n  rram_array: { mean_conductance_s: 1e-5 }\n').includes(
      'moved-key',
    ),
  );
  // A plain typo still gets the usual suggestion.
  assert.ok(
    codes('version: 1\nmodel: { preset: gpt2 }\ncomponents:\n  dac: { drive_voltag_v: 1 }\n').includes('unknown-key'),
  );
});

test('the lossless ADC width counts the rows read at once, not the whole array', () => {
  const base =
    'version: 1\nmodel: { preset: gpt2 }\nweights:\n  array: { rows: 128, cols: 128 }\n  bits_per_cell: 1\n  dac: { bits: 8, bit_serial: true }\n';
  // 128 rows × 1-bit inputs × 1-bit cells: 1 + 1 + 7 = 9 bits; 32 rows at once: 1 + 1 + 5 = 7 bits.
  assert.ok(codes(`${base}  adc: { bits: 7 }\n`).includes('adc-bits-lossy'));
  assert.ok(!codes(`${base}  rows_per_read: 32\n  adc: { bits: 7 }\n`).includes('adc-bits-lossy'));
  const message = analyzeConfig(`${base}  rows_per_read: 32\n  adc: { bits: 6 }\n`).diagnostics.find(
    (d) => d.code === 'adc-bits-lossy',
  );
  assert.match(message!.message, /column sum of 32 rows/);
});

test('one retention model: a decay_per_step far from Δt / τ of the design is flagged, a derived one is not', () => {
  const base = 'version: 1\nmodel: { preset: gpt2 }\nattention: { implementation: gain-cell, window: 64';
  assert.ok(!codes(`${base} }\n`).includes('decay-disagrees'));
  const a = analyzeConfig(`${base}, decay_per_step: 1.0e-9 }\n`);
  const d = a.diagnostics.find((x) => x.code === 'decay-disagrees');
  assert.ok(d, 'a leakage far below the timing is flagged');
  const derived = a.result!.perToken.latencyS / a.design!.attention.retentionS;
  assert.match(d.fix!.title, new RegExp(derived.toPrecision(3).replace('.', '\\.')));
});
