/**
 * Tile map tab: the floorplan of the design on a canvas (../tilemap/view.ts). The map keeps its own
 * canvas current, redrawing when shown, resized or re-themed, so the tab is never stale: it hands
 * the map each new result and theme as they come.
 */
import type { ChartImage, ToWebviewMessage } from '../../src/shared/webviewProtocol';
import { TileMapView } from '../tilemap/view';
import type { PanelState } from './state';
import type { ResultsTab, TabChange, TabHost, TabInput } from './tab';

/** Quiet time before a tile-map pan or zoom is persisted (see HostChannel.saveState). */
const VIEW_SAVE_DELAY_MS = 400;

export class TileMapTab implements ResultsTab {
  readonly id = 'tiles';
  readonly title = 'Tile map';
  private readonly map: TileMapView;

  constructor(host: TabHost) {
    this.map = new TileMapView({
      onViewChange: (tileView) => host.save({ tileView }, VIEW_SAVE_DELAY_MS),
      onColouringChange: (tileColouring) => host.save({ tileColouring }),
      onRevealConfig: (layer, matrix) => host.post({ type: 'revealConfig', layer, matrix }),
    });
  }

  get element(): HTMLElement {
    return this.map.element;
  }

  /** A new design keeps the user's colouring but not the old map position. */
  receive(m: ToWebviewMessage): Partial<PanelState> | null {
    return m.type === 'showResult' ? { tileView: null } : null;
  }

  update({ previous, state, theme }: TabChange): boolean {
    if (previous?.theme !== theme) this.map.setTheme(theme);
    if (previous?.state.shown !== state.shown)
      this.map.setResult(state.shown?.result ?? null, state.tileColouring, state.tileView);
    return false;
  }

  render(): void {}

  exportCharts({ theme }: TabInput): ChartImage[] {
    const map = this.map.exportPng(theme);
    return map ? [{ name: 'tile-map', ...map }] : [];
  }
}
