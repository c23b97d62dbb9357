import { parseArgs } from 'node:util';
import { formatDiagnostic } from '../../shared/diagnostics';
import { analyzeConfig } from '../../engine/config/analyze';
import { DEVICE_MODEL_NAMES } from '../../engine/devices/index';
import { formatDeviceCurvesCsv, formatDeviceCurvesJson } from '../../engine/functional/index';
import type { DeviceCurves } from '../../shared/functionalResult';
import { deviceCurvesOfConfig } from '../../worker/functional';
import { emit, EXIT_OK, fileReaderFor, InputError, readConfigText, UsageError } from '../io';
import { table } from '../summary';
import { checkOutputFlags } from './sweep';
import type { CliCommand } from './types';

const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));

/** One column per series, one row per time: how the curves would be read off a plot. */
function seriesTable(title: string, series: ReadonlyArray<{ label: number; points: ReadonlyArray<{ x: number; y: number }> }>): string {
  const head = [title, ...series.map((s) => `${fmt(s.label)} µS`)];
  const rows = series[0].points.map((p, i) => [fmt(p.x), ...series.map((s) => fmt(s.points[i].y))]);
  return table([head, ...rows]);
}

function formatText(c: DeviceCurves): string {
  const params = Object.entries(c.parameters).map(([k, p]) => [k, fmt(p.value), p.unit, p.source]);
  return [
    `${c.device}: conductance ${fmt(c.gMinUs)} … ${fmt(c.gMaxUs)} µS`,
    '',
    table([['parameter', 'value', 'unit', 'source'], ...params]),
    '',
    'conductance (µS) of a median device against time, per target conductance',
    seriesTable('time (s)', c.drift.map((s) => ({ label: s.gTargetUs, points: s.points.map((p) => ({ x: p.tS, y: p.gUs })) }))),
    '',
    'programming σ against target conductance',
    table([['target (µS)', 'σ (µS)'], ...c.programming.map((p) => [fmt(p.gTargetUs), fmt(p.sigmaUs)])]),
    '',
    'read-noise σ (µS) against time, per programmed conductance',
    seriesTable('time (s)', c.readNoise.map((s) => ({ label: s.gProgrammedUs, points: s.points.map((p) => ({ x: p.tS, y: p.sigmaUs })) }))),
  ].join('\n');
}

export const deviceCommand: CliCommand = {
  name: 'device',
  usage: `aimc device MODEL [--config FILE] [--json | --csv] [--out FILE]`,
  summary: `Characteristic curves of a device model (${DEVICE_MODEL_NAMES.join(', ')}): drift, programming and read noise`,
  run(args) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { config: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' }, out: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new UsageError(`device takes one model: ${DEVICE_MODEL_NAMES.join(', ')}`);
    checkOutputFlags(values);
    const model = positionals[0];
    if (!(DEVICE_MODEL_NAMES as readonly string[]).includes(model)) throw new UsageError(`unknown device model \`${model}\`; models: ${DEVICE_MODEL_NAMES.join(', ')}`);
    let config: { text: string; readFile: ReturnType<typeof fileReaderFor> } | undefined;
    if (values.config !== undefined) {
      const file = values.config;
      config = { text: readConfigText(file), readFile: fileReaderFor(file) };
      const analysis = analyzeConfig(config.text, { readFile: config.readFile, simulate: false });
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
      for (const d of errors) process.stderr.write(`${formatDiagnostic(file, d)}\n`);
      if (errors.length) throw new InputError(`${file}: the config has errors`);
    }
    const curves = deviceCurvesOfConfig(model, config);
    emit(values.json ? formatDeviceCurvesJson(curves) : values.csv ? formatDeviceCurvesCsv(curves) : formatText(curves), values.out);
    return EXIT_OK;
  },
};
