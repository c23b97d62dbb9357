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

// ---------------------------------------------------------------------------------------------
// What dominates: the few shares that decide a design's cost, and what a change would save
// ---------------------------------------------------------------------------------------------

export interface DominantShare {
  readonly key: string;
  readonly value: number;
  /** Of the breakdown's total, 0…1. */
  readonly share: number;
}

export interface EnergySaving {
  /** E.g. "1 fewer ADC bit". */
  readonly change: string;
  readonly energyJ: number;
  /** Of the energy per token, 0…1. */
  readonly share: number;
}

export interface Dominance {
  /** The largest energy components, largest first (at most two). */
  readonly energy: readonly DominantShare[];
  readonly operation: DominantShare | null;
  readonly latency: DominantShare | null;
  readonly area: DominantShare | null;
  /** What shrinking the largest energy component would save, and how to shrink it. */
  readonly lever: { readonly key: string; readonly savings: readonly EnergySaving[]; readonly how: string } | null;
}

function ranked(record: Readonly<Record<string, number>> | undefined): DominantShare[] {
  const entries = Object.entries(record ?? {}).filter(([, v]) => Number.isFinite(v) && v > 0);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  return entries.sort((a, b) => b[1] - a[1]).map(([key, value]) => ({ key, value, share: value / total }));
}

/**
 * How the largest energy components shrink, from the cost model's own scaling (docs/cost-model.md):
 * a flash or MLSA ADC's energy doubles per bit (2^bits − 1 comparators), and the survey fit of a SAR
 * ADC does too above about 6 bits; the others are given as "halving it".
 */
const LEVERS: Readonly<Record<string, { readonly how: string; readonly perBit?: string }>> = {
  adc: {
    how: 'fewer ADC bits (`weights.adc.bits`), or more columns sharing an ADC (`weights.adc.columns_per_adc`)',
    perBit: 'ADC bit',
  },
  dac: { how: 'fewer DAC bits (`weights.dac.bits`), or bit-serial inputs (`weights.dac.bit_serial`)' },
  crossbar: { how: 'fewer bit slices (`weights.bits_per_cell`, `weights.weight_bits`) or another device' },
  dram: { how: 'keeping weights and the KV cache on chip (`digital.weight_storage`, `digital.kv_storage`: sram)' },
  digital_unit: { how: 'moving more matrices onto arrays (`layers:` overrides with `implementation: analog`)' },
  gain_cell: { how: 'a shorter attention window (`attention.window`)' },
  interconnect: { how: 'larger arrays (`weights.array`), so fewer tiles exchange partial sums' },
  accumulator: { how: 'larger arrays (`weights.array`), so fewer partial sums' },
  sram_buffer: { how: 'larger arrays (`weights.array`), so fewer buffered partial sums' },
};

export function whatDominates(r: SimulationResult): Dominance {
  const energy = ranked(r.breakdown.byComponent);
  const top = energy[0];
  const total = r.perToken.energyJ;
  let lever: Dominance['lever'] = null;
  if (top && total > 0) {
    const known = LEVERS[top.key];
    const savings: EnergySaving[] = known?.perBit
      ? [1, 2, 4].map((bits) => {
          const energyJ = top.value * (1 - 2 ** -bits);
          return { change: `${bits} fewer ${known.perBit}${bits === 1 ? '' : 's'}`, energyJ, share: energyJ / total };
        })
      : [{ change: 'halving it', energyJ: top.value / 2, share: top.value / 2 / total }];
    let how = known?.how ?? 'its component parameters (`components:`)';
    if (top.key === 'interconnect' && r.mapping.chips > 1) how += ', or fewer, larger chips (`chip.arrays_per_chip`)';
    lever = { key: top.key, savings, how };
  }
  return {
    energy: energy.slice(0, 2),
    operation: ranked(r.breakdown.byOperation)[0] ?? null,
    latency: ranked(r.breakdown.latencyByOperation)[0] ?? null,
    area: ranked(r.areaByComponentMm2)[0] ?? null,
    lever,
  };
}

function percent(share: number): string {
  const p = 100 * share;
  return p >= 10 ? `${p.toFixed(0)} %` : `${p.toFixed(1)} %`;
}

/** The dominance as sentences; `labelOf` names breakdown keys (the panel passes its labels). */
export function dominanceLines(r: SimulationResult, labelOf: (key: string) => string = (k) => k): string[] {
  const d = whatDominates(r);
  const lines: string[] = [];
  const [first, second] = d.energy;
  if (first)
    lines.push(
      `${labelOf(first.key)}: ${percent(first.share)} of the energy per token (${formatEngineering(first.value, 'J')})${second ? `; then ${labelOf(second.key)}, ${percent(second.share)}` : ''}.`,
    );
  if (d.lever) {
    const name = labelOf(d.lever.key);
    const [one, ...more] = d.lever.savings;
    const saving = (s: EnergySaving) => `${formatEngineering(s.energyJ, 'J')} (${percent(s.share)})`;
    if (LEVERS[d.lever.key]?.perBit)
      lines.push(
        `Where ${name} energy doubles per bit (flash and MLSA ADCs; SAR above about 6 bits), ${one.change} would save about ${saving(one)} per token${more.length ? `, ${more.map((s) => `${s.change} about ${saving(s)}`).join(', ')}` : ''}. Levers: ${d.lever.how}.`,
      );
    else lines.push(`Halving ${name} energy would save about ${saving(one)} per token. Levers: ${d.lever.how}.`);
  }
  if (d.operation)
    lines.push(`By operation, ${labelOf(d.operation.key)} takes ${percent(d.operation.share)} of the energy.`);
  if (d.latency)
    lines.push(
      `${labelOf(d.latency.key)} takes ${percent(d.latency.share)} of the latency per token before layer pipelining.`,
    );
  if (d.area)
    lines.push(
      `${labelOf(d.area.key)}: ${percent(d.area.share)} of the area (${Number(d.area.value.toPrecision(3)).toLocaleString('en-US')} mm²).`,
    );
  return lines;
}
