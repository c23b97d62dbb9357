/**
 * Simulate, Compare with GPU Baselines, Show Tile Map and the functional (accuracy) run: each
 * prepares the config here (checks, referenced files), runs it on the worker pool under a
 * progress notification, and hands the result to the store, which the views and status bar show.
 */
import type * as vscode from 'vscode';
import { GPUS } from '../../engine';
import { GPU_IDS, type GpuId } from '../../shared/gpuIds';
import { formatDiagnostic, type Diagnostic } from '../../shared/diagnostics';
import type { AimcConfig } from '../../engine';
import { formatEngineering, formatRatio } from '../../shared/format';
import type { SimulationResult } from '../../shared/result';
import { formatSummary } from '../../shared/summary';
import type { PanelTab } from '../../shared/webviewProtocol';
import { isConfigDocument } from '../language/documents';
import { accuracyView } from '../panel/accuracyView';
import { prepareConfig, type ConfigInput } from '../simulation/configInput';
import { withRunProgress } from '../simulation/progress';
import type { CommandContext } from './context';
import { reportFailure } from './failure';
import { configDocument } from './target';

export interface SimulateOptions {
  /** A run on save: progress in the status bar, no panel, no pop-ups. */
  readonly quiet?: boolean;
  /** Compare with these GPUs instead of the config's `baselines:`. */
  readonly baselines?: readonly GpuId[];
  /** The panel tab to bring forward with the result. */
  readonly tab?: PanelTab;
}

export interface Simulated {
  readonly result: SimulationResult;
  readonly config: AimcConfig;
}

function reportConfigErrors(
  ctx: CommandContext,
  label: string,
  lines: readonly string[],
  quiet: boolean | undefined,
): void {
  for (const l of lines) ctx.log.info(l);
  ctx.store.setStatus('error', `${label} has errors; fix them to simulate (see the Problems view).`);
  if (!quiet) void ctx.api.window.showErrorMessage(`AIMC: ${label} has errors; see the Problems view.`);
}

/** Checks the config and reads its files; reports errors and returns undefined when it cannot run. */
async function prepare(
  ctx: CommandContext,
  uri: vscode.Uri,
  text: string,
  o: { quiet?: boolean; baselines?: readonly GpuId[]; withCheckpoint?: boolean },
): Promise<ConfigInput | undefined> {
  const label = ctx.api.workspace.asRelativePath(uri);
  const prepared = await prepareConfig(ctx.api, ctx.load, uri, text, {
    baselines: o.baselines,
    defaultBaselines: ctx.settings().defaultBaselines,
    withCheckpoint: o.withCheckpoint,
  });
  if (prepared.ok) return prepared.input;
  reportConfigErrors(
    ctx,
    label,
    prepared.errors.map((d) => formatDiagnostic(label, d)),
    o.quiet,
  );
  return undefined;
}

/**
 * Simulates config text, whose files are read relative to `uri`, on the pool under a progress
 * notification, without showing the result. Undefined when the config has errors (reported) or the
 * run was cancelled; a failure of the run throws.
 */
export async function simulateConfigText(
  ctx: CommandContext,
  uri: vscode.Uri,
  text: string,
  label: string,
  o: SimulateOptions = {},
): Promise<Simulated | undefined> {
  const { api, service, store } = ctx;
  const input = await prepare(ctx, uri, text, o);
  if (!input) return undefined;
  store.setStatus('running', `Simulating ${label}…`);
  const response = await withRunProgress(
    api,
    service,
    { title: `AIMC: Simulating ${label}`, quiet: o.quiet },
    (run) =>
      service.request(
        'simulate',
        { configText: input.text, files: input.files, overrides: input.overrides },
        { signal: run.signal },
      ).result,
  );
  if (!response.result) {
    const errors = response.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
    reportConfigErrors(
      ctx,
      label,
      errors.map((d) => formatDiagnostic(label, d)),
      o.quiet,
    );
    return undefined;
  }
  store.setStatus('idle', null);
  return { result: response.result, config: input.config };
}

/** Simulates a config; undefined when it had errors, was cancelled or failed (each reported). */
export async function simulateDocument(
  ctx: CommandContext,
  doc: vscode.TextDocument,
  o: SimulateOptions = {},
): Promise<Simulated | undefined> {
  const { api, store, log } = ctx;
  const label = api.workspace.asRelativePath(doc.uri);
  const what = `Simulating ${label}`;
  ctx.lastConfig = doc.uri;
  const started = Date.now();
  try {
    const done = await simulateConfigText(ctx, doc.uri, doc.getText(), label, o);
    if (!done) return undefined;
    const r = done.result;
    store.setResult(doc.uri.toString(), label, r, done.config);
    log.info(
      `${label}: ${formatEngineering(r.perToken.energyJ, 'J')} and ${formatEngineering(r.perToken.latencyS, 's')} per token, ${r.mapping.arrays.toLocaleString('en-US')} arrays (simulated in ${Date.now() - started} ms)`,
    );
    if (!o.quiet) {
      log.info(formatSummary(r));
      ctx.views.show(o.tab);
    }
    return done;
  } catch (e) {
    await reportFailure(ctx, what, e, () => simulateDocument(ctx, doc, o));
    return undefined;
  }
}

/** The functional simulation of a config: per-layer and end-to-end error, shown in the Accuracy tab. */
export async function runAccuracy(ctx: CommandContext, doc: vscode.TextDocument): Promise<boolean> {
  const { api, service, store } = ctx;
  const label = api.workspace.asRelativePath(doc.uri);
  const what = `Functional simulation of ${label}`;
  ctx.lastConfig = doc.uri;
  try {
    const input = await prepare(ctx, doc.uri, doc.getText(), { withCheckpoint: true });
    if (!input) return false;
    store.setStatus('running', `${what}…`);
    const r = await withRunProgress(
      api,
      service,
      { title: `AIMC: ${what}` },
      (run) =>
        service.request(
          'functional-run',
          { configText: input.text, files: input.files },
          {
            signal: run.signal,
            onProgress: (p) => run.report(p.done, p.total, p.detail),
          },
        ).result,
    );
    store.setAccuracy(
      accuracyView(r, `${input.config.name ?? label}: functional simulation`, { label, uri: doc.uri.toString() }),
    );
    store.setStatus('idle', null);
    const a = r.task.analog;
    ctx.log.info(
      r.task.text
        ? `${label}: functional simulation done; perplexity ${a.perplexity.mean.toFixed(3)} (95 % interval ${a.perplexity.low.toFixed(3)}–${a.perplexity.high.toFixed(3)} over ${r.seeds} run(s)) against ${r.task.floatSoftmax.perplexity.toFixed(3)} for the float model.`
        : `${label}: functional simulation done; top-1 agreement with the float model ${(100 * a.agreement.mean).toFixed(1)}%, logits relative error ${(100 * r.endToEnd.logitsVsSoftmaxModel.relativeError).toFixed(2)}%.`,
    );
    ctx.views.show('accuracy');
    return true;
  } catch (e) {
    await reportFailure(ctx, what, e, () => runAccuracy(ctx, doc));
    return false;
  }
}

/** "AIMC: Simulate Current Config"; a config with a `functional:` section gets its accuracy run too. */
export async function simulateCommand(ctx: CommandContext, arg?: unknown): Promise<void> {
  const doc = await configDocument(ctx, arg);
  if (!doc) return;
  const done = await simulateDocument(ctx, doc);
  if (done?.config.functional !== undefined) await runAccuracy(ctx, doc);
}

export async function accuracyCommand(ctx: CommandContext, arg?: unknown): Promise<void> {
  const doc = await configDocument(ctx, arg);
  if (doc) await runAccuracy(ctx, doc);
}

export function baselineTable(r: SimulationResult): string {
  const lines = r.baselines.map(
    (b) =>
      `  ${b.name}: ${formatRatio(b.speedup)} the speed, ${formatRatio(b.energyRatio)} the energy per token (on ${b.devices} GPU${b.devices === 1 ? '' : 's'})`,
  );
  return [`${r.name} against GPU baselines (roofline, datasheet peaks):`, ...lines].join('\n');
}

/** "AIMC: Compare with GPU Baselines": pick the GPUs (the config's preselected), simulate, show the overview. */
export async function compareCommand(ctx: CommandContext, arg?: unknown): Promise<void> {
  const doc = await configDocument(ctx, arg);
  if (!doc) return;
  const service = await ctx.load();
  const current =
    service.analyzeConfig(doc.getText(), { simulate: false }).config?.baselines ?? ctx.settings().defaultBaselines;
  const items = GPU_IDS.map((id) => {
    const g = GPUS[id];
    return {
      label: g.name,
      description: id,
      picked: current.includes(id),
      id,
      detail: `${formatEngineering(g.fp16Flops, 'FLOP/s')} FP16, ${formatEngineering(g.memoryBandwidthBytesPerS, 'B/s')}, ${formatEngineering(g.memoryBytes, 'B')}, ${g.boardPowerW} W`,
    };
  });
  const picked = await ctx.api.window.showQuickPick(items, {
    canPickMany: true,
    title: 'AIMC: Compare with GPU Baselines',
    placeHolder: "GPUs to compare with (the config's baselines are selected)",
  });
  if (!picked || picked.length === 0) return;
  const done = await simulateDocument(ctx, doc, { baselines: picked.map((p) => p.id), tab: 'overview' });
  if (done) ctx.log.info(baselineTable(done.result));
}

/**
 * "AIMC: Show Tile Map": the map of the config asked for (or the active one), simulating it first
 * when the panel shows another design; with no config at hand, the map of the result shown.
 */
export async function showTileMapCommand(ctx: CommandContext, arg?: unknown): Promise<void> {
  const shown = ctx.store.shown;
  const active = ctx.api.window.activeTextEditor?.document;
  const wanted = arg instanceof ctx.api.Uri ? arg : active && isConfigDocument(active) ? active.uri : undefined;
  if (shown && (wanted === undefined || wanted.toString() === shown.source.uri)) {
    ctx.views.show('tiles', false);
    return;
  }
  const doc = await configDocument(ctx, wanted);
  if (doc) await simulateDocument(ctx, doc, { tab: 'tiles' });
}
