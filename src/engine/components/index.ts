import { accumulatorSpec } from './accumulator';
import { adcSpec } from './adc';
import { pcmArraySpec } from './arrays/pcm';
import { rramArraySpec } from './arrays/rram';
import { sramArraySpec } from './arrays/sram';
import { dacSpec } from './dac';
import { digitalUnitSpec } from './digitalUnit';
import { dramSpec } from './dram';
import { gainCellSpec } from './gainCell';
import { interconnectSpec } from './interconnect';
import { sramBufferSpec } from './sramBuffer';
import type { ComponentSpec, ParameterValues } from './types';

/** Every component of the cost model, keyed by the id used in a config's `components` section. */
export const COMPONENT_LIBRARY = {
  dac: dacSpec,
  adc: adcSpec,
  pcm_array: pcmArraySpec,
  rram_array: rramArraySpec,
  sram_array: sramArraySpec,
  gain_cell: gainCellSpec,
  accumulator: accumulatorSpec,
  sram_buffer: sramBufferSpec,
  interconnect: interconnectSpec,
  digital_unit: digitalUnitSpec,
  dram: dramSpec,
} as const satisfies Record<string, ComponentSpec>;

export type ComponentId = keyof typeof COMPONENT_LIBRARY;
export const COMPONENT_IDS = Object.keys(COMPONENT_LIBRARY) as ComponentId[];

export type ComponentParameters = { readonly [K in ComponentId]: ParameterValues };

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
  return out as ComponentParameters;
}

export type { ComponentSpec, ParameterSpec, ParameterValues } from './types';
