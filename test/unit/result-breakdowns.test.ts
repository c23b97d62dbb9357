import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeConfig } from '../../src/engine';

const sum = (r: Readonly<Record<string, number>> | undefined) => Object.values(r ?? {}).reduce((a, b) => a + b, 0);
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

const HYBRID = `version: 1
model: { preset: gpt2 }
attention: { implementation: gain-cell, window: 512 }
layers:
  - layers: [0]
    weights: { implementation: digital }
  - layers: [1]
    attention: { implementation: digital }
`;

test('per-layer latency and area add up to the per-operation and per-component totals', () => {
  const r = analyzeConfig(HYBRID).result!;
  close(sum(r.breakdown.latencyByLayer), sum(r.breakdown.latencyByOperation), 'latency');
  close(sum(r.areaByLayerMm2), r.areaMm2, 'area');
  // Layer 0's weights are digital: its area is only its gain-cell attention.
  assert.ok(r.areaByLayerMm2!['0'] < r.areaByLayerMm2!['2']);
  // Layer 1's attention is digital: no gain-cell area, so less than layer 2.
  assert.ok(r.areaByLayerMm2!['1'] < r.areaByLayerMm2!['2']);
  assert.ok(r.areaByLayerMm2!.shared > 0, 'the digital unit and buffers');
});

test('energy per tile group covers the arrays and attention stages, and no more than the total', () => {
  const r = analyzeConfig(HYBRID).result!;
  const groups = r.mapping.tileGroups;
  const energy = r.mapping.groupEnergyPerTokenJ!;
  assert.equal(energy.length, groups.length);
  assert.ok(
    energy.every((e) => e > 0),
    'every group spends energy',
  );
  assert.ok(energy.reduce((a, b) => a + b, 0) < r.perToken.energyJ);
  const kv = groups.map((g, i) => ({ g, e: energy[i] })).filter((x) => x.g.kind === 'kv' && x.g.layer === 2);
  const scores = r.breakdown.byLayerComponent['2'];
  assert.ok(scores, 'layer 2 has a breakdown');
  // K and V groups of a gain-cell layer carry exactly that layer's two attention stages.
  const stages = kv.reduce((a, x) => a + x.e, 0);
  assert.ok(stages > 0 && stages < r.breakdown.byLayer['2']);
});
