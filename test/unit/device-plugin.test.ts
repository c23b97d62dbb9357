import assert from 'node:assert/strict';
import { before, test } from 'node:test';
// A new device is one folder plus one line: this file is the "one line" for the example FeFET in
// test/fixtures/devices/fefet/. It registers the device before the engine (and its schema) loads.
import { registerDevice } from '../../src/engine/devices/registry';
import { fefetDevice } from '../fixtures/devices/fefet/index';

registerDevice(fefetDevice);
let engine: typeof import('../../src/engine');
before(async () => {
  engine = await import('../../src/engine');
});

const config = (device: string, extra = '') => `version: 1
model:
  shape: { layers: 2, d_model: 64, heads: 4, d_ff: 256, ffn: gelu, vocab: 256, context: 128 }
weights:
  device: ${device}
  array: { rows: 64, cols: 64 }
functional: { tokens: 8, seed: 2 }
${extra}`;

test('a registered device is accepted by the config schema, and an unregistered one is a positioned diagnostic', () => {
  const ok = engine.analyzeConfig(config('fefet'));
  assert.deepEqual(
    ok.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const bad = engine.analyzeConfig(config('fefett'));
  const error = bad.diagnostics.find((d) => d.severity === 'error');
  assert.ok(error, 'an unknown device is an error');
  assert.equal(error.range.start.line, 4, 'on the `device:` line');
  assert.match(error.message, /fefet/, 'the message offers the registered device');
});

test("the cost model uses the device's own array component, and its parameters are configurable", () => {
  const base = engine.analyzeConfig(config('fefet')).result!;
  assert.ok(base.breakdown.byComponent.crossbar > 0);
  const pcm = engine.analyzeConfig(config('pcm')).result!;
  assert.notEqual(base.breakdown.byComponent.crossbar, pcm.breakdown.byComponent.crossbar);
  const doubled = engine.analyzeConfig(
    config('fefet', 'components:\n  fefet_array: { read_energy_per_cell_j: 4.0e-15 }\n'),
  ).result!;
  assert.ok(
    Math.abs(doubled.breakdown.byComponent.crossbar / base.breakdown.byComponent.crossbar - 2) < 1e-9,
    'crossbar energy ∝ energy per cell read',
  );
  const misspelt = engine.analyzeConfig(
    config('fefet', 'components:\n  fefet_array: { read_energy_per_cel_j: 4.0e-15 }\n'),
  );
  assert.ok(
    misspelt.diagnostics.some((d) => d.severity === 'error'),
    'a misspelt parameter of the new component is refused',
  );
});

test('its nonidealities section is part of the schema, with defaults, and reaches the functional model', async () => {
  assert.ok(engine.analyzeConfig(config('fefet', 'nonidealities:\n  fefet: { levels: 4 }\n')).design);
  assert.ok(
    engine
      .analyzeConfig(config('fefet', 'nonidealities:\n  fefet: { levelz: 4 }\n'))
      .diagnostics.some((d) => d.severity === 'error'),
  );
  const fine = await engine.runAccuracy(
    await engine.loadDesign(config('fefet', 'nonidealities:\n  fefet: { levels: 64 }\n'), engine.NO_FILES),
  );
  const coarse = await engine.runAccuracy(
    await engine.loadDesign(config('fefet', 'nonidealities:\n  fefet: { levels: 2 }\n'), engine.NO_FILES),
  );
  const err = (r: typeof fine) => r.layers[0].matrices[0].metrics.relativeError;
  assert.ok(err(coarse) > err(fine), `2 levels (${err(coarse)}) should be worse than 64 (${err(fine)})`);
});

test('aimc device draws its curves', () => {
  assert.ok(engine.deviceCurveModels().includes('fefet'));
  const curves = engine.deviceCurvesOf('fefet');
  assert.equal(curves.gMaxUs, 10);
});
