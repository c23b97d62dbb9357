/**
 * "AIMC: Run Sweep": the user picks config keys to vary, edits the values each starts with (a
 * range or list around the current value), chooses cost only or cost and error, and the sweep runs
 * on the worker pool. The panel's Sweep tab shows it; clicking a point opens that design.
 */
import type * as vscode from 'vscode';
import {
  buildReport,
  errorMetricFor,
  FUNCTIONAL_ERROR_METRIC,
  PERPLEXITY_ERROR_METRIC,
  MAX_SWEEP_POINTS,
  parseVary,
  planPoints,
  planSweep,
  sweepableKeys,
  sweepIdentity,
  SweepSpecError,
  type SweepPlan,
} from '../../engine';
import type { SweepAxis, SweepPointResult } from '../../shared/sweep';
import { defaultPoolSize } from '../../worker/pool';
import { runSweepPoints } from '../../worker/sweepRun';
import { designPointText } from '../configText/designPoint';
import { sweepView } from '../panel/sweepView';
import { withRunProgress } from '../simulation/progress';
import { prepareConfig, type ConfigInput } from '../simulation/configInput';
import type { CommandContext } from './context';
import { reportFailure } from './failure';
import { COMMON_SWEEP_KEYS, isSweepCandidate, suggestValues, valueAt } from './sweepValues';
import { configDocument } from './target';

/** Above this many points the user is offered a random sample instead of the whole grid. */
export const LARGE_SWEEP_POINTS = 2000;
const SAMPLE_POINTS = 500;

let sweepCounter = 0;

/** Asks for the keys and values; undefined when the user backs out. */
async function askAxes(ctx: CommandContext, config: unknown): Promise<SweepAxis[] | undefined> {
  const { window } = ctx.api;
  const keys = sweepableKeys().filter((k) => isSweepCandidate(k.key));
  const rank = (key: string) => {
    const i = COMMON_SWEEP_KEYS.indexOf(key);
    return i < 0 ? COMMON_SWEEP_KEYS.length : i;
  };
  keys.sort((a, b) => rank(a.key) - rank(b.key));
  const items = keys.map((k) => {
    const current = valueAt(config, k.key);
    const shown = current ?? k.default;
    return {
      label: k.key,
      key: k,
      description:
        shown === undefined
          ? ''
          : `${current === undefined ? 'default ' : ''}${String(shown)}${k.unit ? ` ${k.unit}` : ''}`,
      detail: k.description,
    };
  });
  const picked = await window.showQuickPick(items, {
    canPickMany: true,
    matchOnDetail: true,
    title: 'AIMC: Run Sweep (1/3): keys to vary',
    placeHolder: 'Pick one or more config keys',
  });
  if (!picked || picked.length === 0) return undefined;
  const axes: SweepAxis[] = [];
  for (const [i, p] of picked.entries()) {
    const text = await window.showInputBox({
      title: `AIMC: Run Sweep (2/3): values of ${p.key.key} (${i + 1} of ${picked.length})`,
      prompt: `A list (4,6,8) or a range (4..10, 0.5..2:0.5)${p.key.unit ? `, in ${p.key.unit}` : ''}. ${p.key.description}`,
      value: suggestValues(p.key, valueAt(config, p.key.key)),
      validateInput: (v) => {
        try {
          parseVary(`${p.key.key}=${v}`);
          return undefined;
        } catch (e) {
          return e instanceof SweepSpecError ? e.message : String(e);
        }
      },
    });
    if (text === undefined) return undefined;
    axes.push(parseVary(`${p.key.key}=${text}`));
  }
  return axes;
}

async function askPlan(
  ctx: CommandContext,
  axes: SweepAxis[],
): Promise<{ plan: SweepPlan; withError: boolean } | undefined> {
  const { window } = ctx.api;
  const grid = planSweep(axes);
  const cost = {
    label: 'Cost only',
    description: `${grid.pointCount.toLocaleString('en-US')} designs`,
    detail: 'Energy, latency and area of each design: Pareto front of energy against latency',
    withError: false,
  };
  const error = {
    label: 'Cost and error',
    description: 'slower',
    detail: `Also a functional simulation of each design for its error (${PERPLEXITY_ERROR_METRIC} when the config names one, else the ${FUNCTIONAL_ERROR_METRIC}): Pareto fronts of energy and latency against error`,
    withError: true,
  };
  const mode = await window.showQuickPick([cost, error], { title: 'AIMC: Run Sweep (3/3): what to compute' });
  if (!mode) return undefined;
  if (grid.pointCount <= LARGE_SWEEP_POINTS) return { plan: grid, withError: mode.withError };
  const sample = `Sample ${SAMPLE_POINTS}`;
  const all = `Run all ${grid.pointCount.toLocaleString('en-US')}`;
  // Past the limit of one sweep (engine/sweep/plan.ts) only a sample is offered.
  const runnable = grid.pointCount <= MAX_SWEEP_POINTS;
  const choice = await window.showWarningMessage(
    `AIMC: the grid has ${grid.pointCount.toLocaleString('en-US')} designs${runnable ? '' : `, more than the ${MAX_SWEEP_POINTS.toLocaleString('en-US')} one sweep may run`}. Run a random sample of ${SAMPLE_POINTS} instead?`,
    { modal: true },
    sample,
    ...(runnable ? [all] : []),
  );
  if (choice === sample) return { plan: planSweep(axes, { samples: SAMPLE_POINTS }), withError: mode.withError };
  return choice === all ? { plan: grid, withError: mode.withError } : undefined;
}

export async function sweepCommand(ctx: CommandContext, arg?: unknown): Promise<void> {
  const doc = await configDocument(ctx, arg);
  if (!doc) return;
  const { api } = ctx;
  const label = api.workspace.asRelativePath(doc.uri);
  const baseText = doc.getText();
  const prepare = (withCheckpoint: boolean) =>
    prepareConfig(api, ctx.load, doc.uri, baseText, {
      withCheckpoint,
      defaultBaselines: ctx.settings().defaultBaselines,
    });
  let prepared = await prepare(false);
  if (!prepared.ok) {
    void api.window.showErrorMessage(`AIMC: ${label} has errors; fix them before sweeping (see the Problems view).`);
    return;
  }
  const axes = await askAxes(ctx, prepared.input.config);
  if (!axes) return;
  const asked = await askPlan(ctx, axes);
  if (!asked) return;
  // A checkpoint can be gigabytes: read only when the sweep runs the functional simulation.
  if (asked.withError && prepared.input.config.functional?.checkpoint !== undefined) {
    prepared = await prepare(true);
    if (!prepared.ok) {
      void api.window.showErrorMessage(`AIMC: ${prepared.errors[0]?.message ?? `${label} has errors`}.`);
      return;
    }
  }
  await runSweep(ctx, doc.uri, label, baseText, prepared.input, asked.plan, asked.withError);
}

async function runSweep(
  ctx: CommandContext,
  uri: vscode.Uri,
  label: string,
  baseText: string,
  input: ConfigInput,
  plan: SweepPlan,
  withError: boolean,
): Promise<void> {
  const { api, service, store, log } = ctx;
  const what = `Sweep of ${label}`;
  ctx.lastConfig = uri;
  const points = planPoints(plan, null);
  const count = ctx.settings().workerCount;
  const workers = count === 'auto' ? defaultPoolSize() : count;
  store.setStatus('running', `${what}: ${plan.pointCount} designs…`);
  try {
    const results = await withRunProgress(
      api,
      service,
      { title: `AIMC: ${what}` },
      async (run): Promise<SweepPointResult[] | null> => {
        const sweep = runSweepPoints(
          service,
          { base: { text: input.text, files: input.files }, axes: plan.axes, points, withError, workers },
          (done, total) => run.report(done, total, `${Math.floor(done)} of ${total} designs`),
        );
        run.signal.addEventListener('abort', () => sweep.cancel(), { once: true });
        return sweep.result;
      },
    );
    if (!results) {
      log.info(`${what}: cancelled.`);
      store.setStatus('idle', null);
      return;
    }
    const name = input.config.name ?? label;
    const report = buildReport(
      sweepIdentity(plan, { name, configText: input.text }, withError ? errorMetricFor(input.text).name : null),
      null,
      results,
    );
    const view = sweepView(report, `sweep-${++sweepCounter}`, { label, uri: uri.toString() });
    store.setSweep({ view, report, baseText, baseUri: uri.toString() });
    store.setStatus('idle', null);
    const bad = results.filter((p) => p.status !== 'ok');
    log.info(
      `${what}: ${results.length} designs, ${bad.length} did not simulate${bad.length ? ` (first: point ${bad[0].index}: ${bad[0].message ?? ''})` : ''}.`,
    );
    ctx.views.show('sweep');
  } catch (e) {
    await reportFailure(ctx, what, e, () => runSweep(ctx, uri, label, baseText, input, plan, withError));
  }
}

/** The panel's "open design point": the base config with the point's values, as a new editor. */
export async function openDesignPoint(ctx: CommandContext, sweepId: string, pointId: string): Promise<void> {
  const { api } = ctx;
  const held = ctx.store.sweep;
  if (!held || held.view.id !== sweepId) {
    void api.window.showWarningMessage(
      'AIMC: that sweep is no longer held by the extension (it ran before a reload). Run it again to open its designs.',
    );
    return;
  }
  const point = held.report.points.find((p) => String(p.index) === pointId);
  if (!point) {
    void api.window.showWarningMessage(`AIMC: the sweep has no design ${pointId}.`);
    return;
  }
  const settings = Object.entries(point.values)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(', ');
  const text = designPointText(
    held.baseText,
    point.values,
    `Design ${point.index} of a sweep of ${held.report.sweep.base}: ${settings}.`,
  );
  const base = api.Uri.parse(held.baseUri);
  const json = base.path.endsWith('.json');
  let doc: vscode.TextDocument;
  if (base.scheme === 'untitled' && !base.path.startsWith('/')) {
    doc = await api.workspace.openTextDocument({ language: json ? 'json' : 'aimc', content: text });
  } else {
    // Untitled, but saved next to the base by default, so the files the base names still resolve.
    const stem = base.path.replace(/^.*\//, '').replace(/\.aimc\.(ya?ml|json)$/, '');
    const target = api.Uri.joinPath(base, '..', `${stem}.design-${point.index}.aimc.${json ? 'json' : 'yaml'}`).with({
      scheme: 'untitled',
    });
    doc = await api.workspace.openTextDocument(target);
    // Opened before (the same point clicked twice): show it as the user left it.
    if (doc.getText() === '') {
      const edit = new api.WorkspaceEdit();
      edit.insert(target, new api.Position(0, 0), text);
      await api.workspace.applyEdit(edit);
    }
  }
  await api.window.showTextDocument(doc, { preview: false });
}
