/**
 * The tile map's "Show in config": opens the config of the result the panel shows, where it is
 * already visible or else in a column other than the panel's (so the map stays in view), with every
 * line that puts the clicked matrix on its arrays selected (configText/placement.ts).
 */
import type { TileMatrix } from '../../shared/tileMap';
import { placementLines } from '../configText/placement';
import type { CommandContext } from './context';

export async function revealConfigLines(ctx: CommandContext, layer: number, matrix: TileMatrix): Promise<void> {
  const { api } = ctx;
  const shown = ctx.store.shown;
  if (!shown?.source.uri) {
    void api.window.showInformationMessage('AIMC: the design shown has no config file to open.');
    return;
  }
  const uri = api.Uri.parse(shown.source.uri);
  const doc = await api.workspace.openTextDocument(uri);
  const lines = placementLines(doc.getText(), shown.result.model.layers, layer, matrix);
  const visible = api.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const panelColumn = ctx.views.viewColumn;
  const viewColumn =
    visible?.viewColumn ??
    (panelColumn === undefined || panelColumn !== api.ViewColumn.One ? api.ViewColumn.One : api.ViewColumn.Beside);
  const editor = await api.window.showTextDocument(doc, { preview: false, viewColumn });
  if (lines.length === 0) {
    void api.window.showInformationMessage(
      `AIMC: ${shown.source.label} sets nothing that places this matrix; the defaults apply.`,
    );
    return;
  }
  editor.selections = lines.map(
    (l) =>
      new api.Selection(
        new api.Position(l.range.start.line, l.range.start.character),
        new api.Position(l.range.end.line, l.range.end.character),
      ),
  );
  editor.revealRange(editor.selections[0], api.TextEditorRevealType.InCenterIfOutsideViewport);
  ctx.log.info(
    `Show in config: ${layer < 0 ? 'LM head' : `layer ${layer}`} ${matrix} is placed by ${lines.map((l) => `${l.path} (line ${l.range.start.line + 1})`).join(', ')}.`,
  );
}
