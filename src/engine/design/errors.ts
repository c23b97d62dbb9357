/** "The config has errors": one exception for every caller that needs a valid design to go on. */
import type { Diagnostic } from '../../shared/diagnostics';
import type { ResolvedDesign } from '../config/resolve';
import type { AimcConfig } from '../config/schema';
import type { LoadedDesign } from './loadDesign';

/** Thrown by `requireDesign`; carries every error diagnostic, positioned in the config text. */
export class InvalidDesignError extends Error {
  override readonly name = 'InvalidDesignError';
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(`config: ${diagnostics[0]?.message ?? 'did not validate'}`);
  }
}

export type ValidDesign = LoadedDesign & { readonly config: AimcConfig; readonly design: ResolvedDesign };

/** The loaded design when it has no errors; else throws InvalidDesignError with them all. */
export function requireDesign(loaded: LoadedDesign): ValidDesign {
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !loaded.config || !loaded.design) throw new InvalidDesignError(errors);
  return loaded as ValidDesign;
}
