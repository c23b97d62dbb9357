/**
 * Walks the JSON Schema generated from schema.ts by config path. Completion and hover read the
 * schema's own annotations, so a key added to schema.ts is completed and documented with no
 * change here.
 */
import type { JsonPath } from '../config/document';
import { configJsonSchema } from '../config/schema';

export interface JsonSchema {
  readonly type?: string;
  readonly title?: string;
  readonly description?: string;
  readonly unit?: string;
  readonly source?: string;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly minItems?: number;
  readonly uniqueItems?: boolean;
}

let root: JsonSchema | undefined;

export function rootSchema(): JsonSchema {
  root ??= configJsonSchema() as JsonSchema;
  return root;
}

/** The schema of the value at `path`, or undefined where the schema allows nothing. */
export function schemaAt(path: JsonPath): JsonSchema | undefined {
  let s: JsonSchema | undefined = rootSchema();
  for (const seg of path) {
    if (!s) return undefined;
    if (typeof seg === 'number') s = s.type === 'array' ? s.items : undefined;
    else s = s.properties?.[seg];
  }
  return s;
}

export function isSection(s: JsonSchema | undefined): boolean {
  return s?.type === 'object';
}

/** The values a scalar may take when the schema lists them: enums, consts and booleans. */
export function allowedValues(s: JsonSchema | undefined): Array<string | number | boolean> | undefined {
  if (!s) return undefined;
  if (s.enum) return s.enum as Array<string | number | boolean>;
  if (s.const !== undefined) return [s.const as string | number | boolean];
  if (s.type === 'boolean') return [true, false];
  return undefined;
}
