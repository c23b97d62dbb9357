import { defineComponent, type ValuesOf } from './types';

/**
 * Static (leakage) power of the CMOS on the chip, per unit of its area: P = V_DD · I_off · W_off,
 * with W_off the width of transistors that are off per µm² of placed logic.
 *
 * I_off = 100 pA/µm and V_DD = 0.85 V: the 22 nm low-power (LP) PTM transistor as DNN+NeuroSim V1.4
 * tabulates it (`Technology.cpp`, 300 K). W_off: the Nangate 45 nm INV_X1 holds 0.415 µm of NMOS
 * and 0.63 µm of PMOS in 0.532 µm², one of the two off in either state, so about 0.98 µm of off
 * width per µm² at 45 nm; widths scale with the node and areas with its square, so W_off per area
 * ∝ 1 / node. At 22 nm: 0.85 V × 100 pA/µm × 2.0 µm/µm² = 0.17 mW per mm² of logic. SRAM, the
 * ADCs and the other periphery are counted at the same density; resistive cells (RRAM, PCM) draw
 * no static current when their lines are idle.
 */
export const leakageSpec = defineComponent({
  id: 'leakage',
  name: 'Static power',
  description: 'Leakage of the CMOS periphery, buffers and SRAM, per unit area, charged for the time a token takes.',
  parameters: {
    power_per_mm2_w: {
      unit: 'W',
      default: null,
      minimum: 0,
      description:
        'Leakage power per mm² of CMOS. Default: supply_v × off_current_a_per_um × off-width per area (0.98 µm/µm² at 45 nm, ∝ 1 / node): 0.17 mW/mm² at 22 nm.',
      source:
        'Derived from the two parameters below and the Nangate 45 nm INV_X1 (0.415 + 0.63 µm of transistor width in 0.532 µm²)',
    },
    off_current_a_per_um: {
      unit: 'A',
      default: 100e-12,
      minimum: 0,
      description: 'Off-state current per µm of transistor width.',
      source: 'PTM 22 nm LP model as tabulated in DNN+NeuroSim V1.4 Technology.cpp: I_off 100 pA/µm at 300 K',
    },
    supply_v: {
      unit: 'V',
      default: 0.85,
      minimum: 0,
      description: 'Supply voltage the leakage current flows from.',
      source: 'PTM 22 nm LP model as tabulated in DNN+NeuroSim V1.4 Technology.cpp: V_DD 0.85 V',
    },
  },
});

/** Off-state transistor width per µm² of placed logic at 45 nm (Nangate INV_X1, one network off). */
const OFF_WIDTH_PER_UM2_45NM = (0.415 + 0.63) / 2 / 0.532;

export function leakagePowerPerMm2W(p: ValuesOf<typeof leakageSpec>, nodeNm: number): number {
  if (p.power_per_mm2_w != null) return p.power_per_mm2_w;
  const offWidthPerUm2 = OFF_WIDTH_PER_UM2_45NM * (45 / nodeNm);
  return p.supply_v * p.off_current_a_per_um * offWidthPerUm2 * 1e6;
}
