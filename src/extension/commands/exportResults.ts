/**
 * "AIMC: Export Results" and the panel's export buttons: the shown result as JSON (the CLI's
 * `--json`, docs/result-schema.md) or CSV (the CLI's `--csv`), written by the host from the result
 * it holds; the panel's charts and tile map as PNG files, rendered by the panel.
 */
import type * as vscode from 'vscode';
import type { SimulationResult } from '../../shared/result';
import { formatCsv } from '../../shared/resultCsv';
import type { ChartImage, ExportFormat } from '../../shared/webviewProtocol';
import type { CommandContext } from './context';

/** A file-name-safe form of a design's name. */
export function fileStem(name: string): string {
  const stem = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return stem || 'aimc-result';
}

export interface ExportFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * The files an export writes. The panel's charts are named after the design they show: the
 * accuracy and sweep charts can belong to other designs than the shown result.
 */
export function exportFiles(
  result: SimulationResult,
  format: ExportFormat,
  images: readonly ChartImage[],
  others: { accuracy?: string; sweep?: string } = {},
): ExportFile[] {
  const stem = fileStem(result.name);
  const stemOf = (chart: string) =>
    chart.startsWith('accuracy') && others.accuracy
      ? fileStem(others.accuracy)
      : chart.startsWith('sweep') && others.sweep
        ? fileStem(others.sweep)
        : stem;
  const text = (s: string) => new TextEncoder().encode(s);
  switch (format) {
    case 'json':
      return [{ name: `${stem}.json`, bytes: text(`${JSON.stringify(result, null, 2)}\n`) }];
    case 'csv':
      return [{ name: `${stem}.csv`, bytes: text(formatCsv(result)) }];
    case 'png':
      return images.map((im) => ({
        name: `${stemOf(im.name)}-${im.name}.png`,
        // parseWebviewMessage has checked it is a base64 PNG data URL.
        bytes: Uint8Array.from(Buffer.from(im.dataUrl.slice(im.dataUrl.indexOf(',') + 1), 'base64')),
      }));
  }
}

/** Where the dialogs open: the config's folder, else the first workspace folder. */
function startFolder(ctx: CommandContext): vscode.Uri | undefined {
  const source = ctx.store.shown?.source.uri;
  if (source) {
    const uri = ctx.api.Uri.parse(source);
    if (uri.scheme !== 'untitled') return ctx.api.Uri.joinPath(uri, '..');
  }
  return ctx.api.workspace.workspaceFolders?.[0]?.uri;
}

/** Asks where and writes; returns the files written (none when the user backed out). */
export async function exportResults(
  ctx: CommandContext,
  format: ExportFormat,
  images: readonly ChartImage[] = [],
): Promise<vscode.Uri[]> {
  const { api } = ctx;
  const result = ctx.store.shown?.result;
  if (!result) {
    void api.window.showWarningMessage('AIMC: nothing to export yet; simulate a config first.');
    return [];
  }
  const files = exportFiles(result, format, images, {
    accuracy: ctx.store.accuracy?.name,
    sweep: ctx.store.sweep?.view.name,
  });
  if (files.length === 0) {
    void api.window.showWarningMessage('AIMC: the panel had no charts to export.');
    return [];
  }
  const folder = startFolder(ctx);
  let targets: vscode.Uri[];
  if (format === 'png') {
    const picked = await api.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: folder,
      openLabel: 'Export charts here',
      title: `AIMC: Export ${files.length} chart images`,
    });
    if (!picked?.[0]) return [];
    targets = files.map((f) => api.Uri.joinPath(picked[0], f.name));
  } else {
    const suggested = folder ? api.Uri.joinPath(folder, files[0].name) : undefined;
    const picked = await api.window.showSaveDialog({
      defaultUri: suggested,
      filters: { [format.toUpperCase()]: [format] },
      saveLabel: 'Export',
      title: `AIMC: Export result as ${format.toUpperCase()}`,
    });
    if (!picked) return [];
    targets = [picked];
  }
  await Promise.all(files.map((f, i) => api.workspace.fs.writeFile(targets[i], f.bytes)));
  ctx.log.info(`Exported ${targets.map((t) => t.toString()).join(', ')}`);
  void api.window.showInformationMessage(
    `AIMC: exported ${targets.length === 1 ? api.workspace.asRelativePath(targets[0]) : `${targets.length} files`}.`,
  );
  return targets;
}

export async function exportCommand(ctx: CommandContext): Promise<void> {
  if (!ctx.store.shown) {
    void ctx.api.window.showWarningMessage('AIMC: nothing to export yet; simulate a config first.');
    return;
  }
  const formats: Array<{ label: string; detail: string; format: ExportFormat }> = [
    {
      label: 'JSON',
      detail: 'The whole result, as `aimc simulate --json` writes it (docs/result-schema.md)',
      format: 'json',
    },
    {
      label: 'CSV',
      detail: 'Key figures and every breakdown, one row per figure (section,key,value,unit)',
      format: 'csv',
    },
    { label: 'PNG', detail: 'Every chart of the results panel and the tile map, one image each', format: 'png' },
  ];
  const picked = await ctx.api.window.showQuickPick(formats, {
    title: 'AIMC: Export Results',
    placeHolder: `Export ${ctx.store.shown.result.name} as`,
  });
  if (!picked) return;
  try {
    const images = picked.format === 'png' ? await ctx.views.collectCharts() : [];
    await exportResults(ctx, picked.format, images);
  } catch (e) {
    ctx.log.error(`Export failed: ${(e as Error).stack ?? String(e)}`);
    void ctx.api.window.showErrorMessage(`AIMC: export failed: ${(e as Error).message}`);
  }
}
