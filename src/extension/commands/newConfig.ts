/**
 * "AIMC: New Config from Preset" and "AIMC: Import Hugging Face config.json": a model and a
 * hardware design picked from quick picks, written as a commented config (configText/newConfig.ts).
 * The hardware designs are the examples shipped with the extension.
 */
import type * as vscode from 'vscode';
import { shapeFromHuggingFace } from '../../engine';
import { MODEL_PRESET_NAMES, MODEL_PRESETS } from '../../engine';
import {
  DEFAULT_HARDWARE,
  describeShape,
  hardwareFromExample,
  newConfigText,
  type HardwarePreset,
  type ModelSource,
} from '../configText/newConfig';
import type { CommandContext } from './context';

/** The hardware designs: the engine's defaults, then each shipped example's. */
export async function hardwarePresets(ctx: CommandContext): Promise<HardwarePreset[]> {
  const { api } = ctx;
  const folder = api.Uri.joinPath(ctx.extensionUri, 'examples');
  const presets = [DEFAULT_HARDWARE];
  try {
    const entries = await api.workspace.fs.readDirectory(folder);
    for (const [name] of entries.filter(([n]) => n.endsWith('.aimc.yaml')).sort(([a], [b]) => a.localeCompare(b))) {
      const text = new TextDecoder().decode(await api.workspace.fs.readFile(api.Uri.joinPath(folder, name)));
      presets.push(hardwareFromExample(name, text));
    }
  } catch (e) {
    ctx.log.warn(`Cannot read the shipped examples (${(e as Error).message}); offering the engine defaults only.`);
  }
  return presets;
}

async function pickHardware(ctx: CommandContext, title: string): Promise<HardwarePreset | undefined> {
  const presets = await hardwarePresets(ctx);
  const picked = await ctx.api.window.showQuickPick(
    presets.map((h) => ({ label: h.label, description: h.source ?? '', detail: h.description, preset: h })),
    {
      title,
      placeHolder: 'Hardware design (from the examples)',
      matchOnDetail: true,
    },
  );
  return picked?.preset;
}

function textFor(ctx: CommandContext, model: ModelSource, hardware: HardwarePreset, writtenBy: string): string {
  return newConfigText({ model, hardware, baselines: ctx.settings().defaultBaselines, writtenBy });
}

export async function newConfigCommand(ctx: CommandContext): Promise<void> {
  const { api } = ctx;
  const title = 'AIMC: New Config from Preset';
  const model = await api.window.showQuickPick(
    MODEL_PRESET_NAMES.map((name) => ({ label: name, detail: describeShape(MODEL_PRESETS[name].shape), name })),
    {
      title: `${title} (1/2)`,
      placeHolder: 'Model',
      matchOnDetail: true,
    },
  );
  if (!model) return;
  const hardware = await pickHardware(ctx, `${title} (2/2)`);
  if (!hardware) return;
  const content = textFor(ctx, { kind: 'preset', name: model.name }, hardware, title);
  const doc = await api.workspace.openTextDocument({ language: 'aimc', content });
  await api.window.showTextDocument(doc, { preview: false });
}

/** A path from `fromFolder` to `to`, both URIs of one file system, with `/` separators. */
export function relativePath(fromFolder: vscode.Uri, to: vscode.Uri): string {
  if (fromFolder.scheme !== to.scheme || fromFolder.authority !== to.authority) return to.path;
  const from = fromFolder.path.split('/').filter(Boolean);
  const target = to.path.split('/').filter(Boolean);
  let common = 0;
  while (common < from.length && common < target.length - 1 && from[common] === target[common]) common++;
  const up = from.slice(common).map(() => '..');
  const rel = [...up, ...target.slice(common)].join('/');
  return up.length === 0 ? `./${rel}` : rel;
}

/** Imports the config.json given (the explorer's context menu), else one the user picks. */
export async function importHuggingFaceCommand(ctx: CommandContext, arg?: unknown): Promise<void> {
  const { api } = ctx;
  const title = 'AIMC: Import Hugging Face config.json';
  const picked =
    arg instanceof api.Uri
      ? [arg]
      : await api.window.showOpenDialog({
          canSelectFiles: true,
          canSelectFolders: false,
          canSelectMany: false,
          filters: { 'Hugging Face config': ['json'] },
          defaultUri: api.workspace.workspaceFolders?.[0]?.uri,
          openLabel: 'Import',
          title,
        });
  const source = picked?.[0];
  if (!source) return;
  const fileName = source.path.replace(/^.*\//, '');
  let text: string;
  try {
    text = new TextDecoder().decode(await api.workspace.fs.readFile(source));
  } catch (e) {
    void api.window.showErrorMessage(`AIMC: cannot read ${fileName}: ${(e as Error).message}`);
    return;
  }
  // The model's name: its folder (a Hub download lives in a folder named after the model).
  const folderName = source.path.split('/').slice(-2, -1)[0] ?? '';
  const modelName = folderName && folderName !== '.' ? folderName : fileName.replace(/\.json$/, '');
  const shape = shapeFromHuggingFace(text, modelName);
  if (!shape.ok) {
    void api.window.showErrorMessage(`AIMC: ${fileName} ${shape.message}.`);
    return;
  }
  const hardware = await pickHardware(ctx, `${title}: hardware`);
  if (!hardware) return;
  const folder = api.Uri.joinPath(source, '..');
  const target = await api.window.showSaveDialog({
    defaultUri: api.Uri.joinPath(folder, `${modelName.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}.aimc.yaml`),
    filters: { 'AIMC config': ['yaml', 'yml'] },
    saveLabel: 'Write config',
    title: `${title}: where to write the config`,
  });
  if (!target) return;
  const model: ModelSource = {
    kind: 'huggingface',
    path: relativePath(api.Uri.joinPath(target, '..'), source),
    shape: shape.shape,
  };
  await api.workspace.fs.writeFile(target, new TextEncoder().encode(textFor(ctx, model, hardware, title)));
  await api.window.showTextDocument(await api.workspace.openTextDocument(target), { preview: false });
}

/** The example the walkthrough opens first: GPT-2 with the published gain-cell attention figures. */
export const FIRST_EXAMPLE = 'gpt2-gaincell.aimc.yaml';

/**
 * "AIMC: Open an Example": a shipped example as a new, unsaved config to simulate and edit freely
 * (the walkthrough's first step). Examples that read other files are left out: an unsaved config
 * has no folder to read them from.
 */
export async function openExampleCommand(ctx: CommandContext): Promise<void> {
  const { api } = ctx;
  const folder = api.Uri.joinPath(ctx.extensionUri, 'examples');
  const entries = (await api.workspace.fs.readDirectory(folder))
    .map(([name]) => name)
    .filter((n) => n.endsWith('.aimc.yaml'))
    .sort((a, b) => (a === FIRST_EXAMPLE ? -1 : b === FIRST_EXAMPLE ? 1 : a.localeCompare(b)));
  const items = [];
  for (const name of entries) {
    const text = new TextDecoder().decode(await api.workspace.fs.readFile(api.Uri.joinPath(folder, name)));
    if (/^\s*(huggingface|checkpoint):/m.test(text)) continue;
    const hardware = hardwareFromExample(name, text);
    items.push({ label: hardware.description, description: name, text });
  }
  const picked = await api.window.showQuickPick(items, {
    title: 'AIMC: Open an Example',
    placeHolder: 'An example design, opened as a new config',
    matchOnDetail: true,
  });
  if (!picked) return;
  const doc = await api.workspace.openTextDocument({ language: 'aimc', content: picked.text });
  await api.window.showTextDocument(doc, { preview: false });
}
