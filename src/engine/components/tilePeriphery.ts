import { scaleAreaUm2 } from './scaling';
import { defineComponent, type ValuesOf } from './types';

/**
 * What surrounds the arrays besides their converters: per-array input and output registers and
 * sample-and-holds, and each tile's shared buffer, bus, router and digital units. Area per array,
 * from ISAAC's tile (Shafiee et al., ISCA 2016, Table I, 32 nm): a tile of 12 IMAs × 8 crossbars
 * (96 arrays of 128 × 128) spends 0.215 mm² on tile-level digital (64 KB eDRAM 0.083 mm², bus
 * 0.090 mm², a quarter of a router 0.038 mm², sigmoid, S+A, max-pool, output registers), and each
 * IMA 0.0021 + 0.00077 + 0.00004 mm² on its input and output registers and S+H: 2.60 × 10⁻³ mm²
 * per array, scaled with node². Arrays of another size are scaled by their rows + columns
 * (registers and lines follow the array's edges).
 */
export const tilePeripherySpec = defineComponent({
  id: 'tile_periphery',
  name: 'Tile periphery',
  description: "Registers, sample-and-holds, and the tile's buffer, bus and router, apportioned per array.",
  parameters: {
    area_per_array_um2: {
      unit: 'um2',
      default: null,
      minimum: 0,
      description:
        'Periphery area per array. Default: 2,600 µm² per 128 × 128 array at 32 nm (ISAAC tile), scaled by (rows + cols) / 256 and node².',
      source:
        'ISAAC (Shafiee et al., ISCA 2016, Table I): tile-level digital 0.215 mm² per 96 arrays + IR/OR/S+H 0.00291 mm² per 8 arrays, 32 nm',
    },
  },
});

export function tilePeripheryAreaUm2(
  p: ValuesOf<typeof tilePeripherySpec>,
  rows: number,
  cols: number,
  nodeNm: number,
): number {
  if (p.area_per_array_um2 != null) return p.area_per_array_um2;
  const perArray32nm = (0.215 / 96 + (0.0021 + 0.00077 + 0.00004) / 8) * 1e6;
  return scaleAreaUm2(perArray32nm * ((rows + cols) / 256), 32, nodeNm);
}
