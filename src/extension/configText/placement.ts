/**
 * The config lines that put a matrix of a layer (or a layer's KV cache) on its arrays: the
 * `weights:` (or `attention:`) keys that shape its tiles, every `layers:` override that applies to
 * it, and the chip size that decides its chip. For the tile map's "Show in config". Pure: no
 * `vscode`.
 *
 * Which overrides apply follows the engine's resolver (src/engine/config/resolve.ts: later entries
 * win; an entry without `matrices` covers every matrix but the LM head; the LM head is covered only
 * when named); test/unit/extension-placement.test.ts holds the two to the same answer.
 */
import { parseConfigDocument, type ConfigDocument } from '../../engine';
import type { Range } from '../../shared/diagnostics';
import type { TileMatrix } from '../../shared/tileMap';

export interface PlacementLine {
  /** The config path, as a person reads it: `weights.array`, `layers[1]`, `chip.arrays_per_chip`. */
  readonly path: string;
  readonly range: Range;
}

type Path = (string | number)[];

/** Layer indices named by a selector list; negative indices count from the end (as resolve.ts). */
export function selectedLayers(selectors: unknown, layerCount: number): Set<number> {
  const out = new Set<number>();
  if (!Array.isArray(selectors)) {
    for (let i = 0; i < layerCount; i++) out.add(i);
    return out;
  }
  for (const s of selectors) {
    if (typeof s === 'number') {
      const i = s < 0 ? layerCount + s : s;
      if (i >= 0 && i < layerCount) out.add(i);
    } else if (typeof s === 'string') {
      const [a, b] = s.split('-').map(Number);
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      for (let i = Math.min(a, b); i <= Math.max(a, b) && i < layerCount; i++) out.add(i);
    }
  }
  return out;
}

function selectedMatrices(selectors: unknown): Set<string> | null {
  if (!Array.isArray(selectors)) return null;
  const out = new Set<string>();
  for (const s of selectors) {
    if (s === 'qkv') ['q_proj', 'k_proj', 'v_proj'].forEach((m) => out.add(m));
    else if (s === 'ffn') ['ffn_up', 'ffn_gate', 'ffn_down'].forEach((m) => out.add(m));
    else if (typeof s === 'string') out.add(s);
  }
  return out;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Indices of the `layers:` entries that set this matrix's weights (or this layer's attention). */
export function matchingOverrides(config: unknown, layerCount: number, layer: number, matrix: TileMatrix): number[] {
  const entries = record(config)?.layers;
  if (!Array.isArray(entries)) return [];
  const kv = matrix === 'k_cache' || matrix === 'v_cache';
  const out: number[] = [];
  entries.forEach((entry, i) => {
    const o = record(entry);
    if (!o) return;
    if (kv) {
      if (o.attention !== undefined && selectedLayers(o.layers, layerCount).has(layer)) out.push(i);
      return;
    }
    if (o.weights === undefined) return;
    const matrices = selectedMatrices(o.matrices);
    const matrixHit = matrices ? matrices.has(matrix) : matrix !== 'lm_head';
    const layerHit = matrix === 'lm_head' ? matrices !== null : selectedLayers(o.layers, layerCount).has(layer);
    if (matrixHit && layerHit) out.push(i);
  });
  return out;
}

function pathText(path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

/** From the key to the end of its value: the lines a person would point at. */
function entryRange(doc: ConfigDocument, path: Path): Range {
  const key = doc.keyRange(path);
  const value = doc.valueRange(path);
  const after = (a: Range['start'], b: Range['start']) =>
    a.line > b.line || (a.line === b.line && a.character > b.character);
  return { start: key.start, end: after(value.end, key.end) ? value.end : key.end };
}

/** Keys of a section that shape a weight matrix's arrays, and of the attention's. */
const WEIGHT_KEYS = ['implementation', 'device', 'array', 'mapping', 'bits_per_cell', 'weight_bits'];
const ATTENTION_KEYS = ['implementation', 'window', 'array'];

/**
 * The lines, most specific first: the overrides that apply (the last one, which wins, first), then
 * the section's keys, then the chip size. A key the config does not set is not listed (its default
 * applies); with nothing set at all, the `model:` line, which alone decides the matrix's shape.
 */
export function placementLines(text: string, layerCount: number, layer: number, matrix: TileMatrix): PlacementLine[] {
  const doc = parseConfigDocument(text);
  const config = record(doc.value);
  if (!config) return [];
  const has = (path: Path) => doc.nodeAt(path) !== undefined;
  const lines: PlacementLine[] = [];
  const add = (path: Path) => lines.push({ path: pathText(path), range: entryRange(doc, path) });
  for (const i of matchingOverrides(config, layerCount, layer, matrix).reverse()) add(['layers', i]);
  const overrides = lines.length;
  const kv = matrix === 'k_cache' || matrix === 'v_cache';
  const section = kv ? 'attention' : 'weights';
  for (const key of kv ? ATTENTION_KEYS : WEIGHT_KEYS) if (has([section, key])) add([section, key]);
  if (kv && has(['workload', 'batch'])) add(['workload', 'batch']);
  if (has(['chip', 'arrays_per_chip'])) add(['chip', 'arrays_per_chip']);
  if (lines.length === 0 && has(['model'])) add(['model']);
  // After the overrides, in the order the config lists them.
  const rest = lines
    .splice(overrides)
    .sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
  return [...lines, ...rest];
}
