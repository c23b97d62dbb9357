import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { nonDominated, paretoFront, type FigurePair } from '../../src/shared/pareto';
import type { SweepPointResult } from '../../src/shared/sweep';
import type { SweepPointView, SweepView } from '../../src/shared/webviewProtocol';
import { buildReport, type SweepIdentity } from '../../src/engine/sweep/report';
import { sweepScatter } from '../../webview/sweep/pareto';

test('a hand-made set: the front is the lower-left staircase', () => {
  //  y
  //  5 | a
  //  4 |       e
  //  3 |   b       f
  //  2 |       c
  //  1 |           d
  //    +--------------- x
  const points: Array<[number, number]> = [
    [1, 5],
    [2, 3],
    [3, 2],
    [4, 1],
    [3, 4],
    [4, 3],
  ];
  assert.deepEqual(nonDominated(points), [true, true, true, true, false, false]);
});

test('ties: equal points are both on the front; equal x with larger y is not', () => {
  assert.deepEqual(
    nonDominated([
      [1, 1],
      [1, 1],
      [1, 2],
      [2, 1],
      [0, 3],
    ]),
    [true, true, false, false, true],
  );
});

test('duplicates: every copy of a point on the front is on it, none of a dominated one', () => {
  assert.deepEqual(
    nonDominated([
      [2, 2],
      [1, 3],
      [2, 2],
      [3, 3],
      [3, 3],
      [2, 2],
    ]),
    [true, true, true, false, false, true],
  );
  assert.deepEqual(
    nonDominated([
      [5, 5],
      [5, 5],
    ]),
    [true, true],
  );
});

test('points with a missing or infinite figure are neither on the front nor dominate', () => {
  assert.deepEqual(
    nonDominated([
      [NaN, 0],
      [1, 1],
      [2, NaN],
    ]),
    [false, true, false],
  );
  assert.deepEqual(
    nonDominated([
      [-Infinity, -Infinity],
      [Infinity, 0],
      [0, Infinity],
      [3, 3],
      [NaN, NaN],
      [4, 2],
    ]),
    [false, false, false, true, false, true],
  );
  assert.deepEqual(
    nonDominated([
      [NaN, NaN],
      [Infinity, Infinity],
    ]),
    [false, false],
  );
  assert.deepEqual(nonDominated([]), []);
});

test('the front in x order: by increasing x, equal points in input order', () => {
  //  a (1, 10), b (2, 5), c (3, 6) beaten by b, d (4, 1), e (2, 7) beaten by b, f (5, 1) beaten by d
  assert.deepEqual(
    paretoFront([
      [1, 10],
      [2, 5],
      [3, 6],
      [4, 1],
      [2, 7],
      [5, 1],
    ]),
    [0, 1, 3],
  );
  assert.deepEqual(
    paretoFront([
      [4, 1],
      [2, 2],
      [1, 3],
      [2, 2],
      [NaN, 0],
      [4, 1],
    ]),
    [2, 1, 3, 0, 5],
  );
  assert.deepEqual(paretoFront([]), []);
});

const pairs = fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })), { maxLength: 40 });

test('the fast front equals the definition checked pair by pair', () => {
  const byDefinition = (ps: Array<[number, number]>) =>
    ps.map((p) => !ps.some((q) => q[0] <= p[0] && q[1] <= p[1] && (q[0] < p[0] || q[1] < p[1])));
  fc.assert(
    fc.property(pairs, (ps) => {
      assert.deepEqual(nonDominated(ps), byDefinition(ps));
    }),
    { numRuns: 500 },
  );
  // With non-finite figures mixed in: they are left out and the rest is as without them.
  const figure = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(NaN, Infinity, -Infinity));
  fc.assert(
    fc.property(fc.array(fc.tuple(figure, figure), { maxLength: 40 }), (ps) => {
      const finite = ps.map((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
      const kept = ps.filter((_, i) => finite[i]);
      const keptOnFront = byDefinition(kept);
      let k = 0;
      assert.deepEqual(
        nonDominated(ps),
        finite.map((f) => (f ? keptOnFront[k++] : false)),
      );
    }),
    { numRuns: 500 },
  );
});

test('the ordered front holds exactly the non-dominated points, sorted by x and stable', () => {
  fc.assert(
    fc.property(pairs, (ps: FigurePair[]) => {
      const front = paretoFront(ps);
      const marks = nonDominated(ps);
      assert.deepEqual(
        [...front].sort((a, b) => a - b),
        marks.flatMap((on, i) => (on ? [i] : [])),
      );
      for (let k = 1; k < front.length; k++) {
        const [a, b] = [ps[front[k - 1]], ps[front[k]]];
        // Along the front x rises and y falls; equal x only between equal points, in input order.
        assert.ok(a[0] < b[0] ? a[1] > b[1] : a[0] === b[0] && a[1] === b[1] && front[k - 1] < front[k]);
      }
    }),
    { numRuns: 500 },
  );
});

function viewPoint(
  id: string,
  energyPerTokenJ: number,
  latencyPerTokenS: number,
  error: number | null,
  failure: string | null = null,
): SweepPointView {
  return { id, values: {}, energyPerTokenJ, latencyPerTokenS, areaMm2: null, error, failure };
}

test("the panel's sweep front is the shared front, by increasing x, duplicates and all", () => {
  const sweep: SweepView = {
    id: 's',
    name: 'dups',
    keys: [],
    error: { label: 'error', unit: '' },
    points: [
      viewPoint('a', 4e-5, 1e-6, 0.01),
      viewPoint('b', 1e-5, 3e-6, 0.1),
      viewPoint('c', 2e-5, 2e-6, 0.05),
      viewPoint('d', 2e-5, 2e-6, 0.05), // the same design figures as c
      viewPoint('e', 3e-5, 3e-6, 0.05), // beaten by c and d
      viewPoint('f', NaN, NaN, null, 'invalid config'),
      viewPoint('g', 1e-5, 1e-6, Infinity), // no usable error: left out on the error axes only
    ],
  };
  const s = sweepScatter(sweep, 'energy-error');
  // x is the error, y the energy.
  assert.deepEqual(
    s.front.map((p) => p.id),
    ['a', 'c', 'd', 'b'],
  );
  assert.equal(s.omitted, 2);
  const el = sweepScatter(sweep, 'energy-latency');
  // x is the latency: g beats every other design on both.
  assert.deepEqual(
    el.front.map((p) => p.id),
    ['g'],
  );
  // The same points, as the engine marks them for its report, give the same front.
  const pts = s.points.map((p) => [p.x, p.y] as const);
  assert.deepEqual(
    s.front.map((p) => p.id).sort(),
    s.points
      .filter((_, i) => nonDominated(pts)[i])
      .map((p) => p.id)
      .sort(),
  );
});

const identity = (errorMetric: string | null): SweepIdentity => ({
  base: 'test',
  baseFingerprint: '0',
  axes: [{ key: 'weights.adc.bits', values: [1, 2, 3, 4] }],
  mode: 'grid',
  gridSize: 4,
  samples: null,
  seed: 1,
  pointCount: 4,
  errorMetric,
});

function point(
  index: number,
  energy: number,
  latency: number,
  error: number | null,
  status: SweepPointResult['status'] = 'ok',
): SweepPointResult {
  return {
    index,
    values: { 'weights.adc.bits': index + 1 },
    status,
    error,
    pareto: [],
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
  assert.deepEqual(
    r.points.map((p) => p.pareto),
    [['energy-error'], ['energy-error', 'latency-error'], ['energy-error', 'latency-error'], ['latency-error']],
  );
});

test('without one, the front is energy–latency; invalid points are never on it', () => {
  const r = buildReport(identity(null), null, [
    point(3, 0.1, 0.1, null, 'invalid'),
    point(0, 1, 2, null),
    point(1, 2, 1, null),
    point(2, 2, 2, null),
  ]);
  assert.deepEqual(r.fronts, ['energy-latency']);
  assert.deepEqual(
    r.points.map((p) => [p.index, p.pareto]),
    [
      [0, ['energy-latency']],
      [1, ['energy-latency']],
      [2, []],
      [3, []],
    ],
  );
});
