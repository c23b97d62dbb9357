import { scaleAreaUm2 } from './scaling';

/**
 * Areas of the logic cells that digital periphery is built from, at 45 nm: the Nangate 45 nm Open
 * Cell Library (FreePDK45, row height 1.4 µm; cell area = width × 1.4 µm). Carried to other nodes
 * with node² (scaling.ts). These are placed-cell footprints, without routing overhead.
 */
export const NANGATE45_UM2 = {
  /** INV_X1 (0.38 × 1.4 µm). A k× inverter INV_Xk is (k + 1) × 0.266 µm² for k = 1 … 32. */
  inverter: 0.532,
  /** NAND2_X1 (0.57 × 1.4 µm). */
  nand2: 0.798,
  /** MUX2_X1 (1.33 × 1.4 µm; check). */
  mux2: 1.862,
  /** FA_X1, a one-bit full adder (3.04 × 1.4 µm; check). */
  fullAdder: 4.256,
  /** DFF_X1, a one-bit D flip-flop (3.23 × 1.4 µm). */
  flipFlop: 4.522,
} as const;

/** Width of the NMOS transistor of INV_X1 in the Nangate 45 nm library, µm (check). */
export const NANGATE45_INV_X1_NMOS_UM = 0.415;

/** Area of a cell of the library at `nodeNm`, µm². */
export function cellAreaUm2(cell: keyof typeof NANGATE45_UM2, nodeNm: number): number {
  return scaleAreaUm2(NANGATE45_UM2[cell], 45, nodeNm);
}

/**
 * Area at 45 nm of an inverter whose NMOS is `nmosWidthUm` wide, by the library's drive-strength
 * rule INV_Xk = (k + 1) × 0.266 µm², with k the NMOS width over INV_X1's.
 */
export function sizedInverterArea45Um2(nmosWidthUm: number): number {
  const k = nmosWidthUm / NANGATE45_INV_X1_NMOS_UM;
  return (k + 1) * (NANGATE45_UM2.inverter / 2);
}
