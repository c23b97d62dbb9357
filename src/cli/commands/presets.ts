import { parseArgs } from 'node:util';
import { countParameters, GPUS, MODEL_PRESETS } from '../../engine';
import { formatEngineering } from '../../shared/format';
import { EXIT_OK, UsageError } from '../io';
import type { CliCommand } from './types';

export const presetsCommand: CliCommand = {
  name: 'presets',
  usage: 'aimc presets [--json]',
  summary: 'Model presets with shapes and parameter counts, GPUs with their specs',
  run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' } },
    });
    if (positionals.length) throw new UsageError('presets takes no file');
    const models = Object.entries(MODEL_PRESETS).map(([id, p]) => ({
      id,
      ...p.shape,
      parameters: countParameters(p.shape).total,
      source: p.source,
    }));
    const gpus = Object.values(GPUS);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ models, gpus }, null, 2)}\n`);
      return EXIT_OK;
    }
    const rows = [['model', 'layers', 'd_model', 'heads', 'kv', 'ffn', 'vocab', 'context', 'parameters']];
    for (const m of models)
      rows.push([
        m.id,
        String(m.layers),
        String(m.dModel),
        String(m.heads),
        String(m.kvHeads),
        `${m.dFf} ${m.ffn}`,
        String(m.vocab),
        String(m.context),
        m.parameters.toLocaleString('en-US'),
      ]);
    const grows = [['gpu', 'FP16 dense', 'bandwidth', 'memory', 'power']];
    for (const g of gpus)
      grows.push([
        g.id,
        formatEngineering(g.fp16Flops, 'FLOP/s'),
        formatEngineering(g.memoryBandwidthBytesPerS, 'B/s'),
        formatEngineering(g.memoryBytes, 'B'),
        `${g.boardPowerW} W`,
      ]);
    const fmt = (t: string[][]) => {
      const w = t[0].map((_, i) => Math.max(...t.map((r) => r[i].length)));
      return t.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
    };
    process.stdout.write(`${fmt(rows)}\n\n${fmt(grows)}\n`);
    return EXIT_OK;
  },
};
