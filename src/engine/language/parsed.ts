/**
 * The parsed form of the texts the editor asks about. Hover, symbols and CodeLens come in bursts
 * for one version of a document, so the last few parses are kept, keyed by the text itself.
 */
import { parseConfigDocument, type ConfigDocument } from '../config/document';

const recent: Array<{ text: string; doc: ConfigDocument }> = [];
const KEEP = 4;

export function parsed(text: string): ConfigDocument {
  return recent.find((r) => r.text === text)?.doc ?? remember(parseConfigDocument(text));
}

/** Keeps a parse made elsewhere (by the validator) for the requests that follow it. */
export function remember(doc: ConfigDocument): ConfigDocument {
  recent.unshift({ text: doc.text, doc });
  recent.length = Math.min(recent.length, KEEP);
  return doc;
}
