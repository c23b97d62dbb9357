import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { analyzeConfig, costDesign, language, loadDesignSync } from '../../src/engine';
import { prepareConfig } from '../../src/extension/simulation/configInput';
import { fakeVscode, Uri } from './language-fake-vscode';
import type { VscodeApi } from '../../src/extension/language/vscodeApi';

const HF = JSON.stringify({ model_type: 'gpt2', n_layer: 2, n_embd: 64, n_head: 4, vocab_size: 100, n_positions: 128 });

test('a config whose default GPUs become an override is checked twice, but its files are read once', async () => {
  const fake = fakeVscode();
  fake.files.set('/work/hf/config.json', HF);
  const api = fake.api as unknown as VscodeApi;
  const reads: string[] = [];
  const readFile = api.workspace.fs.readFile.bind(api.workspace.fs);
  (api.workspace.fs as { readFile: typeof readFile }).readFile = async (uri) => {
    reads.push(uri.path);
    return readFile(uri);
  };
  const text = 'version: 1\nmodel:\n  huggingface: hf/config.json\n';
  const prepared = await prepareConfig(
    api,
    async () => language,
    Uri.file('/work/design.aimc.yaml') as unknown as vscode.Uri,
    text,
    {
      defaultBaselines: ['a100'],
    },
  );
  assert.ok(prepared.ok);
  assert.deepEqual(prepared.input.overrides, [{ key: 'baselines', value: ['a100'] }]);
  assert.deepEqual(prepared.input.config.baselines, ['a100']);
  assert.deepEqual(reads, ['/work/hf/config.json']);
});

test('a loaded design is costed once, however often its costing is asked for', () => {
  const loaded = loadDesignSync('version: 1\nmodel: { preset: gpt2 }\n');
  const first = costDesign(loaded);
  assert.ok(first.result);
  assert.equal(costDesign(loaded), first);
  // A design loaded again is costed again, to the same figures.
  assert.deepEqual(analyzeConfig('version: 1\nmodel: { preset: gpt2 }\n').result, first.result);
});
