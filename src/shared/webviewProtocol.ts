/**
 * Messages between the extension host and the results webviews (the panel and the side view).
 *
 * Host → webview messages come from trusted code and are typed only. Webview → host messages
 * are untrusted input (a webview runs arbitrary page content), so the host passes each one through
 * `parseWebviewMessage` before acting on it: every field is checked, unknown fields are rejected,
 * and nothing a webview sends can name a file or carry config text; it can only refer to things the
 * host already holds (a sweep point by id) or hand over PNG bytes.
 */
import type { ConfigChange } from './comparison';
import type { SimulationResult } from './result';
import { MATRIX_NAMES } from './matrices';
import type { TileMatrix } from './tileMap';

// ---------------------------------------------------------------------------------------------
// Data shapes the panel renders besides SimulationResult
// ---------------------------------------------------------------------------------------------

export type PanelTab = 'overview' | 'energy' | 'tiles' | 'accuracy' | 'sweep' | 'compare';
export const PANEL_TABS: readonly PanelTab[] = ['overview', 'energy', 'tiles', 'accuracy', 'sweep', 'compare'];

/** Where a view's data came from: the config's workspace-relative path, and its URI when it has one. */
export interface ViewSource {
  readonly label: string;
  readonly uri: string | null;
}

export type SweepValue = number | string | boolean;

/**
 * One design of a sweep, as the panel needs it. The sweep engine (src/engine/sweep/) is expected
 * to produce or be adapted to this shape; the Pareto front is computed in the panel for whichever
 * pair of axes the user picks, so the engine does not need to supply it.
 */
export interface SweepPointView {
  /** Stable within its sweep; the webview sends it back in `openDesignPoint`. */
  readonly id: string;
  /** The varied config keys (dotted snake_case paths, e.g. `weights.adc.bits`) and their values. */
  readonly values: Readonly<Record<string, SweepValue>>;
  readonly energyPerTokenJ: number;
  readonly latencyPerTokenS: number;
  readonly areaMm2: number | null;
  /** The sweep's error metric for this design (see `SweepView.error`); null when not simulated. */
  readonly error: number | null;
  /** Why the design failed to simulate, if it did; such points are listed, not plotted. */
  readonly failure: string | null;
}

export interface SweepView {
  readonly id: string;
  readonly name: string;
  /** The base config of the sweep, for the panel's header. */
  readonly source?: ViewSource;
  /** The varied keys, in the order the user chose them. */
  readonly keys: readonly string[];
  /** What `error` measures, e.g. { label: 'output relative RMS error', unit: '' } (unit '' = ratio). */
  readonly error: { readonly label: string; readonly unit: string };
  readonly points: readonly SweepPointView[];
}

/**
 * Per-layer metrics of a functional (accuracy) run. Metrics are described, not hard-coded, so the
 * functional engine (src/engine/functional/) can add or rename them without a panel change.
 */
export interface AccuracyMetricDef {
  /** Key into `AccuracyRowView.values`. */
  readonly key: string;
  readonly label: string;
  /** '' for a ratio, 'dB', … */
  readonly unit: string;
  readonly better: 'lower' | 'higher';
}

export interface AccuracyRowView {
  /** Block index as a string ("0", "1", …) or "embedding" / "lm_head", as in breakdown.byLayer. */
  readonly layer: string;
  /** A matrix name (q_proj, k_cache, …) for per-matrix rows; null for a whole-layer row. */
  readonly matrix: string | null;
  readonly values: Readonly<Record<string, number | null>>;
}

/** The next-token figures of the task table, in its column order. */
export type TaskFigureKey = 'perplexity' | 'bitsPerToken' | 'top1Accuracy' | 'agreement' | 'kl';
export const TASK_FIGURE_KEYS: readonly TaskFigureKey[] = [
  'perplexity',
  'bitsPerToken',
  'top1Accuracy',
  'agreement',
  'kl',
];

/**
 * One figure of one model: a float model's value (`low` and `high` null), or the mean of the analog
 * runs with its 95 % interval (null bounds when there was a single run).
 */
export interface TaskFigureView {
  readonly mean: number;
  readonly low: number | null;
  readonly high: number | null;
}

/** A model's figures; null where the run has none (agreement and KL of the float softmax model, the reference) or it was not finite. */
export type TaskFiguresView = Readonly<Record<TaskFigureKey, TaskFigureView | null>>;

/**
 * What a user decides by: the next-token figures of the float models and the analog model on the
 * same tokens (src/shared/functionalResult.ts `TaskMetrics`). Shares (accuracy, agreement) are
 * 0 … 1, KL in nats.
 */
export interface TaskView {
  /** The evaluation text; null when the tokens were drawn at random (then only agreement and KL mean something). */
  readonly text: { readonly file: string; readonly tokenizer: string; readonly tokens: number } | null;
  /** Tokens with a next token to predict. */
  readonly tokens: number;
  /** Monte-Carlo runs of the analog model. */
  readonly runs: number;
  /** Time from programming to inference, as simulated. */
  readonly tInferenceS: number;
  readonly floatSoftmax: TaskFiguresView;
  /** The float model with the design's attention algorithm (HardSigmoid); null when that is softmax. */
  readonly floatAlgorithm: TaskFiguresView | null;
  readonly analog: TaskFiguresView;
  /** Each analog run's perplexity, in seed order; null where it was not finite. */
  readonly runPerplexity: readonly (number | null)[];
}

export interface AccuracyView {
  readonly name: string;
  /** The config of the functional run, for the panel's header. */
  readonly source?: ViewSource;
  /** Next-token figures of the models; null or absent (a view saved by an older build) when there are none. */
  readonly task?: TaskView | null;
  readonly metrics: readonly AccuracyMetricDef[];
  /** Per-layer diagnostics (of the first Monte-Carlo run). */
  readonly rows: readonly AccuracyRowView[];
  /** Whole-model figures in the same metrics, if the run computed them. */
  readonly overall: Readonly<Record<string, number | null>> | null;
  /** Which non-idealities were on, seeds, sample counts: shown as notes under the table. */
  readonly notes: readonly string[];
}

/** One side of a comparison. */
export interface ComparedDesign {
  readonly result: SimulationResult;
  readonly source: ViewSource;
  /** What the side is in the comparison: "current design", "sweep point 12", "previous run". */
  readonly role: string;
}

/** Two designs side by side (the Compare tab); figures and ratios are computed in the panel. */
export interface ComparisonView {
  readonly id: string;
  readonly a: ComparedDesign;
  readonly b: ComparedDesign;
  /** Config keys that differ, as written (src/shared/comparison.ts). */
  readonly configChanges: readonly ConfigChange[];
}

export interface ChartImage {
  /** Short file-name-safe id of the chart, e.g. `energy-by-component`. */
  readonly name: string;
  /** `data:image/png;base64,…` */
  readonly dataUrl: string;
  readonly width: number;
  readonly height: number;
}

// ---------------------------------------------------------------------------------------------
// Host → webview
// ---------------------------------------------------------------------------------------------

export interface ShowResultMessage {
  readonly type: 'showResult';
  readonly result: SimulationResult;
  /** The config the result came from, for the title and for "open design point". */
  readonly source: { readonly label: string; readonly uri: string | null };
}

export interface ShowSweepMessage {
  readonly type: 'showSweep';
  readonly sweep: SweepView;
}

export interface ShowAccuracyMessage {
  readonly type: 'showAccuracy';
  readonly accuracy: AccuracyView;
}

export interface ShowComparisonMessage {
  readonly type: 'showComparison';
  readonly comparison: ComparisonView;
}

/** What the simulation service is doing, so the views can show progress and errors. */
export interface StatusMessage {
  readonly type: 'status';
  readonly state: 'idle' | 'running' | 'error';
  readonly message: string | null;
}

/** Brings a tab to the front (e.g. "AIMC: Show Tile Map"). */
export interface RevealMessage {
  readonly type: 'reveal';
  readonly tab: PanelTab;
}

/** Asks the panel for PNGs of its charts ("AIMC: Export Results"); answered by an `export` message with the same id. */
export interface CollectChartsMessage {
  readonly type: 'collectCharts';
  readonly requestId: number;
}

export type ToWebviewMessage =
  | ShowResultMessage
  | ShowSweepMessage
  | ShowAccuracyMessage
  | ShowComparisonMessage
  | StatusMessage
  | RevealMessage
  | CollectChartsMessage;

// ---------------------------------------------------------------------------------------------
// Webview → host
// ---------------------------------------------------------------------------------------------

export type WebviewKind = 'panel' | 'sidebar';

/** Sent once the webview's script has loaded; the host answers with what it has to show. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly view: WebviewKind;
}

/** The user clicked a sweep point: the host writes that design as a config and opens it. */
export interface OpenDesignPointMessage {
  readonly type: 'openDesignPoint';
  readonly sweepId: string;
  readonly pointId: string;
}

export type ExportFormat = 'png' | 'json' | 'csv';

/**
 * Export of the current results. JSON and CSV are written by the host from the result it holds
 * (`images` is empty); PNG carries the chart images. `requestId` answers a `collectCharts`.
 */
export interface ExportMessage {
  readonly type: 'export';
  readonly format: ExportFormat;
  readonly requestId: number | null;
  readonly images: readonly ChartImage[];
}

/** Side view buttons. */
export interface SimulateRequestMessage {
  readonly type: 'simulate';
}
export interface SweepRequestMessage {
  readonly type: 'sweep';
}
export interface CancelRequestMessage {
  readonly type: 'cancel';
}
export interface OpenPanelMessage {
  readonly type: 'openPanel';
  readonly tab: PanelTab | null;
}

/**
 * The tile map's "Show in config": the host opens the config of the result shown and selects the
 * lines that put this matrix (or KV cache) of this layer on its arrays. Layer −1 is the LM head.
 */
export interface RevealConfigMessage {
  readonly type: 'revealConfig';
  readonly layer: number;
  readonly matrix: TileMatrix;
}

/** The sweep tab's "Compare": the host simulates the point and compares it with the sweep's base. */
export interface CompareDesignPointMessage {
  readonly type: 'compareDesignPoint';
  readonly sweepId: string;
  readonly pointId: string;
}

/** The Compare tab's button: the host asks which two designs to compare ("AIMC: Compare Designs…"). */
export interface CompareRequestMessage {
  readonly type: 'compare';
}

/** A webview's own failures (a chart that failed to render), for the extension's log. */
export interface LogMessage {
  readonly type: 'log';
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export type FromWebviewMessage =
  | ReadyMessage
  | OpenDesignPointMessage
  | ExportMessage
  | SimulateRequestMessage
  | SweepRequestMessage
  | CancelRequestMessage
  | OpenPanelMessage
  | RevealConfigMessage
  | CompareDesignPointMessage
  | CompareRequestMessage
  | LogMessage;

// ---------------------------------------------------------------------------------------------
// Validation of webview → host messages
// ---------------------------------------------------------------------------------------------

/** Limits keep a misbehaving webview from making the host allocate or log without bound. */
export const MESSAGE_LIMITS = {
  idChars: 200,
  logChars: 4000,
  images: 32,
  /** A 4K PNG of a chart is a few MB; 16 MiB of base64 is generous and still bounded. */
  dataUrlChars: 16 * 1024 * 1024,
  imageSidePx: 16384,
  /** Layer indices beyond any model's depth are refused (−1 is the LM head). */
  maxLayer: 100_000,
} as const;

const TILE_MATRICES: readonly TileMatrix[] = [...MATRIX_NAMES, 'k_cache', 'v_cache'];

export type ParseResult =
  { readonly ok: true; readonly message: FromWebviewMessage } | { readonly ok: false; readonly error: string };

class Invalid extends Error {}

function fail(path: string, what: string): never {
  throw new Invalid(`${path}: ${what}`);
}

function record(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Record<string, unknown>;
}

/** Rejects fields the protocol does not define, so a typo or injected field is not silently ignored. */
function onlyKeys(o: Record<string, unknown>, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(path, `unexpected field "${k}"`);
}

function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
    fail(path, `expected one of ${values.join(', ')}`);
  return v as T;
}

function boundedString(v: unknown, path: string, max: number): string {
  if (typeof v !== 'string') fail(path, 'expected a string');
  if (v.length === 0) fail(path, 'must not be empty');
  if (v.length > max) fail(path, `longer than ${max} characters`);
  return v;
}

function integer(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(path, `expected an integer in [${min}, ${max}]`);
  return v;
}

const IMAGE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;
// The fixed PNG signature, base64-encoded: a data URL that claims PNG but is not one is refused.
const PNG_SIGNATURE_B64 = 'iVBORw0KGgo';

function chartImage(v: unknown, path: string): ChartImage {
  const o = record(v, path);
  onlyKeys(o, path, ['name', 'dataUrl', 'width', 'height']);
  const name = boundedString(o.name, `${path}.name`, 64);
  if (!IMAGE_NAME.test(name)) fail(`${path}.name`, 'expected lower-case letters, digits and hyphens');
  const dataUrl = boundedString(o.dataUrl, `${path}.dataUrl`, MESSAGE_LIMITS.dataUrlChars);
  if (!PNG_DATA_URL.test(dataUrl)) fail(`${path}.dataUrl`, 'expected a base64 PNG data URL');
  if (!dataUrl.startsWith(PNG_SIGNATURE_B64, 'data:image/png;base64,'.length))
    fail(`${path}.dataUrl`, 'not a PNG image');
  const width = integer(o.width, `${path}.width`, 1, MESSAGE_LIMITS.imageSidePx);
  const height = integer(o.height, `${path}.height`, 1, MESSAGE_LIMITS.imageSidePx);
  return { name, dataUrl, width, height };
}

function parse(v: unknown): FromWebviewMessage {
  const o = record(v, 'message');
  const type = oneOf(o.type, 'message.type', [
    'ready',
    'openDesignPoint',
    'export',
    'simulate',
    'sweep',
    'cancel',
    'openPanel',
    'revealConfig',
    'compareDesignPoint',
    'compare',
    'log',
  ] as const);
  switch (type) {
    case 'ready':
      onlyKeys(o, 'ready', ['type', 'view']);
      return { type, view: oneOf(o.view, 'ready.view', ['panel', 'sidebar'] as const) };
    case 'openDesignPoint':
      onlyKeys(o, 'openDesignPoint', ['type', 'sweepId', 'pointId']);
      return {
        type,
        sweepId: boundedString(o.sweepId, 'openDesignPoint.sweepId', MESSAGE_LIMITS.idChars),
        pointId: boundedString(o.pointId, 'openDesignPoint.pointId', MESSAGE_LIMITS.idChars),
      };
    case 'export': {
      onlyKeys(o, 'export', ['type', 'format', 'requestId', 'images']);
      const format = oneOf(o.format, 'export.format', ['png', 'json', 'csv'] as const);
      const requestId =
        o.requestId === null ? null : integer(o.requestId, 'export.requestId', 0, Number.MAX_SAFE_INTEGER);
      if (!Array.isArray(o.images)) fail('export.images', 'expected an array');
      if (o.images.length > MESSAGE_LIMITS.images) fail('export.images', `more than ${MESSAGE_LIMITS.images} images`);
      const images = o.images.map((im, i) => chartImage(im, `export.images[${i}]`));
      if (format === 'png' && images.length === 0) fail('export.images', 'a PNG export needs at least one image');
      if (format !== 'png' && images.length > 0)
        fail('export.images', `a ${format.toUpperCase()} export carries no images`);
      if (new Set(images.map((im) => im.name)).size !== images.length)
        fail('export.images', 'image names must be unique');
      return { type, format, requestId, images };
    }
    case 'simulate':
    case 'sweep':
    case 'cancel':
    case 'compare':
      onlyKeys(o, type, ['type']);
      return { type };
    case 'revealConfig':
      onlyKeys(o, 'revealConfig', ['type', 'layer', 'matrix']);
      return {
        type,
        layer: integer(o.layer, 'revealConfig.layer', -1, MESSAGE_LIMITS.maxLayer),
        matrix: oneOf(o.matrix, 'revealConfig.matrix', TILE_MATRICES),
      };
    case 'compareDesignPoint':
      onlyKeys(o, 'compareDesignPoint', ['type', 'sweepId', 'pointId']);
      return {
        type,
        sweepId: boundedString(o.sweepId, 'compareDesignPoint.sweepId', MESSAGE_LIMITS.idChars),
        pointId: boundedString(o.pointId, 'compareDesignPoint.pointId', MESSAGE_LIMITS.idChars),
      };
    case 'openPanel':
      onlyKeys(o, 'openPanel', ['type', 'tab']);
      return { type, tab: o.tab === null ? null : oneOf(o.tab, 'openPanel.tab', PANEL_TABS) };
    case 'log':
      onlyKeys(o, 'log', ['type', 'level', 'message']);
      return {
        type,
        level: oneOf(o.level, 'log.level', ['info', 'warn', 'error'] as const),
        message: boundedString(o.message, 'log.message', MESSAGE_LIMITS.logChars),
      };
  }
}

/**
 * Checks a message received from a webview. Returns a fresh object holding only the checked
 * fields, never the input itself, so later code cannot reach anything the check did not see.
 */
export function parseWebviewMessage(value: unknown): ParseResult {
  try {
    return { ok: true, message: parse(value) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation of the views the panel is sent
// ---------------------------------------------------------------------------------------------

/**
 * The panel checks the views it is sent (and those restored from its saved state, which an older
 * build may have written) before drawing them: numbers finite or null, arrays and strings bounded.
 */
export const VIEW_LIMITS = {
  nameChars: 1000,
  noteChars: 4000,
  notes: 500,
  metrics: 32,
  /** Per-layer rows: a 100-block model has about a thousand. */
  accuracyRows: 20_000,
  /** Monte-Carlo runs of a functional run. */
  runs: 10_000,
} as const;

export type ViewCheck<T> = { readonly ok: true; readonly view: T } | { readonly ok: false; readonly error: string };

const METRIC_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** A string that may be empty (a unit, a label). */
function text(v: unknown, path: string, max: number): string {
  if (typeof v !== 'string') fail(path, 'expected a string');
  if (v.length > max) fail(path, `longer than ${max} characters`);
  return v;
}

function finite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'expected a finite number');
  return v;
}

function finiteOrNull(v: unknown, path: string): number | null {
  return v === null ? null : finite(v, path);
}

function list(v: unknown, path: string, max: number): readonly unknown[] {
  if (!Array.isArray(v)) fail(path, 'expected an array');
  if (v.length > max) fail(path, `more than ${max} entries`);
  return v;
}

function viewSource(v: unknown, path: string): ViewSource {
  const o = record(v, path);
  onlyKeys(o, path, ['label', 'uri']);
  return {
    label: text(o.label, `${path}.label`, VIEW_LIMITS.nameChars),
    uri: o.uri === null ? null : boundedString(o.uri, `${path}.uri`, VIEW_LIMITS.nameChars),
  };
}

/** A record of metric values keyed by the view's metric keys. */
function metricValues(v: unknown, path: string, keys: readonly string[]): Record<string, number | null> {
  const o = record(v, path);
  onlyKeys(o, path, keys);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, finiteOrNull(x, `${path}.${k}`)]));
}

function taskFigure(v: unknown, path: string): TaskFigureView | null {
  if (v === null) return null;
  const o = record(v, path);
  onlyKeys(o, path, ['mean', 'low', 'high']);
  const mean = finite(o.mean, `${path}.mean`);
  const low = finiteOrNull(o.low, `${path}.low`);
  const high = finiteOrNull(o.high, `${path}.high`);
  if ((low === null) !== (high === null)) fail(path, 'low and high must both be numbers or both null');
  if (low !== null && high !== null && !(low <= mean && mean <= high)) fail(path, 'expected low ≤ mean ≤ high');
  return { mean, low, high };
}

function taskFigures(v: unknown, path: string): TaskFiguresView {
  const o = record(v, path);
  onlyKeys(o, path, TASK_FIGURE_KEYS);
  const figure = (k: TaskFigureKey) => {
    if (!(k in o)) fail(`${path}.${k}`, 'missing');
    return taskFigure(o[k], `${path}.${k}`);
  };
  return {
    perplexity: figure('perplexity'),
    bitsPerToken: figure('bitsPerToken'),
    top1Accuracy: figure('top1Accuracy'),
    agreement: figure('agreement'),
    kl: figure('kl'),
  };
}

function taskView(v: unknown, path: string): TaskView {
  const o = record(v, path);
  onlyKeys(o, path, [
    'text',
    'tokens',
    'runs',
    'tInferenceS',
    'floatSoftmax',
    'floatAlgorithm',
    'analog',
    'runPerplexity',
  ]);
  let evaluated: TaskView['text'] = null;
  if (o.text !== null) {
    const t = record(o.text, `${path}.text`);
    onlyKeys(t, `${path}.text`, ['file', 'tokenizer', 'tokens']);
    evaluated = {
      file: text(t.file, `${path}.text.file`, VIEW_LIMITS.nameChars),
      tokenizer: text(t.tokenizer, `${path}.text.tokenizer`, VIEW_LIMITS.nameChars),
      tokens: integer(t.tokens, `${path}.text.tokens`, 0, Number.MAX_SAFE_INTEGER),
    };
  }
  const runs = integer(o.runs, `${path}.runs`, 1, VIEW_LIMITS.runs);
  const runPerplexity = list(o.runPerplexity, `${path}.runPerplexity`, VIEW_LIMITS.runs).map((x, i) =>
    finiteOrNull(x, `${path}.runPerplexity[${i}]`),
  );
  if (runPerplexity.length !== runs) fail(`${path}.runPerplexity`, `expected one value per run (${runs})`);
  const tInferenceS = finite(o.tInferenceS, `${path}.tInferenceS`);
  if (tInferenceS < 0) fail(`${path}.tInferenceS`, 'must not be negative');
  return {
    text: evaluated,
    tokens: integer(o.tokens, `${path}.tokens`, 0, Number.MAX_SAFE_INTEGER),
    runs,
    tInferenceS,
    floatSoftmax: taskFigures(o.floatSoftmax, `${path}.floatSoftmax`),
    floatAlgorithm: o.floatAlgorithm === null ? null : taskFigures(o.floatAlgorithm, `${path}.floatAlgorithm`),
    analog: taskFigures(o.analog, `${path}.analog`),
    runPerplexity,
  };
}

function accuracyMetricDef(v: unknown, path: string): AccuracyMetricDef {
  const o = record(v, path);
  onlyKeys(o, path, ['key', 'label', 'unit', 'better']);
  const key = boundedString(o.key, `${path}.key`, 64);
  if (!METRIC_KEY.test(key)) fail(`${path}.key`, 'expected letters, digits and underscores');
  return {
    key,
    label: boundedString(o.label, `${path}.label`, 200),
    unit: text(o.unit, `${path}.unit`, 32),
    better: oneOf(o.better, `${path}.better`, ['lower', 'higher'] as const),
  };
}

function accuracy(v: unknown): AccuracyView {
  const o = record(v, 'accuracy');
  onlyKeys(o, 'accuracy', ['name', 'source', 'task', 'metrics', 'rows', 'overall', 'notes']);
  const metrics = list(o.metrics, 'accuracy.metrics', VIEW_LIMITS.metrics).map((m, i) =>
    accuracyMetricDef(m, `accuracy.metrics[${i}]`),
  );
  const keys = metrics.map((m) => m.key);
  if (new Set(keys).size !== keys.length) fail('accuracy.metrics', 'metric keys must be unique');
  const rows = list(o.rows, 'accuracy.rows', VIEW_LIMITS.accuracyRows).map((r, i): AccuracyRowView => {
    const path = `accuracy.rows[${i}]`;
    const row = record(r, path);
    onlyKeys(row, path, ['layer', 'matrix', 'values']);
    return {
      layer: boundedString(row.layer, `${path}.layer`, 64),
      matrix: row.matrix === null ? null : boundedString(row.matrix, `${path}.matrix`, 64),
      values: metricValues(row.values, `${path}.values`, keys),
    };
  });
  return {
    name: text(o.name, 'accuracy.name', VIEW_LIMITS.nameChars),
    ...(o.source === undefined ? {} : { source: viewSource(o.source, 'accuracy.source') }),
    task: o.task === null || o.task === undefined ? null : taskView(o.task, 'accuracy.task'),
    metrics,
    rows,
    overall: o.overall === null ? null : metricValues(o.overall, 'accuracy.overall', keys),
    notes: list(o.notes, 'accuracy.notes', VIEW_LIMITS.notes).map((n, i) =>
      text(n, `accuracy.notes[${i}]`, VIEW_LIMITS.noteChars),
    ),
  };
}

/**
 * Checks an accuracy view before the panel draws it. Returns a fresh object holding only the
 * checked fields, or the first problem found.
 */
export function checkAccuracyView(value: unknown): ViewCheck<AccuracyView> {
  try {
    return { ok: true, view: accuracy(value) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    throw e;
  }
}
