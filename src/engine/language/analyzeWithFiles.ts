/**
 * The analyzer reads the files a config names (a Hugging Face config.json) synchronously. Where
 * files can only be read asynchronously (the editor's file system, a browser), this reads each
 * file the analysis asks for, then analyzes again with it, until nothing new is asked for.
 */
import { analyzeConfig, type Analysis, type AnalyzeOptions } from '../config/analyze';
import { remember } from './parsed';

export type ReadFileAsync = (path: string) => Promise<string | undefined>;

export async function analyzeWithFiles(text: string, readFile: ReadFileAsync, options: Omit<AnalyzeOptions, 'readFile'> = {}): Promise<Analysis> {
  const files = new Map<string, string | undefined>();
  for (;;) {
    const wanted: string[] = [];
    const analysis = analyzeConfig(text, {
      ...options,
      readFile: (p) => {
        if (files.has(p)) return files.get(p);
        wanted.push(p);
        return undefined;
      },
    });
    if (wanted.length === 0) {
      // Outline, CodeLens and hover for this text come next; they reuse this parse.
      remember(analysis.document);
      return analysis;
    }
    for (const p of wanted) files.set(p, await readFile(p).catch(() => undefined));
  }
}
