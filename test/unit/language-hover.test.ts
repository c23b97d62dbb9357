/**
 * Hover: documentation, unit, default, valid range and the source of the default, from the schema
 * annotations and the component library; on values, what the value means.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hover } from '../../src/engine/language/index';
import { cursor, gpt2, spanOf } from './language-text';

function at(marked: string) {
  const { text, position } = cursor(marked);
  return { h: hover(text, position), text };
}

test('on a key: description, unit, default, valid range and the source of the default, over the key', () => {
  const { h, text } = at(gpt2('weights:', '  adc:', '    bi|ts: 6'));
  assert.ok(h);
  assert.deepEqual(h.range, spanOf(text, 5, 'bits'));
  assert.equal(
    h.contents,
    [
      '**`weights.adc.bits`**',
      '',
      'ADC resolution.',
      '',
      '- Unit: bits',
      '- Default: 8 bits',
      '- Valid range: 1 to 16 bits',
      '- Source of the default: IBM aihwkit hardware-aware-training preset: 8-bit outputs',
    ].join('\n'),
  );
});

test("on a value: the key's documentation, over the value", () => {
  const { h, text } = at(gpt2('technology:', '  clock_ghz: 1.|5'));
  assert.deepEqual(h!.range, spanOf(text, 4, '1.5'));
  assert.match(h!.contents, /Valid range: 0\.001 to 10 GHz/);
  assert.match(h!.contents, /Source of the default: DNN\+NeuroSim V1\.4 default clkFreq 1 GHz/);
});

test("on a preset name: the model's shape and where it comes from", () => {
  const { h } = at('version: 1\nmodel:\n  preset: llama-3-|8b\n');
  assert.match(
    h!.contents,
    /^\*\*llama-3-8b\*\*: 8\.03B parameters\n\n- 32 layers, d_model 4096, 32 heads \(8 KV\), head_dim 128\n/,
  );
  assert.match(h!.contents, /Source: meta-llama\/Meta-Llama-3-8B config\.json/);
  assert.match(h!.contents, /\*\*`model\.preset`\*\*/);
});

test("on a GPU in the baselines: its datasheet figures and source, then the list's documentation", () => {
  const { h, text } = at(gpt2('baselines: [h100, a1|00]'));
  assert.deepEqual(h!.range, spanOf(text, 3, 'a100'));
  assert.match(h!.contents, /^\*\*NVIDIA A100 SXM 80GB\*\*\n\n- 312 TFLOP\/s dense FP16, 2\.04 TB\/s memory bandwidth/);
  assert.match(h!.contents, /\*\*`baselines`\*\*\n\nGPUs to compare against/);
});

test('on an enum choice: the sentence about that choice', () => {
  const { h } = at(gpt2('weights:', '  mapping: bit-sl|iced'));
  assert.match(
    h!.contents,
    /^`bit-sliced`: ⌈weight_bits \/ bits_per_cell⌉ cells per weight, recombined digitally with shifts\./,
  );
});

test("on a component parameter: the component library's description, unit and source; a derived default says so", () => {
  const derived = at(gpt2('components:', '  adc:', '    energy_per_con|version_j: 1e-12')).h!;
  assert.match(derived.contents, /Energy of one conversion\. Default: survey fit at the configured bits and node\./);
  assert.match(
    derived.contents,
    /- Unit: J\n- Default: derived from the other settings \(see above\)\n- Valid range: at least 0 J\n- Source of the default: Accelergy ADC plug-in fit to Murmann ADC survey/,
  );
  const component = at(gpt2('components:', '  a|dc:', '    energy_scale: 2')).h!;
  assert.match(component.contents, /Column ADC: Digitises crossbar column currents/);
  assert.match(
    component.contents,
    /Parameters: `energy_per_conversion_j` \(J\), `comparator_energy_j` \(J\), `sense_energy_per_level_j` \(J\), `energy_scale`, `cycles_per_conversion` \(cycles\), `area_um2` \(um2\)/,
  );
});

test('in JSON', () => {
  const { h, text } = at('{\n  "version": 1,\n  "weights": { "bits_per_c|ell": 4 }\n}\n');
  assert.deepEqual(h!.range, spanOf(text, 2, '"bits_per_cell"'));
  assert.match(h!.contents, /Bits stored in one cell/);
});

test('nothing on an unknown key, a comment or blank space', () => {
  assert.equal(at(gpt2('weights:', '  zeb|ra: 1')).h, undefined);
  assert.equal(at(`# a com|ment\n${gpt2()}`).h, undefined);
  assert.equal(at(gpt2('', '|', 'weights: {}')).h, undefined);
});
