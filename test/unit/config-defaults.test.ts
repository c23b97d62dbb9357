import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeConfig } from '../../src/engine';
import type { ResolvedDesign } from '../../src/engine/config/resolve';
import { configJsonSchema } from '../../src/engine/config/schema';

interface SchemaNode {
  default?: unknown;
  properties?: Record<string, SchemaNode>;
}

/** Every `default` the schema documents, by dotted path. */
function documentedDefaults(node: SchemaNode, path: string[] = []): Array<[string, unknown]> {
  const own: Array<[string, unknown]> =
    node.default !== undefined && path.length > 1 ? [[path.join('.'), node.default]] : [];
  return [...own, ...Object.entries(node.properties ?? {}).flatMap(([k, v]) => documentedDefaults(v, [...path, k]))];
}

/** Where the resolver puts each documented default of the cost sections. */
const RESOLVED: Record<string, (d: ResolvedDesign) => unknown> = {
  'weights.implementation': (d) => d.weights.implementation,
  'weights.device': (d) => d.weights.device,
  'weights.array.rows': (d) => d.weights.rows,
  'weights.array.cols': (d) => d.weights.cols,
  'weights.bits_per_cell': (d) => d.weights.bitsPerCell,
  'weights.weight_bits': (d) => d.weights.weightBits,
  'weights.mapping': (d) => d.weights.mapping,
  'weights.dac.bits': (d) => d.weights.dacBits,
  'weights.dac.bit_serial': (d) => d.weights.bitSerial,
  'weights.adc.bits': (d) => d.weights.adcBits,
  'weights.adc.columns_per_adc': (d) => d.weights.columnsPerAdc,
  'weights.adc.type': (d) => d.weights.adcType,
  'weights.dac.type': (d) => d.weights.dacType,
  'weights.mean_abs_weight': (d) => d.weights.meanAbsWeight,
  'attention.implementation': (d) => d.attention.implementation,
  'attention.activation': (d) => d.attention.activation,
  'attention.array.rows': (d) => d.attention.rows,
  'attention.array.cols': (d) => d.attention.cols,
  'attention.levels.query': (d) => d.attention.levels.query,
  'attention.levels.kv': (d) => d.attention.levels.kv,
  'attention.levels.output': (d) => d.attention.levels.output,
  'attention.nonlinearity': (d) => d.attention.nonlinearity,
  'attention.tiling': (d) => d.attention.tiling,
  'digital.precision': (d) => d.digital.precision,
  'digital.weight_storage': (d) => d.digital.weightStorage,
  'digital.kv_storage': (d) => d.digital.kvStorage,
  'technology.node_nm': (d) => d.nodeNm,
  'technology.clock_ghz': (d) => d.clockHz / 1e9,
  'workload.mode': (d) => d.workload.mode,
  'workload.batch': (d) => d.workload.batch,
  'workload.generate_tokens': (d) => d.workload.generateTokens,
  'workload.input_statistics.one_bit_fraction': (d) => d.inputStatistics.oneBitFraction,
  'workload.input_statistics.mean_abs': (d) => d.inputStatistics.meanAbs,
};

test('the defaults the config schema documents are the ones the resolver applies', () => {
  const schema = configJsonSchema() as SchemaNode;
  const sections = ['weights', 'attention', 'digital', 'technology', 'chip', 'workload'];
  const documented = sections.flatMap((s) => documentedDefaults(schema.properties![s], [s]));
  const design = analyzeConfig('version: 1\nmodel: { preset: gpt2 }\n', { simulate: false }).design!;
  assert.ok(documented.length >= 25, `only ${documented.length} defaults found`);
  for (const [path, value] of documented) {
    const at = RESOLVED[path];
    assert.ok(
      at,
      `${path} documents a default (${JSON.stringify(value)}) that this test does not know where to find; add it`,
    );
    assert.deepEqual(at(design), value, path);
  }
});

test("component parameter defaults in the schema are the component library's", () => {
  const schema = configJsonSchema() as SchemaNode;
  const design = analyzeConfig('version: 1\nmodel: { preset: gpt2 }\n', { simulate: false }).design!;
  let checked = 0;
  for (const [path, value] of documentedDefaults(schema.properties!.components, ['components'])) {
    const [, component, parameter] = path.split('.');
    assert.equal(design.components[component][parameter], value, path);
    checked++;
  }
  assert.ok(checked > 20, `only ${checked} component defaults checked`);
});
