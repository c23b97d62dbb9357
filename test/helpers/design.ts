import { analyzeConfig } from '../../src/engine/analyze';
import { hasErrors } from '../../src/shared/diagnostics';
import type { SimulationResult } from '../../src/shared/result';

/** Simulates config text and fails loudly if it does not validate. */
export function simulateText(text: string, readFile?: (p: string) => string | undefined): SimulationResult {
  const a = analyzeConfig(text, readFile ? { readFile } : {});
  if (hasErrors(a.diagnostics) || !a.result) {
    throw new Error(
      `config did not simulate:\n${a.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`).join('\n')}`,
    );
  }
  return a.result;
}

/** A minimal config around a preset with extra YAML sections appended. */
export function config(preset: string, extra = ''): string {
  return `version: 1\nmodel:\n  preset: ${preset}\n${extra}`;
}
