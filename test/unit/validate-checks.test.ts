/**
 * Every check of the config validator: what it says, exactly where, and what its quick fix does
 * (applied to the text, the problem is gone and nothing new is wrong). These run through
 * `analyzeConfig`, the one entry point the CLI and the editor share.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeConfig } from '../../src/engine/analyze';
import type { Diagnostic, Range } from '../../src/shared/diagnostics';
import { applyEdits, gpt2, spanOf } from './language-text';

function analyze(text: string, files: Record<string, string> = {}) {
  return analyzeConfig(text, { readFile: (p) => files[p] });
}

/** The one diagnostic with `code`, failing if there is none or several. */
function only(text: string, code: string, files: Record<string, string> = {}): Diagnostic {
  const found = analyze(text, files).diagnostics.filter((d) => d.code === code);
  assert.equal(
    found.length,
    1,
    `expected one ${code}, got ${JSON.stringify(analyze(text, files).diagnostics.map((d) => `${d.code}: ${d.message}`))}`,
  );
  return found[0];
}

function assertAt(d: Diagnostic, range: Range, severity: Diagnostic['severity']): void {
  assert.deepEqual(d.range, range, d.message);
  assert.equal(d.severity, severity);
}

/** Applies the diagnostic's fix and returns the repaired text, after checking `code` is gone. */
function fixed(text: string, d: Diagnostic, files: Record<string, string> = {}): string {
  assert.ok(d.fix, `${d.code} has no fix`);
  const after = applyEdits(text, d.fix.edits);
  const left = analyze(after, files).diagnostics;
  assert.ok(
    !left.some((x) => x.code === d.code && x.message === d.message),
    `still there after "${d.fix.title}":\n${after}`,
  );
  assert.ok(
    !left.some((x) => x.severity === 'error'),
    `errors after "${d.fix.title}": ${left.map((x) => x.message).join('; ')}\n${after}`,
  );
  return after;
}

describe('syntax', () => {
  test('a YAML error is located on the offending text, and stops the later checks', () => {
    const text = 'version: 1\nmodel:\n  preset: gpt2\nweights:\n  device: pcm\n   mapping: offset\n';
    const a = analyze(text);
    assert.ok(a.diagnostics.length > 0);
    assert.ok(a.diagnostics.every((d) => d.code === 'syntax' && d.severity === 'error'));
    assert.equal(a.diagnostics[0].range.start.line, 4);
    assert.equal(a.config, undefined);
  });

  test('a repeated key is a syntax error on the second occurrence', () => {
    const text = gpt2('weights:', '  device: pcm', 'weights:', '  device: rram');
    const d = analyze(text).diagnostics;
    assert.deepEqual(
      d.map((x) => [x.code, x.range.start.line, x.range.start.character]),
      [['syntax', 5, 0]],
    );
    assert.match(d[0].message, /unique/);
  });

  test('a file that is not a map of sections says what a config looks like', () => {
    const d = analyze('- version: 1\n').diagnostics;
    assert.deepEqual(
      d.map((x) => x.code),
      ['not-a-config'],
    );
    assert.match(d[0].message, /version: 1/);
  });
});

describe('schema', () => {
  test('unknown key: on the key, with "did you mean" and a rename fix', () => {
    const text = gpt2('weights:', '  bits_per_cel: 4');
    const d = only(text, 'unknown-key');
    assertAt(d, spanOf(text, 4, 'bits_per_cel'), 'error');
    assert.equal(d.message, 'Unknown key `bits_per_cel` in `weights`. Did you mean `bits_per_cell`?');
    assert.equal(d.fix?.title, 'Rename to `bits_per_cell`');
    assert.deepEqual(d.fix?.edits, [{ range: spanOf(text, 4, 'bits_per_cel'), newText: 'bits_per_cell' }]);
    fixed(text, d);
  });

  test('a flattened key (`adc_bits`) is read as the key of a section and rewritten as one', () => {
    const text = gpt2('weights:', '  adc_bits: 6');
    const d = only(text, 'unknown-key');
    assertAt(d, spanOf(text, 4, 'adc_bits'), 'error');
    assert.equal(d.message, 'Unknown key `adc_bits` in `weights`. Did you mean `adc.bits`?');
    assert.equal(d.fix?.title, 'Write as `adc: { bits: 6 }`');
    assert.equal(fixed(text, d), gpt2('weights:', '  adc: { bits: 6 }'));
    const json = '{ "version": 1, "model": { "preset": "gpt2" }, "weights": { "dac_bit": 4 } }';
    assert.deepEqual(JSON.parse(fixed(json, only(json, 'unknown-key'))).weights, { dac: { bits: 4 } });
  });

  test('a key already written is not suggested as a rename', () => {
    const text = gpt2('weights:', '  adc: { bits: 8 }', '  adc_bits: 6');
    const d = only(text, 'unknown-key');
    assert.equal(d.fix, undefined);
    assert.match(d.message, /Allowed keys: implementation, device, array/);
  });

  test('unknown key with no likely intent lists the allowed keys and offers no fix', () => {
    const text = gpt2('chip:', '  zebra: 3');
    const d = only(text, 'unknown-key');
    assertAt(d, spanOf(text, 4, 'zebra'), 'error');
    assert.equal(d.message, 'Unknown key `zebra` in `chip`. Allowed keys: arrays_per_chip, chips.');
    assert.equal(d.fix, undefined);
  });

  test('a renamed quoted key stays quoted', () => {
    const text = gpt2('weights:', '  "bits_per_cel": 4');
    const d = only(text, 'unknown-key');
    assert.deepEqual(d.fix?.edits, [{ range: spanOf(text, 4, '"bits_per_cel"'), newText: '"bits_per_cell"' }]);
    fixed(text, d);
  });

  test('missing `model`: on the first key, with a fix that adds a model section', () => {
    const text = '# header\nversion: 1\nname: x\n';
    const d = only(text, 'missing-key');
    assertAt(d, spanOf(text, 1, 'version'), 'error');
    assert.match(d.message, /^Missing required key `model`\./);
    assert.equal(fixed(text, d), '# header\nversion: 1\nname: x\nmodel:\n  preset: gpt2\n');
  });

  test('missing `version`: the fix puts it before the first key, below a header comment', () => {
    const text = '# header\nmodel:\n  preset: gpt2\n';
    const d = only(text, 'missing-key');
    assertAt(d, spanOf(text, 1, 'model'), 'error');
    assert.equal(fixed(text, d), '# header\nversion: 1\nmodel:\n  preset: gpt2\n');
  });

  test('missing required key inside a section: on the section key; no fix for a key without a default', () => {
    const text = [
      'version: 1',
      'model:',
      '  shape:',
      '    layers: 2',
      '    d_model: 64',
      '    heads: 4',
      '    d_ff: 256',
      '    vocab: 100',
      '',
    ].join('\n');
    const d = only(text, 'missing-key');
    assertAt(d, spanOf(text, 2, 'shape'), 'error');
    assert.equal(d.message, 'Missing required key `context` in `model.shape`.');
    assert.equal(d.fix, undefined);
  });

  test('`model.shape.ffn` may be left out: it defaults to gelu, as docs/config.md says', () => {
    const text =
      'version: 1\nmodel:\n  shape: { layers: 2, d_model: 64, heads: 4, d_ff: 256, vocab: 100, context: 64 }\n';
    const a = analyzeConfig(text);
    assert.deepEqual(
      a.diagnostics.filter((x) => x.severity === 'error'),
      [],
    );
    assert.equal(a.design?.shape.ffn, 'gelu');
  });

  test('wrong type: on the value', () => {
    const text = gpt2('weights:', '  bits_per_cell: four');
    const d = only(text, 'wrong-type');
    assertAt(d, spanOf(text, 4, 'four'), 'error');
    assert.equal(d.message, '`weights.bits_per_cell` must be a whole number; got "four".');
    assert.equal(d.fix, undefined);
  });

  test('wrong type with an obvious meaning is fixed: quoted number, quoted boolean, single item for a list', () => {
    const text = gpt2('weights:', '  bits_per_cell: "4"', '  dac: { bit_serial: "true" }', 'baselines: h100');
    const found = analyze(text).diagnostics.filter((d) => d.code === 'wrong-type');
    assert.deepEqual(
      found.map((d) => d.fix?.edits[0].newText),
      ['4', 'true', '[h100]'],
    );
    assert.deepEqual(
      found.map((d) => d.range),
      [spanOf(text, 4, '"4"'), spanOf(text, 5, '"true"'), spanOf(text, 6, 'h100')],
    );
    let repaired = text;
    for (const d of found) repaired = applyEdits(repaired, d.fix!.edits);
    assert.equal(analyze(repaired).diagnostics.filter((d) => d.severity === 'error').length, 0);
  });

  test('an empty section is underlined at its key', () => {
    const text = gpt2('weights:');
    const d = only(text, 'wrong-type');
    assertAt(d, spanOf(text, 3, 'weights'), 'error');
    assert.equal(d.message, '`weights` must be a section of keys; got null.');
  });

  test('out of range: value, unit, bound, and a clamp fix', () => {
    const text = gpt2('technology:', '  clock_ghz: 20', 'weights:', '  adc: { bits: 0 }');
    const [clock, adc] = analyze(text).diagnostics.filter((d) => d.code === 'out-of-range');
    assertAt(clock, spanOf(text, 4, '20'), 'error');
    assert.equal(clock.message, '`technology.clock_ghz` is 20 GHz; it must be at most 10 GHz.');
    assert.equal(clock.fix?.title, 'Clamp to 10 GHz');
    assertAt(adc, spanOf(text, 6, '0'), 'error');
    assert.equal(adc.message, '`weights.adc.bits` is 0 bits; it must be at least 1 bit.');
    assert.equal(adc.fix?.edits[0].newText, '1');
  });

  test('zero-row array', () => {
    const text = gpt2('weights:', '  array:', '    rows: 0');
    const d = only(text, 'out-of-range');
    assertAt(d, spanOf(text, 5, '0'), 'error');
    assert.equal(d.message, '`weights.array.rows` is 0 rows; it must be at least 1 row.');
    fixed(text, d);
  });

  test('a clock below 1 MHz is refused, with a fix to the lower bound', () => {
    const text = gpt2('technology:', '  clock_ghz: 5e-324');
    const d = only(text, 'out-of-range');
    assert.equal(d.message, '`technology.clock_ghz` is 5e-324 GHz; it must be at least 0.001 GHz.');
    assert.match(fixed(text, d), /clock_ghz: 0\.001\n/);
  });

  test('an exclusive bound has no value to clamp to, so no fix', () => {
    const text = gpt2('nonidealities:', '  adc:', '    bound: 0');
    const d = only(text, 'out-of-range');
    assert.equal(d.message, '`nonidealities.adc.bound` is 0; it must be greater than 0.');
    assert.equal(d.fix, undefined);
  });

  test('unknown enum value lists the allowed values and fixes a near miss', () => {
    const text = gpt2('weights:', '  device: rarm');
    const d = only(text, 'unknown-value');
    assertAt(d, spanOf(text, 4, 'rarm'), 'error');
    assert.equal(
      d.message,
      '`weights.device` is "rarm", which is not one of: pcm, rram, sram, ideal. Did you mean `rram`?',
    );
    fixed(text, d);
  });

  test('a quoted enum value is replaced with a quoted value', () => {
    const text = "version: 1\nmodel:\n  preset: 'gtp2'\n";
    const d = only(text, 'unknown-value');
    assert.deepEqual(d.fix?.edits, [{ range: spanOf(text, 2, "'gtp2'"), newText: "'gpt2'" }]);
  });

  test('wrong version', () => {
    const text = 'version: 2\nmodel:\n  preset: gpt2\n';
    const d = only(text, 'wrong-value');
    assertAt(d, spanOf(text, 0, '2'), 'error');
    assert.equal(d.message, '`version` must be 1; got 2.');
    fixed(text, d);
  });

  test('a layer selector that is neither an index nor a range', () => {
    const text = gpt2('layers:', '  - layers: ["first"]', '    weights: { implementation: digital }');
    const d = only(text, 'wrong-value');
    assertAt(d, spanOf(text, 4, '"first"'), 'error');
    assert.match(d.message, /layer index .* or a range such as "2-9"/);
  });

  test('an empty selector list', () => {
    const text = gpt2('layers:', '  - matrices: []', '    weights: { implementation: digital }');
    const d = only(text, 'empty-list');
    assertAt(d, spanOf(text, 4, '[]'), 'error');
    assert.equal(d.message, '`layers[0].matrices` must list at least 1 item(s).');
  });

  test('a repeated baseline: on the repeat, fixed by removing it', () => {
    const text = gpt2('baselines: [h100, a100, h100]');
    const d = only(text, 'duplicate-item');
    assertAt(d, spanOf(text, 3, 'h100', 1), 'error');
    assert.equal(d.message, '`baselines` lists "h100" twice (items 1 and 3); remove one.');
    assert.equal(fixed(text, d), gpt2('baselines: [h100, a100]'));
  });

  test('a repeated item of a block list is removed with its line', () => {
    const text = gpt2('baselines:', '  - h100', '  - h100');
    const d = only(text, 'duplicate-item');
    assertAt(d, spanOf(text, 5, 'h100'), 'error');
    assert.equal(fixed(text, d), gpt2('baselines:', '  - h100'));
  });

  test('an empty Hugging Face path', () => {
    const text = 'version: 1\nmodel:\n  huggingface: ""\n';
    const d = only(text, 'empty-value');
    assertAt(d, spanOf(text, 2, '""'), 'error');
  });
});

describe('consistency', () => {
  const shape = (heads: number, kvHeads?: number, dModel = 768) =>
    [
      'version: 1',
      'model:',
      '  shape:',
      '    layers: 2',
      `    d_model: ${dModel}`,
      `    heads: ${heads}`,
      ...(kvHeads === undefined ? [] : [`    kv_heads: ${kvHeads}`]),
      '    d_ff: 3072',
      '    ffn: gelu',
      '    vocab: 100',
      '    context: 512',
      '',
    ].join('\n');

  test('heads must divide d_model', () => {
    const text = shape(5);
    const d = only(text, 'heads-divide-d-model');
    assertAt(d, spanOf(text, 5, '5'), 'error');
    assert.match(d.message, /^`heads` \(5\) must divide `d_model` \(768\)/);
  });

  test('kv_heads must divide heads', () => {
    const text = shape(12, 5);
    const d = only(text, 'kv-heads-divide-heads');
    assertAt(d, spanOf(text, 6, '5'), 'error');
    assert.match(d.message, /^`kv_heads` \(5\) must divide `heads` \(12\)/);
  });

  test('a consistent shape passes', () => {
    assert.equal(analyze(shape(12, 4)).diagnostics.filter((d) => d.severity === 'error').length, 0);
  });

  test('the model is given exactly once', () => {
    const text = 'version: 1\nmodel:\n  preset: gpt2\n  huggingface: c.json\n';
    const d = only(text, 'model-source');
    assertAt(d, spanOf(text, 1, 'model'), 'error');
    assert.match(d.message, /it has `preset` and `huggingface`/);
    const none = 'version: 1\nmodel: {}\n';
    assert.match(only(none, 'model-source').message, /it has none/);
  });

  test('a Hugging Face file must exist', () => {
    const text = 'version: 1\nmodel:\n  huggingface: ./hf/config.json\n';
    const d = only(text, 'huggingface-unreadable');
    assertAt(d, spanOf(text, 2, './hf/config.json'), 'error');
    assert.match(d.message, /^Cannot read Hugging Face config `\.\/hf\/config\.json`/);
  });

  test('a Hugging Face file must parse and name the shape', () => {
    const text = 'version: 1\nmodel:\n  huggingface: config.json\n';
    const broken = only(text, 'huggingface-invalid', { 'config.json': '{ "n_layer": 12,' });
    assertAt(broken, spanOf(text, 2, 'config.json'), 'error');
    assert.match(broken.message, /is not valid JSON/);
    const incomplete = only(text, 'huggingface-invalid', { 'config.json': '{ "model_type": "gpt2", "n_layer": 12 }' });
    assert.match(incomplete.message, /no `n_embd`/);
  });

  test('a readable Hugging Face file gives the model', () => {
    const hf = JSON.stringify({
      model_type: 'gpt2',
      n_layer: 2,
      n_embd: 64,
      n_head: 4,
      vocab_size: 100,
      n_positions: 128,
    });
    const a = analyze('version: 1\nmodel:\n  huggingface: config.json\n', { 'config.json': hf });
    assert.equal(a.diagnostics.filter((d) => d.severity === 'error').length, 0);
    assert.equal(a.design?.shape.layers, 2);
  });

  test('window ≤ context, with a fix clamping to the context', () => {
    const text = gpt2('attention:', '  window: 2048');
    const d = only(text, 'window-exceeds-context');
    assertAt(d, spanOf(text, 4, '2048'), 'error');
    assert.equal(
      d.message,
      '`attention.window` (2048 tokens) exceeds the model context (1024 tokens); a window can hold at most the context.',
    );
    assert.equal(d.fix?.edits[0].newText, '1024');
  });

  test('decoding past the context warns, in decode and prefill modes', () => {
    const decode = gpt2('workload:', '  context_tokens: 1024', '  generate_tokens: 8');
    const d = only(decode, 'beyond-context');
    assertAt(d, spanOf(decode, 4, '1024'), 'warning');
    assert.match(d.message, /reaches position 1032, past the model context of 1024/);
    const prefill = gpt2('workload:', '  mode: prefill', '  context_tokens: 2000');
    assertAt(only(prefill, 'beyond-context'), spanOf(prefill, 5, '2000'), 'warning');
  });

  test('layer overrides name existing layers: index, negative index, range', () => {
    const text = gpt2('layers:', '  - layers: [0, 12, -13, "10-14"]', '    weights: { implementation: digital }');
    const found = analyze(text).diagnostics.filter((d) => d.code === 'unknown-layer');
    assert.deepEqual(
      found.map((d) => d.range),
      [spanOf(text, 4, '12'), spanOf(text, 4, '-13'), spanOf(text, 4, '"10-14"')],
    );
    assert.equal(
      found[0].message,
      'Layer 12 does not exist: the model has 12 layers (0 to 11, or -1 to -12 from the end).',
    );
    assert.equal(found[2].message, 'Layer range "10-14" goes past the last layer (11).');
  });

  test('a backwards layer range', () => {
    const text = gpt2('layers:', '  - layers: ["9-2"]', '    weights: { implementation: digital }');
    const d = only(text, 'bad-layer-range');
    assertAt(d, spanOf(text, 4, '"9-2"'), 'error');
    assert.equal(d.message, 'Layer range "9-2" runs backwards; write "2-9".');
  });

  test('overrides name existing matrices: no gate in a GELU FFN', () => {
    const text = gpt2('layers:', '  - matrices: [qkv, ffn_gate]', '    weights: { implementation: digital }');
    const d = only(text, 'unknown-matrix');
    assertAt(d, spanOf(text, 4, 'ffn_gate'), 'error');
    const llama =
      'version: 1\nmodel:\n  preset: llama-2-7b\nlayers:\n  - matrices: [ffn_gate]\n    weights: { implementation: digital }\n';
    assert.equal(analyze(llama).diagnostics.filter((x) => x.code === 'unknown-matrix').length, 0);
  });

  test('layers on an LM-head-only override, and matrices on an attention override, are ignored: warnings', () => {
    const text = gpt2(
      'layers:',
      '  - layers: [0]',
      '    matrices: [lm_head]',
      '    weights: { implementation: digital }',
      '  - layers: [1]',
      '    matrices: [qkv]',
      '    attention: { implementation: digital }',
    );
    assertAt(only(text, 'lm-head-layers'), spanOf(text, 4, 'layers'), 'warning');
    assertAt(only(text, 'attention-with-matrices'), spanOf(text, 9, 'attention'), 'warning');
  });

  test('offset mapping loses precision beyond one cell', () => {
    const text = gpt2('weights:', '  mapping: offset', '  bits_per_cell: 4', '  weight_bits: 8');
    const d = only(text, 'weight-precision-lost');
    assertAt(d, spanOf(text, 4, 'offset'), 'warning');
    assert.match(d.message, /8-bit weights lose 4 bits/);
  });

  test('a layer override inherits the global mapping it does not set', () => {
    const text = gpt2(
      'weights: { mapping: offset, bits_per_cell: 8 }',
      'layers:',
      '  - layers: [0]',
      '    weights: { bits_per_cell: 4 }',
    );
    const d = only(text, 'weight-precision-lost');
    assertAt(d, spanOf(text, 6, 'weights'), 'warning');
    assert.match(d.message, /one cell of 4 bits/);
  });
});

describe('physics', () => {
  test('ADC bits below the column sum: says the bits lost, fixed to the lossless count', () => {
    const text = gpt2(
      'weights:',
      '  array: { rows: 64, cols: 64 }',
      '  bits_per_cell: 2',
      '  dac: { bits: 4 }',
      '  adc: { bits: 6 }',
    );
    const d = only(text, 'adc-bits-lossy');
    assertAt(d, spanOf(text, 7, '6'), 'warning');
    assert.equal(
      d.message,
      'The ADC has 6 bits, but a column sum of 64 rows × 4-bit inputs × 2-bit cells spans 12 bits: the 6 least significant bits are lost. 12 bits would be lossless.',
    );
    assert.equal(d.fix?.title, 'Set the ADC to 12 bits (lossless)');
    assert.equal(
      fixed(text, d),
      gpt2(
        'weights:',
        '  array: { rows: 64, cols: 64 }',
        '  bits_per_cell: 2',
        '  dac: { bits: 4 }',
        '  adc: { bits: 12 }',
      ),
    );
  });

  test('an ADC left at its default is given the lossless bits by adding the key', () => {
    const text = gpt2('weights:', '  array:', '    rows: 64', '  dac:', '    bit_serial: true');
    const d = only(text, 'adc-bits-lossy');
    assertAt(d, spanOf(text, 3, 'weights'), 'warning');
    assert.match(
      d.message,
      /^The ADC has 8 bits, but a column sum of 64 rows × 1-bit \(bit-serial\) inputs × 4-bit cells spans 11 bits: the 3 least/,
    );
    assert.equal(
      fixed(text, d),
      gpt2('weights:', '  array:', '    rows: 64', '  dac:', '    bit_serial: true', '  adc:', '    bits: 11'),
    );
  });

  test('beyond 16 bits no ADC setting is lossless: advice, no fix', () => {
    const text = gpt2('weights:', '  adc: { bits: 8 }');
    const d = only(text, 'adc-bits-lossy');
    assertAt(d, spanOf(text, 4, '8'), 'warning');
    assert.match(d.message, /spans 21 bits: the 13 least significant bits are lost\. Fewer rows or bit-serial inputs/);
    assert.equal(d.fix, undefined);
  });

  test('an override that sets converters is checked on its own', () => {
    const text = gpt2(
      'weights:',
      '  adc: { bits: 16 }',
      '  array: { rows: 64, cols: 64 }',
      '  dac: { bit_serial: true }',
      'layers:',
      '  - layers: [0]',
      '    weights:',
      '      adc: { bits: 4 }',
    );
    const d = only(text, 'adc-bits-lossy');
    assertAt(d, spanOf(text, 10, '4'), 'warning');
    assert.match(d.message, /^The ADC has 4 bits, .* spans 11 bits: the 7 least significant bits are lost/);
    fixed(text, d);
  });

  test('a design without a weights section gets its ADC warning on the model key, never the whole file', () => {
    const text = '# header\nversion: 1\nmodel:\n  preset: gpt2\n';
    const d = only(text, 'adc-bits-lossy');
    assertAt(d, spanOf(text, 2, 'model'), 'warning');
  });

  test('gain-cell retention shorter than the window lifetime: says how much the oldest token kept', () => {
    const text = gpt2('attention:', '  window: 1024', '  retention_s: 0.001');
    const d = only(text, 'retention-short');
    assertAt(d, spanOf(text, 5, '0.001'), 'warning');
    assert.match(
      d.message,
      /^The oldest of the 1024 tokens in the window was written [\d.]+ ms ago \(1024 tokens × [\d.]+ µs per token\), longer than the 1 ms retention: it keeps exp\(−[\d.]+\)/,
    );
    assert.match(d.message, /(= [\d.]+%|less than 0\.1%) of its value/);
  });

  test('a retention warning with no retention key goes on the window value', () => {
    const text = gpt2('attention:', '  window: 1024');
    assertAt(only(text, 'retention-short'), spanOf(text, 4, '1024'), 'warning');
  });

  test('long retention or a short window: no retention warning', () => {
    assert.equal(
      analyze(gpt2('attention:', '  retention_s: 10')).diagnostics.filter((d) => d.code === 'retention-short').length,
      0,
    );
  });

  test('refresh within the retention silences the retention warning; a refresh period beyond it is named', () => {
    const retention = (extra: string) =>
      analyze(gpt2('attention:', '  window: 1024', '  retention_s: 0.001', extra)).diagnostics.filter(
        (d) => d.code === 'retention-short',
      );
    assert.equal(retention('  refresh_s: 0.0005').length, 0);
    const [d] = retention('  refresh_s: 0.004');
    assert.match(d.message, /^The gain cells are refreshed every 4 ms, longer than their 1 ms retention/);
  });

  test('arrays beyond the chip budget', () => {
    const text = gpt2('chip:', '  arrays_per_chip: 100', '  chips: 2');
    const d = only(text, 'chip-budget');
    assertAt(d, spanOf(text, 5, '2'), 'warning');
    assert.match(d.message, /^The design needs \d+ chips \(\d+ arrays at 100 per chip\), more than the budget of 2\.$/);
  });

  test('utilisation under 25% is information, on the array size', () => {
    const text = gpt2('weights:', '  array:', '    rows: 4096', '    cols: 4096');
    const d = only(text, 'low-utilization');
    assertAt(d, spanOf(text, 5, '4096'), 'information');
    assert.match(d.message, /^Only [\d.]+% of the cells hold data/);
    assert.equal(
      analyze(gpt2('weights:', '  array: { rows: 256, cols: 256 }')).diagnostics.filter(
        (x) => x.code === 'low-utilization',
      ).length,
      0,
    );
  });
});

describe('drift', () => {
  const drift = (...lines: string[]) => gpt2('weights:', '  device: pcm', 'nonidealities:', ...lines);

  test('a drift time with drift compensation off is information that says how far the conductances fall', () => {
    const text = drift('  drift_compensation: false', '  t_inference_s: 86400');
    const d = only(text, 'drift-uncompensated');
    assertAt(d, spanOf(text, 7, '86400'), 'information');
    assert.equal(
      d.message,
      'Weights are read 24 h after programming with drift compensation off: PCM conductances drift to (t/t0)^−ν = 43% to 66% of their programmed values (t0 20 s, ν 0.049 to 0.100), and nothing rescales the outputs. Set `drift_compensation: true` unless the uncompensated loss is what you want to see.',
    );
    assert.equal(d.fix?.title, 'Turn on drift compensation');
    assert.equal(fixed(text, d), drift('  drift_compensation: true', '  t_inference_s: 86400'));
  });

  test('no note with compensation on (the default), drift off, no drift time, or no PCM', () => {
    const none = (text: string) =>
      assert.equal(analyze(text).diagnostics.filter((x) => x.code === 'drift-uncompensated').length, 0, text);
    none(drift('  t_inference_s: 86400'));
    none(drift('  drift_compensation: false', '  drift: false', '  t_inference_s: 86400'));
    none(drift('  drift_compensation: false'));
    none(gpt2('weights:', '  device: rram', 'nonidealities:', '  drift_compensation: false', '  t_inference_s: 86400'));
  });

  test('PCM in a layer override counts', () => {
    const text = gpt2(
      'weights:',
      '  implementation: digital',
      'layers:',
      '  - layers: [3]',
      '    weights: { implementation: analog, device: pcm }',
      'nonidealities:',
      '  drift_compensation: false',
      '  t_inference_s: 3600',
    );
    assert.match(only(text, 'drift-uncompensated').message, /^Weights are read 1 h after programming/);
  });
});

describe('JSON configs', () => {
  test('are checked like YAML, with fixes that keep JSON valid', () => {
    const text = '{\n  "version": 1,\n  "model": { "preset": "gtp2" },\n  "weights": { "adc_bits": 3 }\n}\n';
    const found = analyze(text).diagnostics;
    assert.deepEqual(
      found.map((d) => [d.code, d.range]),
      [
        ['unknown-value', spanOf(text, 2, '"gtp2"')],
        ['unknown-key', spanOf(text, 3, '"adc_bits"')],
      ],
    );
    let repaired = text;
    for (const d of found) repaired = applyEdits(repaired, d.fix!.edits);
    assert.doesNotThrow(() => JSON.parse(repaired));
    assert.deepEqual(JSON.parse(repaired).model, { preset: 'gpt2' });
  });

  test('a missing model is added as JSON', () => {
    const text = '{\n  "version": 1\n}\n';
    const d = only(text, 'missing-key');
    const after = applyEdits(text, d.fix!.edits);
    assert.deepEqual(JSON.parse(after), { version: 1, model: { preset: 'gpt2' } });
  });

  test('a lossless-ADC fix inserts into a JSON object', () => {
    const text =
      '{\n  "version": 1,\n  "model": { "preset": "gpt2" },\n  "weights": {\n    "array": { "rows": 64, "cols": 64 },\n    "dac": { "bit_serial": true }\n  }\n}\n';
    const d = only(text, 'adc-bits-lossy');
    const after = fixed(text, d);
    assert.deepEqual(JSON.parse(after).weights.adc, { bits: 11 });
  });
});
