/**
 * A value set on a config from outside its text: a sweep point's axis value, the GPUs picked for a
 * comparison. Overrides apply to the parsed config, so diagnostics keep pointing into the text the
 * user wrote (src/engine/design/overrides.ts).
 */
export interface ConfigOverride {
  /** Dotted config key, e.g. `weights.adc.bits` or `baselines`. */
  readonly key: string;
  readonly value: unknown;
}
