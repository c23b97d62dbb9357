import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPcmDevice, pcmDriftMean, pcmDriftStd, pcmReadNoiseQs } from '../../src/engine/devices/pcm/model';
import { createRramDevice } from '../../src/engine/devices/rram/model';
import { createIdealDevice } from '../../src/engine/devices/ideal/model';
import { applyStuckAt } from '../../src/engine/devices/stuckAt';
import { irDropCorrection } from '../../src/engine/devices/irDrop';
import { NO_DEVICE_EFFECTS } from '../../src/engine/devices/types';
import { Rng } from '../../src/engine/functional/rng';
import { meanStd } from '../fixtures/functional/helpers';

const N = 40_000;
const filled = (v: number, n = N) => new Float32Array(n).fill(v);
/** Tolerance on a sample standard deviation: 5 standard errors (σ/√(2n)). */
const stdTol = (sigma: number, n = N) => (5 * sigma) / Math.sqrt(2 * n);

test('PCM programming noise follows the aihwkit polynomial σ(g_T)', () => {
  const pcm = createPcmDevice({}, { ...NO_DEVICE_EFFECTS, programmingNoise: true });
  for (const gT of [5, 12.5, 20, 25]) {
    const r = gT / 25;
    const sigma = 0.26348 + 1.965 * r - 1.1731 * r * r;
    assert.ok(Math.abs(pcm.programmingSigmaUs(gT) - sigma) < 1e-12);
    const { mean, std } = meanStd(pcm.program(filled(gT), new Rng(gT)));
    assert.ok(Math.abs(mean - gT) < (5 * sigma) / Math.sqrt(N), `mean ${mean} at ${gT} µS`);
    assert.ok(Math.abs(std - sigma) < stdTol(sigma), `σ ${std} vs ${sigma} at ${gT} µS`);
  }
  // At g_T = 0 the clamp at 0 µS leaves a half-normal: mean σ/√(2π).
  const zero = meanStd(pcm.program(filled(0), new Rng(1))).mean;
  assert.ok(Math.abs(zero - 0.26348 / Math.sqrt(2 * Math.PI)) < 0.005, `mean at 0 µS ${zero}`);
  // σ scales with g_max (coefficients are fitted at 25 µS).
  assert.ok(
    Math.abs(
      createPcmDevice({ gMaxUs: 50 }, { ...NO_DEVICE_EFFECTS, programmingNoise: true }).programmingSigmaUs(50) -
        2 * (0.26348 + 1.965 - 1.1731),
    ) < 1e-9,
  );
});

test('PCM drift exponents ν are |N(μ_ν, σ_ν)| with the published clipped fits', () => {
  assert.equal(pcmDriftMean(1), 0.049);
  assert.equal(pcmDriftStd(1), 0.008);
  assert.ok(Math.abs(pcmDriftMean(0.1) - (-0.0155 * Math.log(0.1) + 0.0244)) < 1e-15);
  assert.equal(pcmDriftMean(1e-9), 0.1);
  assert.equal(pcmDriftStd(1e-9), 0.045);
  const pcm = createPcmDevice({}, { ...NO_DEVICE_EFFECTS, drift: true });
  const tInf = 3600;
  const t0 = 20;
  for (const gT of [2.5, 25]) {
    const g = pcm.readAt(filled(gT), filled(gT), tInf, new Rng(7));
    // ν = −ln(g/g_prog) / ln(t/t0), t = t_inf + t0.
    const nu = Array.from(g, (v) => -Math.log(v / gT) / Math.log((tInf + t0) / t0));
    const { mean, std } = meanStd(nu);
    const mu = pcmDriftMean(gT / 25);
    const sd = pcmDriftStd(gT / 25);
    assert.ok(Math.abs(mean - mu) < (5 * sd) / Math.sqrt(N) + 0.001, `mean ν ${mean} vs ${mu}`);
    assert.ok(Math.abs(std - sd) < stdTol(sd) + 0.001, `σ_ν ${std} vs ${sd}`);
  }
  // No drift before t0 has passed.
  assert.deepEqual(pcm.readAt(filled(10, 4), filled(10, 4), 0, new Rng(1)), filled(10, 4));
});

test('PCM read noise is g·Q_s·√ln((t + t_read)/(2·t_read)) with t = t_inf + t0', () => {
  const pcm = createPcmDevice({}, { ...NO_DEVICE_EFFECTS, readNoise: true });
  assert.equal(pcmReadNoiseQs(1), 0.0088);
  assert.equal(pcmReadNoiseQs(1e-6), 0.2);
  for (const [gProg, tInf] of [
    [20, 3600],
    [5, 86400],
  ]) {
    const t = tInf + 20;
    const sigma = gProg * pcmReadNoiseQs(gProg / 25) * Math.sqrt(Math.log((t + 250e-9) / (2 * 250e-9)));
    assert.ok(Math.abs(pcm.readNoiseSigmaUs(gProg, tInf) - sigma) < 1e-12);
    const { mean, std } = meanStd(pcm.readAt(filled(gProg), filled(gProg), tInf, new Rng(gProg)));
    assert.ok(Math.abs(mean - gProg) < (5 * sigma) / Math.sqrt(N));
    assert.ok(Math.abs(std - sigma) < stdTol(sigma), `σ ${std} vs ${sigma}`);
  }
});

test('each PCM effect switches off on its own', () => {
  const g = filled(12, 100);
  const off = createPcmDevice({}, NO_DEVICE_EFFECTS);
  assert.deepEqual(off.program(g, new Rng(1)), g);
  assert.deepEqual(off.readAt(g, g, 1e6, new Rng(1)), g);
  assert.equal(off.programmingSigmaUs(12), 0);
  assert.equal(off.readNoiseSigmaUs(12, 1e6), 0);
  assert.equal(off.medianConductanceUs(12, 1e6), 12);
});

test('RRAM: conductance range from R_on/R_off, snapping to levels, variation as a fraction of the range', () => {
  const rram = createRramDevice({ levels: 4 }, NO_DEVICE_EFFECTS);
  assert.ok(Math.abs(rram.gMaxUs - 10) < 1e-12 && Math.abs(rram.gMinUs - 1e6 / 1.7e6) < 1e-12);
  const range = rram.gMaxUs - rram.gMinUs;
  const targets = Float32Array.from({ length: 101 }, (_, i) => rram.gMinUs + (i / 100) * range);
  const snapped = rram.program(targets, new Rng(1));
  const levels = new Set(Array.from(snapped, (v) => v.toFixed(4)));
  assert.equal(levels.size, 4);
  // Nearest of 4 levels: 40 % of the range sits closer to level 1 (33 %) than level 2 (67 %).
  assert.ok(Math.abs(snapped[40] - (rram.gMinUs + range / 3)) < 1e-5);

  const noisy = createRramDevice(
    { levels: 16, programmingSigma: 0.035 },
    { ...NO_DEVICE_EFFECTS, programmingNoise: true },
  );
  const level = noisy.gMinUs + (5 / 15) * (noisy.gMaxUs - noisy.gMinUs);
  const { mean, std } = meanStd(noisy.program(filled(level), new Rng(2)));
  const sigma = 0.035 * (noisy.gMaxUs - noisy.gMinUs);
  assert.ok(Math.abs(mean - level) < (5 * sigma) / Math.sqrt(N));
  assert.ok(Math.abs(std - sigma) < stdTol(sigma));
  assert.throws(() => createRramDevice({ rOnOhm: 2e6 }, NO_DEVICE_EFFECTS), /R_on < R_off/);
});

test('the ideal device holds exactly what it is programmed to', () => {
  const ideal = createIdealDevice();
  const g = Float32Array.from([0, 3, 25]);
  assert.deepEqual(ideal.readAt(g, ideal.program(g, new Rng(1)), 1e9, new Rng(2)), g);
});

test('stuck-at faults hit the configured fractions of cells', () => {
  const g = filled(12, 200_000);
  const { stuckOn, stuckOff } = applyStuckAt(g, 0, 25, { onFraction: 0.09, offFraction: 0.0175 }, new Rng(3));
  // Binomial standard deviations: √(n·p·(1−p)).
  assert.ok(Math.abs(stuckOn - 18_000) < 5 * Math.sqrt(200_000 * 0.09 * 0.91), `on ${stuckOn}`);
  assert.ok(Math.abs(stuckOff - 3500) < 5 * Math.sqrt(200_000 * 0.0175 * 0.9825), `off ${stuckOff}`);
  assert.equal(g.filter((v) => v === 25).length, stuckOn);
  assert.equal(g.filter((v) => v === 0).length, stuckOff);
  assert.throws(() => applyStuckAt(g, 0, 25, { onFraction: 0.7, offFraction: 0.4 }, new Rng(1)), RangeError);
});

test('first-order IR drop equals one fixed-point step of the column wire network', () => {
  const r = new Rng(4);
  const [T, R, C] = [3, 12, 5];
  const x = Float32Array.from({ length: T * R }, () => r.uniform());
  const g = Float32Array.from({ length: R * C }, () => 10 * r.uniform());
  const rw = 1e-3;
  const delta = irDropCorrection(x, T, g, R, C, rw);
  for (let t = 0; t < T; t++)
    for (let c = 0; c < C; c++) {
      // Node voltages by walking the wire from the far end (row 0) to the sense end.
      const current = Array.from({ length: R }, (_, i) => g[i * C + c] * x[t * R + i]);
      const volts: number[] = [];
      for (let i = 0; i < R; i++) {
        let v = 0;
        for (let seg = i; seg < R; seg++) {
          let through = 0;
          for (let j = 0; j <= seg; j++) through += current[j];
          v += rw * through;
        }
        volts.push(v);
      }
      const expected = volts.reduce((a, v, i) => a + g[i * C + c] * v, 0);
      assert.ok(Math.abs(delta[t * C + c] - expected) < 1e-6 * Math.abs(expected));
    }
  assert.ok(irDropCorrection(x, T, g, R, C, 0).every((v) => v === 0));
  // Longer columns drop more: the correction grows faster than the row count.
  const small = irDropCorrection(filled(1, 8), 1, filled(1, 8), 8, 1, rw)[0];
  const large = irDropCorrection(filled(1, 16), 1, filled(1, 16), 16, 1, rw)[0];
  assert.ok(large > 4 * small);
});
