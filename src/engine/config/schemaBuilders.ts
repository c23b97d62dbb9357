/**
 * Building blocks of the config schema (schema.ts and functionalSchema.ts): numbers carrying
 * their unit and the source of their default, string enums, and closed sections.
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

export const int = (doc: NumberDoc) => Type.Integer(doc);
export const num = (doc: NumberDoc) => Type.Number(doc);

/** A string enum as a plain JSON-Schema `enum`, so validators and editors list the allowed values. */
export const enumOf = <const T extends string>(
  values: readonly T[],
  doc: { description: string; default?: NoInfer<T>; source?: string },
) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...doc });

/** A section that rejects unknown keys (they get "did you mean" diagnostics). */
export const strict = <T extends Record<string, TSchema>>(props: T, description: string) =>
  Type.Object(props, { additionalProperties: false, description });
