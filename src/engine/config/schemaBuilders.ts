/**
 * Building blocks of the config schema (schema.ts and functionalSchema.ts): numbers carrying
 * their unit and the source of their default, string enums, and closed sections.
 *
 * Each value also carries a `markdownDescription`: the description with its unit, default, valid
 * range and source, which VS Code's JSON language service shows on hover in `*.aimc.json` (the
 * YAML hover builds the same from the fields, src/engine/language/describe.ts).
 */
import { Type, type TSchema } from '@sinclair/typebox';

export interface NumberDoc {
  description: string;
  unit: string;
  source: string;
  default?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/** `1 to 16 bits`, `more than 0 GHz`, `at least 0 s`: the phrasing of the YAML hover. */
function rangeText(doc: NumberDoc): string | undefined {
  const unit = doc.unit ? ` ${doc.unit}` : '';
  if (doc.minimum !== undefined && doc.maximum !== undefined) return `${doc.minimum} to ${doc.maximum}${unit}`;
  const low =
    doc.exclusiveMinimum !== undefined
      ? `more than ${doc.exclusiveMinimum}`
      : doc.minimum !== undefined
        ? `at least ${doc.minimum}`
        : undefined;
  const high = doc.maximum !== undefined ? `at most ${doc.maximum}` : undefined;
  return low && high ? `${low}, ${high}${unit}` : low || high ? `${low ?? high}${unit}` : undefined;
}

/** The hover text of a value: the description, then unit, default, range, allowed values and source. */
export function markdownOf(doc: {
  description: string;
  unit?: string;
  default?: unknown;
  source?: string;
  range?: string;
  values?: readonly string[];
}): string {
  const facts: string[] = [];
  if (doc.unit) facts.push(`Unit: ${doc.unit}`);
  if (doc.default !== undefined) facts.push(`Default: \`${String(doc.default)}\``);
  if (doc.range) facts.push(`Valid range: ${doc.range}`);
  if (doc.values) facts.push(`Allowed values: ${doc.values.map((v) => `\`${v}\``).join(', ')}`);
  if (doc.source) facts.push(`Source of the default: ${doc.source}`);
  return [doc.description, '', ...facts.map((f) => `- ${f}`)].join('\n').trimEnd();
}

const numberMarkdown = (doc: NumberDoc) => markdownOf({ ...doc, range: rangeText(doc) });

export const int = (doc: NumberDoc) => Type.Integer({ ...doc, markdownDescription: numberMarkdown(doc) });
export const num = (doc: NumberDoc) => Type.Number({ ...doc, markdownDescription: numberMarkdown(doc) });

/** A string enum as a plain JSON-Schema `enum`, so validators and editors list the allowed values. */
export const enumOf = <const T extends string>(
  values: readonly T[],
  doc: { description: string; default?: NoInfer<T>; source?: string },
) =>
  Type.Unsafe<T>({
    type: 'string',
    enum: [...values],
    ...doc,
    markdownDescription: markdownOf({ ...doc, values }),
  });

/** A section that rejects unknown keys (they get "did you mean" diagnostics). */
export const strict = <T extends Record<string, TSchema>>(props: T, description: string) =>
  Type.Object(props, { additionalProperties: false, description });
