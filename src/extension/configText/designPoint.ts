/**
 * The config of one sweep point: the sweep's base config with the varied keys set to the point's
 * values, edited in place so the user's comments and layout survive. Pure: no `vscode`.
 */
import { isJsonConfigText, setConfigValue } from '../../engine';
import type { SweepValue } from '../../shared/sweep';

export function designPointText(
  baseText: string,
  values: Readonly<Record<string, SweepValue>>,
  header: string,
): string {
  let text = baseText;
  for (const [key, value] of Object.entries(values)) text = setConfigValue(text, key.split('.'), value);
  // JSON has no comments; a YAML config says where it came from.
  return isJsonConfigText(text)
    ? text
    : `${header
        .split('\n')
        .map((l) => `# ${l}`)
        .join('\n')}\n${text}`;
}
