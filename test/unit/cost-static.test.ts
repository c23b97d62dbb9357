/**
 * Static energy (src/engine/cost/staticPower.ts, components/leakage.ts): leakage of the CMOS area
 * for the time a step takes, and gain-cell refresh when the window outlives the retention.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leakagePowerPerMm2W } from '../../src/engine/components/leakage';
import { resolveComponentParameters } from '../../src/engine/components/index';
import { attentionDacEnergyPerConversionJ } from '../../src/engine/components/attentionDac';
import { computeArea } from '../../src/engine/cost/area';
import { costContext } from '../../src/engine/cost/context';
import { Ledger } from '../../src/engine/cost/ledger';
import { bookStaticEnergy, staticPower } from '../../src/engine/cost/staticPower';
import { analyzeConfig } from '../../src/engine/index';
import { mapDesign } from '../../src/engine/mapping/map';
import { config } from '../helpers/design';

const P = resolveComponentParameters(undefined);

function built(extra: string) {
  const a = analyzeConfig(config('gpt2', extra), { simulate: false });
  if (!a.design) throw new Error(a.diagnostics.map((d) => d.message).join('; '));
  const ctx = costContext(a.design);
  const mapping = mapDesign(a.design);
  return { ctx, mapping, area: computeArea(ctx, mapping) };
}

test('leakage density: V_DD × I_off × off-width per area, 0.17 mW/mm² at 22 nm, ∝ 1 / node', () => {
  const offWidth45 = (0.415 + 0.63) / 2 / 0.532;
  const at22 = leakagePowerPerMm2W(P.leakage, 22);
  assert.ok(Math.abs(at22 - 0.85 * 100e-12 * offWidth45 * (45 / 22) * 1e6) < 1e-15);
  assert.ok(Math.abs(at22 - 0.17e-3) < 0.005e-3, `${at22}`);
  assert.ok(Math.abs(leakagePowerPerMm2W(P.leakage, 44) - at22 / 2) < 1e-15);
  assert.equal(leakagePowerPerMm2W({ ...P.leakage, power_per_mm2_w: 1e-3 }, 7), 1e-3);
});

test('leakage is charged on the CMOS area only: resistive cells and I/O level shifters draw none, SRAM cells do', () => {
  const rram = built('weights: { device: rram, bits_per_cell: 1 }\nattention: { implementation: digital }\n');
  const sram = built('weights: { device: sram, bits_per_cell: 1 }\nattention: { implementation: digital }\n');
  const r = staticPower(rram.ctx, rram.mapping, rram.area);
  const s = staticPower(sram.ctx, sram.mapping, sram.area);
  const cells = (b: typeof rram) => (b.area.byComponentMm2.crossbar ?? 0) + (b.area.byComponentMm2.level_shifter ?? 0);
  assert.ok(
    Math.abs(
      r.cmosAreaMm2 - (rram.area.totalMm2 - rram.area.byComponentMm2.crossbar - rram.area.byComponentMm2.level_shifter),
    ) < 1e-9,
  );
  assert.ok(Math.abs(s.cmosAreaMm2 - sram.area.totalMm2) < 1e-9);
  assert.ok(cells(rram) > 0);
  assert.ok(Math.abs(r.leakageW - r.cmosAreaMm2 * leakagePowerPerMm2W(P.leakage, 22)) < 1e-15);
});

test('gain-cell refresh: none unless the design sets a period, then values × E / period', () => {
  const none = built('attention: { window: 1024 }\n');
  assert.equal(staticPower(none.ctx, none.mapping, none.area).refreshByLayerW.size, 0);
  const b = built('attention: { window: 1024, refresh_s: 4e-3 }\n');
  const p = staticPower(b.ctx, b.mapping, b.area);
  assert.equal(p.refreshByLayerW.size, 12);
  const values = 2 * 12 * 1024 * 64; // K and V of 12 KV heads, window 1024, head dim 64
  const e = attentionDacEnergyPerConversionJ(P.attention_dac, 3, 64, 22);
  assert.ok(Math.abs(p.refreshByLayerW.get('0')! - (values * e) / 4e-3) < 1e-15);
  // Twice as often costs twice the power.
  const c = built('attention: { window: 1024, refresh_s: 2e-3 }\n');
  assert.ok(
    Math.abs(staticPower(c.ctx, c.mapping, c.area).refreshByLayerW.get('0')! / p.refreshByLayerW.get('0')! - 2) < 1e-12,
  );
});

test('static energy of a step is its static power × the step latency', () => {
  const b = built('attention: { window: 1024, refresh_s: 4e-3 }\n');
  const ledger = new Ledger();
  const p = bookStaticEnergy(b.ctx, b.mapping, b.area, ledger, 20e-6);
  const refreshW = [...p.refreshByLayerW.values()].reduce((x, y) => x + y, 0);
  assert.ok(refreshW > 0);
  assert.ok(Math.abs(ledger.byComponent.get('leakage')! - p.leakageW * 20e-6) < 1e-18);
  assert.ok(Math.abs(ledger.byComponent.get('refresh')! - refreshW * 20e-6) < 1e-15);
  // A slower step costs proportionally more static energy.
  const slow = new Ledger();
  bookStaticEnergy(b.ctx, b.mapping, b.area, slow, 40e-6);
  assert.ok(Math.abs(slow.byComponent.get('leakage')! / ledger.byComponent.get('leakage')! - 2) < 1e-12);
});
