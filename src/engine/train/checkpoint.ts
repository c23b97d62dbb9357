/**
 * GPT-2 checkpoints in the safetensors format (huggingface/safetensors: an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {…}} padded
 * with spaces to 8 bytes, then the tensor data) with Hugging Face GPT-2 tensor names, so that
 * functional/weights.ts `checkpointWeights` and Hugging Face's loader read them. The architecture
 * goes into `__metadata__` as GPT-2 config keys (n_layer, n_embd, n_head, n_inner, vocab_size,
 * n_positions), so a checkpoint loads without its config.json.
 */
import { encodeUtf8 } from '../functional/safetensors';
import type { ModelShape } from '../../shared/modelShape';
import { parseSafetensors, SafetensorsError } from '../functional/safetensors';
import type { ModelWeights } from '../functional/weights';
import { checkpointWeights } from '../functional/weights';
import { gpt2Layout, gpt2Shape, modelWeightsToParams } from './gpt2Params';

/** An extra float32 tensor stored beside the model's (e.g. calibration constants). */
export interface ExtraTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The GPT-2 config keys of a shape, as strings (safetensors metadata holds strings only). */
export function gpt2ConfigMetadata(shape: ModelShape): Record<string, string> {
  return {
    model_type: 'gpt2',
    n_layer: String(shape.layers),
    n_embd: String(shape.dModel),
    n_head: String(shape.heads),
    n_inner: String(shape.dFf),
    vocab_size: String(shape.vocab),
    n_positions: String(shape.context),
  };
}

/**
 * A safetensors file of the weights (all `shape.context` position rows must be present), with
 * `metadata` and the shape's config keys in `__metadata__`, and any extra float32 tensors.
 */
export function saveGpt2Checkpoint(
  weights: ModelWeights,
  shape: ModelShape,
  metadata: Record<string, string> = {},
  extra: readonly ExtraTensor[] = [],
): Uint8Array {
  const layout = gpt2Layout(shape);
  if (!weights.positions || weights.positions.length < shape.context * shape.dModel) {
    throw new RangeError(`the weights hold fewer than the ${shape.context} position rows of the context`);
  }
  const params = modelWeightsToParams(weights, layout);
  const tensors: ExtraTensor[] = layout.tensors.map((t) => ({
    name: t.name,
    shape: t.shape,
    data: params.data.subarray(t.offset, t.offset + t.size),
  }));
  for (const e of extra) {
    if (tensors.some((t) => t.name === e.name)) throw new RangeError(`tensor ${e.name} is already in the checkpoint`);
    if (e.data.length !== e.shape.reduce((a, n) => a * n, 1)) {
      throw new RangeError(
        `tensor ${e.name} holds ${e.data.length} values, its shape [${e.shape.join(', ')}] needs more or fewer`,
      );
    }
    tensors.push(e);
  }
  const header: Record<string, unknown> = { __metadata__: { ...metadata, ...gpt2ConfigMetadata(shape) } };
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  const json = Array.from(encodeUtf8(JSON.stringify(header)));
  while (json.length % 8 !== 0) json.push(0x20);
  const bytes = new Uint8Array(8 + json.length + offset);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  bytes.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return bytes;
}

export interface LoadedGpt2Checkpoint {
  readonly weights: ModelWeights;
  readonly shape: ModelShape;
  /** `__metadata__` of the file. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Every tensor not of the GPT-2 model, as float32. */
  readonly extra: readonly ExtraTensor[];
}

/**
 * Reads a GPT-2 safetensors checkpoint. The shape comes from `shape` when given, else from the
 * file: layers, d_model, d_ff, vocabulary and context from the tensor shapes, heads from the
 * `n_head` metadata key (which `saveGpt2Checkpoint` writes).
 */
export function loadGpt2Checkpoint(bytes: Uint8Array, shape?: ModelShape): LoadedGpt2Checkpoint {
  const file = parseSafetensors(bytes);
  const dims = (name: string): readonly number[] => {
    const t = file.tensors.get(name) ?? file.tensors.get(`transformer.${name}`);
    if (!t) throw new SafetensorsError(`it has no tensor "${name}", which a GPT-2 checkpoint needs`);
    return t.shape;
  };
  let resolved = shape;
  if (!resolved) {
    const [vocab, dModel] = dims('wte.weight');
    const [context] = dims('wpe.weight');
    const dFf = dims('h.0.mlp.c_fc.weight')[1];
    let layers = 0;
    while (
      file.tensors.has(`h.${layers}.attn.c_attn.weight`) ||
      file.tensors.has(`transformer.h.${layers}.attn.c_attn.weight`)
    )
      layers++;
    const heads = Number(file.metadata.n_head);
    if (!Number.isInteger(heads) || heads < 1) {
      throw new SafetensorsError('its metadata has no n_head; pass the model shape (from config.json)');
    }
    resolved = gpt2Shape({ name: file.metadata.name ?? 'gpt2', layers, dModel, heads, dFf, vocab, context });
  }
  const layout = gpt2Layout(resolved);
  const known = new Set(layout.tensors.map((t) => t.name));
  const extra: ExtraTensor[] = [];
  for (const [name, info] of file.tensors) {
    const bare = name.startsWith('transformer.') ? name.slice('transformer.'.length) : name;
    if (known.has(bare) || bare === 'lm_head.weight') continue;
    extra.push({ name, shape: info.shape, data: file.read(name) });
  }
  return {
    weights: checkpointWeights(file, resolved, resolved.layers, resolved.vocab, resolved.context),
    shape: resolved,
    metadata: file.metadata,
    extra,
  };
}
