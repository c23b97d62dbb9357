import type { ResolvedDesign } from '../config/resolve';
import type { ComponentParameters } from '../components/index';

/** What every cost function needs besides its operation. */
export interface CostContext {
  readonly design: ResolvedDesign;
  readonly p: ComponentParameters;
  readonly nodeNm: number;
  readonly clockHz: number;
}

export function costContext(design: ResolvedDesign): CostContext {
  return { design, p: design.components, nodeNm: design.nodeNm, clockHz: design.clockHz };
}

/** Bytes of one activation value of `bits` bits. */
export function bytesOf(bits: number): number {
  return Math.ceil(bits / 8);
}
