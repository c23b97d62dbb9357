/**
 * Documentation of keys and values, in Markdown, from the schema annotations (description, unit,
 * default, range, source) and from the libraries the schema names: components, model presets, GPUs.
 * Hover and completion show the same text.
 */
import { GPUS } from '../baselines/gpus';
import type { GpuId } from '../../shared/gpuIds';
import { COMPONENT_LIBRARY, type ComponentId } from '../components/index';
import type { JsonPath } from '../config/document';
import { formatPath } from '../config/schemaCheck';
import { formatCount, formatEngineering } from '../../shared/format';
import { MODEL_PRESETS, type ModelPresetName } from '../model/presets';
import type { JsonSchema } from './schemaNav';

function componentParameter(path: JsonPath): { id: ComponentId; name: string } | undefined {
  if (path.length !== 3 || path[0] !== 'components') return undefined;
  const id = path[1] as ComponentId;
  const name = String(path[2]);
  return COMPONENT_LIBRARY[id]?.parameters[name] ? { id, name } : undefined;
}

function plainValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `1 to 16 bits`, `more than 0, at most 10 GHz`, `at least 0 s`. */
export function validRange(s: JsonSchema): string | undefined {
  const unit = s.unit ? ` ${s.unit}` : '';
  const low =
    s.exclusiveMinimum !== undefined
      ? `more than ${s.exclusiveMinimum}`
      : s.minimum !== undefined
        ? `at least ${s.minimum}`
        : undefined;
  const high =
    s.exclusiveMaximum !== undefined
      ? `less than ${s.exclusiveMaximum}`
      : s.maximum !== undefined
        ? `at most ${s.maximum}`
        : undefined;
  if (s.minimum !== undefined && s.maximum !== undefined) return `${s.minimum} to ${s.maximum}${unit}`;
  if (low && high) return `${low}, ${high}${unit}`;
  if (low || high) return `${low ?? high}${unit}`;
  return undefined;
}

/** The default as written in a config, or how it is derived when it has no fixed value. */
export function defaultText(path: JsonPath, s: JsonSchema): string | undefined {
  if (s.default !== undefined)
    return `${plainValue(s.default)}${s.unit && typeof s.default === 'number' ? ` ${s.unit}` : ''}`;
  const p = componentParameter(path);
  if (p && COMPONENT_LIBRARY[p.id].parameters[p.name].default === null)
    return 'derived from the other settings (see above)';
  return undefined;
}

/** One line for a completion list: `default 8 · 1 to 16 bits`. */
export function keyDetail(path: JsonPath, s: JsonSchema): string {
  const parts: string[] = [];
  if (s.type === 'object') parts.push('section');
  else if (s.type === 'array') parts.push('list');
  if (s.default !== undefined) parts.push(`default ${plainValue(s.default)}`);
  const r = validRange(s);
  if (r) parts.push(r);
  else if (s.unit) parts.push(s.unit);
  if (s.default === undefined && defaultText(path, s) !== undefined) parts.push('default derived');
  return parts.join(' · ');
}

/** Hover and completion documentation of the key at `path`. */
export function keyDocumentation(path: JsonPath, s: JsonSchema): string {
  const lines: string[] = [`**\`${formatPath(path)}\`**`, ''];
  if (s.description) lines.push(s.description, '');
  const facts: string[] = [];
  if (s.unit) facts.push(`Unit: ${s.unit}`);
  const d = defaultText(path, s);
  if (d !== undefined) facts.push(`Default: ${d}`);
  const r = validRange(s);
  if (r) facts.push(`Valid range: ${r}`);
  const values = s.enum ?? s.items?.enum;
  if (values) facts.push(`Allowed values: ${values.map((v) => `\`${plainValue(v)}\``).join(', ')}`);
  if (s.source) facts.push(`Source of the default: ${s.source}`);
  if (path.length === 2 && path[0] === 'components' && COMPONENT_LIBRARY[path[1] as ComponentId]) {
    const params = Object.entries(COMPONENT_LIBRARY[path[1] as ComponentId].parameters);
    facts.push(`Parameters: ${params.map(([n, p]) => `\`${n}\`${p.unit ? ` (${p.unit})` : ''}`).join(', ')}`);
  }
  for (const f of facts) lines.push(`- ${f}`);
  return lines.join('\n').trimEnd();
}

/** The sentence about `value` in an enum's description ("`digital`: on digital MAC units …"). */
export function enumValueSentence(description: string | undefined, value: string): string | undefined {
  if (!description) return undefined;
  const marker = `\`${value}\`:`;
  const at = description.indexOf(marker);
  if (at < 0) return undefined;
  const rest = description.slice(at + marker.length);
  const next = rest.search(/`[^`]+`:/);
  return (next < 0 ? rest : rest.slice(0, next)).trim();
}

function presetDocumentation(name: ModelPresetName): { detail: string; documentation: string } {
  const p = MODEL_PRESETS[name];
  const s = p.shape;
  const heads = s.kvHeads === s.heads ? `${s.heads} heads` : `${s.heads} heads (${s.kvHeads} KV)`;
  const detail = `${formatCount(p.publishedParameters)} parameters, ${s.layers} layers`;
  return {
    detail,
    documentation: [
      `**${name}**: ${formatCount(p.publishedParameters)} parameters`,
      '',
      `- ${s.layers} layers, d_model ${s.dModel}, ${heads}, head_dim ${s.headDim}`,
      `- FFN ${s.dFf} (${s.ffn}), vocabulary ${s.vocab}, context ${s.context} tokens${s.slidingWindow ? `, sliding window ${s.slidingWindow}` : ''}`,
      `- Source: ${p.source}`,
    ].join('\n'),
  };
}

function gpuDocumentation(id: GpuId): { detail: string; documentation: string } {
  const g = GPUS[id];
  return {
    detail: g.name,
    documentation: [
      `**${g.name}**`,
      '',
      `- ${formatEngineering(g.fp16Flops, 'FLOP/s')} dense FP16, ${formatEngineering(g.memoryBandwidthBytesPerS, 'B/s')} memory bandwidth`,
      `- ${formatEngineering(g.memoryBytes, 'B')} memory, ${g.boardPowerW} W board power`,
      `- Source: ${g.source}`,
    ].join('\n'),
  };
}

/** What a value means, where the schema or a library says: a preset, a GPU, an enum choice. */
export function valueDocumentation(
  path: JsonPath,
  s: JsonSchema | undefined,
  value: unknown,
): { detail?: string; documentation?: string } {
  const key = path.filter((p) => typeof p === 'string');
  const last = key[key.length - 1];
  if (last === 'preset' && typeof value === 'string' && value in MODEL_PRESETS)
    return presetDocumentation(value as ModelPresetName);
  if (last === 'baselines' && typeof value === 'string' && value in GPUS) return gpuDocumentation(value as GpuId);
  if (typeof value === 'string') {
    const sentence = enumValueSentence(s?.description, value);
    if (sentence) return { documentation: `\`${value}\`: ${sentence}` };
  }
  return {};
}
