/**
 * Training of GPT-2 models on WebAssembly kernels: forward and backward by hand, AdamW, pluggable
 * attention (for hardware-aware fine-tuning), safetensors checkpoints with Hugging Face names, and
 * a character tokenizer.
 */
export type { AttentionOp, AttentionOpInput, AttentionOpOutput } from './attentionOp';
export { softmaxAttentionOp } from './attentionOp';
export type { ForwardResult, WeightNoiseHook } from './gpt2Network';
export { backward, forward, LAYER_NORM_EPS } from './gpt2Network';
export type { Gpt2BlockParams, Gpt2Layout, Gpt2Params, Gpt2Tensor } from './gpt2Params';
export {
  checkGpt2Shape,
  gpt2Layout,
  gpt2Shape,
  gpt2Views,
  modelWeightsToParams,
  paramsToModelWeights,
} from './gpt2Params';
export type { EvaluationResult, Trainer, TrainerOptions } from './trainer';
export {
  createTrainer,
  evaluate,
  evaluateParams,
  evaluationWindows,
  gaussianWeightNoise,
  initialGpt2Weights,
  scheduledLearningRate,
} from './trainer';
export type { ExtraTensor, LoadedGpt2Checkpoint } from './checkpoint';
export { gpt2ConfigMetadata, loadGpt2Checkpoint, saveGpt2Checkpoint } from './checkpoint';
export { buildCharVocab, charTokenizer, charTokenizerJson, UNKNOWN_TOKEN } from './charTokenizer';
