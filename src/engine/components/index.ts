import { accumulatorSpec } from './accumulator';
import { adcSpec } from './adc';
import { arrayPeripherySpec } from './arrayPeriphery';
import { attentionDacSpec } from './attentionDac';
import { rowDriverSpec } from './rowDriver';
import { digitalUnitSpec } from './digitalUnit';
import { dramSpec } from './dram';
import { gainCellSpec } from './gainCell';
import { interconnectSpec } from './interconnect';
import { leakageSpec } from './leakage';
import { sramBufferSpec } from './sramBuffer';
import { tilePeripherySpec } from './tilePeriphery';
import { devicePlugins } from '../devices/index';
import type { ComponentSpec, ParameterValues, ValuesOf } from './types';

const CONVERTERS = { dac: rowDriverSpec, adc: adcSpec } as const;
const PERIPHERY = {
  gain_cell: gainCellSpec,
  attention_dac: attentionDacSpec,
  array_periphery: arrayPeripherySpec,
  accumulator: accumulatorSpec,
  sram_buffer: sramBufferSpec,
  tile_periphery: tilePeripherySpec,
  interconnect: interconnectSpec,
  digital_unit: digitalUnitSpec,
  dram: dramSpec,
  leakage: leakageSpec,
} as const;

/** The array components of the registered devices (src/engine/devices), e.g. `pcm_array`. */
function deviceArrayComponents(): Record<string, ComponentSpec> {
  const out: Record<string, ComponentSpec> = {};
  for (const d of devicePlugins()) if ('component' in d.cost) out[d.cost.component.id] = d.cost.component;
  return out;
}

/** Every component of the cost model, keyed by the id used in a config's `components` section. */
export const COMPONENT_LIBRARY: Readonly<Record<string, ComponentSpec>> = {
  ...CONVERTERS,
  ...deviceArrayComponents(),
  ...PERIPHERY,
};

export type ComponentId = string;
export const COMPONENT_IDS: readonly string[] = Object.keys(COMPONENT_LIBRARY);

/**
 * Parameter values of every component, typed for the components every design has (a misspelt
 * parameter does not compile); device arrays are looked up by their plug-in's component id.
 */
export interface ComponentParameters {
  readonly dac: ValuesOf<typeof rowDriverSpec>;
  readonly adc: ValuesOf<typeof adcSpec>;
  readonly gain_cell: ValuesOf<typeof gainCellSpec>;
  readonly attention_dac: ValuesOf<typeof attentionDacSpec>;
  readonly array_periphery: ValuesOf<typeof arrayPeripherySpec>;
  readonly accumulator: ValuesOf<typeof accumulatorSpec>;
  readonly sram_buffer: ValuesOf<typeof sramBufferSpec>;
  readonly tile_periphery: ValuesOf<typeof tilePeripherySpec>;
  readonly interconnect: ValuesOf<typeof interconnectSpec>;
  readonly digital_unit: ValuesOf<typeof digitalUnitSpec>;
  readonly dram: ValuesOf<typeof dramSpec>;
  readonly leakage: ValuesOf<typeof leakageSpec>;
  readonly [deviceArray: string]: ParameterValues;
}

/** Defaults of every component with the config's overrides applied on top. */
export function resolveComponentParameters(
  overrides: Readonly<Record<string, Readonly<Record<string, number>>>> | undefined,
): ComponentParameters {
  const out: Record<string, ParameterValues> = {};
  for (const id of COMPONENT_IDS) {
    const spec: ComponentSpec = COMPONENT_LIBRARY[id];
    const values: Record<string, number | null> = {};
    for (const [name, param] of Object.entries(spec.parameters)) values[name] = param.default;
    const o = overrides?.[id];
    if (o) for (const [name, v] of Object.entries(o)) values[name] = v;
    out[id] = values;
  }
  // Every parameter of every spec is filled from its default above, so the typed view holds.
  return out as unknown as ComponentParameters;
}

export type { ComponentSpec, ParameterSpec, ParameterValues } from './types';
