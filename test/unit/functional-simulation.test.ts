import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFunctionalSimulation, runFunctionalSimulationSync } from '../../src/engine/functional/simulation';
import type { FunctionalProgress } from '../../src/shared/functionalResult';
import {
  idealNonidealities,
  resolveFunctionalSettings,
  type FunctionalSettings,
} from '../../src/engine/functional/settings';
import { FunctionalRunCancelled } from '../../src/engine/functional/cancel';
import { Rng } from '../../src/engine/functional/rng';
import { tinyDesign, tinyShape, writeSafetensors } from '../fixtures/functional/helpers';
import { resolveDesign } from '../../src/engine/config/resolve';

const RUN = { tokens: 32, samples: 2, blocks: 2, logits_vocab: 40 };

function settings(over: Parameters<typeof resolveFunctionalSettings>[0] = {}): FunctionalSettings {
  return resolveFunctionalSettings({ ...over, functional: { ...RUN, ...over.functional } });
}

test('with every non-ideality off the analog model computes the float algorithm model', async () => {
  for (const family of ['gpt2', 'llama'] as const) {
    const base = settings();
    // Unsliced weights (8 bits per cell holds a 7-bit magnitude) so that nothing must be rounded.
    const design = tinyDesign(tinyShape(family), { weights: { bitsPerCell: 8 } });
    const r = await runFunctionalSimulation({ design, settings: { ...base, nonidealities: idealNonidealities() } });
    assert.ok(
      r.endToEnd.logitsVsAlgorithmModel.relativeError < 1e-5,
      `${family}: ${r.endToEnd.logitsVsAlgorithmModel.relativeError}`,
    );
    assert.equal(r.endToEnd.logitsVsAlgorithmModel.topKAgreement, 1);
    for (const layer of r.layers) {
      assert.ok(layer.attention!.hardware.relativeError < 1e-5);
      assert.ok(layer.attention!.algorithm.relativeError > 1e-3, 'HardSigmoid differs from softmax');
      for (const m of layer.matrices) assert.ok(m.metrics.relativeError < 1e-5, `${m.matrix}`);
    }
    // What is left against the softmax model is the algorithm's own error, and all of it.
    const alg = r.endToEnd.algorithmLogits.relativeError;
    assert.ok(Math.abs(r.endToEnd.logitsVsSoftmaxModel.relativeError - alg) < 1e-4 * Math.max(1, alg));
  }
});

test('non-idealities add hardware error, per layer and end to end', async () => {
  const design = tinyDesign(tinyShape('gpt2'));
  const r = await runFunctionalSimulation({ design, settings: settings() });
  assert.equal(r.layers.length, 2);
  assert.equal(r.weights.source, 'synthetic');
  assert.equal(r.crossbars.length, 2 * 6 + 1);
  for (const layer of r.layers) {
    assert.equal(layer.matrices.length, 6);
    for (const m of layer.matrices)
      assert.ok(m.metrics.relativeError > 1e-3 && m.metrics.cosineSimilarity > 0.5, `${m.matrix}`);
    assert.ok(layer.attention!.hardware.relativeError > 1e-3);
  }
  assert.ok(r.endToEnd.logitsVsAlgorithmModel.relativeError > 1e-3);
  assert.ok(r.endToEnd.logitsVsAlgorithmModel.topKAgreement! < 1);
});

test('a digital design has no error, and digital attention reports none', async () => {
  const design = tinyDesign(tinyShape('gpt2'), {
    weights: { implementation: 'digital' },
    attention: { implementation: 'digital' },
  });
  const r = await runFunctionalSimulation({ design, settings: settings() });
  assert.equal(r.crossbars.length, 0);
  assert.equal(r.layers[0].attention, null);
  assert.equal(r.endToEnd.logitsVsSoftmaxModel.relativeError, 0);
});

test('results are reproducible from the seed', async () => {
  const design = tinyDesign(tinyShape('llama'));
  const a = await runFunctionalSimulation({ design, settings: settings({ functional: { seed: 3 } }) });
  const b = await runFunctionalSimulation({ design, settings: settings({ functional: { seed: 3 } }) });
  const c = await runFunctionalSimulation({ design, settings: settings({ functional: { seed: 4 } }) });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.endToEnd, c.endToEnd);
});

test('a checkpoint passed as bytes is used instead of synthetic weights', async () => {
  const shape = tinyShape('gpt2', { layers: 1 });
  const d = shape.dModel;
  const r = new Rng(7);
  const t = (dims: number[], std = 0.02) => ({
    dtype: 'F16' as const,
    shape: dims,
    data: r.normals(
      dims.reduce((x, y) => x * y, 1),
      std,
    ),
  });
  const ones = { dtype: 'F32' as const, shape: [d], data: new Float32Array(d).fill(1) };
  const bytes = writeSafetensors({
    'transformer.wte.weight': t([shape.vocab, d]),
    'transformer.wpe.weight': t([shape.context, d]),
    'transformer.h.0.ln_1.weight': ones,
    'transformer.h.0.ln_1.bias': t([d]),
    'transformer.h.0.attn.c_attn.weight': t([d, 3 * d]),
    'transformer.h.0.attn.c_attn.bias': t([3 * d]),
    'transformer.h.0.attn.c_proj.weight': t([d, d]),
    'transformer.h.0.attn.c_proj.bias': t([d]),
    'transformer.h.0.ln_2.weight': ones,
    'transformer.h.0.ln_2.bias': t([d]),
    'transformer.h.0.mlp.c_fc.weight': t([d, shape.dFf]),
    'transformer.h.0.mlp.c_fc.bias': t([shape.dFf]),
    'transformer.h.0.mlp.c_proj.weight': t([shape.dFf, d]),
    'transformer.h.0.mlp.c_proj.bias': t([d]),
    'transformer.ln_f.weight': ones,
    'transformer.ln_f.bias': t([d]),
  });
  const design = tinyDesign(shape);
  const s = settings({ functional: { blocks: 1, checkpoint: 'model.safetensors' } });
  const result = await runFunctionalSimulation({ design, settings: s, weightFiles: { 'model.safetensors': bytes } });
  assert.equal(result.weights.source, 'checkpoint');
  assert.equal(result.blocks, 1);
  await assert.rejects(runFunctionalSimulation({ design, settings: s }), /no checkpoint bytes were passed/);
});

test('progress rises to 1; the stop check is polled throughout, and a stop request ends the run', async (t) => {
  const design = tinyDesign(tinyShape('gpt2', { dModel: 128, heads: 4, headDim: 32, dFf: 512 }), {
    weights: { rows: 128, cols: 128 },
  });
  const s = settings({ functional: { tokens: 48, samples: 1, blocks: 1 } });
  const seen: FunctionalProgress[] = [];
  const polls: number[] = [];
  // CPU time rather than wall time between polls, so that a busy test machine does not decide the result.
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  runFunctionalSimulationSync({
    design,
    settings: s,
    onProgress: (p) => seen.push(p),
    shouldStop: () => (polls.push(cpuMs()), false),
  });
  assert.ok(seen.every((p, i) => i === 0 || p.fraction >= seen[i - 1].fraction));
  assert.equal(seen[seen.length - 1].fraction, 1);
  // How often it polls in time is a benchmark figure, not a unit-test verdict: report it.
  const gaps = polls.slice(1).map((g, i) => g - polls[i]);
  t.diagnostic(`${polls.length} polls, longest gap ${Math.max(...gaps).toFixed(1)} ms of CPU`);
  assert.ok(polls.length > 20, `${polls.length} polls`);

  let calls = 0;
  assert.throws(
    () => runFunctionalSimulationSync({ design, settings: s, shouldStop: () => ++calls > 10 }),
    FunctionalRunCancelled,
  );
  assert.equal(calls, 11);
});

test('a design resolved from a config runs as it is, with its per-layer overrides', async () => {
  const shape = tinyShape('gpt2');
  const config = {
    version: 1 as const,
    model: { shape: { layers: 3, d_model: 32, heads: 4, d_ff: 64, ffn: 'gelu' as const, vocab: 50, context: 64 } },
    weights: { array: { rows: 16, cols: 16 } },
    attention: { window: 24 },
    // The first layer stays digital.
    layers: [
      {
        layers: [0],
        weights: { implementation: 'digital' as const },
        attention: { implementation: 'digital' as const },
      },
    ],
    nonidealities: { output_noise: { enabled: false } },
    functional: { tokens: 16, blocks: 2, logits_vocab: 40 },
  };
  const resolved = resolveDesign(config, shape);
  const design = { ...resolved, attention: { ...resolved.attention, decayPerStep: 1.6e-4 } };
  const r = await runFunctionalSimulation({ design, settings: resolveFunctionalSettings(config) });
  assert.ok(r.layers[0].matrices.every((m) => m.implementation === 'digital' && m.metrics.relativeError === 0));
  assert.equal(r.layers[0].attention, null);
  assert.ok(r.layers[1].matrices.every((m) => m.implementation === 'analog' && m.metrics.relativeError > 0));
  assert.ok(r.layers[1].attention !== null);
});
