/** The Simulate · Sweep · Compare with GPUs row at the top of a config. */
import { COMPARE_COMMAND, SIMULATE_COMMAND, SWEEP_COMMAND } from '../../shared/commandIds';
import { parsed } from './parsed';
import type { CodeLens } from './types';

export function codeLenses(text: string): CodeLens[] {
  const cfg = parsed(text);
  // Above the first key rather than line 0, which is often a header comment.
  const first = (cfg.doc.contents as { items?: Array<{ key?: { range?: [number, number, number] } }> } | null)
    ?.items?.[0]?.key?.range;
  const at = first ? cfg.positionAt(first[0]) : { line: 0, character: 0 };
  const range = { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } };
  return [
    { range, title: 'Simulate', command: SIMULATE_COMMAND },
    { range, title: 'Sweep', command: SWEEP_COMMAND },
    { range, title: 'Compare with GPUs', command: COMPARE_COMMAND },
  ];
}
