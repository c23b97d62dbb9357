import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SweepPointResult } from '../../src/shared/sweep';
import { nonDominated } from '../../src/engine/sweep/pareto';
import { buildReport, type SweepIdentity } from '../../src/engine/sweep/report';

test('a hand-made set: the front is the lower-left staircase', () => {
  //  y
  //  5 | a
  //  4 |       e
  //  3 |   b       f
  //  2 |       c
  //  1 |           d
  //    +--------------- x
  const points: Array<[number, number]> = [[1, 5], [2, 3], [3, 2], [4, 1], [3, 4], [4, 3]];
  assert.deepEqual(nonDominated(points), [true, true, true, true, false, false]);
});

test('ties: equal points are both on the front; equal x with larger y is not', () => {
  assert.deepEqual(nonDominated([[1, 1], [1, 1], [1, 2], [2, 1], [0, 3]]), [true, true, false, false, true]);
});

test('points with a missing figure are neither on the front nor dominate', () => {
  assert.deepEqual(nonDominated([[NaN, 0], [1, 1], [2, NaN]]), [false, true, false]);
});

test('the fast front equals the definition checked pair by pair', () => {
  const byDefinition = (ps: Array<[number, number]>) => ps.map((p) => !ps.some((q) => q[0] <= p[0] && q[1] <= p[1] && (q[0] < p[0] || q[1] < p[1])));
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })), { maxLength: 40 }), (ps) => {
    assert.deepEqual(nonDominated(ps), byDefinition(ps));
  }), { numRuns: 500 });
});

const identity = (errorMetric: string | null): SweepIdentity => ({
  base: 'test', baseFingerprint: '0', axes: [{ key: 'weights.adc.bits', values: [1, 2, 3, 4] }], mode: 'grid', gridSize: 4,
  samples: null, seed: 1, pointCount: 4, errorMetric,
});

function point(index: number, energy: number, latency: number, error: number | null, status: SweepPointResult['status'] = 'ok'): SweepPointResult {
  return {
    index, values: { 'weights.adc.bits': index + 1 }, status, error, pareto: [],
    cost: status === 'invalid' ? null : { energyPerTokenJ: energy, latencyPerTokenS: latency, areaMm2: 1, arrays: 1 },
  };
}

test('with an error figure, fronts are energy–error and latency–error', () => {
  const r = buildReport(identity('relative error'), null, [
    point(0, 1, 4, 0.5), // cheapest energy
    point(1, 2, 1, 0.4), // fastest, better error
    point(2, 3, 3, 0.1), // best error
    point(3, 4, 2, 0.2), // dominated on energy–error by 2; on latency–error beaten by none
  ]);
  assert.deepEqual(r.fronts, ['energy-error', 'latency-error']);
  assert.deepEqual(r.points.map((p) => p.pareto), [['energy-error'], ['energy-error', 'latency-error'], ['energy-error', 'latency-error'], ['latency-error']]);
});

test('without one, the front is energy–latency; invalid points are never on it', () => {
  const r = buildReport(identity(null), null, [point(3, 0.1, 0.1, null, 'invalid'), point(0, 1, 2, null), point(1, 2, 1, null), point(2, 2, 2, null)]);
  assert.deepEqual(r.fronts, ['energy-latency']);
  assert.deepEqual(r.points.map((p) => [p.index, p.pareto]), [[0, ['energy-latency']], [1, ['energy-latency']], [2, []], [3, []]]);
});
