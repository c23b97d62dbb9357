import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPcmDevice } from '../../src/engine/devices/pcm/model';
import { Rng } from '../../src/engine/functional/rng';
import { pcmCellKernel, usePcmCellKernel } from '../../src/engine/kernels/pcmCellKernel';
import { ALL_DEVICE_EFFECTS, type DeviceEffects } from '../../src/engine/devices/types';

/** Targets on the 16 levels of a 4-bit cell, g_max 25 µS, in a scrambled order. */
const n = 5000;
const targets = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 16) * (25 / 15));

function readBoth(effects: DeviceEffects, tInferenceS: number): [Float32Array, Float32Array] {
  const device = createPcmDevice({}, effects);
  const programmed = device.program(targets, new Rng(3));
  const fast = device.readAt(targets, programmed, tInferenceS, new Rng(5));
  usePcmCellKernel(false);
  try {
    return [fast, device.readAt(targets, programmed, tInferenceS, new Rng(5))];
  } finally {
    usePcmCellKernel(true);
  }
}

test('the WebAssembly read-out of PCM cells matches the JavaScript one cell by cell', () => {
  assert.ok(pcmCellKernel(), 'Node 20 validates WebAssembly SIMD');
  const cases: Array<[DeviceEffects, number]> = [
    [ALL_DEVICE_EFFECTS, 0],
    [ALL_DEVICE_EFFECTS, 3600],
    [ALL_DEVICE_EFFECTS, 3.15e7],
    [{ programmingNoise: true, drift: true, readNoise: false }, 86400],
    [{ programmingNoise: true, drift: false, readNoise: true }, 86400],
    [{ programmingNoise: false, drift: false, readNoise: false }, 86400],
  ];
  for (const [effects, t] of cases) {
    const [fast, slow] = readBoth(effects, t);
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const err = Math.abs(fast[i] - slow[i]);
      assert.ok(err <= 1e-4 * Math.max(1, Math.abs(slow[i])), `cell ${i} at t=${t}: ${fast[i]} vs ${slow[i]}`);
      if (fast[i] !== targets[i]) changed++;
    }
    const anyEffect = effects.drift || effects.readNoise || effects.programmingNoise;
    assert.equal(changed > n / 2, anyEffect, `effects ${JSON.stringify(effects)} change the cells`);
  }
});

test('drift exponents are a property of the cell: the same at every time of inference', () => {
  const device = createPcmDevice({}, { programmingNoise: true, drift: true, readNoise: false });
  const programmed = device.program(targets, new Rng(3));
  const at = (t: number) => device.readAt(targets, programmed, t, new Rng(5));
  const [a, b] = [at(100), at(1e6)];
  // g(t) = g_P·((t + t0)/t0)^(−ν): ν recovered from two times agrees cell by cell.
  const t0 = 20;
  for (let i = 0; i < n; i += 37) {
    if (programmed[i] < 0.5) continue;
    const nuA = -Math.log(a[i] / programmed[i]) / Math.log((100 + t0) / t0);
    const nuB = -Math.log(b[i] / programmed[i]) / Math.log((1e6 + t0) / t0);
    assert.ok(Math.abs(nuA - nuB) < 1e-3, `cell ${i}: ν ${nuA} at 100 s, ${nuB} at 10⁶ s`);
  }
});

test('the WebAssembly programming of PCM cells matches the JavaScript one cell by cell', () => {
  for (const gMaxUs of [25, 40]) {
    const device = createPcmDevice({ gMaxUs, progNoiseScale: 1.5 }, ALL_DEVICE_EFFECTS);
    const scaled = targets.map((g) => (g * gMaxUs) / 25);
    const fast = device.program(scaled, new Rng(8));
    usePcmCellKernel(false);
    const slow = device.program(scaled, new Rng(8));
    usePcmCellKernel(true);
    let zeros = 0;
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(fast[i] - slow[i]) <= 1e-5 * Math.max(1, slow[i]), `cell ${i}: ${fast[i]} vs ${slow[i]}`);
      if (fast[i] === 0) zeros++;
    }
    // Cells at g_min = 0 µS are clipped at 0 about half the time; 1/16 of the cells sit there.
    assert.ok(zeros > n / 40 && zeros < n / 20, `${zeros} cells at 0`);
  }
});
