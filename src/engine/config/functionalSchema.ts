/**
 * Config sections of the functional (accuracy) simulation: which non-idealities are on, and how
 * the functional run is set up. Same conventions as schema.ts: snake_case keys, every numeric key
 * with `unit` and `source` annotations, defaults as documentation only.
 */
import { Type } from '@sinclair/typebox';

export const NonidealitiesSchema = Type.Object({}, {
  additionalProperties: false,
  description: 'Device and circuit non-idealities of the functional simulation; each can be switched on and off on its own.',
});

export const FunctionalSchema = Type.Object({}, {
  additionalProperties: false,
  description: 'Set-up of the functional (accuracy) simulation.',
});
