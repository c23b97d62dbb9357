/**
 * The editor's validation: `analyzeDesign` over the files the editor reads, keeping the parse for
 * the outline, CodeLens and hover requests that follow it.
 */
import { analyzeDesign, type Analysis, type AnalyzeOptions } from '../analyze';
import type { DesignFileReader } from '../design/files';
import { remember } from './parsed';

export async function analyzeWithFiles(
  text: string,
  reader: DesignFileReader,
  options: AnalyzeOptions = {},
): Promise<Analysis> {
  const analysis = await analyzeDesign(text, reader, options);
  remember(analysis.document);
  return analysis;
}
