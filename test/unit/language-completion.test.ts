/**
 * Completion in YAML and JSON configs: the keys a section still lacks (with documentation),
 * enum values, preset and GPU names, and whole-section snippets whose placeholders are the
 * documented defaults.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeConfig } from '../../src/engine/analyze';
import { complete, type CompletionItem } from '../../src/engine/language/index';
import { applyEdits, cursor, gpt2 } from './language-text';

function at(marked: string): CompletionItem[] {
  const { text, position } = cursor(marked);
  return complete(text, position);
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

/** The snippet as inserted when every placeholder keeps its first choice or default. */
function expand(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|([^|]*)\|\}/g, (_, choices: string) => choices.split(/(?<!\\),/)[0])
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\{\d+\}|\$\d+/g, '')
    .replace(/\\([$}\\,|])/g, '$1');
}

/** The text after accepting `item` at the marked cursor. */
function accept(marked: string, item: CompletionItem): string {
  const { text } = cursor(marked);
  return applyEdits(text, [{ range: item.range, newText: item.snippet ? expand(item.insertText) : item.insertText }]);
}

describe('keys', () => {
  test('at the top level: the sections not yet written, with documentation', () => {
    const items = at('version: 1\nmodel:\n  preset: gpt2\n|');
    const keys = items.filter((i) => i.kind !== 'snippet');
    assert.deepEqual(labels(keys), [
      'name',
      'description',
      'workload',
      'technology',
      'weights',
      'attention',
      'digital',
      'chip',
      'components',
      'nonidealities',
      'functional',
      'baselines',
      'layers',
    ]);
    const weights = items.find((i) => i.label === 'weights')!;
    assert.equal(weights.kind, 'section');
    assert.equal(weights.insertText, 'weights:\n  $0');
    assert.match(weights.documentation!, /How the static weight matrices run/);
  });

  test("in a section, after a partial word: the section's other keys, replacing the word", () => {
    const items = at('version: 1\nweights:\n  adc:\n    bits: 8\n    co|\n');
    assert.deepEqual(labels(items), ['columns_per_adc', 'type']);
    assert.deepEqual(items[0].range, { start: { line: 4, character: 4 }, end: { line: 4, character: 6 } });
    assert.equal(items[0].insertText, 'columns_per_adc: ${1:8}');
    assert.equal(items[0].detail, 'default 8 · 1 to 65536 columns');
    assert.match(
      items[0].documentation!,
      /Source of the default: DNN\+NeuroSim V1\.4 default: 8 columns share one ADC/,
    );
  });

  test('an enum key completes with a choice of its values, the default first', () => {
    const device = at('weights:\n  |\n').find((i) => i.label === 'device')!;
    assert.equal(device.insertText, 'device: ${1|pcm,rram,sram,ideal|}');
  });

  test('a required key is listed first and preselected', () => {
    const items = at('version: 1\n|\n');
    assert.equal(items[0].label, 'model');
    assert.equal(items[0].preselect, true);
  });

  test('in a flow map', () => {
    const items = at('weights:\n  array: { rows: 256, | }\n');
    assert.deepEqual(labels(items), ['cols']);
    assert.equal(items[0].insertText, 'cols: ${1:512}');
  });

  test('keys of a component come from the component library, parameters derived by default say so', () => {
    const items = at('components:\n  adc:\n    |\n');
    assert.deepEqual(labels(items), [
      'energy_per_conversion_j',
      'comparator_energy_j',
      'sense_energy_per_level_j',
      'energy_scale',
      'cycles_per_conversion',
      'area_um2',
    ]);
    assert.match(items[0].documentation!, /Default: derived from the other settings/);
    assert.equal(items[0].detail, 'at least 0 J · default derived');
  });

  test('a key typed before an existing colon completes the name only', () => {
    const items = at('weights:\n  dev|: pcm\n');
    assert.deepEqual(
      items.map((i) => i.insertText),
      [
        'implementation',
        'device',
        'array',
        'bits_per_cell',
        'weight_bits',
        'rows_per_read',
        'mean_abs_weight',
        'mapping',
        'dac',
        'adc',
      ],
    );
  });

  test('keys of a new layer override, and a ready-made override', () => {
    const items = at('version: 1\nlayers:\n  - |\n');
    assert.deepEqual(labels(items.filter((i) => i.kind !== 'snippet')), ['layers', 'matrices', 'weights', 'attention']);
    const override = items.find((i) => i.label === 'override: first and last layers digital')!;
    assert.equal(override.insertText, 'layers: [${1:0}, ${2:-1}]\nweights:\n  implementation: ${3|digital,analog|}');
  });

  test('in a comment, or after a value: nothing', () => {
    assert.deepEqual(at('version: 1 # a |comment\n'), []);
    assert.deepEqual(at('name: my design |\n'), []);
  });
});

describe('values', () => {
  test('enum values, the default preselected', () => {
    const items = at('weights:\n  mapping: |\n');
    assert.deepEqual(labels(items), ['differential', 'offset', 'bit-sliced']);
    assert.equal(items[0].preselect, true);
    assert.equal(items[0].detail, 'default');
    assert.match(items[2].documentation!, /^`bit-sliced`: ⌈weight_bits \/ bits_per_cell⌉ cells per weight/);
  });

  test("preset names, with each model's size", () => {
    const items = at('model:\n  preset: ll|\n');
    const llama = items.find((i) => i.label === 'llama-2-70b')!;
    assert.equal(llama.detail, '69B parameters, 80 layers');
    assert.match(llama.documentation!, /80 layers, d_model 8192, 64 heads \(8 KV\)/);
    assert.deepEqual(llama.range, { start: { line: 1, character: 10 }, end: { line: 1, character: 12 } });
  });

  test('GPU names in a flow list, a block list, and as a whole list', () => {
    const flow = at('baselines: [h100, |]\n');
    assert.deepEqual(labels(flow), ['jetson-nano', 'jetson-agx-orin', 'rtx-4090', 'a100', 'h100', 'h200']);
    assert.equal(flow[3].detail, 'NVIDIA A100 SXM 80GB');
    assert.match(flow[3].documentation!, /Source: NVIDIA A100 datasheet/);
    assert.deepEqual(labels(at('baselines:\n  - h100\n  - |\n')), labels(flow));
    assert.equal(at('baselines: |\n').find((i) => i.label === 'h100')!.insertText, '[h100]');
  });

  test('matrix selectors in a layer override', () => {
    assert.ok(labels(at('layers:\n  - matrices: [q|]\n')).includes('qkv'));
  });

  test('booleans, and the default of a number', () => {
    assert.deepEqual(labels(at('weights:\n  dac:\n    bit_serial: |\n')), ['false', 'true']);
    assert.deepEqual(
      at('weights:\n  adc:\n    bits: |\n').map((i) => [i.label, i.detail]),
      [['8', 'default (bits)']],
    );
  });

  test('right after the colon, a value comes with the space YAML needs', () => {
    const marked = 'version: 1\nmodel:\n  preset:|\n';
    const gpt = at(marked).find((i) => i.label === 'gpt2')!;
    assert.equal(accept(marked, gpt), 'version: 1\nmodel:\n  preset: gpt2\n');
  });
});

describe('JSON', () => {
  test('keys come quoted, replacing the typed quote', () => {
    const marked = '{\n  "version": 1,\n  "mo|"\n}\n';
    const model = at(marked).find((i) => i.label === 'model')!;
    assert.equal(model.insertText, '"model": { $0 }');
    assert.deepEqual(model.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 6 } });
    assert.equal(model.filterText, '"model"');
  });

  test('values come quoted', () => {
    const marked = '{\n  "version": 1,\n  "model": { "preset": "|" }\n}\n';
    const gpt = at(marked).find((i) => i.label === 'gpt2-xl')!;
    assert.equal(accept(marked, gpt), '{\n  "version": 1,\n  "model": { "preset": "gpt2-xl" }\n}\n');
  });

  test('a section snippet is JSON', () => {
    const marked = '{\n  "version": 1,\n  "model": { "preset": "gpt2" },\n  |\n}\n';
    const tech = at(marked).find((i) => i.label === 'technology (whole section)')!;
    assert.deepEqual(JSON.parse(accept(marked, tech)).technology, { node_nm: 22, clock_ghz: 1 });
  });
});

describe('section snippets', () => {
  const sections = ['workload', 'technology', 'weights', 'attention', 'digital'];

  for (const section of sections) {
    test(`${section}: every key at its documented default, which is the default the simulator applies`, () => {
      const marked = gpt2('|');
      const snippet = at(marked).find((i) => i.label === `${section} (whole section)`);
      assert.ok(snippet, `no snippet for ${section}`);
      const written = accept(marked, snippet);
      const withSection = analyzeConfig(written);
      assert.deepEqual(
        withSection.diagnostics.filter((d) => d.severity === 'error'),
        [],
        written,
      );
      const without = analyzeConfig(gpt2());
      assert.equal(withSection.result!.perToken.energyJ, without.result!.perToken.energyJ, written);
      assert.equal(withSection.result!.areaMm2, without.result!.areaMm2);
    });
  }

  test('the model snippets give a valid model by preset, by shape or by file', () => {
    const marked = 'version: 1\n|';
    const items = at(marked).filter((i) => i.label.startsWith('model ('));
    assert.deepEqual(labels(items), ['model (preset)', 'model (explicit shape)', 'model (Hugging Face config.json)']);
    for (const item of items.slice(0, 2)) {
      const written = accept(marked, item);
      assert.deepEqual(
        analyzeConfig(written).diagnostics.filter((d) => d.severity === 'error'),
        [],
        written,
      );
    }
  });

  test('the layers snippet gives a valid override', () => {
    const marked = gpt2('|');
    const item = at(marked).find((i) => i.label === 'layers (first and last layers digital)')!;
    const written = accept(marked, item);
    const a = analyzeConfig(written);
    assert.deepEqual(
      a.diagnostics.filter((d) => d.severity === 'error'),
      [],
      written,
    );
    assert.equal(a.design!.weightsFor(0, 'q_proj').implementation, 'digital');
    assert.equal(a.design!.weightsFor(5, 'q_proj').implementation, 'analog');
  });
});

describe('files past the limits', () => {
  test('a nesting thousands of levels deep gets no completion, and no stack overflow', () => {
    const deep = `version: 1\nmodel:\n  preset: gpt2\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n|`;
    assert.deepEqual(at(deep), []);
    // Within the limits, the same place completes.
    assert.ok(at('version: 1\nmodel:\n  preset: gpt2\nx: [[1]]\n|').length > 0);
  });
});
