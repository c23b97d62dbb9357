/** Analysis of a config's text, with the files it names read through the workspace. */
import type * as vscode from 'vscode';
import type { Analysis } from '../../engine';
import { relativeReader } from './documents';
import type { LoadLanguageService, VscodeApi } from './vscodeApi';

export async function analyzeText(
  api: VscodeApi,
  load: LoadLanguageService,
  uri: vscode.Uri,
  text: string,
  simulate = true,
): Promise<Analysis> {
  const service = await load();
  return service.analyzeWithFiles(text, relativeReader(api, uri), { simulate });
}
