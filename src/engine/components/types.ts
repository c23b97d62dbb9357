/**
 * A component of the cost model: one hardware block with named parameters,
 * each carrying its unit, default and the source of that default.
 */
export interface ParameterSpec {
  /** Unit of the value, SI with a prefix where it reads better (J, s, um2, V, S, ohm, bytes). */
  readonly unit: string;
  /** Default value; `null` when the default is computed from other settings (the description says how). */
  readonly default: number | null;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly description: string;
  /** Where the default comes from: paper, datasheet or simulator file. */
  readonly source: string;
}

export interface ComponentSpec {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
}

/** Parameter values of one component after user overrides (`null` = derive from the model). */
export type ParameterValues = Readonly<Record<string, number | null>>;
