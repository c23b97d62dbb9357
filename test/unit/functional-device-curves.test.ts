import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceCurves, formatDeviceCurvesCsv, formatDeviceCurvesJson } from '../../src/engine/functional/deviceCurves';
import { resolveNonidealities } from '../../src/engine/functional/settings';
import { pcmDriftMean, pcmReadNoiseQs } from '../../src/engine/devices/pcm/model';

test('PCM curves: drift follows (t/t0)^−μ_ν, σ_prog the polynomial, read noise the 1/f fit', () => {
  const c = deviceCurves('pcm');
  assert.equal(c.gMaxUs, 25);
  for (const series of c.drift) {
    const nu = pcmDriftMean(series.gTargetUs / 25);
    for (const p of series.points) {
      const expected = p.tS > 0 ? series.gTargetUs * ((p.tS + 20) / 20) ** -nu : series.gTargetUs;
      assert.ok(Math.abs(p.gUs - expected) < 1e-9 * series.gTargetUs);
    }
    assert.ok(
      series.points.every((p, i) => i === 0 || p.gUs < series.points[i - 1].gUs),
      'conductance falls with time',
    );
  }
  const top = c.programming[c.programming.length - 1];
  assert.equal(top.gTargetUs, 25);
  assert.ok(Math.abs(top.sigmaUs - (0.26348 + 1.965 - 1.1731)) < 1e-12);
  // Read noise: |g_drift|·Q_s(g)·√ln((t + t0 + t_read)/(2·t_read)); relative to the drifted conductance it grows with time.
  for (const series of c.readNoise) {
    const g = series.gProgrammedUs;
    const qs = pcmReadNoiseQs(g / 25);
    series.points.forEach((p, i) => {
      const drifted = g * ((p.tS + 20) / 20) ** -pcmDriftMean(g / 25);
      const expected = drifted * qs * Math.sqrt(Math.log((p.tS + 20 + 250e-9) / (2 * 250e-9)));
      assert.ok(Math.abs(p.sigmaUs - expected) < 1e-9 * expected);
      if (i > 0)
        assert.ok(
          p.sigmaUs / drifted >
            series.points[i - 1].sigmaUs / (g * ((series.points[i - 1].tS + 20) / 20) ** -pcmDriftMean(g / 25)),
        );
    });
  }
  // Switched-off effects give flat curves.
  const quiet = deviceCurves('pcm', { ...resolveNonidealities(), drift: false, readNoise: false });
  assert.ok(quiet.drift.every((s) => s.points.every((p) => p.gUs === s.gTargetUs)));
  assert.ok(quiet.readNoise.every((s) => s.points.every((p) => p.sigmaUs === 0)));
});

test('RRAM curves: constant σ, conductances on levels, no drift', () => {
  const c = deviceCurves('rram', resolveNonidealities(), { bitsPerCell: 2 });
  const sigma = 0.035 * (c.gMaxUs - c.gMinUs);
  assert.ok(c.programming.every((p) => Math.abs(p.sigmaUs - sigma) < 1e-12));
  assert.ok(c.drift.every((s) => s.points.every((p) => p.gUs === s.points[0].gUs)));
  assert.equal(c.parameters.levels.value, 4);
});

test('CSV and JSON carry every point', () => {
  const c = deviceCurves('pcm', resolveNonidealities(), { timesS: [1, 10, 100] });
  const csv = formatDeviceCurvesCsv(c).trim().split('\n');
  assert.equal(csv[0], 'curve,series_g_us,x,x_unit,y,y_unit');
  assert.equal(csv.length, 1 + c.drift.length * 3 + c.programming.length + c.readNoise.length * 3);
  assert.ok(csv.slice(1).every((line) => line.split(',').length === 6));
  assert.match(csv[1], /^drift,2\.5,1,s,[0-9.]+,uS$/);
  assert.deepEqual(JSON.parse(formatDeviceCurvesJson(c)), JSON.parse(JSON.stringify(c)));
});
