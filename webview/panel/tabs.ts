/**
 * The tabs of the results panel, in the order of their headers (that of PANEL_TABS). To add a tab,
 * see ./tab.ts.
 */
import { AccuracyTab } from './accuracy';
import { CompareTab } from './compare';
import { EnergyTab } from './energy';
import { OverviewTab } from './overview';
import { SweepTab } from './sweep';
import type { ResultsTabClass } from './tab';
import { TileMapTab } from './tiles';

export const RESULTS_TABS: readonly ResultsTabClass[] = [
  OverviewTab,
  EnergyTab,
  TileMapTab,
  AccuracyTab,
  SweepTab,
  CompareTab,
];
