/**
 * Sweep axes: `--vary KEY=VALUES` parsed and checked against the config schema, so a typo in a key
 * or a value outside the key's range is caught before hours of simulation, not in point 4 000.
 *
 *   weights.adc.bits=4..10            integer range, both ends included
 *   attention.window=256,512,1024     list
 *   weights.device=pcm,rram           enum values
 *   technology.clock_ghz=0.5..2:0.5   numeric range with a step
 *   nonidealities.drift=true,false    switches
 */
import { configJsonSchema } from '../config/schema';
import { closestMatch } from '../config/suggest';
import type { ConfigOverride } from '../../shared/overrides';
import type { SweepAxis, SweepValue } from '../../shared/sweep';

/** A `--vary` that cannot run; the message names the key. */
export class SweepSpecError extends Error {
  override readonly name = 'SweepSpecError';
}

type Json = Record<string, unknown>;

/** Values per axis beyond which a range is more likely a typo (a step of 1e-9) than a plan. */
const MAX_VALUES_PER_AXIS = 100_000;

/** Float steps are rounded to this many significant digits so 0.1·3 prints as 0.3. */
const RANGE_DIGITS = 12;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

let leaves: Map<string, Json> | undefined;

/** Every key of the schema that holds one scalar, by dotted path. Lists (`layers`, `baselines`) have none. */
function schemaLeaves(): Map<string, Json> {
  if (leaves) return leaves;
  leaves = new Map();
  const walk = (s: Json, path: string) => {
    const props = s.properties as Record<string, Json> | undefined;
    if (s.type === 'object' && props) {
      for (const [k, v] of Object.entries(props)) if (k !== '$schema') walk(v, path ? `${path}.${k}` : k);
    } else if (s.type !== 'array') {
      leaves!.set(path, s);
    }
  };
  walk(configJsonSchema() as Json, '');
  return leaves;
}

function sectionAt(key: string): Json | undefined {
  let s = configJsonSchema() as Json;
  for (const seg of key.split('.')) {
    const next = (s.properties as Record<string, Json> | undefined)?.[seg];
    if (!next) return undefined;
    s = next;
  }
  return s;
}

export type SweepKeyKind = 'integer' | 'number' | 'enum' | 'boolean';
type Kind = SweepKeyKind;

function kindOf(key: string, s: Json): Kind {
  if (Array.isArray(s.enum)) return 'enum';
  if (s.type === 'integer' || s.type === 'number' || s.type === 'boolean') return s.type;
  const what = s.type === 'string' ? 'text' : s.const !== undefined ? 'a fixed value' : 'not a single number';
  throw new SweepSpecError(`\`${key}\` is ${what}; only numeric, enum and true/false keys can be varied`);
}

function lookUp(key: string): { schema: Json; kind: Kind } {
  const schema = schemaLeaves().get(key);
  if (schema) return { schema, kind: kindOf(key, schema) };
  const section = sectionAt(key);
  if (section?.type === 'object' && section.properties) {
    const inner = Object.keys(section.properties as Json).join(', ');
    throw new SweepSpecError(`\`${key}\` is a section; vary one of its keys: ${inner}`);
  }
  if (section?.type === 'array') throw new SweepSpecError(`\`${key}\` is a list; lists cannot be varied`);
  const guess = closestMatch(key, [...schemaLeaves().keys()]);
  throw new SweepSpecError(`unknown config key \`${key}\`${guess ? `; did you mean \`${guess}\`?` : ''}`);
}

/** A config key a sweep can vary, as the schema describes it, for editors that offer the keys. */
export interface SweepableKey {
  readonly key: string;
  readonly kind: SweepKeyKind;
  readonly description: string;
  readonly unit: string;
  /** The schema's default; undefined where the default depends on other keys. */
  readonly default?: SweepValue;
  /** The allowed values of an enum key. */
  readonly choices?: readonly string[];
  /** Inclusive bounds of a numeric key; an exclusive minimum counts as absent. */
  readonly minimum?: number;
  readonly maximum?: number;
}

/** Every key `parseVary` accepts, in schema order. */
export function sweepableKeys(): SweepableKey[] {
  const out: SweepableKey[] = [];
  for (const [key, s] of schemaLeaves()) {
    let kind: Kind;
    try {
      kind = kindOf(key, s);
    } catch {
      continue;
    }
    out.push({
      key,
      kind,
      description: typeof s.description === 'string' ? s.description : '',
      unit: typeof s.unit === 'string' ? s.unit : '',
      default: s.default as SweepValue | undefined,
      choices: kind === 'enum' ? (s.enum as unknown[]).map(String) : undefined,
      minimum: typeof s.minimum === 'number' ? s.minimum : undefined,
      maximum: typeof s.maximum === 'number' ? s.maximum : undefined,
    });
  }
  return out;
}

function parseNumber(key: string, text: string): number {
  if (!NUMBER.test(text.trim())) throw new SweepSpecError(`${key}: \`${text}\` is not a number`);
  return Number(text);
}

function expandRange(key: string, kind: Kind, text: string): number[] {
  const m = /^([^:]+?)\.\.([^:]+?)(?::(.+))?$/.exec(text);
  if (!m) throw new SweepSpecError(`${key}: \`${text}\` is not a range; write FROM..TO or FROM..TO:STEP`);
  const from = parseNumber(key, m[1]);
  const to = parseNumber(key, m[2]);
  const step = m[3] === undefined ? 1 : parseNumber(key, m[3]);
  if (!(step > 0)) throw new SweepSpecError(`${key}: the step of \`${text}\` must be above 0`);
  if (from > to) throw new SweepSpecError(`${key}: \`${text}\` runs backwards; write the smaller end first`);
  if (kind === 'integer' && ![from, to, step].every(Number.isInteger)) {
    throw new SweepSpecError(`${key} takes whole numbers; \`${text}\` has a fraction`);
  }
  // The epsilon keeps `0.5..2:0.5` from losing its last value to 1.4999999….
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_VALUES_PER_AXIS)
    throw new SweepSpecError(
      `${key}: \`${text}\` gives ${count} values; the most one key may take is ${MAX_VALUES_PER_AXIS}`,
    );
  return Array.from({ length: count }, (_, i) => Number((from + i * step).toPrecision(RANGE_DIGITS)));
}

function parseScalar(key: string, kind: Kind, schema: Json, text: string): SweepValue {
  const t = text.trim();
  if (kind === 'boolean') {
    if (t === 'true' || t === 'false') return t === 'true';
    throw new SweepSpecError(`${key} is true or false, not \`${t}\``);
  }
  if (kind === 'enum') {
    const allowed = (schema.enum as unknown[]).map(String);
    if (allowed.includes(t)) return t;
    const guess = closestMatch(t, allowed);
    throw new SweepSpecError(
      `${key} has no value \`${t}\`${guess ? ` (did you mean \`${guess}\`?)` : ''}; it takes ${allowed.join(', ')}`,
    );
  }
  const n = parseNumber(key, t);
  if (kind === 'integer' && !Number.isInteger(n)) throw new SweepSpecError(`${key} takes whole numbers, not ${t}`);
  return n;
}

function checkBounds(key: string, schema: Json, v: SweepValue): void {
  if (typeof v !== 'number') return;
  const unit = schema.unit ? ` ${String(schema.unit)}` : '';
  if (typeof schema.minimum === 'number' && v < schema.minimum)
    throw new SweepSpecError(`${key}: ${v} is below the minimum ${schema.minimum}${unit}`);
  if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum)
    throw new SweepSpecError(`${key}: ${v} must be above ${schema.exclusiveMinimum}${unit}`);
  if (typeof schema.maximum === 'number' && v > schema.maximum)
    throw new SweepSpecError(`${key}: ${v} is above the maximum ${schema.maximum}${unit}`);
}

/** Parses one `KEY=VALUES`; throws SweepSpecError naming the key. */
export function parseVary(spec: string): SweepAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new SweepSpecError(`\`${spec}\` is not KEY=VALUES (e.g. weights.adc.bits=4..10)`);
  const key = spec.slice(0, eq).trim();
  const text = spec.slice(eq + 1).trim();
  const { schema, kind } = lookUp(key);
  if (!text) throw new SweepSpecError(`${key}: no values after \`=\``);
  let values: SweepValue[];
  if (text.includes('..')) {
    if (kind === 'enum' || kind === 'boolean')
      throw new SweepSpecError(`${key} is a choice, not a number; list its values with commas`);
    values = expandRange(key, kind, text);
  } else {
    values = text.split(',').map((t) => parseScalar(key, kind, schema, t));
  }
  const seen = new Set<SweepValue>();
  for (const v of values) {
    if (seen.has(v)) throw new SweepSpecError(`${key}: ${String(v)} is listed twice`);
    seen.add(v);
    checkBounds(key, schema, v);
  }
  return { key, values };
}

/** Parses every `--vary`; a key given twice is refused rather than silently overridden. */
export function parseVaries(specs: readonly string[]): SweepAxis[] {
  if (specs.length === 0) throw new SweepSpecError('give at least one --vary KEY=VALUES');
  const axes = specs.map(parseVary);
  const keys = new Set<string>();
  for (const a of axes) {
    if (keys.has(a.key)) throw new SweepSpecError(`${a.key} is varied twice; give all its values in one --vary`);
    keys.add(a.key);
  }
  return axes;
}

/** A sweep point's values as config overrides (src/engine/design/overrides.ts). */
export function axisOverrides(axes: readonly SweepAxis[], values: readonly SweepValue[]): ConfigOverride[] {
  return axes.map((a, i) => ({ key: a.key, value: values[i] }));
}
