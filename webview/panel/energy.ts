/**
 * Energy tab: energy per token by component, by operation and by layer (stacked by component), and
 * latency per token by operation alongside, as bars or doughnuts, on linear or log axes.
 */
import { formatEngineering } from '../../src/shared/format';
import type { SimulationResult } from '../../src/shared/result';
import type { ChartImage } from '../../src/shared/webviewProtocol';
import { ChartBox } from '../charts/chartBox';
import { breakdownChart, colourOfKey, layerStackChart, type AnyChartConfig } from '../charts/chartjs';
import { COMPONENT_ORDER, layerComponentStack, OPERATION_ORDER, rankedSeries, type ScaleChoice } from '../charts/shape';
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
}

/** Every chart of the tab, as configurations: shown on screen, and rendered again for export. */
export function energyCharts(r: SimulationResult, theme: Theme, view: BreakdownView, scale: ScaleChoice): ChartSpec[] {
  const byComponent = rankedSeries(r.breakdown.byComponent);
  const byOperation = rankedSeries(r.breakdown.byOperation);
  const latency = rankedSeries(r.breakdown.latencyByOperation);
  const stack = layerComponentStack(r.breakdown.byLayerComponent);
  const colourOf = colourOfKey(theme, COMPONENT_ORDER, [...byComponent.keys, ...stack.datasets.map((d) => d.key)]);
  // One operation colouring for the energy and the latency chart, so an operation matches in both.
  const opColourOf = colourOfKey(theme, OPERATION_ORDER, [...byOperation.keys, ...latency.keys]);
  return [
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
      subtitle: `${stack.categories.length} layers incl. embedding and LM head`,
      config: layerStackChart(stack, { scale, theme, colourOf }),
    },
  ];
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
    for (const spec of energyCharts(r, theme, view, scale)) {
      let box = this.boxes.get(spec.name);
      if (!box) {
        box = new ChartBox(spec.name, spec.title, spec.name === 'energy-by-layer' ? 'tall' : 'medium');
        if (spec.name === 'energy-by-layer') box.element.classList.add('wide');
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
      const [w, h] = spec.name === 'energy-by-layer' ? [1600, 700] : [1200, 600];
      return chartImage(spec.name, spec.config, theme, `${r.name}: ${spec.title}`, w, h);
    });
  }

  destroy(): void {
    for (const b of this.boxes.values()) b.destroy();
  }
}
