/** Setting a value in config text, editing in place so the user's comments and layout survive. */
import { parseConfigDocument, type JsonPath } from './document';
import { setValueEdit } from './edits';
import { offsetAt } from '../language/cursor';

/** The text with the value at `path` set (sections created as needed); throws when `path` is not inside a map. */
export function setConfigValue(text: string, path: JsonPath, value: string | number | boolean): string {
  const edit = setValueEdit(parseConfigDocument(text), path, value);
  if (!edit) throw new Error(`cannot set ${path.join('.')} in the config (it is not inside a map)`);
  return text.slice(0, offsetAt(text, edit.range.start)) + edit.newText + text.slice(offsetAt(text, edit.range.end));
}

/** Whether the text is a JSON config (`*.aimc.json`) rather than YAML. */
export function isJsonConfigText(text: string): boolean {
  return parseConfigDocument(text).format === 'json';
}
