/**
 * The Hugging Face importer reads GPT-2, Llama and Mistral and refuses every other architecture
 * with a message that names the key that shows it (issue 13), instead of reading it as Llama.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeConfig } from '../../src/engine';
import { shapeFromHuggingFace } from '../../src/engine/model/huggingface';

const LLAMA = {
  model_type: 'llama',
  hidden_size: 4096,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  num_hidden_layers: 32,
  intermediate_size: 14336,
  vocab_size: 32000,
  max_position_embeddings: 32768,
  hidden_act: 'silu',
};
const MIXTRAL = { ...LLAMA, model_type: 'mixtral', num_local_experts: 8, num_experts_per_tok: 2 };
const DEEPSEEK_V2 = {
  ...LLAMA,
  model_type: 'deepseek_v2',
  kv_lora_rank: 512,
  q_lora_rank: 1536,
  n_routed_experts: 160,
  num_experts_per_tok: 6,
};
const GEMMA = {
  ...LLAMA,
  model_type: 'gemma',
  hidden_size: 3072,
  num_attention_heads: 16,
  num_key_value_heads: 16,
  head_dim: 256,
  num_hidden_layers: 28,
  intermediate_size: 24576,
  vocab_size: 256000,
  max_position_embeddings: 8192,
  hidden_act: 'gelu_pytorch_tanh',
  hidden_activation: 'gelu_pytorch_tanh',
};

function refusal(cfg: object): string {
  const r = shapeFromHuggingFace(JSON.stringify(cfg));
  assert.equal(r.ok, false, 'imported instead of refused');
  return r.ok ? '' : r.message;
}

describe('Hugging Face importer: what is not modelled is refused, naming the key', () => {
  test('Mixtral (mixture of experts) names model_type; relabelled as llama, the expert keys', () => {
    assert.match(refusal(MIXTRAL), /`model_type` is `mixtral`, a mixture of experts/);
    assert.match(refusal({ ...MIXTRAL, model_type: 'llama' }), /`num_local_experts` means a mixture of experts/);
    const { num_local_experts: _, ...topK } = { ...MIXTRAL, model_type: 'mistral' };
    assert.match(refusal(topK), /`num_experts_per_tok` means a mixture of experts/);
  });

  test('DeepSeek (multi-head latent attention) names model_type, then kv_lora_rank and q_lora_rank', () => {
    assert.match(refusal(DEEPSEEK_V2), /`model_type` is `deepseek_v2`, multi-head latent attention/);
    const asLlama = { ...DEEPSEEK_V2, model_type: 'llama', n_routed_experts: null, num_experts_per_tok: null };
    assert.match(refusal(asLlama), /`kv_lora_rank` means multi-head latent attention/);
    assert.match(refusal({ ...asLlama, kv_lora_rank: null }), /`q_lora_rank` means multi-head latent attention/);
  });

  test('Gemma (gated GELU) names model_type, hidden_activation, or hidden_act', () => {
    assert.match(refusal(GEMMA), /`model_type` is `gemma`, a gated-GELU feed-forward network/);
    assert.match(refusal({ ...GEMMA, model_type: 'llama' }), /`hidden_activation` means a gated-GELU/);
    const { hidden_activation: _, ...gelu } = { ...GEMMA, model_type: 'llama' };
    assert.match(refusal(gelu), /`hidden_act` is `gelu_pytorch_tanh`: a llama feed-forward network gated by it/);
  });

  test('an unknown or missing model_type is refused, not read as Llama', () => {
    assert.match(
      refusal({ ...LLAMA, model_type: 'falcon' }),
      /`model_type` is `falcon`, an architecture that is not modelled/,
    );
    const { model_type: _, ...untyped } = LLAMA;
    assert.match(refusal(untyped), /it has no `model_type`/);
    // A string that is not an identifier is described, never quoted.
    const m = refusal({ ...LLAMA, model_type: 'root:*:20240:0:99999:7:::' });
    assert.match(m, /`model_type` is a string/);
    assert.doesNotMatch(m, /root:/);
  });

  test('every refusal says what is supported', () => {
    for (const cfg of [MIXTRAL, DEEPSEEK_V2, GEMMA, { ...LLAMA, model_type: 'falcon' }])
      assert.match(refusal(cfg), /model_type gpt2, llama or mistral/);
  });

  test('GPT-2, Llama and Mistral still import', () => {
    for (const model_type of ['llama', 'mistral']) {
      const r = shapeFromHuggingFace(JSON.stringify({ ...LLAMA, model_type }));
      assert.ok(r.ok, r.ok ? '' : r.message);
      if (r.ok) assert.equal(r.shape.ffn, 'swiglu');
    }
    const gpt2 = { n_layer: 2, n_embd: 64, n_head: 4, vocab_size: 100, n_positions: 128 };
    assert.ok(shapeFromHuggingFace(JSON.stringify(gpt2)).ok, 'GPT-2 keys without model_type');
    assert.ok(shapeFromHuggingFace(JSON.stringify({ ...gpt2, model_type: 'gpt2' })).ok);
  });

  test('a config naming a Mixtral config.json gets a located error diagnostic', () => {
    const text = 'version: 1\nmodel:\n  huggingface: mixtral.json\n';
    const r = analyzeConfig(text, {
      readFile: (p: string) => (p === 'mixtral.json' ? JSON.stringify(MIXTRAL) : undefined),
    });
    const d = r.diagnostics.find((x) => x.code === 'huggingface-invalid');
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.equal(d.severity, 'error');
    assert.equal(d.range.start.line, 2);
    assert.match(d.message, /cannot be imported: `model_type` is `mixtral`/);
  });
});
