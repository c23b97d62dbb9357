/** Document symbols: every key as a node of the outline and the breadcrumbs, nested as in the file. */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { ConfigDocument } from '../config/document';
import { parsed } from './parsed';
import type { DocumentSymbol, SymbolKind } from './types';

function kindOf(node: Node | null): SymbolKind {
  if (isMap(node)) return 'section';
  if (isSeq(node)) return 'list';
  if (!isScalar(node) || node.value === null) return 'null';
  const t = typeof node.value;
  return t === 'number' ? 'number' : t === 'boolean' ? 'boolean' : 'string';
}

function scalarText(node: Node | null): string {
  return isScalar(node) && node.value !== null ? String(node.value) : '';
}

/** One line about a list item: a layer override reads "layers 0, -1 · qkv · weights". */
function itemDetail(node: Node | null): string {
  if (isScalar(node)) return scalarText(node);
  if (isSeq(node)) {
    const n = node.items.length;
    return node.items.every((i) => isScalar(i))
      ? node.items.map((i) => scalarText(i as Node)).join(', ')
      : `${n} item${n === 1 ? '' : 's'}`;
  }
  if (!isMap(node)) return '';
  return node.items
    .filter(isPair)
    .map((p) => {
      const v = p.value as Node | null;
      const key = isScalar(p.key) ? String(p.key.value) : '?';
      if (isSeq(v)) return `${key} ${v.items.map((i) => scalarText(i as Node)).join(', ')}`;
      if (isScalar(v)) return `${key} ${scalarText(v)}`;
      return key;
    })
    .join(' · ');
}

/** `end` moved back over trailing blank lines: a block map's range runs to the next key's line. */
function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end;
}

function childrenOf(cfg: ConfigDocument, node: Node | null): DocumentSymbol[] {
  if (isMap(node)) return node.items.filter(isPair).flatMap((p) => pairSymbol(cfg, p as Pair<Node, Node | null>));
  if (isSeq(node)) {
    // Scalar items are listed in their list's detail; only sections get their own node.
    return node.items.flatMap((item, i) => {
      const n = item as Node | null;
      if (!isMap(n) || !n.range) return [];
      const range = cfg.rangeOf(n.range[0], trimEnd(cfg.text, n.range[0], n.range[1]));
      const lineEnd = cfg.text.indexOf('\n', n.range[0]);
      const selEnd = Math.min(n.range[1], lineEnd < 0 ? cfg.text.length : lineEnd);
      const selectionRange = cfg.rangeOf(n.range[0], Math.max(n.range[0], trimEnd(cfg.text, n.range[0], selEnd)));
      return [
        {
          name: `[${i}]`,
          detail: itemDetail(n),
          kind: 'item' as const,
          range,
          selectionRange,
          children: childrenOf(cfg, n),
        },
      ];
    });
  }
  return [];
}

function pairSymbol(cfg: ConfigDocument, pair: Pair<Node, Node | null>): DocumentSymbol[] {
  const key = pair.key;
  if (!isScalar(key) || !key.range) return [];
  const value = pair.value;
  const end = Math.max(key.range[1], trimEnd(cfg.text, key.range[0], value?.range?.[1] ?? key.range[1]));
  const kind = kindOf(value);
  const detail = kind === 'section' ? '' : kind === 'list' ? itemDetail(value) : scalarText(value);
  return [
    {
      name: String(key.value),
      detail,
      kind,
      range: cfg.rangeOf(key.range[0], end),
      selectionRange: cfg.rangeOf(key.range[0], key.range[1]),
      children: childrenOf(cfg, value),
    },
  ];
}

export function documentSymbols(text: string): DocumentSymbol[] {
  const cfg = parsed(text);
  return childrenOf(cfg, cfg.doc.contents as Node | null);
}
