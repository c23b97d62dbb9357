/**
 * Completion at a position: the keys a section still lacks (with their documentation), whole
 * sections as snippets, and values: enum choices, preset and GPU names, booleans, defaults.
 */
import type { Position } from '../../shared/diagnostics';
import type { JsonPath } from '../config/document';
import { scalarSource } from '../config/edits';
import { cursorContext, isNewListItem, offsetAt, type CursorContext } from './cursor';
import { keyDetail, keyDocumentation, valueDocumentation } from './describe';
import { allowedValues, isSection, schemaAt, type JsonSchema } from './schemaNav';
import {
  escapeSnippet,
  layerOverrideSnippet,
  modelSnippets,
  sectionSnippet,
  valuePlaceholder,
  type Style,
} from './snippets';
import type { CompletionItem } from './types';

function styleOf(ctx: CursorContext): Style {
  return ctx.format === 'json' ? 'json' : ctx.style;
}

function order(i: number, group: number): string {
  return `${group}${String(i).padStart(3, '0')}`;
}

function keyItems(ctx: CursorContext, section: JsonSchema): CompletionItem[] {
  const style = styleOf(ctx);
  const items: CompletionItem[] = [];
  const present = new Set(ctx.existingKeys);
  const entries = Object.entries(section.properties ?? {}).filter(
    ([k]) => !present.has(k) && (k !== '$schema' || style === 'json'),
  );
  const firstRequired = entries.find(([k]) => section.required?.includes(k))?.[0];
  entries.forEach(([key, s], i) => {
    const path = [...ctx.path, key];
    const name = escapeSnippet(style === 'json' ? JSON.stringify(key) : key);
    const value = valuePlaceholder(s, style);
    const insertText = ctx.colonFollows ? name : `${name}:${value.startsWith('\n') ? '' : ' '}${value}`;
    const documentation = keyDocumentation(path, s);
    const required = section.required?.includes(key) ?? false;
    items.push({
      label: key,
      kind: isSection(s) ? 'section' : 'property',
      detail: keyDetail(path, s),
      documentation,
      insertText,
      snippet: true,
      range: ctx.range,
      filterText: style === 'json' ? JSON.stringify(key) : key,
      sortText: order(i, required ? 0 : 1),
      preselect: key === firstRequired ? true : undefined,
    });
    if (ctx.colonFollows) return;
    if (key === 'model' && ctx.path.length === 0) {
      for (const m of modelSnippets(style)) {
        items.push({
          label: m.label,
          kind: 'snippet',
          detail: 'whole section',
          documentation,
          insertText: m.text,
          snippet: true,
          range: ctx.range,
          filterText: style === 'json' ? '"model"' : 'model',
          sortText: order(i, 2),
        });
      }
    } else if (key === 'layers' && ctx.path.length === 0 && style === 'block') {
      items.push({
        label: 'layers (first and last layers digital)',
        kind: 'snippet',
        detail: 'whole section',
        documentation,
        insertText: `layers:\n  - ${layerOverrideSnippet('block').replace(/\n/g, '\n    ')}`,
        snippet: true,
        range: ctx.range,
        filterText: 'layers',
        sortText: order(i, 2),
      });
    } else if (isSection(s) && key !== 'components') {
      // The component library is large; its sections are offered one component at a time.
      const text = sectionSnippet(key, s, style);
      if (text) {
        items.push({
          label: `${key} (whole section)`,
          kind: 'snippet',
          detail: 'every key at its default',
          documentation,
          insertText: text,
          snippet: true,
          range: ctx.range,
          filterText: style === 'json' ? JSON.stringify(key) : key,
          sortText: order(i, 2),
        });
      }
    }
  });
  return items;
}

function valueItems(ctx: CursorContext, path: JsonPath, s: JsonSchema): CompletionItem[] {
  const listOf = s.type === 'array' && s.items && !isSection(s.items) ? s.items : undefined;
  const choices = allowedValues(listOf ?? s);
  const items: CompletionItem[] = [];
  const keyDoc = keyDocumentation(path, s);
  const quote = ctx.format === 'json' ? 'double' : undefined;
  const space = ctx.afterColon ? ' ' : '';
  if (choices) {
    choices.forEach((v, i) => {
      const doc = valueDocumentation(listOf ? [...path, 0] : path, listOf ?? s, v);
      const text = scalarSource(v, ctx.format, typeof v === 'string' ? quote : undefined);
      items.push({
        label: String(v),
        kind: 'enum',
        detail: doc.detail ?? (v === (listOf ?? s).default ? 'default' : undefined),
        documentation: doc.documentation ? `${doc.documentation}\n\n---\n\n${keyDoc}` : keyDoc,
        insertText: space + escapeSnippet(listOf ? `[${text}]` : text),
        snippet: true,
        range: ctx.range,
        filterText: ctx.format === 'json' && typeof v === 'string' ? JSON.stringify(v) : String(v),
        sortText: order(i, v === (listOf ?? s).default ? 0 : 1),
        preselect: v === (listOf ?? s).default ? true : undefined,
      });
    });
    return items;
  }
  if ((s.type === 'number' || s.type === 'integer') && typeof s.default === 'number') {
    items.push({
      label: String(s.default),
      kind: 'value',
      detail: `default${s.unit ? ` (${s.unit})` : ''}`,
      documentation: keyDoc,
      insertText: `${space}${s.default}`,
      snippet: false,
      range: ctx.range,
      sortText: order(0, 0),
    });
  }
  return items;
}

export function complete(text: string, position: Position): CompletionItem[] {
  const ctx = cursorContext(text, offsetAt(text, position));
  if (!ctx) return [];
  const s = schemaAt(ctx.path);
  if (!s) return [];
  if (ctx.kind === 'value' || (isNewListItem(ctx) && !isSection(s))) return sorted(valueItems(ctx, ctx.path, s));
  if (!isSection(s)) return [];
  const items = keyItems(ctx, s);
  if (isNewListItem(ctx) && ctx.path.length === 2 && ctx.path[0] === 'layers' && !ctx.colonFollows) {
    const style = styleOf(ctx);
    items.push({
      label: 'override: first and last layers digital',
      kind: 'snippet',
      detail: 'layer override',
      documentation: keyDocumentation(ctx.path, s),
      insertText: layerOverrideSnippet(style),
      snippet: true,
      range: ctx.range,
      sortText: order(0, 3),
      filterText: ctx.prefix || 'layers',
    });
  }
  return sorted(items);
}

/** In the order an editor shows them, for clients that do not sort by `sortText`. */
function sorted(items: CompletionItem[]): CompletionItem[] {
  return items.sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
}
