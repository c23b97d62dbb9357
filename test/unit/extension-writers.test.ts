/**
 * What the extension writes: new configs from presets and from a Hugging Face config.json, a sweep
 * point's config, export files, and the panel's accuracy view of a functional run.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatCsv as cliCsv } from '../../src/cli/summary';
import { analyzeConfig } from '../../src/engine/analyze';
import { shapeFromHuggingFace } from '../../src/engine/model/huggingface';
import { MODEL_PRESET_NAMES } from '../../src/engine/model/presets';
import { exportFiles, fileStem } from '../../src/extension/commands/exportResults';
import { relativePath } from '../../src/extension/commands/newConfig';
import { designPointText } from '../../src/extension/configText/designPoint';
import {
  DEFAULT_HARDWARE,
  hardwareFromExample,
  newConfigText,
  type HardwarePreset,
} from '../../src/extension/configText/newConfig';
import { accuracyView } from '../../src/extension/panel/accuracyView';
import { loadDesign, NO_FILES, runAccuracy } from '../../src/engine';
import { accuracySeries } from '../../webview/accuracy/shape';
import { example, hostFixture, ROOT } from './extension-host-fixture';
import { Uri } from './language-fake-vscode';

const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.aimc.yaml'))
  .sort();
const hardware: HardwarePreset[] = [DEFAULT_HARDWARE, ...EXAMPLES.map((f) => hardwareFromExample(f, example(f)))];
const errors = (text: string, readFile?: (p: string) => string | undefined) =>
  analyzeConfig(text, { readFile })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => d.message);

describe('New Config from Preset', () => {
  test('every model preset on every shipped hardware design is a valid config', () => {
    assert.ok(hardware.length >= 6);
    for (const h of hardware) {
      for (const name of MODEL_PRESET_NAMES) {
        const text = newConfigText({
          model: { kind: 'preset', name },
          hardware: h,
          baselines: ['h100', 'a100'],
          writtenBy: 'test',
        });
        assert.deepEqual(errors(text), [], `${name} on ${h.id}:\n${text}`);
        const r = analyzeConfig(text).result!;
        assert.equal(r.model.name, name);
        assert.deepEqual(
          r.baselines.map((b) => b.id),
          ['h100', 'a100'],
        );
      }
    }
  });

  test('the hardware sections come from the example as written, comments included; its model and run do not', () => {
    const tiny = hardware.find((h) => h.id === 'tiny-accuracy')!;
    assert.equal(tiny.description, 'Tiny GPT-2-like model, functional check');
    assert.match(tiny.sectionsText, /^weights:\n {2}device: pcm\n {2}array: \{ rows: 128, cols: 128 \}/);
    assert.match(
      tiny.sectionsText,
      /# The fitted cubic read model of the gain cells[^\n]*\n[^\n]*\nnonidealities:\n {2}gain_cell: \{ nonlinearity: false \}/,
    );
    assert.doesNotMatch(tiny.sectionsText, /^(version|name|model|workload|baselines):/m);
    const text = newConfigText({
      model: { kind: 'preset', name: 'llama-2-70b' },
      hardware: tiny,
      baselines: ['h100'],
      writtenBy: 'AIMC: New Config from Preset',
    });
    assert.match(
      text,
      /^# llama-2-70b on the tiny-accuracy hardware\n# Model: llama-2-70b \(80 layers, d_model 8192, 64 heads \(8 KV\), FFN 28672 swiglu, 69B parameters\)\.\n/,
    );
    assert.match(text, /Written by "AIMC: New Config from Preset"/);
    assert.match(text, /model:\n {2}preset: llama-2-70b\n/);
    assert.match(text, /context_tokens: 4095 /);
  });

  test("a design's attention window longer than the model's context is cut to the context", () => {
    const llama3 = hardware.find((h) => h.id === 'llama3-8b-huggingface')!;
    assert.match(llama3.sectionsText, /window: 4096/);
    const text = newConfigText({
      model: { kind: 'preset', name: 'gpt2' },
      hardware: llama3,
      baselines: ['h100'],
      writtenBy: 't',
    });
    assert.match(text, /window: 1024\n/);
    assert.deepEqual(errors(text), []);
  });

  test('the command writes the picked model on the picked design into a new untitled aimc document', async () => {
    const f = hostFixture();
    f.fake.setting('aimc.defaultBaselines', ['h200']);
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ label: string }>).find((i) => i.label === 'mistral-7b'),
    );
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ label: string }>).find((i) => i.label === 'llama2-7b-pcm'),
    );
    await f.fake.commands.get('aimc.newConfig')!();
    const [models, designs] = f.fake.user
      .callsOf('quickPick')
      .map((c) => c.shown as Array<{ label: string; detail: string; description: string }>);
    assert.deepEqual(
      models.map((m) => m.label),
      MODEL_PRESET_NAMES,
    );
    assert.match(
      models.find((m) => m.label === 'gpt2')!.detail,
      /12 layers, d_model 768, 12 heads, FFN 3072 gelu, 124\.4M parameters/,
    );
    assert.deepEqual(
      designs.map((d) => d.label),
      ['Engine defaults', ...EXAMPLES.map((e) => e.replace('.aimc.yaml', ''))],
    );
    const doc = f.fake.shownDocuments[0];
    assert.equal(doc.languageId, 'aimc');
    assert.equal(doc.uri.scheme, 'untitled');
    assert.match(doc.getText(), /preset: mistral-7b/);
    assert.match(doc.getText(), /array: \{ rows: 512, cols: 512 \}/);
    assert.match(doc.getText(), /baselines: \[h200\]\n$/);
    assert.deepEqual(errors(doc.getText()), []);
  });
});

describe('Import Hugging Face config.json', () => {
  const hfText = readFileSync(join(ROOT, 'examples/hf/llama-3-8b.config.json'), 'utf8');

  test('relative paths between URIs', () => {
    assert.equal(
      relativePath(Uri.file('/w/models') as never, Uri.file('/w/models/config.json') as never),
      './config.json',
    );
    assert.equal(
      relativePath(Uri.file('/w/configs') as never, Uri.file('/w/models/llama/config.json') as never),
      '../models/llama/config.json',
    );
    assert.equal(
      relativePath(Uri.file('/w') as never, Uri.parse('vscode-vfs://github/o/r/config.json') as never),
      '/o/r/config.json',
    );
  });

  test('writes a config naming the picked file, which reads back to the same model', async () => {
    const f = hostFixture();
    f.fake.files.set('/work/models/Meta-Llama-3-8B/config.json', hfText);
    f.fake.user.answer('openDialog', [Uri.file('/work/models/Meta-Llama-3-8B/config.json')]);
    f.fake.user.answer('quickPick', (items: unknown) => (items as Array<{ label: string }>)[0]);
    f.fake.user.answer('saveDialog', (_: unknown, o: unknown) => {
      assert.equal(
        (o as { defaultUri: Uri }).defaultUri.path,
        '/work/models/Meta-Llama-3-8B/meta-llama-3-8b.aimc.yaml',
      );
      return Uri.file('/work/configs/llama3.aimc.yaml');
    });
    await f.fake.commands.get('aimc.importHuggingFace')!();
    const text = f.fake.writtenText('/work/configs/llama3.aimc.yaml')!;
    assert.ok(text, 'the config was written');
    assert.match(text, /^# Meta-Llama-3-8B on the default hardware\n/);
    assert.match(text, /model:\n {2}huggingface: \.\.\/models\/Meta-Llama-3-8B\/config\.json\n/);
    const read = (p: string) => (p === '../models/Meta-Llama-3-8B/config.json' ? hfText : undefined);
    assert.deepEqual(errors(text, read), []);
    const expected = shapeFromHuggingFace(hfText, 'x');
    assert.ok(expected.ok);
    const r = analyzeConfig(text, { readFile: read }).result!;
    assert.equal(r.model.layers, expected.shape.layers);
    assert.equal(r.model.kvHeads, 8);
    assert.equal(f.fake.shownDocuments[0].uri.path, '/work/configs/llama3.aimc.yaml');
  });

  test('a file that is not a model config is refused with the reason; nothing is written', async () => {
    const f = hostFixture();
    f.fake.files.set('/work/package.json', '{ "name": "x" }');
    f.fake.user.answer('openDialog', [Uri.file('/work/package.json')]);
    await f.fake.commands.get('aimc.importHuggingFace')!();
    assert.match(
      f.fake.messages[0].text,
      /^AIMC: package\.json cannot be imported: it has no `model_type`, so its architecture is unknown/,
    );
    assert.equal(f.fake.written.size, 0);
  });
});

describe("a sweep point's config", () => {
  test('YAML: the values set in place, comments kept, a header saying where it came from; missing sections are added', () => {
    const base = example('gpt2-gaincell.aimc.yaml');
    const text = designPointText(
      base,
      { 'weights.adc.bits': 6, 'technology.clock_ghz': 2, 'chip.chips': 4 },
      'Design 3 of a sweep.',
    );
    assert.match(text, /^# Design 3 of a sweep\.\n# GPT-2 \(124M\) with gain-cell attention/);
    assert.match(text, /adc: \{ bits: 6, columns_per_adc: 8 \}/);
    assert.match(text, /clock_ghz: 2\n/);
    assert.match(text, /context_tokens: 1023 {6}# the generated token is the 1024th: a full window/);
    const config = analyzeConfig(text).config!;
    assert.equal(config.chip?.chips, 4);
    assert.deepEqual(errors(text), []);
  });

  test('JSON: values set, still JSON, no comment', () => {
    const text = designPointText(
      '{ "version": 1, "model": { "preset": "gpt2" }, "weights": { "adc": { "bits": 8 } } }',
      { 'weights.adc.bits': 5, 'weights.device': 'rram' },
      'header',
    );
    const v = JSON.parse(text);
    assert.equal(v.weights.adc.bits, 5);
    assert.equal(v.weights.device, 'rram');
  });
});

describe('export files', () => {
  const result = analyzeConfig(example('gpt2-gaincell.aimc.yaml')).result!;

  test('JSON is the whole result and CSV is what `aimc simulate --csv` writes', () => {
    const [json] = exportFiles(result, 'json', []);
    assert.equal(json.name, 'gpt-2-with-gain-cell-attention-leroux-et-al-2025.json');
    assert.deepEqual(JSON.parse(new TextDecoder().decode(json.bytes)), JSON.parse(JSON.stringify(result)));
    const [csv] = exportFiles(result, 'csv', []);
    assert.equal(new TextDecoder().decode(csv.bytes), cliCsv(result));
    assert.match(new TextDecoder().decode(csv.bytes), /^section,key,value,unit\nsummary,energy_per_token,/);
  });

  test('PNG files are named after the design each chart shows', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';
    const files = exportFiles(
      result,
      'png',
      ['energy-by-layer', 'accuracy-by-layer', 'sweep-scatter'].map((name) => ({
        name,
        dataUrl: png,
        width: 1,
        height: 1,
      })),
      { accuracy: 'Tiny model: functional simulation', sweep: 'GPT-2: weights.adc.bits' },
    );
    assert.deepEqual(
      files.map((x) => x.name),
      [
        'gpt-2-with-gain-cell-attention-leroux-et-al-2025-energy-by-layer.png',
        'tiny-model-functional-simulation-accuracy-by-layer.png',
        'gpt-2-weights-adc-bits-sweep-scatter.png',
      ],
    );
    assert.deepEqual([...files[0].bytes.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal(fileStem('  ///  '), 'aimc-result');
  });
});

describe('accuracy view of a functional run', () => {
  test('one bar per block plus the LM head, per-matrix rows in the table, the logits as the whole model', async () => {
    const text = example('tiny-accuracy.aimc.yaml');
    const r = await runAccuracy(await loadDesign(text, NO_FILES));
    const view = accuracyView(r, 'tiny: functional simulation');
    const metric = view.metrics.find((m) => m.key === 'relativeError')!;
    const series = accuracySeries(view, metric);
    assert.equal(series.perLayer, true);
    assert.deepEqual(series.labels, ['Layer 0', 'Layer 1', 'LM head']);
    assert.equal(series.values[0], r.layers[0].output.vsSoftmaxModel.relativeError);
    const matrices = view.rows.filter((row) => row.layer === '0' && row.matrix !== null).map((row) => row.matrix);
    assert.deepEqual(matrices, [...r.layers[0].matrices.map((m) => m.matrix), 'attention']);
    assert.equal(view.overall!.relativeError, r.endToEnd.logitsVsSoftmaxModel.relativeError);
    assert.equal(view.overall!.topKAgreement, 100 * r.endToEnd.logitsVsSoftmaxModel.topKAgreement!);
    assert.ok(
      view.rows.every((row) => Object.values(row.values).every((v) => v === null || Number.isFinite(v))),
      'JSON-safe: no Infinity',
    );
    assert.match(view.notes[0], /2 block\(s\), 32 tokens × 1 sample\(s\), seed 7/);
  });
});
