/**
 * Gain-cell attention through the whole cost path: its figures scale from the paper's 28 nm to
 * the design node, and its latency follows the window's sub-tiles and how many run at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateText } from '../helpers/design';

/** GPT-2-small's shape with a context long enough for a 4096-token window. */
const MODEL =
  'version: 1\nmodel:\n  shape: { layers: 12, d_model: 768, heads: 12, d_ff: 3072, ffn: gelu, vocab: 50257, context: 8192 }\n';

const attention = (extra: string) => simulateText(`${MODEL}workload: { context_tokens: 4095 }\n${extra}`).attention;

test("gain-cell attention at the paper's node and window is its 6.15 nJ per head and 65 ns", () => {
  const a = attention('technology: { node_nm: 28 }\nattention: { window: 1024 }\n');
  assert.ok(Math.abs(a.perHeadPerTokenEnergyJ - 6.15e-9) < 1e-12, `${a.perHeadPerTokenEnergyJ}`);
  assert.ok(Math.abs(a.perLayerPerToken.latencyS - 65e-9) < 1e-15, `${a.perLayerPerToken.latencyS}`);
});

test('gain-cell attention energy scales with the node; its pulse-width latency does not', () => {
  const at28 = attention('technology: { node_nm: 28 }\nattention: { window: 1024 }\n');
  const at14 = attention('technology: { node_nm: 14 }\nattention: { window: 1024 }\n');
  assert.ok(Math.abs(at14.perHeadPerTokenEnergyJ / at28.perHeadPerTokenEnergyJ - 0.5) < 1e-9);
  assert.equal(at14.perLayerPerToken.latencyS, at28.perLayerPerToken.latencyS);
  // Figures given at the design node are used as given.
  const given = attention(
    'technology: { node_nm: 14 }\nattention: { window: 1024 }\ncomponents:\n  gain_cell: { reference_node_nm: 14 }\n  attention_dac: { reference_node_nm: 14 }\n',
  );
  assert.ok(Math.abs(given.perHeadPerTokenEnergyJ - 6.15e-9) < 1e-12);
});

test('gain-cell attention latency follows the window: one adder level per doubling of the sub-tiles', () => {
  const ns = (window: number, extra = '') =>
    attention(`technology: { node_nm: 28 }\nattention: { window: ${window} }\n${extra}`).perLayerPerToken.latencyS *
    1e9;
  assert.ok(Math.abs(ns(256) - 63) < 1e-6, `${ns(256)}`);
  assert.ok(Math.abs(ns(2048) - 66) < 1e-6, `${ns(2048)}`);
  assert.ok(Math.abs(ns(4096) - 67) < 1e-6, `${ns(4096)}`);
  // Only 16 sub-tiles at once: a 4096-token window (64 sub-tiles) takes 4 rounds of both pulses.
  const limited = ns(4096, 'components:\n  gain_cell: { parallel_subtiles: 16 }\n');
  assert.ok(Math.abs(limited - (4 * 30 + 37)) < 1e-6, `${limited}`);
});
