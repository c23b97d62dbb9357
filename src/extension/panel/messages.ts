/**
 * What the host does with a message from the panel or the side view. Every message is checked by
 * `parseWebviewMessage` first; one that fails is logged and dropped, never acted on.
 */
import type { TileMatrix } from '../../shared/tileMap';
import type { ChartImage, ExportFormat, PanelTab, WebviewKind } from '../../shared/webviewProtocol';
import { parseWebviewMessage } from '../../shared/webviewProtocol';
import type { Log } from '../api';

/** What the views ask the rest of the extension to do. */
export interface ViewRequests {
  openDesignPoint(sweepId: string, pointId: string): Promise<void>;
  /** The user pressed an export button in the panel. */
  exportResults(format: ExportFormat, images: readonly ChartImage[]): Promise<void>;
  simulate(): Promise<void>;
  sweep(): Promise<void>;
  cancel(): void;
  openPanel(tab: PanelTab | null): void;
  /** Opens the shown result's config with the lines that place this layer's matrix selected. */
  revealConfig(layer: number, matrix: TileMatrix): Promise<void>;
  /** Simulates a sweep point and compares it with the sweep's base design. */
  compareDesignPoint(sweepId: string, pointId: string): Promise<void>;
  /** "AIMC: Compare Designs…". */
  compare(): Promise<void>;
}

/** ViewRequests plus what a view's host handles itself. */
export interface WebviewActions extends Omit<ViewRequests, 'exportResults'> {
  ready(): void;
  /** `requestId` answers a `collectCharts`; null when the user pressed an export button. */
  exported(format: ExportFormat, requestId: number | null, images: readonly ChartImage[]): Promise<void>;
}

/** The actions of one view: the shared requests, plus that view's own `ready` and `export` handling. */
export function webviewActions(
  r: ViewRequests,
  ready: () => void,
  exported: WebviewActions['exported'],
): WebviewActions {
  return {
    openDesignPoint: (sweepId, pointId) => r.openDesignPoint(sweepId, pointId),
    simulate: () => r.simulate(),
    sweep: () => r.sweep(),
    cancel: () => r.cancel(),
    openPanel: (tab) => r.openPanel(tab),
    revealConfig: (layer, matrix) => r.revealConfig(layer, matrix),
    compareDesignPoint: (sweepId, pointId) => r.compareDesignPoint(sweepId, pointId),
    compare: () => r.compare(),
    ready,
    exported,
  };
}

export function handleWebviewMessage(
  raw: unknown,
  view: WebviewKind,
  actions: WebviewActions,
  log: Log,
): Promise<void> {
  const parsed = parseWebviewMessage(raw);
  if (!parsed.ok) {
    log.warn(
      `Dropped an invalid message from the ${view === 'panel' ? 'results panel' : 'side view'}: ${parsed.error}`,
    );
    return Promise.resolve();
  }
  const m = parsed.message;
  switch (m.type) {
    case 'ready':
      actions.ready();
      return Promise.resolve();
    case 'openDesignPoint':
      return actions.openDesignPoint(m.sweepId, m.pointId);
    case 'export':
      return actions.exported(m.format, m.requestId, m.images);
    case 'simulate':
      return actions.simulate();
    case 'sweep':
      return actions.sweep();
    case 'cancel':
      actions.cancel();
      return Promise.resolve();
    case 'openPanel':
      actions.openPanel(m.tab);
      return Promise.resolve();
    case 'revealConfig':
      return actions.revealConfig(m.layer, m.matrix);
    case 'compareDesignPoint':
      return actions.compareDesignPoint(m.sweepId, m.pointId);
    case 'compare':
      return actions.compare();
    case 'log': {
      const text = `[${view}] ${m.message}`;
      if (m.level === 'error') log.error(text);
      else if (m.level === 'warn') log.warn(text);
      else log.info(text);
      return Promise.resolve();
    }
  }
}
