/**
 * First-order technology scaling used to carry a published figure from the node it was
 * measured at to the configured node.
 *
 * Energy ∝ switched capacitance ∝ feature size at constant voltage (Dennard-style first order;
 * Horowitz, ISSCC 2014, notes that voltage has stopped scaling, so no V² factor is applied).
 * Area ∝ feature size². Both are assumptions, not measurements: override the component
 * parameter directly when a figure for the target node is known.
 */
export function scaleEnergyJ(energyJ: number, fromNodeNm: number, toNodeNm: number): number {
  return energyJ * (toNodeNm / fromNodeNm);
}

export function scaleAreaUm2(areaUm2: number, fromNodeNm: number, toNodeNm: number): number {
  const ratio = toNodeNm / fromNodeNm;
  return areaUm2 * ratio * ratio;
}
