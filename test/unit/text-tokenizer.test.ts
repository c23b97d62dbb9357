import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTokenizer, TokenizerError } from '../../src/engine/text/tokenizer';

/**
 * GPT-2's byte-to-character table (byte-level BPE): printable Latin-1 bytes stand for themselves,
 * the others take the characters from U+0100 on, in byte order.
 */
function byteAlphabet(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable(b) ? b : next++));
  return out;
}

/** A tiny GPT-2-style tokenizer.json: all 256 bytes, a few merges, <|endoftext|> as an added token. */
function tinyByteLevelBpe(): { json: string; vocab: Record<string, number> } {
  const vocab: Record<string, number> = {};
  byteAlphabet().forEach((ch, i) => (vocab[ch] = i));
  const merges = ['h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'o r', 'Ġw or', 'l d', 'Ġwor ld'];
  for (const m of merges) vocab[m.replace(' ', '')] = Object.keys(vocab).length;
  const eot = Object.keys(vocab).length;
  vocab['<|endoftext|>'] = eot;
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const doc = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: eot,
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
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  return { json: JSON.stringify(doc), vocab };
}

/** A tiny Llama-style tokenizer.json: SentencePiece BPE (▁ for spaces) with byte fallback <0xNN>. */
function tinyLlama(): { json: string; vocab: Record<string, number> } {
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  for (const ch of ['▁', 'h', 'e', 'l', 'o', 'w', 'r', 'd']) vocab[ch] = Object.keys(vocab).length;
  const merges = ['▁ h', 'e l', 'el l', '▁h ell', '▁hell o', '▁ w', 'o r', '▁w or', '▁wor l', '▁worl d'];
  for (const m of merges) vocab[m.replace(' ', '')] = Object.keys(vocab).length;
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const doc = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<s>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
      ],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      merges,
    },
  };
  return { json: JSON.stringify(doc), vocab };
}

test('byte-level BPE (GPT-2 style): merges give the expected ids, any text round-trips', () => {
  const { json, vocab } = tinyByteLevelBpe();
  const t = loadTokenizer(json);
  assert.equal(t.kind, 'bpe');
  assert.equal(t.vocabSize, Object.keys(vocab).length);
  assert.deepEqual([...t.encode('hello world')], [vocab['hello'], vocab['Ġworld']]);
  // Unmerged bytes fall back to the byte alphabet: "!" is byte 33, "\n" byte 10 → "Ċ".
  assert.deepEqual([...t.encode('hello!\n')], [vocab['hello'], 33, vocab['Ċ']]);
  // No BOS/EOS is added.
  assert.equal(t.encode('hello')[0], vocab['hello']);
  for (const text of ['hello world', ' leading space and  two', 'ünïcödé 💡 text\n\ttabs', '']) {
    assert.equal(t.decode(t.encode(text)), text, JSON.stringify(text));
  }
  assert.ok(t.encode('ünïcödé').length >= 'ünïcödé'.length, 'multi-byte characters take byte tokens');
  assert.throws(() => t.decode([t.vocabSize]), /outside the vocabulary/);
  assert.equal(t.bos, null, 'GPT-2 has no BOS token');
  assert.equal(t.unk, null, 'byte-level BPE spells any text');
});

test('SentencePiece-style BPE (Llama style): ▁ for spaces, byte fallback for unseen characters', () => {
  const { json, vocab } = tinyLlama();
  const t = loadTokenizer(json, JSON.stringify({ bos_token: '<s>', clean_up_tokenization_spaces: false }));
  assert.equal(t.kind, 'sentencepiece');
  assert.equal(t.bos, 1);
  assert.equal(t.unk, vocab['<unk>'], 'the model names its unknown token');
  assert.deepEqual([...t.encode('hello world')], [vocab['▁hello'], vocab['▁world']]);
  // "é" is not in the vocabulary: UTF-8 bytes C3 A9 → <0xC3> <0xA9>.
  const ids = [...t.encode('hé')];
  assert.deepEqual(ids, [vocab['▁h'], 3 + 0xc3, 3 + 0xa9]);
  for (const text of ['hello world', 'hé wörld', 'hello']) assert.equal(t.decode(t.encode(text)), text);
});

test('character tokenizer: id = index, unknown code points → 0, iterates by code point', () => {
  const vocab = ['<unk>', '\n', ' ', '!', 'a', 'b', '😀'];
  const t = loadTokenizer(JSON.stringify({ type: 'char', vocab }));
  assert.equal(t.kind, 'char');
  assert.equal(t.vocabSize, vocab.length);
  assert.deepEqual([...t.encode('ab a!\n')], [4, 5, 2, 4, 3, 1]);
  // 😀 is one code point (two UTF-16 units): one token. "z" is not in the vocabulary.
  assert.deepEqual([...t.encode('a😀z')], [4, 6, 0]);
  assert.equal(t.decode([4, 6, 2, 5]), 'a😀 b');
  assert.equal(t.decode(t.encode('a z')), 'a <unk>');
  assert.throws(() => t.decode([7]), /outside the character vocabulary/);
});

test('malformed tokenizer files are refused with a reason', () => {
  const err = (json: string, re: RegExp, config?: string) =>
    assert.throws(
      () => loadTokenizer(json, config),
      (e: unknown) => e instanceof TokenizerError && re.test(e.message),
      re.source,
    );
  err('{"model": ', /not valid JSON/);
  err('[1, 2]', /not a JSON object/);
  err('{"type": "char", "vocab": []}', /no vocabulary/);
  err('{"type": "char"}', /no vocabulary/);
  err('{"type": "char", "vocab": ["a", 3]}', /vocab\[1\] is not a string/);
  err('{"type": "words", "vocab": ["a"]}', /"words"/);
  err('{"tokenizer_class": "GPT2Tokenizer"}', /looks like tokenizer_config\.json/);
  const bpe = JSON.parse(tinyByteLevelBpe().json);
  err(
    JSON.stringify({ ...bpe, model: { ...bpe.model, type: 'Mystery' } }),
    /type "Mystery"; the model types read are BPE/,
  );
  err(JSON.stringify({ ...bpe, model: { ...bpe.model, vocab: {} } }), /empty vocabulary/);
  err(tinyByteLevelBpe().json, /tokenizer config .* not valid JSON/, '{oops');
});
