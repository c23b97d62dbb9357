import type { ModelShape } from '../../shared/modelShape';

/**
 * Published model shapes, from each model's released config.json (Hugging Face Hub):
 * openai-community/gpt2{,-medium,-large,-xl}, meta-llama/Llama-2-{7b,13b,70b}-hf,
 * meta-llama/Meta-Llama-3-8B, mistralai/Mistral-7B-v0.1.
 * `publishedParameters` is the parameter count of the released checkpoint, used by the tests.
 */
export interface ModelPreset {
  readonly shape: ModelShape;
  readonly publishedParameters: number;
  readonly source: string;
}

const gpt2 = (
  name: string,
  layers: number,
  dModel: number,
  heads: number,
  published: number,
  hub: string,
): ModelPreset => ({
  shape: {
    name,
    family: 'gpt2',
    layers,
    dModel,
    heads,
    kvHeads: heads,
    headDim: dModel / heads,
    dFf: 4 * dModel,
    ffn: 'gelu',
    vocab: 50257,
    context: 1024,
    tiedEmbeddings: true,
    slidingWindow: null,
    norm: 'layernorm',
    bias: true,
    positional: 'learned',
  },
  publishedParameters: published,
  source: `${hub} config.json (n_layer, n_embd, n_head); parameter count of the released checkpoint`,
});

const llama = (
  name: string,
  family: 'llama' | 'mistral',
  layers: number,
  dModel: number,
  heads: number,
  kvHeads: number,
  dFf: number,
  vocab: number,
  context: number,
  slidingWindow: number | null,
  published: number,
  hub: string,
): ModelPreset => ({
  shape: {
    name,
    family,
    layers,
    dModel,
    heads,
    kvHeads,
    headDim: dModel / heads,
    dFf,
    ffn: 'swiglu',
    vocab,
    context,
    tiedEmbeddings: false,
    slidingWindow,
    norm: 'rmsnorm',
    bias: false,
    positional: 'rope',
  },
  publishedParameters: published,
  source: `${hub} config.json; parameter count of the released checkpoint`,
});

export const MODEL_PRESETS = {
  gpt2: gpt2('gpt2', 12, 768, 12, 124_439_808, 'openai-community/gpt2'),
  'gpt2-medium': gpt2('gpt2-medium', 24, 1024, 16, 354_823_168, 'openai-community/gpt2-medium'),
  'gpt2-large': gpt2('gpt2-large', 36, 1280, 20, 774_030_080, 'openai-community/gpt2-large'),
  'gpt2-xl': gpt2('gpt2-xl', 48, 1600, 25, 1_557_611_200, 'openai-community/gpt2-xl'),
  'llama-2-7b': llama(
    'llama-2-7b',
    'llama',
    32,
    4096,
    32,
    32,
    11008,
    32000,
    4096,
    null,
    6_738_415_616,
    'meta-llama/Llama-2-7b-hf',
  ),
  'llama-2-13b': llama(
    'llama-2-13b',
    'llama',
    40,
    5120,
    40,
    40,
    13824,
    32000,
    4096,
    null,
    13_015_864_320,
    'meta-llama/Llama-2-13b-hf',
  ),
  'llama-2-70b': llama(
    'llama-2-70b',
    'llama',
    80,
    8192,
    64,
    8,
    28672,
    32000,
    4096,
    null,
    68_976_648_192,
    'meta-llama/Llama-2-70b-hf',
  ),
  'llama-3-8b': llama(
    'llama-3-8b',
    'llama',
    32,
    4096,
    32,
    8,
    14336,
    128256,
    8192,
    null,
    8_030_261_248,
    'meta-llama/Meta-Llama-3-8B',
  ),
  'mistral-7b': llama(
    'mistral-7b',
    'mistral',
    32,
    4096,
    32,
    8,
    14336,
    32000,
    32768,
    4096,
    7_241_732_096,
    'mistralai/Mistral-7B-v0.1',
  ),
} as const satisfies Record<string, ModelPreset>;

export type ModelPresetName = keyof typeof MODEL_PRESETS;
export const MODEL_PRESET_NAMES = Object.keys(MODEL_PRESETS) as ModelPresetName[];
