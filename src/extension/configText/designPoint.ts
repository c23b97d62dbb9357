/**
 * The config of one sweep point: the sweep's base config with the varied keys set to the point's
 * values, edited in place so the user's comments and layout survive. Pure: no `vscode`.
 */
import { parseConfigDocument } from '../../engine/config/document';
import { setValueEdit } from '../../engine/config/edits';
import { offsetAt } from '../../engine/language/cursor';
import type { SweepValue } from '../../shared/sweep';

export function designPointText(baseText: string, values: Readonly<Record<string, SweepValue>>, header: string): string {
  let text = baseText;
  for (const [key, value] of Object.entries(values)) {
    const edit = setValueEdit(parseConfigDocument(text), key.split('.'), value);
    if (!edit) throw new Error(`cannot set ${key} in the base config (it is not inside a map)`);
    text = text.slice(0, offsetAt(text, edit.range.start)) + edit.newText + text.slice(offsetAt(text, edit.range.end));
  }
  // JSON has no comments; a YAML config says where it came from.
  return parseConfigDocument(text).format === 'json' ? text : `${header.split('\n').map((l) => `# ${l}`).join('\n')}\n${text}`;
}
