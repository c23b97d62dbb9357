/** The shape of a decoder-only transformer, as far as cost and mapping need it. */
export interface ModelShape {
  readonly name: string;
  readonly family: 'gpt2' | 'llama' | 'mistral' | 'custom';
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly dFf: number;
  readonly ffn: 'gelu' | 'swiglu';
  readonly vocab: number;
  readonly context: number;
  readonly tiedEmbeddings: boolean;
  /** Sliding window of the model itself (Mistral), or null for full attention. */
  readonly slidingWindow: number | null;
  readonly norm: 'layernorm' | 'rmsnorm';
  /** Whether linear layers and norms carry bias vectors (GPT-2 does, Llama does not). */
  readonly bias: boolean;
  readonly positional: 'learned' | 'rope';
}
