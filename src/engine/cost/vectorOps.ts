/**
 * Digital vector work: norms, residual adds, activation functions, embedding lookup.
 * Operations per element are counted from each function's formula:
 * LayerNorm 8 (mean, centre, square, variance, rsqrt-scale, gain, bias, accumulate),
 * RMSNorm 5 (square, accumulate, rsqrt-scale, gain, write), residual 1,
 * GELU (tanh form) 10, SwiGLU 12 (SiLU with exp 10, product, gate multiply),
 * embedding 0 (a table read).
 */
import { sramBufferEnergyPerByteJ } from '../components/sramBuffer';
import { vectorOpEnergyJ } from '../components/digitalUnit';
import type { VectorOp } from '../workload/operations';
import type { CostContext } from './context';
import { precisionBytes } from './digitalMatrix';
import { layerKey, type Ledger } from './ledger';

export const OPS_PER_ELEMENT: Readonly<Record<VectorOp['fn'], number>> = {
  layernorm: 8,
  rmsnorm: 5,
  residual: 1,
  gelu: 10,
  swiglu: 12,
  embedding: 0,
};

export function costVectorOp(ctx: CostContext, op: VectorOp, vectors: number, ledger: Ledger): void {
  const layer = layerKey(op.layer);
  const ops = op.elements * OPS_PER_ELEMENT[op.fn];
  ledger.add('digital_unit', 'digital', layer, ops * vectorOpEnergyJ(ctx.p.digital_unit, ctx.nodeNm));
  const bytes = op.elements * precisionBytes(ctx.design.digital.precision);
  if (op.fn === 'embedding') {
    // The embedding table is too large for on-chip SRAM in any of the presets; rows come from DRAM.
    ledger.add('dram', 'digital', layer, bytes * ctx.p.dram.energy_per_byte_j);
  }
  ledger.add('sram_buffer', 'digital', layer, 2 * bytes * sramBufferEnergyPerByteJ(ctx.p.sram_buffer, ctx.nodeNm));
  const lanes = ctx.p.digital_unit.vector_lanes;
  const perVectorS = Math.ceil(ops / vectors / lanes) / ctx.clockHz;
  ledger.stage('digital', { fillS: perVectorS, intervalS: perVectorS }, vectors, undefined, layerKey(op.layer));
}
