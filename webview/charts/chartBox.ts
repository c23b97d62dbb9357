/**
 * A titled box holding one chart. The chart is destroyed and rebuilt on every change (data, view,
 * scale, theme): simpler than patching chart.js state, and cheap at these sizes.
 */
import { el } from '../dom';
import { createChart, type AnyChartConfig, type Chart } from './chartjs';

export class ChartBox {
  readonly element: HTMLElement;
  private readonly canvas = el('canvas', {});
  private chart: Chart | null = null;
  private readonly subtitle = el('div', { class: 'chart-subtitle' });

  constructor(
    readonly name: string,
    title: string,
    size: 'small' | 'medium' | 'tall' = 'medium',
  ) {
    this.canvas.setAttribute('aria-label', title);
    this.canvas.setAttribute('role', 'img');
    this.element = el(
      'section',
      { class: 'chart-card', attrs: { 'data-chart': name } },
      el('h3', {}, title),
      this.subtitle,
      el('div', { class: `chart-box ${size}` }, this.canvas),
    );
  }

  setSubtitle(text: string): void {
    this.subtitle.textContent = text;
  }

  mount(config: AnyChartConfig): void {
    this.destroy();
    this.chart = createChart(this.canvas, config);
  }

  get current(): Chart | null {
    return this.chart;
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = null;
  }
}
