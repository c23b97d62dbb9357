/**
 * "AIMC: Compare Designs…" and the sweep tab's "Compare": two designs simulated and put side by
 * side in the panel's Compare tab (every figure and breakdown with the ratio B ÷ A, and the config
 * keys that differ). Neither run replaces the result the other tabs show.
 */
import type * as vscode from 'vscode';
import { formatRatio } from '../../shared/format';
import type { ViewSource } from '../../shared/webviewProtocol';
import { designPointText } from '../configText/designPoint';
import { isConfigDocument } from '../language/documents';
import { comparisonOf } from '../results/store';
import type { CommandContext } from './context';
import { reportFailure } from './failure';
import { simulateConfigText, type Simulated } from './simulate';

/** Workspace configs offered for a comparison; more would make the pick unusable anyway. */
const MAX_CANDIDATES = 500;
const CONFIG_GLOB = '**/*.aimc.{yaml,yml,json}';

interface Candidate {
  readonly uri: vscode.Uri;
  readonly label: string;
}

/** The configs one can compare: open ones (unsaved edits included) first, then the workspace's. */
async function candidates(ctx: CommandContext): Promise<Candidate[]> {
  const { api } = ctx;
  const open = api.workspace.textDocuments.filter(isConfigDocument).map((d) => d.uri);
  const files = await api.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**', MAX_CANDIDATES);
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const uri of [...open, ...files.sort((a, b) => a.path.localeCompare(b.path))]) {
    if (seen.has(uri.toString())) continue;
    seen.add(uri.toString());
    out.push({ uri, label: api.workspace.asRelativePath(uri) });
  }
  return out;
}

async function pick(
  ctx: CommandContext,
  list: readonly Candidate[],
  title: string,
  placeHolder: string,
  first?: string,
): Promise<Candidate | undefined> {
  const items = list
    .map((c) => ({ label: c.label, description: c.uri.toString() === first ? 'active' : '', candidate: c }))
    .sort((a, b) => Number(b.description === 'active') - Number(a.description === 'active'));
  return (await ctx.api.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true }))?.candidate;
}

async function simulateUri(ctx: CommandContext, uri: vscode.Uri, label: string): Promise<Simulated | undefined> {
  const doc = await ctx.api.workspace.openTextDocument(uri);
  return simulateConfigText(ctx, uri, doc.getText(), label);
}

/** Both designs simulated, then shown in the Compare tab; false when either did not simulate. */
async function compareTexts(
  ctx: CommandContext,
  a: { readonly source: ViewSource; readonly role: string; readonly run: () => Promise<Simulated | undefined> },
  b: { readonly source: ViewSource; readonly role: string; readonly run: () => Promise<Simulated | undefined> },
): Promise<boolean> {
  const ra = await a.run();
  if (!ra) return false;
  const rb = await b.run();
  if (!rb) return false;
  ctx.store.setComparison(
    comparisonOf(
      { result: ra.result, source: a.source, role: a.role, config: ra.config },
      { result: rb.result, source: b.source, role: b.role, config: rb.config },
    ),
  );
  ctx.log.info(
    `Compared ${a.source.label} (A) with ${b.source.label} (B): B uses ${formatRatio(rb.result.perToken.energyJ / ra.result.perToken.energyJ)} the energy and ${formatRatio(rb.result.perToken.latencyS / ra.result.perToken.latencyS)} the latency per token of A.`,
  );
  ctx.views.show('compare', false);
  return true;
}

/**
 * "AIMC: Compare Designs…": design A (the config given or active, else picked) and design B
 * (picked). The explorer's "Compare Selected" hands both as the second argument.
 */
export async function compareDesignsCommand(ctx: CommandContext, arg?: unknown, selected?: unknown): Promise<void> {
  const { api } = ctx;
  const what = 'Comparing designs';
  try {
    const uris = Array.isArray(selected) ? selected.filter((u): u is vscode.Uri => u instanceof api.Uri) : [];
    let a: Candidate | undefined;
    let b: Candidate | undefined;
    if (uris.length === 2) {
      [a, b] = uris.map((uri) => ({ uri, label: api.workspace.asRelativePath(uri) }));
    } else {
      const list = await candidates(ctx);
      if (list.length < 2) {
        void api.window.showWarningMessage(
          'AIMC: comparing needs two configs (*.aimc.yaml, *.aimc.yml or *.aimc.json) in the workspace or open.',
        );
        return;
      }
      const active = api.window.activeTextEditor?.document;
      const given = arg instanceof api.Uri ? arg : active && isConfigDocument(active) ? active.uri : undefined;
      a = await pick(ctx, list, 'AIMC: Compare Designs (1/2)', 'Design A', given?.toString());
      if (!a) return;
      const chosenA = a;
      b = await pick(
        ctx,
        list.filter((c) => c.uri.toString() !== chosenA.uri.toString()),
        'AIMC: Compare Designs (2/2)',
        `Design B, compared with ${a.label}`,
      );
      if (!b) return;
    }
    const [da, db] = [a, b] as [Candidate, Candidate];
    await compareTexts(
      ctx,
      { source: { label: da.label, uri: da.uri.toString() }, role: 'A', run: () => simulateUri(ctx, da.uri, da.label) },
      { source: { label: db.label, uri: db.uri.toString() }, role: 'B', run: () => simulateUri(ctx, db.uri, db.label) },
    );
  } catch (e) {
    await reportFailure(ctx, what, e, () => compareDesignsCommand(ctx, arg, selected));
  }
}

/** The sweep tab's "Compare": the point's design (B) against the sweep's base config (A). */
export async function compareDesignPoint(ctx: CommandContext, sweepId: string, pointId: string): Promise<void> {
  const { api } = ctx;
  const held = ctx.store.sweep;
  if (!held || held.view.id !== sweepId) {
    void api.window.showWarningMessage(
      'AIMC: that sweep is no longer held by the extension (it ran before a reload). Run it again to compare its designs.',
    );
    return;
  }
  const point = held.report.points.find((p) => String(p.index) === pointId);
  if (!point) {
    void api.window.showWarningMessage(`AIMC: the sweep has no design ${pointId}.`);
    return;
  }
  const base = api.Uri.parse(held.baseUri);
  const baseLabel = api.workspace.asRelativePath(base);
  const settings = Object.entries(point.values)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(', ');
  const pointText = designPointText(held.baseText, point.values, `Design ${point.index} of a sweep: ${settings}.`);
  const pointLabel = `${baseLabel}, sweep point ${point.index} (${settings})`;
  try {
    await compareTexts(
      ctx,
      {
        source: { label: baseLabel, uri: held.baseUri },
        role: 'sweep base',
        run: () => simulateConfigText(ctx, base, held.baseText, baseLabel),
      },
      {
        source: { label: pointLabel, uri: null },
        role: `sweep point ${point.index}`,
        run: () => simulateConfigText(ctx, base, pointText, pointLabel),
      },
    );
  } catch (e) {
    await reportFailure(ctx, 'Comparing a sweep point', e, () => compareDesignPoint(ctx, sweepId, pointId));
  }
}
