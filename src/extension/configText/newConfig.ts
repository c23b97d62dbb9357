/**
 * The text of a new config: a model (a preset, or a Hugging Face config.json the config names)
 * on a hardware design taken from one of the shipped examples, with comments saying where each
 * part came from. Used by "AIMC: New Config from Preset" and "AIMC: Import Hugging Face
 * config.json". Pure: no `vscode`.
 */
import { isMap, isScalar, parseDocument, type Node, type Pair } from 'yaml';
import { countParameters, MODEL_PRESETS, setConfigValue, type ModelPresetName } from '../../engine';
import { formatCount } from '../../shared/format';
import type { ModelShape } from '../../shared/modelShape';

/** A hardware design: every top-level section of a config that is not about the model or the run. */
export interface HardwarePreset {
  readonly id: string;
  readonly label: string;
  /** One line on what the design is: the example's `name:`. */
  readonly description: string;
  /** The example it comes from (`examples/…`), or null for the engine's defaults. */
  readonly source: string | null;
  /** Its sections as YAML source, comments and all; empty for the defaults. */
  readonly sectionsText: string;
}

/** Sections that describe the model or the run rather than the hardware. */
const NOT_HARDWARE = new Set(['version', 'name', 'description', 'model', 'workload', 'baselines']);

export const DEFAULT_HARDWARE: HardwarePreset = {
  id: 'defaults',
  label: 'Engine defaults',
  description:
    'PCM crossbars (512 × 512) for the weights, gain-cell attention, FP16 digital units: every key at its default',
  source: null,
  sectionsText: '',
};

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Start of the comment lines directly above the line at `offset`: they belong to that key. */
function commentBlockStart(text: string, offset: number): number {
  let start = lineStart(text, offset);
  while (start > 0) {
    const prev = lineStart(text, start - 1);
    if (!text.slice(prev, start).trimStart().startsWith('#')) break;
    start = prev;
  }
  return start;
}

/**
 * The hardware sections of an example config, cut from its source so its layout and comments stay
 * as written. The examples are block-style YAML maps; anything else is refused.
 */
export function hardwareFromExample(file: string, text: string): HardwarePreset {
  const doc = parseDocument(text);
  const root = doc.contents as Node | null;
  if (doc.errors.length > 0 || !isMap(root) || root.flow) throw new Error(`${file} is not a block-style YAML config`);
  const pairs = root.items as Array<Pair<Node, Node | null>>;
  const starts = pairs.map((p) => commentBlockStart(text, p.key!.range![0]));
  const sections: string[] = [];
  let name = '';
  pairs.forEach((p, i) => {
    const key = isScalar(p.key) ? String(p.key.value) : '';
    if (key === 'name' && isScalar(p.value)) name = String(p.value.value);
    if (NOT_HARDWARE.has(key)) return;
    sections.push(text.slice(starts[i], i + 1 < pairs.length ? starts[i + 1] : text.length).trim());
  });
  const base = file.replace(/^.*\//, '');
  const stem = base.replace(/\.aimc\.ya?ml$/, '');
  return {
    id: stem,
    label: stem,
    description: name || stem,
    source: `examples/${base}`,
    sectionsText: sections.join('\n\n'),
  };
}

export type ModelSource =
  | { readonly kind: 'preset'; readonly name: ModelPresetName }
  /** `path` as it will be written in the config: relative to the config's folder. */
  | { readonly kind: 'huggingface'; readonly path: string; readonly shape: ModelShape };

export function modelShapeOf(model: ModelSource): ModelShape {
  return model.kind === 'preset' ? MODEL_PRESETS[model.name].shape : model.shape;
}

/** One line on a model's shape, as the new config's comment and the quick pick show it. */
export function describeShape(s: ModelShape): string {
  const kv = s.kvHeads === s.heads ? '' : ` (${s.kvHeads} KV)`;
  return `${s.layers} layers, d_model ${s.dModel}, ${s.heads} heads${kv}, FFN ${s.dFf} ${s.ffn}, ${formatCount(countParameters(s).total)} parameters`;
}

/** YAML for a string that the parser could read as something else (a number, `true`, `#`). */
function yamlString(s: string): string {
  return /^[A-Za-z_./][\w ./()+,-]*$/.test(s) &&
    !/^(true|false|yes|no|on|off|null)$/i.test(s) &&
    !/[:#]/.test(s) &&
    s === s.trim()
    ? s
    : JSON.stringify(s);
}

export interface NewConfigInput {
  readonly model: ModelSource;
  readonly hardware: HardwarePreset;
  /** GPUs to compare with (the `aimc.defaultBaselines` setting). */
  readonly baselines: readonly string[];
  /** Which command wrote it, for the header. */
  readonly writtenBy: string;
}

export function newConfigText(o: NewConfigInput): string {
  const shape = modelShapeOf(o.model);
  const modelName = o.model.kind === 'preset' ? o.model.name : shape.name;
  const hardware = o.hardware.source
    ? `as in ${o.hardware.source} ("${o.hardware.description}")`
    : "the engine's defaults";
  const modelLine =
    o.model.kind === 'preset' ? `  preset: ${o.model.name}` : `  huggingface: ${yamlString(o.model.path)}`;
  const name = o.hardware.source
    ? `${modelName} on the ${o.hardware.label} hardware`
    : `${modelName} on the default hardware`;
  const out = [
    // VS Code titles an untitled editor with its first line: keep it short.
    `# ${name}`,
    `# Model: ${modelName} (${describeShape(shape)}).`,
    `# Hardware: ${hardware}.`,
    `# Written by "${o.writtenBy}". Hover a key for its unit, range and source; a key left out`,
    '# takes its default (docs/config.md lists them all).',
    'version: 1',
    `name: ${yamlString(name)}`,
    '',
    'model:',
    modelLine,
    '',
    'workload:',
    '  mode: decode',
    `  context_tokens: ${shape.context - 1}   # a full context: the generated token is number ${shape.context}`,
    '  batch: 1',
  ];
  if (o.hardware.sectionsText) out.push('', o.hardware.sectionsText);
  out.push('', `baselines: [${o.baselines.join(', ')}]`);
  return fitWindow(`${out.join('\n')}\n`, shape.context);
}

/** A design's attention window is cut to the model's context, which no window may exceed. */
function fitWindow(text: string, context: number): string {
  const window = (parseDocument(text).toJS() as { attention?: { window?: unknown } } | undefined)?.attention?.window;
  if (typeof window !== 'number' || window <= context) return text;
  return setConfigValue(text, ['attention', 'window'], context);
}
