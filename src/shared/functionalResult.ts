/**
 * What a functional (accuracy) run reports, and the characteristic curves of a device model: the
 * data `aimc accuracy --json` and `aimc device --json` print and the panel shows.
 */
import type { MatrixName } from './matrices';

export interface ErrorMetrics {
  readonly relativeError: number;
  readonly cosineSimilarity: number;
  readonly snrDb: number;
  /** Null where no top-k was taken (a matrix output has no natural ranking). */
  readonly topKAgreement: number | null;
  readonly values: number;
}

export interface FunctionalProgress {
  /** 0 … 1. */
  readonly fraction: number;
  readonly stage: string;
}

export interface AttentionMetrics {
  readonly implementation: 'gain-cell';
  readonly activation: 'hardsigmoid' | 'softmax';
  /** Analog attention against the float algorithm (HardSigmoid or softmax) on the same q, k, v. */
  readonly hardware: ErrorMetrics;
  /** Float algorithm against float softmax attention on the same q, k, v. */
  readonly algorithm: ErrorMetrics;
  /** Analog attention against float softmax attention. */
  readonly total: ErrorMetrics;
}

export interface MatrixMetrics {
  readonly matrix: MatrixName;
  readonly implementation: 'analog' | 'digital';
  /** Against the float product on the same inputs. */
  readonly metrics: ErrorMetrics;
}

export interface LayerMetrics {
  readonly layer: number;
  readonly matrices: readonly MatrixMetrics[];
  /** Null when the layer's attention is digital (float softmax, no error). */
  readonly attention: AttentionMetrics | null;
  /** Block output against the float models' outputs of the same block. */
  readonly output: { readonly vsSoftmaxModel: ErrorMetrics; readonly vsAlgorithmModel: ErrorMetrics };
}

export interface CrossbarSummary {
  readonly layer: number;
  readonly matrix: MatrixName;
  readonly arrays: number;
  readonly cells: number;
  readonly stuckOn: number;
  readonly stuckOff: number;
  readonly meanCompensation: number;
}

/** A mean over Monte-Carlo runs and its confidence interval (Student t, 95 %). */
export interface Interval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  /** Runs pooled. */
  readonly n: number;
}

/** Next-token figures of one model over the evaluated tokens. */
export interface NextTokenFigures {
  /** Tokens with a next token to predict. */
  readonly tokens: number;
  /** Mean negative log-likelihood of the next token, in nats. */
  readonly nll: number;
  /** exp(nll). */
  readonly perplexity: number;
  /** nll / ln 2. */
  readonly bitsPerToken: number;
  /** Share of tokens whose most likely next token is the text's. */
  readonly top1Accuracy: number;
  /** Share of tokens whose most likely next token is the float softmax model's; null for that model itself. */
  readonly agreement: number | null;
  /** Mean KL(float softmax model ‖ this model) over tokens, in nats; null for that model itself. */
  readonly kl: number | null;
}

/** What a user decides by: the models' next-token figures on the same tokens. */
export interface TaskMetrics {
  /** The evaluation text, or null when the tokens were drawn at random (then only agreement and KL mean something). */
  readonly text: {
    readonly file: string;
    readonly tokenizer: string;
    /** Tokens of the text the run read from its start: its windows and the token after the last. */
    readonly tokens: number;
  } | null;
  readonly floatSoftmax: NextTokenFigures;
  /** The float model with the design's attention algorithm (HardSigmoid); null when that is softmax. */
  readonly floatAlgorithm: NextTokenFigures | null;
  /** The analog model over its Monte-Carlo runs. */
  readonly analog: {
    readonly perplexity: Interval;
    readonly bitsPerToken: Interval;
    readonly top1Accuracy: Interval;
    readonly agreement: Interval;
    readonly kl: Interval;
    /** Each run's figures, in seed order. */
    readonly runs: readonly NextTokenFigures[];
  };
}

export interface FunctionalResult {
  readonly model: string;
  readonly blocks: number;
  readonly tokens: number;
  readonly samples: number;
  readonly seed: number;
  /** Monte-Carlo runs of the analog model; layer and logit errors are the first run's. */
  readonly seeds: number;
  /** Time from programming to inference, as simulated. */
  readonly tInferenceS: number;
  readonly task: TaskMetrics;
  readonly topK: number;
  /** Vocabulary rows used for embeddings and logits. */
  readonly vocab: number;
  readonly weights: { readonly source: 'synthetic' | 'checkpoint'; readonly description: string };
  readonly layers: readonly LayerMetrics[];
  readonly lmHead: MatrixMetrics;
  readonly endToEnd: {
    readonly logitsVsSoftmaxModel: ErrorMetrics;
    readonly logitsVsAlgorithmModel: ErrorMetrics;
    readonly hiddenVsSoftmaxModel: ErrorMetrics;
    readonly hiddenVsAlgorithmModel: ErrorMetrics;
    /** What the algorithm alone costs: float algorithm model against float softmax model. */
    readonly algorithmLogits: ErrorMetrics;
  };
  readonly crossbars: readonly CrossbarSummary[];
  readonly warnings: readonly string[];
}

export interface DeviceParameter {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
}

export interface DeviceCurves {
  /** The device model's id, e.g. `pcm`. */
  readonly device: string;
  readonly gMinUs: number;
  readonly gMaxUs: number;
  readonly parameters: Readonly<Record<string, DeviceParameter>>;
  /** Conductance of a median device (ν = μ_ν) programmed to each target, against time. */
  readonly drift: readonly {
    readonly gTargetUs: number;
    readonly points: readonly { readonly tS: number; readonly gUs: number }[];
  }[];
  readonly programming: readonly { readonly gTargetUs: number; readonly sigmaUs: number }[];
  readonly readNoise: readonly {
    readonly gProgrammedUs: number;
    readonly points: readonly { readonly tS: number; readonly sigmaUs: number }[];
  }[];
}
