import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildCharVocab, charTokenizer, charTokenizerJson, UNKNOWN_TOKEN } from '../../src/engine/train/charTokenizer';
import { loadTokenizer } from '../../src/engine/text/tokenizer';

describe('char tokenizer', () => {
  it('puts <unk> first, then each distinct character once in code-point order', () => {
    assert.deepEqual(buildCharVocab('baa\nc b'), [UNKNOWN_TOKEN, '\n', ' ', 'a', 'b', 'c']);
  });

  it('encodes a character as its index in vocab and an unknown one as 0', () => {
    const t = charTokenizer(buildCharVocab('ab c'));
    assert.deepEqual(Array.from(t.encode('cab?a')), [4, 2, 3, 0, 2]);
    assert.equal(t.decode(t.encode('a cab')), 'a cab');
  });

  it('treats a character outside the BMP as one token', () => {
    const t = charTokenizer(buildCharVocab('x😀'));
    assert.equal(t.encode('😀x').length, 2);
    assert.equal(t.decode(t.encode('😀x')), '😀x');
  });

  it('writes the file the tokenizer reader reads back to the same vocabulary', () => {
    const vocab = buildCharVocab('In the beginning');
    const text = charTokenizerJson(vocab);
    assert.deepEqual(JSON.parse(text), { type: 'char', vocab });
    const t = loadTokenizer(text);
    assert.equal(t.kind, 'char');
    assert.equal(t.vocabSize, vocab.length);
    assert.deepEqual(
      Array.from(t.encode('begin')),
      [...'begin'].map((c) => vocab.indexOf(c)),
    );
  });
});
