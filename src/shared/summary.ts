/**
 * The readable summary of a simulation: what `aimc simulate` prints and what the extension shows
 * in its output channel, so both read the same.
 */
import { formatCount, formatEngineering, formatRatio } from './format';
import type { SimulationResult } from './result';

/** Columns padded to their widest cell; the first left-aligned, the rest right-aligned. */
export function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

function share(part: number, total: number): string {
  return total > 0 ? `${((100 * part) / total).toFixed(1)}%` : '';
}

export function formatSummary(r: SimulationResult): string {
  const out: string[] = [];
  const m = r.model;
  const w = r.workload;
  out.push(`${r.name}`);
  out.push(
    `model ${m.name}: ${m.layers} layers, d_model ${m.dModel}, ${m.heads} heads (${m.kvHeads} KV), FFN ${m.dFf} ${m.ffn}, ${formatCount(m.parameters)} parameters`,
  );
  out.push(
    `workload: ${w.mode}, batch ${w.batch}, ${w.contextTokens} context tokens, window ${w.window}, ${w.attendedKeysPerQuery.toFixed(0)} keys per query`,
  );
  out.push(`technology: ${r.technology.nodeNm} nm, ${formatEngineering(r.technology.clockHz, 'Hz')}`);
  out.push('');
  out.push(
    table([
      ['figure', 'value'],
      ['energy per token', formatEngineering(r.perToken.energyJ, 'J')],
      ['latency per token', formatEngineering(r.perToken.latencyS, 's')],
      ['tokens per second', formatEngineering(r.tokensPerSecond, 'tok/s')],
      ...(r.perSequence
        ? [
            ['energy per sequence', formatEngineering(r.perSequence.energyJ, 'J')],
            ['latency per sequence', formatEngineering(r.perSequence.latencyS, 's')],
          ]
        : []),
      ['area', `${Number(r.areaMm2.toPrecision(4))} mm²`],
      [
        'arrays (weight + KV)',
        `${r.mapping.arrays.toLocaleString('en-US')} (${r.mapping.weightArrays.toLocaleString('en-US')} + ${r.mapping.kvArrays.toLocaleString('en-US')})`,
      ],
      ['array utilisation', `${(r.mapping.utilization * 100).toFixed(1)}%`],
      ['chips', String(r.mapping.chips)],
      [
        `attention per layer (layer ${r.attention.layer}, ${r.attention.implementation})`,
        `${formatEngineering(r.attention.perLayerPerToken.energyJ, 'J')}, ${formatEngineering(r.attention.perLayerPerToken.latencyS, 's')}`,
      ],
      ['attention per head', formatEngineering(r.attention.perHeadPerTokenEnergyJ, 'J')],
    ]),
  );
  out.push('');
  const total = r.perToken.energyJ;
  const byComponent = Object.entries(r.breakdown.byComponent).sort((a, b) => b[1] - a[1]);
  out.push(
    table([
      ['energy by component', 'per token', 'share'],
      ...byComponent.map(([k, v]) => [k, formatEngineering(v, 'J'), share(v, total)]),
    ]),
  );
  out.push('');
  const byOp = Object.entries(r.breakdown.byOperation).sort((a, b) => b[1] - a[1]);
  out.push(
    table([
      ['energy by operation', 'per token', 'share', 'latency'],
      ...byOp.map(([k, v]) => [
        k,
        formatEngineering(v, 'J'),
        share(v, total),
        formatEngineering(r.breakdown.latencyByOperation[k] ?? 0, 's'),
      ]),
    ]),
  );
  if (r.baselines.length) {
    out.push('');
    out.push(
      table([
        ['baseline (roofline, datasheet peaks)', 'energy/token', 'latency/token', 'GPUs', 'speed-up', 'energy ratio'],
        ...r.baselines.map((b) => [
          b.name,
          formatEngineering(b.perToken.energyJ, 'J'),
          formatEngineering(b.perToken.latencyS, 's'),
          String(b.devices),
          formatRatio(b.speedup),
          formatRatio(b.energyRatio),
        ]),
      ]),
    );
  }
  return out.join('\n');
}
