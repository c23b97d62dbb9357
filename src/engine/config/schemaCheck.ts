/**
 * Schema validation with Ajv against the JSON Schema generated from `schema.ts`, turned into
 * diagnostics located on the exact key or value, with "did you mean" and repairs.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { configJsonSchema } from './schema';
import type { Diagnostic, Fix } from './diagnostics';
import type { ConfigDocument, JsonPath } from './document';
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
    case 'integer': return 'a whole number';
    case 'number': return 'a number';
    case 'string': return 'text';
    case 'boolean': return 'true or false';
    case 'object': return 'a section of keys';
    case 'array': return 'a list';
    default: return String(t);
  }
}

function withUnit(value: number, unit: unknown): string {
  return unit ? `${value} ${String(unit)}` : String(value);
}

/** Replace the scalar at `path` with `newText`. */
function replaceValue(cfg: ConfigDocument, path: JsonPath, title: string, newText: string): Fix {
  return { title, edits: [{ range: cfg.valueRange(path), newText }] };
}

export function checkSchema(cfg: ConfigDocument): Diagnostic[] {
  const validate = compiled();
  if (validate(cfg.value)) return [];
  const errors = (validate.errors ?? []) as ErrorObject[];
  // An anyOf error stands for its branches' errors at the same place: keep only it.
  const anyOfAt = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
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
      const suggestion = closestMatch(key, allowed);
      const inWhat = path.length ? ` in \`${where}\`` : '';
      if (suggestion) {
        return err(range, 'unknown-key', `Unknown key \`${key}\`${inWhat}. Did you mean \`${suggestion}\`?`, {
          title: `Rename to \`${suggestion}\``,
          edits: [{ range, newText: suggestion }],
        });
      }
      return err(range, 'unknown-key', `Unknown key \`${key}\`${inWhat}. Allowed keys: ${allowed.join(', ')}.`);
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      const range = path.length ? cfg.keyRange(path) : cfg.rangeOf(0, Math.max(0, cfg.text.indexOf('\n')));
      const hint = missing === 'model'
        ? ' Add a `model` section with a `preset` (e.g. `preset: gpt2`), a `shape` or a `huggingface` path.'
        : missing === 'version' ? ' Add `version: 1` at the top of the file.' : '';
      const insert = path.length || cfg.format === 'json' ? undefined : missing === 'version' ? { at: 0, text: 'version: 1\n' }
        : missing === 'model' ? { at: cfg.text.length, text: `${cfg.text.endsWith('\n') || cfg.text.length === 0 ? '' : '\n'}model:\n  preset: gpt2\n` } : undefined;
      const fix = insert
        ? { title: `Add \`${missing}\``, edits: [{ range: cfg.rangeOf(insert.at, insert.at), newText: insert.text }] }
        : undefined;
      return err(range, 'missing-key', `Missing required key \`${missing}\`${path.length ? ` in \`${where}\`` : ''}.${hint}`, fix);
    }
    case 'type': {
      const expected = (e.params as { type: string }).type;
      return err(cfg.valueRange(path), 'wrong-type', `\`${where}\` must be ${typeName(expected)}; got ${describeValue(e.data)}.`);
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const limit = (e.params as { limit: number }).limit;
      const isMin = e.keyword.endsWith('inimum');
      const exclusive = e.keyword.startsWith('exclusive');
      const bound = isMin ? (exclusive ? 'greater than' : 'at least') : (exclusive ? 'less than' : 'at most');
      const clampTo = exclusive ? undefined : limit;
      const message = `\`${where}\` is ${withUnit(Number(e.data), unit)}; it must be ${bound} ${withUnit(limit, unit)}.`;
      const fix = clampTo !== undefined ? replaceValue(cfg, path, `Clamp to ${withUnit(clampTo, unit)}`, String(clampTo)) : undefined;
      return err(cfg.valueRange(path), 'out-of-range', message, fix);
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const got = String(e.data);
      const suggestion = closestMatch(got, allowed);
      const message = `\`${where}\` is ${describeValue(e.data)}, which is not one of: ${allowed.join(', ')}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`;
      const fix = suggestion ? replaceValue(cfg, path, `Change to \`${suggestion}\``, suggestion) : undefined;
      return err(cfg.valueRange(path), 'unknown-value', message, fix);
    }
    case 'const':
      return err(cfg.valueRange(path), 'wrong-value', `\`${where}\` must be ${String((e.params as { allowedValue: unknown }).allowedValue)}; got ${describeValue(e.data)}.`,
        replaceValue(cfg, path, `Set to ${String((e.params as { allowedValue: unknown }).allowedValue)}`, String((e.params as { allowedValue: unknown }).allowedValue)));
    case 'anyOf':
    case 'pattern':
      return err(cfg.valueRange(path), 'wrong-value', `\`${where}\` is ${describeValue(e.data)}; it must be a layer index (negative counts from the end) or a range such as "2-9".`);
    case 'minItems':
      return err(cfg.valueRange(path), 'empty-list', `\`${where}\` must list at least ${String((e.params as { limit: number }).limit)} item(s).`);
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      const data = e.data as unknown[];
      return err(cfg.valueRange([...path, i]), 'duplicate-item', `\`${where}\` lists ${describeValue(data[i])} twice (items ${j + 1} and ${i + 1}); remove one.`);
    }
    case 'minLength':
      return err(cfg.valueRange(path), 'empty-value', `\`${where}\` must not be empty.`);
    default:
      return err(cfg.valueRange(path), 'schema', `\`${where}\` ${e.message ?? 'is invalid'}.`);
  }
}
