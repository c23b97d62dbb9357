/**
 * The config language service: plain functions over text and zero-based positions, with no editor
 * API, so the VS Code adapter, a language server or a test call them the same way. Diagnostics
 * come from the one path from text to design the CLI also takes (`analyzeDesign`).
 */
export { analyzeConfig, type Analysis, type AnalyzeOptions } from '../analyze';
export type { DesignFileReader } from '../design/files';
export { analyzeWithFiles } from './analyzeWithFiles';
export { codeActions } from './codeActions';
export { codeLenses } from './codeLens';
export { COMPARE_COMMAND, SIMULATE_COMMAND, SWEEP_COMMAND } from '../../shared/commandIds';
export { complete } from './completion';
export { cursorContext, offsetAt, type CursorContext } from './cursor';
export { hover } from './hover';
export { documentSymbols } from './symbols';
export type {
  CodeAction,
  CodeLens,
  CompletionItem,
  CompletionKind,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Position,
  Range,
  SymbolKind,
  TextEdit,
} from './types';
