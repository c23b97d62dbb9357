/**
 * Overview tab: what dominates the design's cost, the key figures (and how they moved since the
 * config's previous run), the comparison with each GPU baseline, and what the figures assume.
 */
import { formatComparisonRatio } from '../../src/shared/comparison';
import { formatEngineering } from '../../src/shared/format';
import type { SimulationResult } from '../../src/shared/result';
import { dominanceLines } from '../../src/shared/summary';
import type { ComparisonView, ShowResultMessage } from '../../src/shared/webviewProtocol';
import { labelFor } from '../charts/shape';
import { clear, el } from '../dom';
import { compareWithBaseline, formatArea, keyFigures } from './figures';
import { changedIn, type ResultsTab, type TabChange, type TabHost, type TabInput } from './tab';

/** "4.77k tokens/s" → the number large, the unit smaller, so long units do not wrap the card. */
function figureValue(text: string): HTMLElement {
  const space = text.indexOf(' ');
  if (space < 0) return el('div', { class: 'figure-value' }, text);
  return el(
    'div',
    { class: 'figure-value' },
    text.slice(0, space),
    el('span', { class: 'figure-unit' }, text.slice(space)),
  );
}

export function figureCards(r: SimulationResult): HTMLElement {
  return el(
    'div',
    { class: 'figures' },
    ...keyFigures(r).map((f) =>
      el(
        'div',
        { class: 'figure', attrs: { 'data-figure': f.id } },
        el('div', { class: 'figure-label' }, f.label),
        figureValue(f.value),
        el('div', { class: 'figure-detail' }, f.detail),
      ),
    ),
  );
}

function baselineTable(r: SimulationResult): HTMLElement {
  if (r.baselines.length === 0) return el('p', { class: 'muted' }, 'No GPU baselines chosen (config key `baselines`).');
  const head = el(
    'tr',
    {},
    el('th', {}, 'GPU'),
    el('th', {}, 'Devices'),
    ...['Energy / token', 'Latency / token', 'This design uses', 'This design is'].map((h) =>
      el('th', { class: 'num' }, h),
    ),
  );
  const rows = r.baselines.map((b) => {
    const c = compareWithBaseline(b);
    return el(
      'tr',
      {},
      el('td', { title: b.source }, c.name),
      el('td', {}, c.devices),
      el('td', { class: 'num' }, c.gpuEnergy),
      el('td', { class: 'num' }, c.gpuLatency),
      el('td', { class: c.energyFavoursDesign ? 'num good' : 'num bad' }, c.energy),
      el('td', { class: c.speedFavoursDesign ? 'num good' : 'num bad' }, c.speed),
    );
  });
  return el(
    'div',
    {},
    el('table', { class: 'data' }, el('thead', {}, head), el('tbody', {}, ...rows)),
    el('p', { class: 'muted small' }, r.baselines[0].method),
  );
}

function designFacts(r: SimulationResult): HTMLElement {
  const a = r.attention;
  const facts: [string, string][] = [
    [
      'Model',
      `${r.model.name} (${r.model.family}), d_model ${r.model.dModel}, ${r.model.heads} heads (${r.model.kvHeads} KV), d_ff ${r.model.dFf}, ${r.model.ffn}`,
    ],
    [
      'Workload',
      `${r.workload.mode}, ${r.workload.contextTokens.toLocaleString('en-US')} context tokens, window ${r.workload.window.toLocaleString('en-US')}, batch ${r.workload.batch}`,
    ],
    [
      'Per step',
      `${formatEngineering(r.perStep.energyJ, 'J')}, ${formatEngineering(r.perStep.latencyS, 's')} for ${r.workload.tokensPerStep} token(s)`,
    ],
    ...(r.perSequence
      ? [
          [
            'Per sequence',
            `${formatEngineering(r.perSequence.energyJ, 'J')}, ${formatEngineering(r.perSequence.latencyS, 's')}`,
          ] as [string, string],
        ]
      : []),
    [
      'Attention',
      `${a.implementation}, layer ${a.layer}: ${formatEngineering(a.perLayerPerToken.energyJ, 'J')} and ${formatEngineering(a.perLayerPerToken.latencyS, 's')} per layer per token; ${formatEngineering(a.perHeadPerTokenEnergyJ, 'J')} per head`,
    ],
    ['Matrices', `${r.mapping.analogMatrices} on arrays, ${r.mapping.digitalMatrices} digital`],
    [
      'Area',
      Object.entries(r.areaByComponentMm2)
        .sort((x, y) => y[1] - x[1])
        .map(([k, v]) => `${labelFor(k)} ${formatArea(v)}`)
        .join(', '),
    ],
  ];
  return el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

/** Text with `config.keys` in backticks, the keys set as code. */
function withCode(text: string): (string | HTMLElement)[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? el('code', {}, part) : part));
}

/** "What dominates": the shares that decide the cost, and what the largest lever would save. */
export function dominance(r: SimulationResult): HTMLElement {
  const [first, ...rest] = dominanceLines(r, labelFor);
  return el(
    'section',
    { class: 'dominance', attrs: { 'aria-label': 'What dominates' } },
    el('h3', {}, 'What dominates'),
    el('p', { class: 'dominance-lead' }, first ?? 'No energy breakdown in this result.'),
    el('ul', {}, ...rest.map((line) => el('li', {}, ...withCode(line)))),
  );
}

/** The comparison of the shown result with its config's previous run, if that is what the Compare tab holds. */
export function sinceLastRun(shown: ShowResultMessage, c: ComparisonView | null): ComparisonView | null {
  if (!c || c.b.source.uri === null || c.b.source.uri !== shown.source.uri || c.a.role !== 'previous run') return null;
  const same = (x: SimulationResult, y: SimulationResult) =>
    x.perToken.energyJ === y.perToken.energyJ && x.perToken.latencyS === y.perToken.latencyS && x.areaMm2 === y.areaMm2;
  return same(c.b.result, shown.result) ? c : null;
}

function changeNote(c: ComparisonView, openCompare: () => void): HTMLElement {
  const keys = c.configChanges.map((ch) => `${ch.path} ${ch.a ?? 'default'} → ${ch.b ?? 'default'}`);
  const shownKeys = keys.length > 3 ? [...keys.slice(0, 3), `${keys.length - 3} more`] : keys;
  const ratio = (b: number, a: number) => formatComparisonRatio(a > 0 ? b / a : null);
  const [a, b] = [c.a.result, c.b.result];
  return el(
    'div',
    { class: 'since-last' },
    el('span', {}, `Since the previous run (${shownKeys.join(', ')}): `),
    el(
      'strong',
      {},
      `energy ${ratio(b.perToken.energyJ, a.perToken.energyJ)}, latency ${ratio(b.perToken.latencyS, a.perToken.latencyS)}, area ${ratio(b.areaMm2, a.areaMm2)}`,
    ),
    ' ',
    el('vscode-button', { attrs: { secondary: true }, on: { click: openCompare } }, 'Compare'),
  );
}

export function renderOverview(r: SimulationResult, note: HTMLElement | null = null): HTMLElement {
  return el(
    'div',
    { class: 'overview' },
    note,
    dominance(r),
    figureCards(r),
    el('h3', {}, 'Compared with GPUs (per token)'),
    baselineTable(r),
    el('h3', {}, 'Design'),
    designFacts(r),
    el(
      'details',
      { class: 'assumptions' },
      el('summary', {}, `Latency model assumptions (${r.assumptions.length})`),
      el('ul', {}, ...r.assumptions.map((a) => el('li', {}, a))),
    ),
  );
}

export class OverviewTab implements ResultsTab {
  readonly id = 'overview';
  readonly title = 'Overview';
  readonly element = el('div', { class: 'tab-body' });

  constructor(private readonly host: TabHost) {}

  update(change: TabChange): boolean {
    return changedIn(change, ['shown', 'comparison']);
  }

  render({ state }: TabInput): void {
    clear(this.element);
    if (!state.shown) {
      this.element.appendChild(
        el(
          'div',
          { class: 'empty' },
          el('h3', {}, 'No design simulated yet'),
          el('p', {}, 'Run “AIMC: Simulate Current Config” on a config to see its figures here.'),
        ),
      );
      return;
    }
    const c = sinceLastRun(state.shown, state.comparison);
    const note = c ? changeNote(c, () => this.host.save({ tab: 'compare' })) : null;
    this.element.appendChild(renderOverview(state.shown.result, note));
  }
}
