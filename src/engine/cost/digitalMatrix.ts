/**
 * Cost of a weight matrix kept digital: MACs on the digital MAC array at the configured
 * precision, weights streamed from DRAM (read once per step and shared by the step's vectors) or
 * held in SRAM. Latency is a roofline: the larger of compute time and weight-transfer time.
 */
import { digitalMacEnergyJ } from '../components/digitalUnit';
import { sramBufferEnergyPerByteJ } from '../components/sramBuffer';
import type { MatrixOp } from '../workload/operations';
import type { CostContext } from './context';
import { layerKey, type Ledger } from './ledger';

export function precisionBytes(precision: 'fp16' | 'int8'): number {
  return precision === 'fp16' ? 2 : 1;
}

export function costDigitalMatrix(ctx: CostContext, op: MatrixOp, ledger: Ledger, parallelKey?: string): void {
  const { precision, weightStorage } = ctx.design.digital;
  const layer = layerKey(op.layer, op.group);
  const macs = op.inFeatures * op.outFeatures * op.vectors;
  ledger.add('digital_unit', op.group, layer, macs * digitalMacEnergyJ(ctx.p.digital_unit, precision, ctx.nodeNm));

  const bytesPerValue = precisionBytes(precision);
  const weightBytes = op.inFeatures * op.outFeatures * bytesPerValue;
  const sramPerByte = sramBufferEnergyPerByteJ(ctx.p.sram_buffer, ctx.nodeNm);
  let transferS: number;
  if (weightStorage === 'dram') {
    ledger.add('dram', op.group, layer, weightBytes * ctx.p.dram.energy_per_byte_j);
    transferS = weightBytes / ctx.p.dram.bandwidth_bytes_per_s;
  } else {
    ledger.add('sram_buffer', op.group, layer, weightBytes * sramPerByte);
    transferS = weightBytes / (ctx.p.sram_buffer.bytes_per_cycle * ctx.clockHz);
  }
  const activationBytes = (op.inFeatures + op.outFeatures) * bytesPerValue * op.vectors;
  ledger.add('sram_buffer', op.group, layer, activationBytes * sramPerByte);

  const computeS = macs / (ctx.p.digital_unit.mac_units * ctx.clockHz);
  const totalS = Math.max(computeS, transferS);
  // The whole step's vectors share one weight transfer, so the stage is booked as one block.
  ledger.stage(op.group, { fillS: totalS, intervalS: 0 }, op.vectors, parallelKey, layerKey(op.layer, op.group));
}
