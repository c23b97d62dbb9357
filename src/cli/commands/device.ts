import { parseArgs } from 'node:util';
import {
  deviceCurveModels,
  deviceCurvesOf,
  formatDeviceCurvesCsv,
  formatDeviceCurvesJson,
  type Analysis,
} from '../../engine';
import type { DeviceCurves } from '../../shared/functionalResult';
import {
  analyzeFile,
  checkOut,
  emit,
  EXIT_OK,
  FILE_ACCESS_OPTIONS,
  fileAccess,
  InputError,
  reportDiagnostics,
  UsageError,
} from '../io';
import { table } from '../summary';
import { checkOutputFlags } from './sweep';
import type { CliCommand } from './types';

const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));

/** One column per series, one row per time: how the curves would be read off a plot. */
function seriesTable(
  title: string,
  series: ReadonlyArray<{ label: number; points: ReadonlyArray<{ x: number; y: number }> }>,
): string {
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
    seriesTable(
      'time (s)',
      c.drift.map((s) => ({ label: s.gTargetUs, points: s.points.map((p) => ({ x: p.tS, y: p.gUs })) })),
    ),
    '',
    'programming σ against target conductance',
    table([['target (µS)', 'σ (µS)'], ...c.programming.map((p) => [fmt(p.gTargetUs), fmt(p.sigmaUs)])]),
    '',
    'read-noise σ (µS) against time, per programmed conductance',
    seriesTable(
      'time (s)',
      c.readNoise.map((s) => ({ label: s.gProgrammedUs, points: s.points.map((p) => ({ x: p.tS, y: p.sigmaUs })) })),
    ),
  ].join('\n');
}

export const deviceCommand: CliCommand = {
  name: 'device',
  usage: `aimc device MODEL [--config FILE] [--json | --csv] [--out FILE] [--allow-outside-files]`,
  summary: `Characteristic curves of a device model (${deviceCurveModels().join(', ')}): drift, programming and read noise`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        out: { type: 'string' },
        ...FILE_ACCESS_OPTIONS,
      },
    });
    if (positionals.length !== 1) throw new UsageError(`device takes one model: ${deviceCurveModels().join(', ')}`);
    checkOutputFlags(values);
    checkOut(values.out);
    const model = positionals[0];
    if (!deviceCurveModels().includes(model))
      throw new UsageError(`unknown device model \`${model}\`; models: ${deviceCurveModels().join(', ')}`);
    let config: Analysis | undefined;
    if (values.config !== undefined) {
      config = await analyzeFile(values.config, { simulate: false }, fileAccess(values));
      if (reportDiagnostics(values.config, config)) throw new InputError(`${values.config}: the config has errors`);
    }
    const curves = deviceCurvesOf(model, config);
    emit(
      values.json ? formatDeviceCurvesJson(curves) : values.csv ? formatDeviceCurvesCsv(curves) : formatText(curves),
      values.out,
      values.json ? 'json' : 'text',
    );
    return EXIT_OK;
  },
};
