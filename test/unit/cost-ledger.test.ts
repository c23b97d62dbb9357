/**
 * The Ledger on its own (src/engine/cost/ledger.ts): energy booked by component, operation and
 * layer, stage timings with parallel keys, step latency with layer pipelining, and the errors for
 * energies and latencies that cannot be booked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COST_COMPONENTS, Ledger, layerKey } from '../../src/engine/cost/ledger';

const sum = (m: ReadonlyMap<unknown, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Every map of a ledger as plain data, to compare a ledger before and after a refused booking. */
function snapshot(l: Ledger): unknown {
  return {
    totalJ: l.totalJ,
    byComponent: [...l.byComponent],
    byOperation: [...l.byOperation],
    byLayer: [...l.byLayer],
    byLayerOperation: [...l.byLayerOperation],
    byLayerComponent: [...l.byLayerComponent].map(([k, m]) => [k, [...m]]),
    latencyByOperation: [...l.latencyByOperation],
    stages: l.stages.map((s) => ({ ...s })),
  };
}

test('layerKey: block indices as strings, negative layers as embedding or lm_head', () => {
  assert.equal(layerKey(0), '0');
  assert.equal(layerKey(11, 'ffn'), '11');
  assert.equal(layerKey(-1, 'lm_head'), 'lm_head');
  assert.equal(layerKey(-1), 'embedding');
  assert.equal(layerKey(-1, 'digital'), 'embedding');
  // A block index is never renamed, whatever the group.
  assert.equal(layerKey(3, 'lm_head'), '3');
});

test('COST_COMPONENTS lists each component once', () => {
  assert.equal(new Set(COST_COMPONENTS).size, COST_COMPONENTS.length);
  for (const c of [
    'dac',
    'attention_dac',
    'adc',
    'crossbar',
    'gain_cell',
    'accumulator',
    'sram_buffer',
    'interconnect',
    'digital_unit',
    'dram',
  ]) {
    assert.ok((COST_COMPONENTS as readonly string[]).includes(c), c);
  }
});

test('a new ledger is empty', () => {
  const l = new Ledger();
  assert.equal(l.totalJ, 0);
  for (const m of [
    l.byComponent,
    l.byOperation,
    l.byLayer,
    l.byLayerOperation,
    l.byLayerComponent,
    l.latencyByOperation,
  ])
    assert.equal(m.size, 0);
  assert.equal(l.stages.length, 0);
  assert.equal(l.stepLatencyS(1), 0);
  assert.equal(l.stepLatencyS(100), 0);
});

test('add books one energy to its component, operation, layer, layer×component and layer|operation', () => {
  const l = new Ledger();
  l.add('adc', 'qkv', '3', 2e-12);
  assert.equal(l.totalJ, 2e-12);
  assert.deepEqual([...l.byComponent], [['adc', 2e-12]]);
  assert.deepEqual([...l.byOperation], [['qkv', 2e-12]]);
  assert.deepEqual([...l.byLayer], [['3', 2e-12]]);
  assert.deepEqual([...l.byLayerOperation], [['3|qkv', 2e-12]]);
  assert.deepEqual([...l.byLayerComponent.keys()], ['3']);
  assert.deepEqual([...l.byLayerComponent.get('3')!], [['adc', 2e-12]]);
  // Energy is not latency, and not a stage.
  assert.equal(l.latencyByOperation.size, 0);
  assert.equal(l.stages.length, 0);
});

test('add accumulates: repeated keys sum, different keys stay apart', () => {
  const l = new Ledger();
  l.add('adc', 'qkv', '0', 1);
  l.add('adc', 'qkv', '0', 2);
  l.add('dac', 'qkv', '0', 4);
  l.add('adc', 'ffn', '1', 8);
  l.add('dram', 'lm_head', 'lm_head', 16);
  assert.equal(l.totalJ, 31);
  assert.equal(l.byComponent.get('adc'), 11);
  assert.equal(l.byComponent.get('dac'), 4);
  assert.equal(l.byComponent.get('dram'), 16);
  assert.equal(l.byOperation.get('qkv'), 7);
  assert.equal(l.byOperation.get('ffn'), 8);
  assert.equal(l.byOperation.get('lm_head'), 16);
  assert.equal(l.byLayer.get('0'), 7);
  assert.equal(l.byLayer.get('1'), 8);
  assert.equal(l.byLayer.get('lm_head'), 16);
  assert.equal(l.byLayerOperation.get('0|qkv'), 7);
  assert.equal(l.byLayerOperation.get('1|ffn'), 8);
  assert.equal(l.byLayerOperation.get('lm_head|lm_head'), 16);
  assert.equal(l.byLayerComponent.get('0')!.get('adc'), 3);
  assert.equal(l.byLayerComponent.get('0')!.get('dac'), 4);
  assert.equal(l.byLayerComponent.get('1')!.get('adc'), 8);
  assert.equal(l.byLayerComponent.get('1')!.get('dac'), undefined);
});

test('every breakdown of the energy adds up to the total', () => {
  const l = new Ledger();
  // A deterministic spread of bookings over components, groups and layers.
  const groups = [
    'qkv',
    'attention_scores',
    'attention_values',
    'output_projection',
    'ffn',
    'digital',
    'lm_head',
  ] as const;
  let expected = 0;
  for (let i = 0; i < 200; i++) {
    const e = ((i * 7919) % 101) * 1e-13;
    l.add(COST_COMPONENTS[i % COST_COMPONENTS.length], groups[i % groups.length], String(i % 5), e);
    expected += e;
  }
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.abs(b);
  assert.ok(close(l.totalJ, expected));
  assert.ok(close(sum(l.byComponent), l.totalJ));
  assert.ok(close(sum(l.byOperation), l.totalJ));
  assert.ok(close(sum(l.byLayer), l.totalJ));
  assert.ok(close(sum(l.byLayerOperation), l.totalJ));
  assert.ok(
    close(
      [...l.byLayerComponent.values()].reduce((a, m) => a + sum(m), 0),
      l.totalJ,
    ),
  );
  // Per layer, its components add up to the layer, and so do its operations.
  for (const [layer, e] of l.byLayer) {
    assert.ok(close(sum(l.byLayerComponent.get(layer)!), e), layer);
    const ops = [...l.byLayerOperation].filter(([k]) => k.startsWith(`${layer}|`)).reduce((a, [, v]) => a + v, 0);
    assert.ok(close(ops, e), layer);
  }
});

test('a zero energy is accepted and books nothing, not even an empty entry', () => {
  const l = new Ledger();
  l.add('digital_unit', 'digital', 'embedding', 0);
  l.add('gain_cell', 'attention_values', '0', -0);
  assert.equal(l.totalJ, 0);
  for (const m of [l.byComponent, l.byOperation, l.byLayer, l.byLayerOperation, l.byLayerComponent])
    assert.equal(m.size, 0);
  l.add('gain_cell', 'attention_values', '0', 1e-12);
  l.add('gain_cell', 'attention_values', '0', 0);
  assert.equal(l.byComponent.get('gain_cell'), 1e-12);
});

test('add refuses a NaN energy with a message naming the component, operation and layer', () => {
  const l = new Ledger();
  assert.throws(
    () => l.add('adc', 'qkv', '3', NaN),
    (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.equal(
        e.message,
        'cost model: component "adc" gave a non-finite energy (NaN J) for operation "qkv" of layer 3; check its parameters',
      );
      return true;
    },
  );
});

test('add refuses infinite and negative energies, and names where they came from', () => {
  const l = new Ledger();
  const cases: Array<[number, RegExp]> = [
    [Infinity, /non-finite energy \(Infinity J\)/],
    [-Infinity, /non-finite energy \(-Infinity J\)/],
    [-1e-12, /negative energy \(-1e-12 J\)/],
    [-Number.MIN_VALUE, /negative energy/],
  ];
  for (const [e, re] of cases) {
    assert.throws(() => l.add('dram', 'lm_head', 'lm_head', e), re, String(e));
    assert.throws(
      () => l.add('dram', 'lm_head', 'lm_head', e),
      /component "dram".*operation "lm_head" of layer lm_head/,
      String(e),
    );
  }
  assert.throws(
    () => l.add('sram_buffer', 'digital', 'embedding', NaN),
    /component "sram_buffer".*operation "digital" of layer embedding/,
  );
});

test('a refused energy leaves the ledger as it was', () => {
  const l = new Ledger();
  l.add('adc', 'qkv', '0', 5);
  l.stage('qkv', { fillS: 1e-9, intervalS: 1e-9 }, 2, '0|qkv');
  const before = snapshot(l);
  for (const e of [NaN, Infinity, -1]) assert.throws(() => l.add('adc', 'qkv', '0', e));
  assert.deepEqual(snapshot(l), before);
  // And the ledger goes on booking afterwards.
  l.add('adc', 'qkv', '0', 1);
  assert.equal(l.byComponent.get('adc'), 6);
});

test("stage returns one operation's unpipelined latency: fill plus one interval per further vector", () => {
  const l = new Ledger();
  assert.equal(l.stage('ffn', { fillS: 10, intervalS: 3 }, 1), 10);
  assert.equal(l.stage('ffn', { fillS: 10, intervalS: 3 }, 4), 10 + 3 * 3);
  // No vectors still costs the fill (the count is clamped at one).
  assert.equal(l.stage('ffn', { fillS: 10, intervalS: 3 }, 0), 10);
  assert.equal(l.stages.length, 3);
  assert.equal(l.latencyByOperation.get('ffn'), 10 + 19 + 10);
});

test('stages without a parallel key run one after another', () => {
  const l = new Ledger();
  l.stage('qkv', { fillS: 5, intervalS: 1 }, 1);
  l.stage('output_projection', { fillS: 7, intervalS: 2 }, 1);
  l.stage('ffn', { fillS: 11, intervalS: 4 }, 1);
  assert.equal(l.stages.length, 3);
  assert.equal(l.stepLatencyS(1), 5 + 7 + 11);
  assert.deepEqual(
    [...l.latencyByOperation],
    [
      ['qkv', 5],
      ['output_projection', 7],
      ['ffn', 11],
    ],
  );
});

test('stages sharing the parallel key of the stage just before run side by side: only the longer part adds time', () => {
  const l = new Ledger();
  // Q, K and V of layer 0 read the same input.
  assert.equal(l.stage('qkv', { fillS: 10, intervalS: 2 }, 1, '0|qkv'), 10);
  // A shorter parallel stage adds nothing, but stage() still returns its own latency.
  assert.equal(l.stage('qkv', { fillS: 6, intervalS: 1 }, 1, '0|qkv'), 6);
  assert.equal(l.stages.length, 1);
  assert.equal(l.latencyByOperation.get('qkv'), 10);
  assert.equal(l.stepLatencyS(1), 10);
  // A longer one adds only its excess.
  l.stage('qkv', { fillS: 13, intervalS: 1 }, 1, '0|qkv');
  assert.equal(l.stages.length, 1);
  assert.equal(l.latencyByOperation.get('qkv'), 13);
  assert.equal(l.stepLatencyS(1), 13);
  // The merged stage keeps the longer fill and the longer interval, which may come from different stages.
  assert.deepEqual(l.stages[0], { fillS: 13, intervalS: 2 });
});

test('merged parallel stages count their excess over several vectors', () => {
  const l = new Ledger();
  const v = 5;
  l.stage('ffn', { fillS: 10, intervalS: 2 }, v, '0|gate_up');
  // Shorter fill, longer interval: over 5 vectors it takes 8 + 4·3 = 20 against 10 + 4·2 = 18.
  l.stage('ffn', { fillS: 8, intervalS: 3 }, v, '0|gate_up');
  assert.deepEqual(l.stages, [{ fillS: 10, intervalS: 3 }]);
  // The merged stage runs 10 + 4·3 = 22: 4 more than the first stage alone.
  assert.equal(l.latencyByOperation.get('ffn'), 22);
});

test('a parallel key only merges with the stage booked just before it', () => {
  const l = new Ledger();
  l.stage('qkv', { fillS: 10, intervalS: 1 }, 1, '0|qkv');
  l.stage('attention_scores', { fillS: 4, intervalS: 0 }, 1);
  // Same key, but another stage came between: a new stage.
  l.stage('qkv', { fillS: 3, intervalS: 1 }, 1, '0|qkv');
  assert.equal(l.stages.length, 3);
  assert.equal(l.stepLatencyS(1), 17);
  // Different keys never merge, even back to back.
  const m = new Ledger();
  m.stage('qkv', { fillS: 10, intervalS: 1 }, 1, '0|qkv');
  m.stage('qkv', { fillS: 10, intervalS: 1 }, 1, '1|qkv');
  assert.equal(m.stages.length, 2);
  assert.equal(m.stepLatencyS(1), 20);
  // A keyless stage after a keyed one does not merge with it.
  const n = new Ledger();
  n.stage('ffn', { fillS: 10, intervalS: 1 }, 1, '0|gate_up');
  n.stage('ffn', { fillS: 2, intervalS: 1 }, 1);
  assert.equal(n.stages.length, 2);
  assert.equal(n.latencyByOperation.get('ffn'), 12);
});

test('step latency pipelines layers: one path through every stage plus the slowest interval per further vector', () => {
  const l = new Ledger();
  l.stage('qkv', { fillS: 5, intervalS: 2 }, 4);
  l.stage('ffn', { fillS: 7, intervalS: 3 }, 4);
  l.stage('digital', { fillS: 1, intervalS: 1 }, 4);
  assert.equal(l.stepLatencyS(1), 13);
  assert.equal(l.stepLatencyS(4), 13 + 3 * 3);
  assert.equal(l.stepLatencyS(0), 13);
  // Pipelined, the step is never longer than the stages one after another, and never shorter than the slowest stage.
  const unpipelined = sum(l.latencyByOperation);
  assert.equal(unpipelined, 5 + 3 * 2 + (7 + 3 * 3) + (1 + 3 * 1));
  assert.ok(l.stepLatencyS(4) <= unpipelined);
  assert.ok(l.stepLatencyS(4) >= 7 + 3 * 3);
});

test('with one vector per step, the latencies by operation add up to the step latency', () => {
  const l = new Ledger();
  l.stage('qkv', { fillS: 4, intervalS: 4 }, 1, '0|qkv');
  l.stage('qkv', { fillS: 6, intervalS: 6 }, 1, '0|qkv');
  l.stage('qkv', { fillS: 5, intervalS: 5 }, 1, '0|qkv');
  l.stage('attention_scores', { fillS: 15, intervalS: 0 }, 1);
  l.stage('attention_values', { fillS: 50, intervalS: 0 }, 1);
  l.stage('ffn', { fillS: 8, intervalS: 8 }, 1, '0|gate_up');
  l.stage('ffn', { fillS: 9, intervalS: 9 }, 1, '0|gate_up');
  l.stage('ffn', { fillS: 8, intervalS: 8 }, 1);
  assert.equal(l.stepLatencyS(1), 6 + 15 + 50 + 9 + 8);
  assert.equal(sum(l.latencyByOperation), l.stepLatencyS(1));
});

test('stage refuses a non-finite or negative fill, interval or vector count and names the operation', () => {
  const l = new Ledger();
  assert.throws(
    () => l.stage('ffn', { fillS: NaN, intervalS: 0 }, 1),
    /cost model: stage of operation "ffn" gave a non-finite fill time \(NaN s\)/,
  );
  assert.throws(() => l.stage('ffn', { fillS: 1, intervalS: Infinity }, 1), /non-finite interval \(Infinity s\)/);
  assert.throws(() => l.stage('ffn', { fillS: -1e-9, intervalS: 0 }, 1), /negative fill time \(-1e-9 s\)/);
  assert.throws(() => l.stage('ffn', { fillS: 1, intervalS: -1 }, 1), /negative interval/);
  assert.throws(() => l.stage('ffn', { fillS: 1, intervalS: 1 }, NaN), /non-finite vector count/);
  assert.throws(() => l.stage('ffn', { fillS: 1, intervalS: 1 }, -2), /negative vector count/);
  // The parallel key, which carries the layer, is named too.
  assert.throws(
    () => l.stage('qkv', { fillS: NaN, intervalS: 0 }, 1, '3|qkv'),
    /operation "qkv" \(parallel group "3\|qkv"\)/,
  );
  // Zero latency is fine (e.g. embedding lookups with no arithmetic).
  assert.equal(l.stage('digital', { fillS: 0, intervalS: 0 }, 3), 0);
});

test('a refused stage leaves the stages and the parallel key as they were', () => {
  const l = new Ledger();
  l.stage('qkv', { fillS: 10, intervalS: 1 }, 1, '0|qkv');
  const before = snapshot(l);
  assert.throws(() => l.stage('qkv', { fillS: NaN, intervalS: 1 }, 1, '0|qkv'));
  assert.throws(() => l.stage('ffn', { fillS: 1, intervalS: -1 }, 1));
  assert.deepEqual(snapshot(l), before);
  // The refused keyless stage did not reset the parallel key: the next Q/K/V stage still merges.
  l.stage('qkv', { fillS: 12, intervalS: 1 }, 1, '0|qkv');
  assert.equal(l.stages.length, 1);
  assert.equal(l.latencyByOperation.get('qkv'), 12);
});
