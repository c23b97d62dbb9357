import { deviceIds } from '../../src/engine/devices/index';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { FunctionalSchema, NonidealitiesSchema } from '../../src/engine/config/functionalSchema';
import { configJsonSchema } from '../../src/engine/config/schema';
import { resolveNonidealities, resolveRunSettings } from '../../src/engine/functional/settings';

type Node = {
  type?: string;
  properties?: Record<string, Node>;
  default?: unknown;
  unit?: string;
  source?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  description?: string;
};

function leaves(node: Node, path: string[] = []): [string[], Node][] {
  if (node.type === 'object' && node.properties)
    return Object.entries(node.properties).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [[path, node]];
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function resolvedAt(resolved: unknown, path: string[]): unknown {
  let v = resolved as Record<string, unknown>;
  for (const key of path) v = v?.[camel(key)] as Record<string, unknown>;
  return v;
}

test('every numeric key has a unit, a source and bounds; every key a description', () => {
  for (const schema of [NonidealitiesSchema, FunctionalSchema]) {
    for (const [path, node] of leaves(JSON.parse(JSON.stringify(schema)))) {
      assert.ok(node.description, `${path.join('.')} has no description`);
      if (node.type === 'number' || node.type === 'integer') {
        assert.ok(node.unit !== undefined && node.source, `${path.join('.')} lacks unit or source`);
        assert.ok(
          node.minimum !== undefined || node.exclusiveMinimum !== undefined,
          `${path.join('.')} has no minimum`,
        );
        assert.ok(node.maximum !== undefined, `${path.join('.')} has no maximum`);
      }
    }
  }
});

test('documented defaults are the defaults the engine applies', () => {
  const sections: [Node, unknown][] = [
    [JSON.parse(JSON.stringify(NonidealitiesSchema)), resolveNonidealities()],
    [JSON.parse(JSON.stringify(FunctionalSchema)), resolveRunSettings()],
  ];
  let checked = 0;
  for (const [schema, resolved] of sections) {
    for (const [path, node] of leaves(schema)) {
      if (node.default === undefined) continue;
      // `adc.quantization` resolves to adc.quantization, `dac.quantization` to dacQuantization.
      // A device's section (`pcm.g_max_us`) resolves under `devices`, by its plug-in.
      const value =
        path[0] === 'dac'
          ? resolvedAt(resolved, ['dacQuantization'])
          : deviceIds().includes(String(path[0]))
            ? resolvedAt(resolved, ['devices', ...path])
            : resolvedAt(resolved, path);
      assert.deepEqual(value, node.default, `${path.join('.')}`);
      checked++;
    }
  }
  assert.ok(checked > 30, `only ${checked} defaults checked`);
});

test('the config schema accepts the new sections and rejects mistakes in them', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  ajv.addVocabulary(['unit', 'source', 'markdownDescription']);
  const validate = ajv.compile(configJsonSchema());
  const config = {
    version: 1,
    model: { preset: 'gpt2' },
    nonidealities: {
      programming_noise: true,
      drift: false,
      t_inference_s: 86400,
      drift_compensation: false,
      pcm: { g_max_us: 20 },
      rram: { levels: 4, r_off_ohm: 2e6 },
      stuck_at: { on_fraction: 0.01, off_fraction: 0.002 },
      ir_drop: { enabled: true, wire_resistance_ohm: 1 },
      dac: { quantization: false },
      adc: { range: 'calibrated', bound_sigmas: 3 },
      output_noise: { sigma: 0.06 },
      gain_cell: { nonlinearity: false, decay: false },
    },
    functional: {
      seed: 7,
      tokens: 128,
      samples: 4,
      blocks: 12,
      checkpoint: 'gpt2/model.safetensors',
      top_k: 10,
      gain_cell: { score_saturation: 60 },
    },
  };
  assert.ok(validate(config), JSON.stringify(validate.errors));
  for (const broken of [
    { nonidealities: { stuck_at: { on_fraction: 1.5 } } },
    { nonidealities: { adc: { range: 'auto' } } },
    { nonidealities: { drift_coefficient: 1 } },
    { functional: { tokens: 0 } },
    { functional: { seed: 1.5 } },
  ]) {
    assert.equal(validate({ version: 1, model: { preset: 'gpt2' }, ...broken }), false, JSON.stringify(broken));
  }
});
