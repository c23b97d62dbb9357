/**
 * The VS Code theme as the canvas code needs it: colours read from the `--vscode-*` variables VS
 * Code sets on the page, and a change signal. Charts and the tile map paint pixels, so unlike CSS
 * they do not follow a theme change by themselves; they re-read this and redraw.
 */
import { categoricalColours, mix, parseColour, type Rgba } from './colour';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  readonly kind: ThemeKind;
  readonly foreground: Rgba;
  readonly mutedForeground: Rgba;
  readonly background: Rgba;
  /** Lines of charts (grid, axes) and of the tile map (band separators). */
  readonly lines: Rgba;
  readonly focus: Rgba;
  /** The theme's chart colours (charts.blue, .orange, …), the base of every categorical palette. */
  readonly chartColours: readonly Rgba[];
  readonly fontFamily: string;
  readonly fontSizePx: number;
}

/** VS Code's Dark Modern values, used only when a variable is missing (e.g. an older VS Code). */
const FALLBACK: Record<string, string> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
};

export function themeKind(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const optional = (name: string): Rgba | null => parseColour(style.getPropertyValue(name));
  const colour = (name: string): Rgba => optional(name) ?? parseColour(FALLBACK[name] ?? '#808080')!;
  const foreground = colour('--vscode-foreground');
  const background = colour('--vscode-editor-background');
  const chartColours = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'].map((c) =>
    colour(`--vscode-charts-${c}`),
  );
  const kind = themeKind(document.body);
  const fontSize = parseFloat(style.getPropertyValue('--vscode-font-size'));
  return {
    kind,
    foreground,
    mutedForeground: colour('--vscode-descriptionForeground'),
    background,
    lines: kind.startsWith('high-contrast')
      ? (optional('--vscode-contrastBorder') ?? foreground)
      : colour('--vscode-charts-lines'),
    focus: colour('--vscode-focusBorder'),
    chartColours,
    fontFamily: style.getPropertyValue('--vscode-font-family').trim() || 'sans-serif',
    fontSizePx: Number.isFinite(fontSize) && fontSize > 0 ? fontSize : 13,
  };
}

export function categorical(theme: Theme, n: number): Rgba[] {
  return categoricalColours(n, theme.chartColours, theme.foreground, theme.background);
}

/** A muted fill that still separates from the background (empty slots, gaps). */
export function subtle(theme: Theme, amount = 0.12): Rgba {
  return mix(theme.background, theme.foreground, amount);
}

/**
 * Calls `onChange` when the theme changes. VS Code switches the body class (vscode-light, …) and
 * rewrites the variables on <html style>; watching both catches a switch between two themes of the
 * same kind too. Changes arriving together are coalesced into one call.
 */
export function watchTheme(onChange: () => void): () => void {
  let pending = 0;
  const fire = () => {
    if (pending) return;
    pending = requestAnimationFrame(() => {
      pending = 0;
      onChange();
    });
  };
  const observer = new MutationObserver(fire);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}
