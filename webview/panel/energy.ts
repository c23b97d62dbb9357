/**
 * Energy tab: energy per token by component, by operation and by layer (stacked by component),
 * latency per token by operation alongside, as bars or doughnuts, on linear or log axes; and
 * latency and area by layer when the result carries them.
 */
import { formatEngineering } from '../../src/shared/format';
import type { SimulationResult } from '../../src/shared/result';
import type { ChartImage } from '../../src/shared/webviewProtocol';
import { ChartBox } from '../charts/chartBox';
import { breakdownChart, colourOfKey, layerBarChart, layerStackChart, type AnyChartConfig } from '../charts/chartjs';
import {
  COMPONENT_ORDER,
  layerComponentStack,
  layerSeries,
  OPERATION_ORDER,
  rankedSeries,
  type ScaleChoice,
} from '../charts/shape';
import { el } from '../dom';
import type { Theme } from '../theme';
import { selectControl } from './controls';
import { changedIn, chartImage, type ResultsTab, type TabChange, type TabHost, type TabInput } from './tab';

export type BreakdownView = 'bar' | 'doughnut';

export interface ChartSpec {
  readonly name: string;
  readonly title: string;
  readonly subtitle: string;
  readonly config: AnyChartConfig;
  /** Spans the grid's width (the per-layer charts). */
  readonly wide?: boolean;
}

/** Charts whose categories are layers: wide, and taller in export. */
const PER_LAYER = new Set(['energy-by-layer', 'latency-by-layer', 'area-by-layer']);

/** Every chart of the tab, as configurations: shown on screen, and rendered again for export. */
export function energyCharts(r: SimulationResult, theme: Theme, view: BreakdownView, scale: ScaleChoice): ChartSpec[] {
  const byComponent = rankedSeries(r.breakdown.byComponent);
  const byOperation = rankedSeries(r.breakdown.byOperation);
  const latency = rankedSeries(r.breakdown.latencyByOperation);
  const stack = layerComponentStack(r.breakdown.byLayerComponent);
  const colourOf = colourOfKey(theme, COMPONENT_ORDER, [...byComponent.keys, ...stack.datasets.map((d) => d.key)]);
  // One operation colouring for the energy and the latency chart, so an operation matches in both.
  const opColourOf = colourOfKey(theme, OPERATION_ORDER, [...byOperation.keys, ...latency.keys]);
  const specs: ChartSpec[] = [
    {
      name: 'energy-by-component',
      title: 'Energy per token by component',
      subtitle: `Total ${formatEngineering(byComponent.total, 'J')}`,
      config: breakdownChart(byComponent, { view, scale, unit: 'J', theme, colourOf }),
    },
    {
      name: 'energy-by-operation',
      title: 'Energy per token by operation',
      subtitle: `Total ${formatEngineering(byOperation.total, 'J')}`,
      config: breakdownChart(byOperation, { view, scale, unit: 'J', theme, colourOf: opColourOf }),
    },
    {
      name: 'latency-by-operation',
      title: 'Latency per token by operation',
      subtitle: `Sum ${formatEngineering(latency.total, 's')} before layer pipelining; per token ${formatEngineering(r.perToken.latencyS, 's')}`,
      config: breakdownChart(latency, { view, scale, unit: 's', theme, colourOf: opColourOf }),
    },
    {
      name: 'energy-by-layer',
      title: 'Energy per token by layer and component',
      subtitle: `${stack.categories.filter((c) => c !== 'shared').length} layers incl. embedding and LM head${stack.categories.includes('shared') ? "; the whole chip's leakage beside them" : ''}`,
      config: layerStackChart(stack, { scale, theme, colourOf }),
      wide: true,
    },
  ];
  const [, orange, green] = theme.chartColours;
  const latencyByLayer = r.breakdown.latencyByLayer;
  if (latencyByLayer) {
    const series = layerSeries(latencyByLayer);
    specs.push({
      name: 'latency-by-layer',
      title: 'Latency per token by layer',
      subtitle: `Sum ${formatEngineering(series.total, 's')} before layer pipelining; per token ${formatEngineering(r.perToken.latencyS, 's')}`,
      config: layerBarChart(series, {
        scale,
        unit: 's',
        axisTitle: 's per token',
        theme,
        colour: orange ?? theme.foreground,
      }),
      wide: true,
    });
  }
  if (r.areaByLayerMm2) {
    const series = layerSeries(r.areaByLayerMm2);
    specs.push({
      name: 'area-by-layer',
      title: 'Area by layer',
      subtitle: `Total ${Number(series.total.toPrecision(4))} mm², of which shared (digital unit, buffers) ${Number((r.areaByLayerMm2.shared ?? 0).toPrecision(3))} mm²`,
      config: layerBarChart(series, { scale, unit: 'mm²', axisTitle: 'mm²', theme, colour: green ?? theme.foreground }),
      wide: true,
    });
  }
  return specs;
}

export class EnergyTab implements ResultsTab {
  readonly id = 'energy';
  readonly title = 'Energy';
  readonly element: HTMLElement;
  private readonly boxes = new Map<string, ChartBox>();
  private readonly grid = el('div', { class: 'chart-grid' });
  private readonly viewSelect: ReturnType<typeof selectControl>;
  private readonly scaleSelect: ReturnType<typeof selectControl>;

  constructor(host: TabHost) {
    const changed = () =>
      host.save({
        energyView: this.viewSelect.value as BreakdownView,
        energyScale: this.scaleSelect.value as ScaleChoice,
      });
    this.viewSelect = selectControl(
      'View',
      [
        ['bar', 'Bars'],
        ['doughnut', 'Doughnuts'],
      ],
      changed,
    );
    this.scaleSelect = selectControl(
      'Scale',
      [
        ['auto', 'Auto (log when values span 100×)'],
        ['linear', 'Linear'],
        ['log', 'Logarithmic'],
      ],
      changed,
    );
    this.element = el(
      'div',
      { class: 'energy' },
      el(
        'div',
        { class: 'toolbar' },
        this.viewSelect.element,
        this.scaleSelect.element,
        el(
          'span',
          { class: 'muted small' },
          'Per-layer bars stay stacked; doughnuts apply to the component and operation charts.',
        ),
      ),
      this.grid,
    );
  }

  update(change: TabChange): boolean {
    return changedIn(change, ['shown', 'energyView', 'energyScale', 'theme']);
  }

  /** Rebuilds the charts; without a result, only the toolbar shows. */
  render({ state, theme }: TabInput): void {
    const r = state.shown?.result;
    if (!r) return;
    const { energyView: view, energyScale: scale } = state;
    this.viewSelect.value = view;
    this.scaleSelect.value = scale;
    this.scaleSelect.element.classList.toggle('disabled-look', view === 'doughnut');
    this.element.classList.toggle('doughnuts', view === 'doughnut');
    const specs = energyCharts(r, theme, view, scale);
    // A chart the new result has no data for (an older result without per-layer latency) goes.
    for (const [name, box] of this.boxes)
      if (!specs.some((s) => s.name === name)) {
        box.destroy();
        box.element.remove();
        this.boxes.delete(name);
      }
    for (const spec of specs) {
      let box = this.boxes.get(spec.name);
      if (!box) {
        box = new ChartBox(spec.name, spec.title, spec.name === 'energy-by-layer' ? 'tall' : 'medium');
        if (spec.wide) box.element.classList.add('wide');
        this.boxes.set(spec.name, box);
        this.grid.appendChild(box.element);
      }
      box.setSubtitle(spec.subtitle);
      box.mount(spec.config);
    }
  }

  exportCharts({ state, theme }: TabInput): ChartImage[] {
    const r = state.shown?.result;
    if (!r) return [];
    return energyCharts(r, theme, state.energyView, state.energyScale).map((spec) => {
      const [w, h] = PER_LAYER.has(spec.name) ? [1600, 700] : [1200, 600];
      return chartImage(spec.name, spec.config, theme, `${r.name}: ${spec.title}`, w, h);
    });
  }

  destroy(): void {
    for (const b of this.boxes.values()) b.destroy();
  }
}
