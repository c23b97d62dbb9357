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

export interface FunctionalResult {
  readonly model: string;
  readonly blocks: number;
  readonly tokens: number;
  readonly samples: number;
  readonly seed: number;
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
