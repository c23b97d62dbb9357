import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkAccuracyView,
  MESSAGE_LIMITS,
  parseWebviewMessage,
  VIEW_LIMITS,
  type AccuracyView,
  type TaskView,
} from '../../src/shared/webviewProtocol';

// A real 1 × 1 PNG: the validator checks the signature, so a fake would not do.
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const image = (over: Record<string, unknown> = {}) => ({
  name: 'energy-by-component',
  dataUrl: PNG,
  width: 1200,
  height: 600,
  ...over,
});

function accepts(m: unknown) {
  const r = parseWebviewMessage(m);
  assert.ok(r.ok, r.ok ? '' : `rejected: ${r.error}`);
  return r.message;
}

function rejects(m: unknown, pattern: RegExp) {
  const r = parseWebviewMessage(m);
  assert.equal(r.ok, false, `accepted ${String(JSON.stringify(m)).slice(0, 120)}`);
  if (!r.ok) assert.match(r.error, pattern);
}

test('every message the webviews send is accepted as sent', () => {
  const valid = [
    { type: 'ready', view: 'panel' },
    { type: 'ready', view: 'sidebar' },
    { type: 'openDesignPoint', sweepId: 'sweep-1', pointId: 'p12' },
    { type: 'export', format: 'png', requestId: 3, images: [image(), image({ name: 'tile-map' })] },
    { type: 'export', format: 'json', requestId: null, images: [] },
    { type: 'export', format: 'csv', requestId: null, images: [] },
    { type: 'simulate' },
    { type: 'sweep' },
    { type: 'cancel' },
    { type: 'openPanel', tab: null },
    { type: 'openPanel', tab: 'tiles' },
    { type: 'log', level: 'error', message: 'Rendering the energy tab failed' },
  ];
  for (const m of valid) assert.deepEqual(accepts(m), m);
});

test('the parsed message is a copy: later changes to the input cannot reach it', () => {
  const input = { type: 'openDesignPoint', sweepId: 's', pointId: 'p' };
  const m = accepts(input);
  assert.notEqual(m, input);
  input.pointId = 'changed';
  assert.equal((m as { pointId: string }).pointId, 'p');
});

test('non-objects and unknown types are refused', () => {
  for (const m of [null, undefined, 42, 'ready', [], [{ type: 'ready' }], true]) rejects(m, /expected an object/);
  rejects({}, /message\.type/);
  rejects({ type: 'deleteFile', path: '/etc/passwd' }, /message\.type: expected one of/);
  rejects({ type: 'READY', view: 'panel' }, /message\.type/);
  rejects({ type: ['ready'] }, /message\.type/);
});

test('fields the protocol does not define are refused, even on otherwise valid messages', () => {
  rejects({ type: 'simulate', configPath: '/tmp/x.yaml' }, /unexpected field "configPath"/);
  rejects({ type: 'ready', view: 'panel', extra: 1 }, /unexpected field "extra"/);
  rejects(
    { type: 'openDesignPoint', sweepId: 's', pointId: 'p', values: { 'weights.rows': 1 } },
    /unexpected field "values"/,
  );
  rejects(
    { type: 'export', format: 'png', requestId: null, images: [image({ path: '../x.png' })] },
    /unexpected field "path"/,
  );
  rejects(JSON.parse('{"type":"cancel","__proto__":{"polluted":true}}'), /unexpected field "__proto__"/);
});

test('ready and openPanel take only the listed views and tabs', () => {
  rejects({ type: 'ready' }, /ready\.view/);
  rejects({ type: 'ready', view: 'editor' }, /ready\.view/);
  rejects({ type: 'openPanel' }, /openPanel\.tab/);
  rejects({ type: 'openPanel', tab: 'settings' }, /openPanel\.tab/);
  rejects({ type: 'openPanel', tab: 3 }, /openPanel\.tab/);
});

test('openDesignPoint needs non-empty, bounded ids', () => {
  rejects({ type: 'openDesignPoint', sweepId: 's' }, /pointId: expected a string/);
  rejects({ type: 'openDesignPoint', sweepId: 's', pointId: 7 }, /pointId: expected a string/);
  rejects({ type: 'openDesignPoint', sweepId: '', pointId: 'p' }, /sweepId: must not be empty/);
  rejects({ type: 'openDesignPoint', sweepId: 's', pointId: 'x'.repeat(MESSAGE_LIMITS.idChars + 1) }, /longer than/);
  accepts({ type: 'openDesignPoint', sweepId: 's', pointId: 'x'.repeat(MESSAGE_LIMITS.idChars) });
});

test('export: format, request id and images are each checked', () => {
  const base = { type: 'export', format: 'png', requestId: null, images: [image()] };
  rejects({ ...base, format: 'svg' }, /export\.format/);
  rejects({ ...base, requestId: -1 }, /export\.requestId/);
  rejects({ ...base, requestId: 1.5 }, /export\.requestId/);
  rejects({ ...base, requestId: '3' }, /export\.requestId/);
  rejects({ ...base, requestId: undefined }, /export\.requestId/);
  rejects({ ...base, images: 'all' }, /export\.images: expected an array/);
  rejects({ ...base, images: [] }, /needs at least one image/);
  rejects({ ...base, format: 'json' }, /JSON export carries no images/);
  rejects({ ...base, images: [image(), image()] }, /unique/);
  rejects(
    { ...base, images: Array.from({ length: MESSAGE_LIMITS.images + 1 }, (_, i) => image({ name: `c${i}` })) },
    /more than/,
  );
});

test('export images: safe names, real PNG data URLs, sane sizes', () => {
  const withImage = (over: Record<string, unknown>) => ({
    type: 'export',
    format: 'png',
    requestId: null,
    images: [image(over)],
  });
  for (const name of ['../../etc/passwd', 'Energy', 'a b', 'x/y', '-lead', '', 'a'.repeat(65)])
    rejects(withImage({ name }), /images\[0\]\.name/);
  rejects(withImage({ dataUrl: 'https://example.com/x.png' }), /base64 PNG data URL/);
  rejects(withImage({ dataUrl: 'data:image/svg+xml;base64,PHN2Zz4=' }), /base64 PNG data URL/);
  rejects(withImage({ dataUrl: 'data:image/png;base64,<script>' }), /base64 PNG data URL/);
  rejects(withImage({ dataUrl: 'data:image/png;base64,R0lGODlhAQABAAAAACw=' }), /not a PNG image/);
  rejects(
    withImage({ dataUrl: `data:image/png;base64,iVBORw0KGgo${'A'.repeat(MESSAGE_LIMITS.dataUrlChars)}` }),
    /longer than/,
  );
  rejects(withImage({ width: 0 }), /width/);
  rejects(withImage({ height: MESSAGE_LIMITS.imageSidePx + 1 }), /height/);
  rejects(withImage({ width: '1200' }), /width/);
  rejects({ type: 'export', format: 'png', requestId: null, images: [null] }, /images\[0\]: expected an object/);
});

test('log messages are bounded and levelled', () => {
  rejects({ type: 'log', level: 'debug', message: 'x' }, /log\.level/);
  rejects({ type: 'log', level: 'info', message: '' }, /log\.message: must not be empty/);
  rejects({ type: 'log', level: 'info', message: 'x'.repeat(MESSAGE_LIMITS.logChars + 1) }, /longer than/);
  rejects({ type: 'log', level: 'info', message: { toString: () => 'x' } }, /expected a string/);
});

test('revealConfig names a layer (−1: the LM head) and a matrix or KV cache, nothing else', () => {
  assert.deepEqual(accepts({ type: 'revealConfig', layer: 17, matrix: 'ffn_up' }), {
    type: 'revealConfig',
    layer: 17,
    matrix: 'ffn_up',
  });
  accepts({ type: 'revealConfig', layer: -1, matrix: 'lm_head' });
  accepts({ type: 'revealConfig', layer: 0, matrix: 'v_cache' });
  rejects({ type: 'revealConfig', layer: -2, matrix: 'q_proj' }, /revealConfig\.layer/);
  rejects({ type: 'revealConfig', layer: 1.5, matrix: 'q_proj' }, /revealConfig\.layer/);
  rejects({ type: 'revealConfig', layer: 1e9, matrix: 'q_proj' }, /revealConfig\.layer/);
  rejects({ type: 'revealConfig', layer: '3', matrix: 'q_proj' }, /revealConfig\.layer/);
  rejects({ type: 'revealConfig', layer: 3, matrix: 'weights' }, /revealConfig\.matrix/);
  rejects({ type: 'revealConfig', layer: 3, matrix: 'q_proj', uri: 'file:///etc/passwd' }, /unexpected field "uri"/);
});

test('compareDesignPoint needs bounded ids; compare takes nothing', () => {
  accepts({ type: 'compareDesignPoint', sweepId: 'sweep-1', pointId: '12' });
  rejects({ type: 'compareDesignPoint', sweepId: '', pointId: '12' }, /compareDesignPoint\.sweepId/);
  rejects({ type: 'compareDesignPoint', sweepId: 's', pointId: 'x'.repeat(201) }, /compareDesignPoint\.pointId/);
  accepts({ type: 'compare' });
  rejects({ type: 'compare', a: 'x.aimc.yaml' }, /unexpected field "a"/);
  accepts({ type: 'openPanel', tab: 'compare' });
});

// ---------------------------------------------------------------------------------------------
// Views the panel is sent
// ---------------------------------------------------------------------------------------------

const one = (mean: number) => ({ mean, low: null, high: null });
const task = (): TaskView => ({
  text: { file: 'tinyshakespeare.txt', tokenizer: 'gpt2', tokens: 4096 },
  tokens: 255,
  runs: 3,
  tInferenceS: 86400,
  floatSoftmax: { perplexity: one(21.3), bitsPerToken: one(4.41), top1Accuracy: one(0.31), agreement: null, kl: null },
  floatAlgorithm: {
    perplexity: one(22.0),
    bitsPerToken: one(4.46),
    top1Accuracy: one(0.3),
    agreement: one(0.93),
    kl: one(0.02),
  },
  analog: {
    perplexity: { mean: 25.1, low: 23.9, high: 26.3 },
    bitsPerToken: { mean: 4.65, low: 4.58, high: 4.72 },
    top1Accuracy: { mean: 0.28, low: 0.27, high: 0.29 },
    agreement: { mean: 0.81, low: 0.79, high: 0.83 },
    kl: { mean: 0.11, low: 0.09, high: 0.13 },
  },
  runPerplexity: [24.6, 25.0, 25.7],
});
const view = (over: Record<string, unknown> = {}): AccuracyView =>
  ({
    name: 'tiny: functional simulation',
    source: { label: 'examples/tiny.aimc.yaml', uri: 'file:///w/examples/tiny.aimc.yaml' },
    task: task(),
    metrics: [
      { key: 'relativeError', label: 'Relative error', unit: '', better: 'lower' },
      { key: 'snrDb', label: 'SNR', unit: 'dB', better: 'higher' },
    ],
    rows: [
      { layer: '0', matrix: null, values: { relativeError: 0.02, snrDb: 34 } },
      { layer: '0', matrix: 'q_proj', values: { relativeError: 0.01, snrDb: null } },
    ],
    overall: { relativeError: 0.03, snrDb: 30 },
    notes: ['tiny: 2 block(s)'],
    ...over,
  }) as AccuracyView;

function viewRejected(v: unknown, pattern: RegExp): void {
  const r = checkAccuracyView(v);
  assert.equal(r.ok, false, `accepted ${String(JSON.stringify(v)).slice(0, 160)}`);
  if (!r.ok) assert.match(r.error, pattern);
}

test('an accuracy view with next-token figures is accepted as built, and the check returns a copy', () => {
  const v = view();
  const r = checkAccuracyView(v);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual(r.view, v);
  assert.notEqual(r.view.task, v.task);
  (v.task!.runPerplexity as number[])[0] = 1e9;
  assert.equal(r.view.task!.runPerplexity[0], 24.6);
  const random = checkAccuracyView(view({ task: { ...task(), text: null, floatAlgorithm: null } }));
  assert.ok(random.ok && random.view.task?.text === null && random.view.task.floatAlgorithm === null);
});

test('a view without task figures (saved by an older build) is accepted with none', () => {
  const { task: _, ...old } = view();
  const r = checkAccuracyView(old);
  assert.ok(r.ok);
  assert.equal(r.view.task, null);
});

test('accuracy views: numbers must be finite or null, fields known, arrays bounded', () => {
  const t = task();
  viewRejected(null, /accuracy: expected an object/);
  viewRejected(view({ extra: 1 }), /unexpected field "extra"/);
  viewRejected(
    view({ task: { ...t, analog: { ...t.analog, perplexity: { mean: NaN, low: null, high: null } } } }),
    /task\.analog\.perplexity\.mean: expected a finite number/,
  );
  viewRejected(
    view({ task: { ...t, analog: { ...t.analog, kl: { mean: 0.1, low: 0.05, high: Infinity } } } }),
    /task\.analog\.kl\.high/,
  );
  viewRejected(
    view({ task: { ...t, analog: { ...t.analog, kl: { mean: '0.1', low: null, high: null } } } }),
    /task\.analog\.kl\.mean/,
  );
  viewRejected(
    view({ task: { ...t, analog: { ...t.analog, kl: { mean: 0.1, low: 0.05, high: null } } } }),
    /must both be numbers or both null/,
  );
  viewRejected(
    view({ task: { ...t, analog: { ...t.analog, kl: { mean: 0.1, low: 0.2, high: 0.3 } } } }),
    /low ≤ mean ≤ high/,
  );
  const { kl: _kl, ...noKl } = t.analog;
  viewRejected(view({ task: { ...t, analog: noKl } }), /task\.analog\.kl: missing/);
  viewRejected(view({ task: { ...t, analog: { ...t.analog, nll: one(3) } } }), /unexpected field "nll"/);
  viewRejected(view({ task: { ...t, runPerplexity: [1, 2] } }), /one value per run \(3\)/);
  viewRejected(view({ task: { ...t, runPerplexity: [1, NaN, 2] } }), /runPerplexity\[1\]/);
  viewRejected(view({ task: { ...t, runs: 0, runPerplexity: [] } }), /task\.runs/);
  viewRejected(
    view({ task: { ...t, runs: VIEW_LIMITS.runs + 1, runPerplexity: new Array(VIEW_LIMITS.runs + 1).fill(1) } }),
    /task\.runs|more than/,
  );
  viewRejected(view({ task: { ...t, tInferenceS: -1 } }), /tInferenceS/);
  viewRejected(view({ task: { ...t, text: { file: 'a.txt', tokenizer: 'gpt2', tokens: 1.5 } } }), /text\.tokens/);
  viewRejected(
    view({ task: { ...t, text: { file: 'a.txt', tokenizer: 'gpt2', tokens: 3, path: '/etc' } } }),
    /unexpected field "path"/,
  );
  viewRejected(
    view({ rows: new Array(VIEW_LIMITS.accuracyRows + 1).fill({ layer: '0', matrix: null, values: {} }) }),
    /accuracy\.rows: more than/,
  );
  viewRejected(
    view({ rows: [{ layer: '0', matrix: null, values: { relativeError: Infinity } }] }),
    /rows\[0\]\.values\.relativeError/,
  );
  viewRejected(view({ rows: [{ layer: '0', matrix: null, values: { other: 1 } }] }), /unexpected field "other"/);
  viewRejected(view({ overall: { relativeError: 'high' } }), /overall\.relativeError/);
  viewRejected(view({ metrics: [{ key: '__proto__', label: 'x', unit: '', better: 'lower' }] }), /metrics\[0\]\.key/);
  viewRejected(view({ metrics: [{ key: 'a', label: 'x', unit: '', better: 'worse' }] }), /metrics\[0\]\.better/);
  viewRejected(view({ notes: ['x'.repeat(VIEW_LIMITS.noteChars + 1)] }), /notes\[0\]: longer than/);
  viewRejected(view({ notes: 'one note' }), /notes: expected an array/);
});
