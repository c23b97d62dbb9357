/** Zero-based line and UTF-16 column, as editors count them. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning' | 'information';

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

/** A repair the editor can offer as a quick fix. */
export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
}

export interface Diagnostic {
  readonly range: Range;
  readonly severity: Severity;
  readonly message: string;
  /** Stable identifier of the check, e.g. `unknown-key`, `adc-bits-lossy`. */
  readonly code: string;
  readonly fix?: Fix;
}

/** `file:line:col: severity: message`, with one-based line and column (the CLI and CI format). */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
