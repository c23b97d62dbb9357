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

export interface ComponentSpec<
  Parameters extends Readonly<Record<string, ParameterSpec>> = Readonly<Record<string, ParameterSpec>>,
> {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly parameters: Parameters;
}

/** Parameter values of any component after user overrides (`null` = derive from the model), untyped. */
export type ParameterValues = Readonly<Record<string, number | null>>;

/**
 * The parameter values of component `S`, typed by its spec: a parameter with a numeric default is
 * always a number; one whose default is `null` (derived from other settings) may be null. A
 * misspelt parameter name is a compile error, not a silent zero.
 */
export type ValuesOf<S extends ComponentSpec> = {
  readonly [K in keyof S['parameters']]: S['parameters'][K]['default'] extends null ? number | null : number;
};

/** A component spec with its parameter names and default kinds kept in its type (for `ValuesOf`). */
export function defineComponent<const Parameters extends Readonly<Record<string, ParameterSpec>>>(
  spec: ComponentSpec<Parameters>,
): ComponentSpec<Parameters> {
  return spec;
}
