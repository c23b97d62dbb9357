/**
 * A GPT-2 checkpoint folder as Hugging Face writes one (model.safetensors with the causal-mask
 * buffers, config.json, a byte-level BPE tokenizer.json), made by the test from the shipped
 * character model, and a text file: `aimc accuracy` gives perplexity at full depth, the same as the
 * shipped model with its own character tokenizer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDesign, runAccuracy } from '../../src/engine';
import { fileReaderFor } from '../../src/cli/io';
import { bytesFile, openCheckpoint } from '../../src/engine/functional/checkpoint';
import { loadTokenizer } from '../../src/engine/text/tokenizer';
import { writeSafetensors } from '../fixtures/functional/helpers';

const SHIPPED = join(import.meta.dirname, '../../examples/kjv-char');

/** GPT-2's byte-to-character map (bytes_to_unicode): printable bytes stand for themselves, the rest for 256 + n. */
function byteLevelChar(byte: number): string {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  if (printable(byte)) return String.fromCharCode(byte);
  let n = 0;
  for (let b = 0; b < byte; b++) if (!printable(b)) n++;
  return String.fromCharCode(256 + n);
}

/** A GPT-2-style tokenizer.json over the shipped vocabulary: one token per byte, no merges. */
function byteLevelTokenizerJson(vocab: readonly string[]): string {
  const ids: Record<string, number> = { '<|endoftext|>': 0 };
  vocab.forEach((ch, i) => {
    if (i > 0) ids[byteLevelChar(ch.charCodeAt(0))] = i;
  });
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: 0,
        content: '<|endoftext|>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: true,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: ids,
      merges: [],
    },
  });
}

const design = (checkpoint: string, tokenizer: string) => `version: 1
model: { huggingface: ${checkpoint}/config.json }
workload: { context_tokens: 127 }
weights: { device: pcm, array: { rows: 128, cols: 128 } }
attention: { implementation: gain-cell, window: 128 }
functional:
  checkpoint: ${checkpoint}
  tokenizer: ${tokenizer}
  text: eval.txt
  tokens: 128
  samples: 4
  seeds: 1
`;

test('a Hugging Face GPT-2 folder with a byte-level BPE tokenizer.json scores a text at full depth', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aimc-hf-gpt2-'));
  try {
    // The shipped model's tensors as a Hugging Face GPT-2 folder, with the attention-mask buffers
    // (h.N.attn.bias, [1, 1, n_ctx, n_ctx]) that GPT-2 checkpoints carry and the reader must skip.
    const source = readFileSync(join(SHIPPED, 'model.safetensors'));
    const tensors = openCheckpoint('model.safetensors', () => bytesFile(new Uint8Array(source)));
    const config = JSON.parse(readFileSync(join(SHIPPED, 'config.json'), 'utf8')) as { n_layer: number; n_ctx: number };
    const content: Parameters<typeof writeSafetensors>[0] = {};
    for (const name of tensors.names())
      content[name] = { dtype: 'F32', shape: [...tensors.info(name)!.shape], data: tensors.read(name) };
    const ctx = config.n_ctx;
    const mask = Float32Array.from({ length: ctx * ctx }, (_, i) => (i % ctx <= Math.floor(i / ctx) ? 1 : 0));
    for (let l = 0; l < config.n_layer; l++)
      content[`h.${l}.attn.bias`] = { dtype: 'F32', shape: [1, 1, ctx, ctx], data: mask };
    mkdirSync(join(dir, 'gpt2-kjv'));
    writeFileSync(join(dir, 'gpt2-kjv', 'model.safetensors'), writeSafetensors(content, { format: 'pt' }));
    copyFileSync(join(SHIPPED, 'config.json'), join(dir, 'gpt2-kjv', 'config.json'));
    const vocab = (JSON.parse(readFileSync(join(SHIPPED, 'tokenizer.json'), 'utf8')) as { vocab: string[] }).vocab;
    const bpe = byteLevelTokenizerJson(vocab);
    writeFileSync(join(dir, 'gpt2-kjv', 'tokenizer.json'), bpe);
    // The shipped folder beside it, with its own character tokenizer.
    mkdirSync(join(dir, 'kjv-char'));
    for (const f of ['model.safetensors', 'config.json', 'tokenizer.json'])
      copyFileSync(join(SHIPPED, f), join(dir, 'kjv-char', f));
    copyFileSync(join(SHIPPED, 'eval.txt'), join(dir, 'eval.txt'));

    // The two tokenizers agree on the text, through different code (the library's BPE, the char reader).
    const text = readFileSync(join(dir, 'eval.txt'), 'utf8').slice(0, 2000);
    const hf = loadTokenizer(bpe);
    assert.equal(hf.kind, 'bpe');
    assert.deepEqual(hf.encode(text), loadTokenizer(JSON.stringify({ type: 'char', vocab })).encode(text));

    const run = async (checkpoint: string) => {
      const file = join(dir, `${checkpoint}.aimc.yaml`);
      const yaml = design(checkpoint, `${checkpoint}/tokenizer.json`);
      writeFileSync(file, yaml);
      const loaded = await loadDesign(yaml, fileReaderFor(file), { withCheckpoint: 'stream' });
      assert.deepEqual(
        loaded.diagnostics.filter((d) => d.severity === 'error'),
        [],
      );
      return runAccuracy(loaded);
    };
    const hfRun = await run('gpt2-kjv');
    const charRun = await run('kjv-char');
    assert.equal(hfRun.blocks, 4, 'every block');
    assert.equal(hfRun.task.text?.tokenizer, 'gpt2-kjv/tokenizer.json');
    assert.equal(hfRun.task.floatSoftmax.tokens, 4 * 128);
    // A trained model on its own held-out text: far better than chance (74 characters).
    assert.ok(hfRun.task.floatSoftmax.perplexity < 6, `${hfRun.task.floatSoftmax.perplexity}`);
    assert.equal(hfRun.task.floatSoftmax.perplexity, charRun.task.floatSoftmax.perplexity);
    assert.equal(hfRun.task.analog.perplexity.mean, charRun.task.analog.perplexity.mean);

    // A tokenizer_config.json beside tokenizer.json names the beginning-of-sequence token: it then
    // starts every window, which holds one token of text fewer.
    writeFileSync(join(dir, 'gpt2-kjv', 'tokenizer_config.json'), JSON.stringify({ bos_token: '<|endoftext|>' }));
    const withBos = await run('gpt2-kjv');
    assert.equal(withBos.task.text?.tokens, 4 * 127 + 1);
    assert.equal(withBos.task.floatSoftmax.tokens, 4 * 128);
    assert.notEqual(withBos.task.floatSoftmax.perplexity, hfRun.task.floatSoftmax.perplexity);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
