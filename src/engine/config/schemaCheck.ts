/**
 * Schema validation with Ajv against the JSON Schema generated from `schema.ts`, turned into
 * diagnostics located on the exact key or value, with "did you mean" and repairs.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isScalar } from 'yaml';
import { configJsonSchema } from './schema';
import type { Diagnostic, Fix, Range } from '../../shared/diagnostics';
import type { ConfigDocument, JsonPath } from './document';
import { fix, insertKeyEdit, removeItemEdit, renameKeyEdit, replaceScalarEdit, scalarSource } from './edits';
import { MOVED_KEYS } from './movedKeys';
import { closestMatch } from './suggest';

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, allowUnionTypes: true });
    ajv.addVocabulary(['unit', 'source', 'markdownDescription']);
    validator = ajv.compile(configJsonSchema());
  }
  return validator;
}

/** `weights.adc.bits`, `layers[0].matrices[1]`. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || '(top level)';
}

function pointerToPath(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a section';
  if (typeof v === 'string') return `"${v}"`;
  return String(v);
}

function typeName(t: unknown): string {
  switch (t) {
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a section of keys';
    case 'array':
      return 'a list';
    default:
      return String(t);
  }
}

// Count units read as plurals; one of them is written in the singular ("1 bit", "1 row").
const COUNT_UNITS = new Set(['bits', 'rows', 'columns', 'tokens', 'sequences', 'levels', 'arrays', 'chips', 'cycles']);

function withUnit(value: number, unit: unknown): string {
  if (!unit) return String(value);
  const u = String(unit);
  return `${value} ${value === 1 && COUNT_UNITS.has(u) ? u.slice(0, -1) : u}`;
}

/** Replace the scalar at `path` with `value`, in the scalar's own quoting. */
function replaceValue(cfg: ConfigDocument, path: JsonPath, title: string, value: string | number | boolean): Fix {
  return fix(title, replaceScalarEdit(cfg, path, value));
}

/** Where a problem with the whole file goes: its first key (a header comment is not the problem). */
function topLevelRange(cfg: ConfigDocument): Range {
  const contents = cfg.doc.contents as { items?: Array<{ key?: { range?: [number, number, number] } }> } | null;
  const first = contents?.items?.[0]?.key?.range;
  return first ? cfg.rangeOf(first[0], first[1]) : cfg.rangeOf(0, Math.max(0, cfg.text.indexOf('\n')));
}

/**
 * `adc_bits: 6` where `adc` is a section with a `bits` key: the repair writes `adc: { bits: 6 }`.
 * Only when the section is not written yet and the value is a scalar; otherwise renaming or
 * moving by hand is clearer than an edit that merges maps.
 */
function nestedKeyRepair(
  cfg: ConfigDocument,
  keyPath: JsonPath,
  siblings: Record<string, Record<string, unknown>>,
): { section: string; child: string; fix: Fix } | undefined {
  const key = String(keyPath[keyPath.length - 1]);
  for (const [section, s] of Object.entries(siblings)) {
    if (s.type !== 'object' || !key.startsWith(`${section}_`)) continue;
    const child = closestMatch(key.slice(section.length + 1), Object.keys((s.properties ?? {}) as object));
    const pair = cfg.pairAt(keyPath);
    const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
    const value = pair?.value as ({ range?: [number, number, number] } & object) | null | undefined;
    if (
      !child ||
      !keyNode?.range ||
      !value?.range ||
      !isScalar(value) ||
      cfg.nodeAt([...keyPath.slice(0, -1), section]) !== undefined
    )
      continue;
    const valueText = cfg.text.slice(value.range[0], value.range[1]);
    const q = (k: string) => scalarSource(k, cfg.format);
    return {
      section,
      child,
      fix: fix(`Write as \`${section}: { ${child}: ${valueText} }\``, {
        range: cfg.rangeOf(keyNode.range[0], value.range[1]),
        newText: `${q(section)}: { ${q(child)}: ${valueText} }`,
      }),
    };
  }
  return undefined;
}

/** A repair for a value of the wrong type whose meaning is still clear (`"8"` for 8, `h100` for `[h100]`). */
function typeRepair(
  cfg: ConfigDocument,
  path: JsonPath,
  expected: string,
  data: unknown,
  schema: Record<string, unknown>,
): Fix | undefined {
  const where = formatPath(path);
  if (
    (expected === 'integer' || expected === 'number') &&
    typeof data === 'string' &&
    data.trim() !== '' &&
    Number.isFinite(Number(data))
  ) {
    const n = Number(data);
    if (expected === 'integer' && !Number.isInteger(n)) return undefined;
    return replaceValue(cfg, path, `Write ${n} as a number`, n);
  }
  if (expected === 'integer' && typeof data === 'number' && Number.isFinite(data)) {
    return replaceValue(cfg, path, `Round to ${Math.round(data)}`, Math.round(data));
  }
  if (expected === 'boolean' && typeof data === 'string' && /^(true|false)$/i.test(data.trim())) {
    return replaceValue(
      cfg,
      path,
      `Write ${data.trim().toLowerCase()} without quotes`,
      data.trim().toLowerCase() === 'true',
    );
  }
  if (expected === 'array' && (typeof data === 'string' || typeof data === 'number') && schema.items) {
    const item = typeof data === 'string' ? (cfg.format === 'json' ? JSON.stringify(data) : data) : String(data);
    return fix(`Make \`${where}\` a list: [${item}]`, { range: cfg.valueRange(path), newText: `[${item}]` });
  }
  return undefined;
}

/**
 * Most schema diagnostics reported for one file. Locating each costs a walk of its map, so a file
 * of thousands of unknown keys would otherwise take quadratic time; past the first hundred, more
 * findings do not help anyone fix the file.
 */
export const MAX_SCHEMA_DIAGNOSTICS = 100;

export function checkSchema(cfg: ConfigDocument): Diagnostic[] {
  const validate = compiled();
  if (validate(cfg.value)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  // An anyOf error stands for its branches' errors at the same place: keep only it.
  const anyOfAt = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (out.length >= MAX_SCHEMA_DIAGNOSTICS) break;
    if (e.keyword !== 'anyOf' && anyOfAt.has(e.instancePath) && e.schemaPath.includes('/anyOf/')) continue;
    const d = toDiagnostic(cfg, e);
    if (!d) continue;
    const key = `${d.range.start.line}:${d.range.start.character}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function toDiagnostic(cfg: ConfigDocument, e: ErrorObject): Diagnostic | undefined {
  const path = pointerToPath(e.instancePath);
  const where = formatPath(path);
  const schema = (e.parentSchema ?? {}) as Record<string, unknown>;
  const unit = schema.unit;
  const err = (range: Diagnostic['range'], code: string, message: string, fix?: Fix): Diagnostic =>
    fix ? { range, severity: 'error', code, message, fix } : { range, severity: 'error', code, message };

  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((schema.properties as object | undefined) ?? {}).filter((k) => k !== '$schema');
      const keyPath = [...path, key];
      const range = cfg.keyRange(keyPath);
      const inWhat = path.length ? ` in \`${where}\`` : '';
      const moved = MOVED_KEYS[[...path, key].join('.')];
      if (moved) return err(range, 'moved-key', `\`${[...path, key].join('.')}\` is no longer a key. ${moved}`);
      const nested = nestedKeyRepair(
        cfg,
        keyPath,
        (schema.properties ?? {}) as Record<string, Record<string, unknown>>,
      );
      if (nested) {
        return err(
          range,
          'unknown-key',
          `Unknown key \`${key}\`${inWhat}. Did you mean \`${nested.section}.${nested.child}\`?`,
          nested.fix,
        );
      }
      // A key already written is no rename target: the rename would repeat it.
      const suggestion = closestMatch(
        key,
        allowed.filter((k) => cfg.nodeAt([...path, k]) === undefined),
      );
      if (suggestion) {
        return err(
          range,
          'unknown-key',
          `Unknown key \`${key}\`${inWhat}. Did you mean \`${suggestion}\`?`,
          fix(`Rename to \`${suggestion}\``, renameKeyEdit(cfg, keyPath, suggestion)),
        );
      }
      return err(range, 'unknown-key', `Unknown key \`${key}\`${inWhat}. Allowed keys: ${allowed.join(', ')}.`);
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const range = path.length ? cfg.keyRange(path) : topLevelRange(cfg);
      const hint =
        missing === 'model'
          ? ' Add a `model` section with a `preset` (e.g. `preset: gpt2`), a `shape` or a `huggingface` path.'
          : missing === 'version'
            ? ' Add `version: 1` at the top of the file.'
            : '';
      const propertySchema = ((schema.properties ?? {}) as Record<string, Record<string, unknown>>)[missing] ?? {};
      // Only what has an obvious value is added: the two required sections, and keys with a default.
      const value =
        missing === 'version'
          ? 1
          : missing === 'model' && path.length === 0
            ? { preset: 'gpt2' }
            : typeof propertySchema.default === 'string' || typeof propertySchema.default === 'number'
              ? propertySchema.default
              : undefined;
      const edit = value === undefined ? undefined : insertKeyEdit(cfg, path, missing, value, missing === 'version');
      const title =
        missing === 'model' ? 'Add a `model` section (preset gpt2)' : `Add \`${missing}: ${String(value)}\``;
      return err(
        range,
        'missing-key',
        `Missing required key \`${missing}\`${path.length ? ` in \`${where}\`` : ''}.${hint}`,
        edit ? fix(title, edit) : undefined,
      );
    }
    case 'type': {
      const expected = (e.params as { type: string }).type;
      // An empty value (`weights:` with nothing under it) has no text of its own to underline.
      const range =
        e.data === null && typeof path[path.length - 1] === 'string' ? cfg.keyRange(path) : cfg.valueRange(path);
      return err(
        range,
        'wrong-type',
        `\`${where}\` must be ${typeName(expected)}; got ${describeValue(e.data)}.`,
        typeRepair(cfg, path, expected, e.data, schema),
      );
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const limit = (e.params as { limit: number }).limit;
      const isMin = e.keyword.endsWith('inimum');
      const exclusive = e.keyword.startsWith('exclusive');
      const bound = isMin ? (exclusive ? 'greater than' : 'at least') : exclusive ? 'less than' : 'at most';
      const clampTo = exclusive ? undefined : limit;
      const message = `\`${where}\` is ${withUnit(Number(e.data), unit)}; it must be ${bound} ${withUnit(limit, unit)}.`;
      const clamp =
        clampTo !== undefined ? replaceValue(cfg, path, `Clamp to ${withUnit(clampTo, unit)}`, clampTo) : undefined;
      return err(cfg.valueRange(path), 'out-of-range', message, clamp);
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const got = String(e.data);
      const suggestion = closestMatch(got, allowed);
      const message = `\`${where}\` is ${describeValue(e.data)}, which is not one of: ${allowed.join(', ')}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`;
      const change = suggestion ? replaceValue(cfg, path, `Change to \`${suggestion}\``, suggestion) : undefined;
      return err(cfg.valueRange(path), 'unknown-value', message, change);
    }
    case 'const': {
      const allowed = (e.params as { allowedValue: string | number | boolean }).allowedValue;
      return err(
        cfg.valueRange(path),
        'wrong-value',
        `\`${where}\` must be ${String(allowed)}; got ${describeValue(e.data)}.`,
        replaceValue(cfg, path, `Set to ${String(allowed)}`, allowed),
      );
    }
    case 'anyOf':
    case 'pattern':
      return err(
        cfg.valueRange(path),
        'wrong-value',
        `\`${where}\` is ${describeValue(e.data)}; it must be a layer index (negative counts from the end) or a range such as "2-9".`,
      );
    case 'maxItems': {
      const limit = (e.params as { limit: number }).limit;
      const count = Array.isArray(e.data) ? e.data.length : 0;
      return err(
        cfg.keyRange(path),
        'too-many-items',
        `\`${where}\` lists ${count} items; at most ${limit} are allowed. Cover several layers with one override (a range such as "0-31", or no \`layers\` for all of them).`,
      );
    }
    case 'minItems':
      return err(
        cfg.valueRange(path),
        'empty-list',
        `\`${where}\` must list at least ${String((e.params as { limit: number }).limit)} item(s).`,
      );
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      const [first, again] = [Math.min(i, j), Math.max(i, j)];
      const data = e.data as unknown[];
      const remove = removeItemEdit(cfg, path, again);
      return err(
        cfg.valueRange([...path, again]),
        'duplicate-item',
        `\`${where}\` lists ${describeValue(data[again])} twice (items ${first + 1} and ${again + 1}); remove one.`,
        remove ? fix('Remove the repeated item', remove) : undefined,
      );
    }
    case 'minLength':
      return err(cfg.valueRange(path), 'empty-value', `\`${where}\` must not be empty.`);
    default:
      return err(cfg.valueRange(path), 'schema', `\`${where}\` ${e.message ?? 'is invalid'}.`);
  }
}
