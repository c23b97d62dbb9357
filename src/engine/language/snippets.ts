/**
 * Snippet text for keys and whole sections, in VS Code snippet syntax, for YAML block style, YAML
 * flow style and JSON. A section snippet writes the keys that have a documented default (or are
 * required) with that default as the placeholder, so inserting one gives a config that means
 * exactly what leaving the section out would, ready to be changed.
 */
import { MODEL_PRESETS } from '../model/presets';
import { allowedValues, type JsonSchema } from './schemaNav';

export type Style = 'block' | 'flow' | 'json';

/** Escapes text outside placeholders. */
export function escapeSnippet(s: string): string {
  return s.replace(/[\\$}]/g, '\\$&');
}

function escapeChoice(s: string): string {
  return s.replace(/[\\,|$}]/g, '\\$&');
}

function quoted(s: string, style: Style): string {
  return style === 'json' ? JSON.stringify(s) : s;
}

class TabStops {
  private n = 0;
  next(): number {
    return ++this.n;
  }
}

/** A placeholder for a scalar: the enum or boolean choices (default first), else the default. */
function scalarPlaceholder(s: JsonSchema, style: Style, stops: TabStops, example?: string | number): string {
  const values = allowedValues(s);
  if (values && values.length > 1) {
    const ordered =
      s.default !== undefined
        ? [s.default as string | number | boolean, ...values.filter((v) => v !== s.default)]
        : values;
    return `\${${stops.next()}|${ordered.map((v) => escapeChoice(typeof v === 'string' && style === 'json' ? JSON.stringify(v) : String(v))).join(',')}|}`;
  }
  if (values && values.length === 1)
    return escapeSnippet(typeof values[0] === 'string' ? quoted(values[0], style) : String(values[0]));
  const value = s.default ?? example;
  if (s.type === 'string') {
    const inner = `\${${stops.next()}${value !== undefined ? `:${escapeSnippet(String(value))}` : ''}}`;
    return style === 'json' ? `"${inner}"` : inner;
  }
  return `\${${stops.next()}${value !== undefined ? `:${escapeSnippet(String(value))}` : ''}}`;
}

/** The value part after `key: ` when completing a single key. */
export function valuePlaceholder(s: JsonSchema, style: Style, stops = new TabStops()): string {
  if (s.type === 'object') return style === 'block' ? '\n  $0' : '{ $0 }';
  if (s.type === 'array') {
    if (s.items?.type === 'object') return style === 'block' ? '\n  - $0' : '[{ $0 }]';
    return s.items ? `[${scalarPlaceholder(s.items, style, stops)}]` : '[$0]';
  }
  return scalarPlaceholder(s, style, stops);
}

interface Entry {
  readonly key: string;
  readonly value: string | readonly Entry[];
}

// Example values for keys a section requires but gives no default for: a GPT-2 shape.
const gpt2 = MODEL_PRESETS.gpt2.shape;
const EXAMPLES: Readonly<Record<string, string | number>> = {
  layers: gpt2.layers,
  d_model: gpt2.dModel,
  heads: gpt2.heads,
  d_ff: gpt2.dFf,
  vocab: gpt2.vocab,
  context: gpt2.context,
};

/** The entries a section snippet writes: required keys, keys with a default, and sections with either. */
function sectionEntries(s: JsonSchema, style: Style, stops: TabStops): Entry[] {
  const out: Entry[] = [];
  for (const [key, p] of Object.entries(s.properties ?? {})) {
    if (key === '$schema') continue;
    if (p.type === 'object') {
      const inner = sectionEntries(p, style, stops);
      if (inner.length) out.push({ key, value: inner });
    } else if (p.type !== 'array' && (p.default !== undefined || s.required?.includes(key))) {
      out.push({ key, value: scalarPlaceholder(p, style, stops, EXAMPLES[key]) });
    }
  }
  return out;
}

function render(entries: readonly Entry[], style: Style, indent: number): string {
  const pad = '  '.repeat(indent);
  if (style === 'block') {
    return entries
      .map((e) =>
        typeof e.value === 'string'
          ? `${pad}${e.key}: ${e.value}`
          : `${pad}${e.key}:\n${render(e.value, style, indent + 1)}`,
      )
      .join('\n');
  }
  if (style === 'flow') {
    return entries
      .map((e) => `${e.key}: ${typeof e.value === 'string' ? e.value : `{ ${render(e.value, style, 0)} }`}`)
      .join(', ');
  }
  return entries
    .map(
      (e) =>
        `${pad}${JSON.stringify(e.key)}: ${typeof e.value === 'string' ? e.value : `{\n${render(e.value, style, indent + 1)}\n${pad}}`}`,
    )
    .join(',\n');
}

/** `key:` followed by the whole section, or undefined when the section has nothing to write. */
export function sectionSnippet(key: string, s: JsonSchema, style: Style): string | undefined {
  const entries = sectionEntries(s, style, new TabStops());
  if (!entries.length) return undefined;
  if (style === 'block') return `${escapeSnippet(key)}:\n${render(entries, style, 1)}`;
  if (style === 'flow') return `${escapeSnippet(key)}: { ${render(entries, style, 0)} }`;
  return `${JSON.stringify(key)}: {\n${render(entries, style, 1)}\n}`;
}

/** Ready-made `model` sections: one per way of naming the model. */
export function modelSnippets(style: Style): Array<{ label: string; text: string }> {
  const presets = Object.keys(MODEL_PRESETS).map(escapeChoice);
  const presetChoice = style === 'json' ? `"\${1|${presets.join(',')}|}"` : `\${1|${presets.join(',')}|}`;
  const shapeKeys = ['layers', 'd_model', 'heads', 'd_ff', 'ffn', 'vocab', 'context'];
  const ffnChoice = style === 'json' ? '"${5|gelu,swiglu|}"' : '${5|gelu,swiglu|}';
  const shape = shapeKeys.map((k, i) => ({ key: k, value: k === 'ffn' ? ffnChoice : `\${${i + 1}:${EXAMPLES[k]}}` }));
  const hf = style === 'json' ? '"${1:config.json}"' : '${1:config.json}';
  return [
    {
      label: 'model (preset)',
      text: render([{ key: 'model', value: [{ key: 'preset', value: presetChoice }] }], style, 0),
    },
    {
      label: 'model (explicit shape)',
      text: render([{ key: 'model', value: [{ key: 'shape', value: shape }] }], style, 0),
    },
    {
      label: 'model (Hugging Face config.json)',
      text: render([{ key: 'model', value: [{ key: 'huggingface', value: hf }] }], style, 0),
    },
  ];
}

/** A layer override item: the first and last layers digital, the common mixed-precision choice. */
export function layerOverrideSnippet(style: Style): string {
  if (style === 'block') return 'layers: [${1:0}, ${2:-1}]\nweights:\n  implementation: ${3|digital,analog|}';
  if (style === 'flow') return 'layers: [${1:0}, ${2:-1}], weights: { implementation: ${3|digital,analog|} }';
  return '"layers": [${1:0}, ${2:-1}],\n"weights": { "implementation": "${3|digital,analog|}" }';
}
