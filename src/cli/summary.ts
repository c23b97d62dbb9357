/**
 * The CLI's tables and CSV, shared with the extension through src/shared. The CLI's summary replaces
 * the shared one's GPU table with the comparison of the power model: whole model (typical and bound)
 * and attention alone by Leroux et al.'s method (roofline and measured).
 */
import { formatEngineering, formatRatio } from '../shared/format';
import type { SimulationResult } from '../shared/result';
import { formatSummary as formatSharedSummary, table } from '../shared/summary';

export { table } from '../shared/summary';
export { csvCell, formatCsv } from '../shared/resultCsv';

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}

/** The whole-model GPU comparison: power-model energy and typical latency, with their bounds. */
export function formatGpuComparison(r: SimulationResult): string {
  if (!r.baselines.length) return '';
  const out: string[] = [];
  const eff = r.baselines.find((b) => b.efficiency)?.efficiency;
  out.push(
    table([
      [
        'GPU, whole model (per token)',
        'energy',
        'upper bound',
        'latency',
        'roofline bound',
        'GPUs',
        'speed-up',
        'energy ratio',
      ],
      ...r.baselines.map((b) => [
        b.name,
        formatEngineering(b.perToken.energyJ, 'J'),
        b.energyUpperBoundJ !== undefined ? formatEngineering(b.energyUpperBoundJ, 'J') : '',
        formatEngineering(b.perToken.latencyS, 's'),
        b.latencyBoundS !== undefined ? formatEngineering(b.latencyBoundS, 's') : '',
        String(b.devices),
        b.speedupBound !== undefined
          ? `${formatRatio(b.speedup)} (≥ ${formatRatio(b.speedupBound)})`
          : formatRatio(b.speedup),
        b.energyRatioUpperBound !== undefined
          ? `${formatRatio(b.energyRatio)} (≤ ${formatRatio(b.energyRatioUpperBound)})`
          : formatRatio(b.energyRatio),
      ]),
    ]),
  );
  out.push(
    `energy = static power × time + energy per byte moved + energy per FLOP; upper bound = board power × time.${eff ? ` Latency at ${percent(eff.bandwidth)} of peak bandwidth and ${percent(eff.flops)} of peak FLOP/s; roofline bound at datasheet peaks.` : ''}`,
  );
  const a = r.attention.baselines;
  if (a?.length) {
    const design = r.attention.perLayerPerToken;
    const reported = a.some((b) => b.reportedSpeedup !== undefined);
    const measured = a.some((b) => b.kind === 'measured');
    const paper = (cells: string[], value: string) => (reported ? [...cells, value] : cells);
    out.push('');
    out.push(
      table([
        paper(
          [
            `attention, layer ${r.attention.layer}, one token (${r.model.heads} heads, ${r.workload.attendedKeysPerQuery.toFixed(0)} keys)`,
            'energy',
            'latency',
            'speed-up',
            'energy ratio',
          ],
          'paper',
        ),
        paper(
          [
            `this design (${r.attention.implementation})`,
            formatEngineering(design.energyJ, 'J'),
            formatEngineering(design.latencyS, 's'),
            '',
            '',
          ],
          '',
        ),
        ...a.map((b) =>
          paper(
            [
              `${b.name} (${b.kind === 'measured' ? `measured, batch ${b.batch ?? '?'}` : 'roofline, FP16'})`,
              formatEngineering(b.perLayerPerToken.energyJ, 'J'),
              formatEngineering(b.perLayerPerToken.latencyS, 's'),
              b.speedupBound !== undefined
                ? `${formatRatio(b.speedup)} (≥ ${formatRatio(b.speedupBound)})`
                : formatRatio(b.speedup),
              formatRatio(b.energyRatio),
            ],
            b.reportedSpeedup !== undefined && b.reportedEnergyRatio !== undefined
              ? `${formatRatio(b.reportedSpeedup)} / ${formatRatio(b.reportedEnergyRatio)}`
              : '',
          ),
        ),
      ]),
    );
    out.push(
      `GPU energy without idle power, as Leroux et al. measured it. Roofline: FP16 K and V read once (fused decode kernel).${measured ? " Measured: the authors' fp32 PyTorch runs (tests_divers/*.json)." : ''}${reported ? ' "paper": the speed-up / energy ratio the paper reports against that GPU.' : ''}`,
    );
  }
  return out.join('\n');
}

/** What `aimc simulate` prints: the shared summary with the GPU comparison above. */
export function formatSummary(r: SimulationResult): string {
  const body = formatSharedSummary({ ...r, baselines: [] });
  const gpus = formatGpuComparison(r);
  return gpus ? `${body}\n\n${gpus}` : body;
}
