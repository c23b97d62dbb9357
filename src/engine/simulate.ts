/**
 * The cost simulation: resolved design → workload → mapping → energy, latency, area → GPU
 * baselines.
 */
import { bookStaticEnergy } from './cost/staticPower';
import { attentionBaselines } from './baselines/attention';
import { estimateGpu } from './baselines/gpuModel';
import type { ResolvedDesign } from './config/resolve';
import { costAnalogMatrix } from './cost/analogMatrix';
import { computeArea } from './cost/area';
import { costGainCellAttention, costDigitalAttention } from './cost/attention';
import { costContext } from './cost/context';
import { costDigitalMatrix } from './cost/digitalMatrix';
import { Ledger } from './cost/ledger';
import { costVectorOp } from './cost/vectorOps';
import { mapDesign, type MatrixMapping } from './mapping/map';
import { countParameters } from './model/parameters';
import type { TileGroup } from '../shared/tileMap';
import { RESULT_SCHEMA_VERSION, type SimulationResult } from '../shared/result';
import { buildWorkload } from './workload/build';
import type { AttentionOp } from './workload/operations';

export const LATENCY_ASSUMPTIONS: readonly string[] = [
  'All arrays of one matrix read in parallel; columns sharing an ADC are converted one after another.',
  'Q, K and V projections run side by side, and so do the FFN gate and up projections (each on its own arrays).',
  'Partial sums of row blocks, bit slices, differential pairs and bit-serial cycles are added in a pipelined adder tree, one clock per level.',
  'Operations of one token run in sequence through the layers; with several vectors per step, layers are pipelined, so each further vector adds one interval of the slowest stage.',
  "Gain-cell attention: heads and sequences run in parallel on their own arrays; query heads of a GQA group share a KV head's arrays and take turns.",
  'Digital matrices and digital attention: roofline of MAC throughput against weight or KV-cache transfer.',
  'Weights of analog matrices stay in their arrays (no reload); digital weights are read once per step from their storage.',
];

/** Matrices that read the same input and run side by side on their own arrays. */
const PARALLEL_MATRICES: Partial<Record<string, string>> = {
  q_proj: 'qkv',
  k_proj: 'qkv',
  v_proj: 'qkv',
  ffn_gate: 'gate_up',
  ffn_up: 'gate_up',
};

function toRecord(m: Map<string, number>, divisor: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of m) out[k] = v / divisor;
  return out;
}

export function simulate(design: ResolvedDesign): SimulationResult {
  const s = design.shape;
  const params = countParameters(s);
  const workload = buildWorkload(s, design.workload);
  const mapping = mapDesign(design);
  const ctx = costContext(design);
  const area = computeArea(ctx, mapping);
  const ledger = new Ledger();

  const byMatrix = new Map<string, MatrixMapping>();
  for (const m of mapping.matrices) byMatrix.set(`${m.layer}|${m.matrix}`, m);

  const tokens = workload.tokensPerStep;
  // Energy of each tile group's arrays and their periphery, for the floorplan's energy colouring.
  const groupEnergyJ = new Map<TileGroup, number>();
  const addGroupEnergy = (g: TileGroup, energyJ: number) => groupEnergyJ.set(g, (groupEnergyJ.get(g) ?? 0) + energyJ);
  const kvGroupsOf = new Map(mapping.kv.map((k) => [k.layer, k.groups]));
  let attentionLayer = -1;
  let attentionLatencyS = 0;
  let firstAttention: AttentionOp | undefined;
  for (const op of workload.operations) {
    if (op.kind === 'matrix') {
      const m = byMatrix.get(`${op.layer}|${op.matrix}`);
      if (!m) throw new Error(`internal: matrix ${op.matrix} of layer ${op.layer} was not mapped`);
      const parallelKey = PARALLEL_MATRICES[op.matrix] ? `${op.layer}|${PARALLEL_MATRICES[op.matrix]}` : undefined;
      if (m.group) {
        const footprintUm2 = (area.weightArrayAreaUm2.get(m.group) ?? 0) * m.group.arrayCount;
        const distanceMm = 0.5 * Math.sqrt(footprintUm2 / 1e6);
        const before = ledger.totalJ;
        costAnalogMatrix(ctx, op, m, m.group, distanceMm, ledger, parallelKey);
        addGroupEnergy(m.group, ledger.totalJ - before);
      } else {
        costDigitalMatrix(ctx, op, ledger, parallelKey);
      }
    } else if (op.kind === 'attention') {
      const impl = design.attentionFor(op.layer);
      const stageEnergy = (g: string) => ledger.byLayerOperation.get(`${op.layer}|${g}`) ?? 0;
      const [scoresBefore, valuesBefore] = [stageEnergy('attention_scores'), stageEnergy('attention_values')];
      const t = impl === 'gain-cell' ? costGainCellAttention(ctx, op, ledger) : costDigitalAttention(ctx, op, ledger);
      // Q·Kᵀ runs on the K cache's arrays and φ(S)·V on the V cache's.
      for (const g of kvGroupsOf.get(op.layer) ?? []) {
        addGroupEnergy(
          g,
          g.matrix === 'k_cache'
            ? stageEnergy('attention_scores') - scoresBefore
            : stageEnergy('attention_values') - valuesBefore,
        );
      }
      const isReported =
        attentionLayer < 0 || (impl === 'gain-cell' && design.attentionFor(attentionLayer) !== 'gain-cell');
      if (isReported) {
        attentionLayer = op.layer;
        attentionLatencyS = t;
        firstAttention = op;
      }
    } else {
      costVectorOp(ctx, op, tokens, ledger);
    }
  }

  // Chips beyond the first talk over links: every layer boundary that crosses a chip moves one
  // activation vector per token.
  if (mapping.chips > 1) {
    const bits = s.dModel * 16 * tokens * (mapping.chips - 1);
    ledger.add('interconnect', 'digital', 'embedding', bits * ctx.p.interconnect.chip_link_energy_per_bit_j);
  }

  const stepLatencyS = ledger.stepLatencyS(tokens);
  bookStaticEnergy(ctx, mapping, area, ledger, stepLatencyS);
  const stepEnergyJ = ledger.totalJ;
  const perSequenceTokens = workload.mode === 'decode' ? 1 : tokens / workload.batch;
  const perToken = { energyJ: stepEnergyJ / tokens, latencyS: stepLatencyS / perSequenceTokens };

  const attentionEnergy =
    ['attention_scores', 'attention_values'].reduce(
      (sum, g) => sum + (ledger.byLayerOperation.get(`${attentionLayer}|${g}`) ?? 0),
      0,
    ) / tokens;
  const attentionPerToken = attentionLatencyS / perSequenceTokens;

  const baselines = design.baselines.map((id) => {
    const g = estimateGpu(id, s, workload, params.total);
    return {
      id: g.id,
      name: g.name,
      devices: g.devices,
      bound: g.bound,
      perToken: g.perToken,
      speedup: g.perToken.latencyS / perToken.latencyS,
      energyRatio: g.perToken.energyJ / perToken.energyJ,
      method: g.method,
      source: g.source,
      latencyBoundS: g.latencyBoundS,
      speedupBound: g.latencyBoundS / perToken.latencyS,
      energyUpperBoundJ: g.energyUpperBoundJ,
      energyRatioUpperBound: g.energyUpperBoundJ / perToken.energyJ,
      energyPartsJ: g.energyPartsJ,
      efficiency: g.efficiency,
    };
  });

  // Attention alone, by Leroux et al.'s method: one layer, one decode token, all heads.
  const attentionPerLayerPerToken = { energyJ: attentionEnergy, latencyS: attentionPerToken };
  const attentionVsGpus =
    workload.mode === 'decode' && firstAttention
      ? attentionBaselines(design.baselines, {
          heads: firstAttention.heads,
          kvHeads: firstAttention.kvHeads,
          headDim: firstAttention.headDim,
          keys: firstAttention.attendedKeys / firstAttention.queries,
        }).map((g) => ({
          id: g.kind === 'measured' ? `${g.gpu}-measured` : g.gpu,
          gpu: g.gpu,
          name: g.name,
          kind: g.kind,
          perLayerPerToken: g.perLayerPerToken,
          speedup: g.perLayerPerToken.latencyS / attentionPerLayerPerToken.latencyS,
          energyRatio: g.perLayerPerToken.energyJ / attentionPerLayerPerToken.energyJ,
          ...(g.latencyBoundS !== undefined
            ? { latencyBoundS: g.latencyBoundS, speedupBound: g.latencyBoundS / attentionPerLayerPerToken.latencyS }
            : {}),
          ...(g.staticEnergyJ !== undefined ? { staticEnergyJ: g.staticEnergyJ } : {}),
          ...(g.bound ? { bound: g.bound } : {}),
          ...(g.batch !== undefined ? { batch: g.batch } : {}),
          ...(g.reportedSpeedup !== undefined
            ? { reportedSpeedup: g.reportedSpeedup, reportedEnergyRatio: g.reportedEnergyRatio }
            : {}),
          method: g.method,
          source: g.source,
        }))
      : undefined;

  const analogMatrices = mapping.matrices.filter((m) => m.group !== null).length;
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    name: design.name,
    model: {
      name: s.name,
      family: s.family,
      layers: s.layers,
      dModel: s.dModel,
      heads: s.heads,
      kvHeads: s.kvHeads,
      headDim: s.headDim,
      dFf: s.dFf,
      ffn: s.ffn,
      vocab: s.vocab,
      context: s.context,
      parameters: params.total,
    },
    workload: {
      mode: workload.mode,
      batch: workload.batch,
      contextTokens: workload.contextTokens,
      generateTokens: design.workload.generateTokens,
      window: workload.window,
      tokensPerStep: tokens,
      attendedKeysPerQuery: firstAttention ? firstAttention.attendedKeys / firstAttention.queries : 0,
    },
    technology: { nodeNm: design.nodeNm, clockHz: design.clockHz },
    mapping: {
      arrays: mapping.arrays,
      weightArrays: mapping.weightArrays,
      kvArrays: mapping.kvArrays,
      utilization: mapping.utilization,
      chips: mapping.chips,
      arraysPerChip: mapping.arraysPerChip,
      analogMatrices,
      digitalMatrices: mapping.matrices.length - analogMatrices,
      tileGroups: mapping.groups,
      groupEnergyPerTokenJ: mapping.groups.map((g) => (groupEnergyJ.get(g) ?? 0) / tokens),
    },
    perToken,
    perStep: { energyJ: stepEnergyJ, latencyS: stepLatencyS },
    perSequence: workload.mode === 'prefill' ? { energyJ: stepEnergyJ / workload.batch, latencyS: stepLatencyS } : null,
    tokensPerSecond: tokens / stepLatencyS,
    attention: {
      layer: attentionLayer,
      implementation: design.attentionFor(Math.max(0, attentionLayer)),
      perLayerPerToken: attentionPerLayerPerToken,
      perHeadPerTokenEnergyJ: attentionEnergy / s.heads,
      ...(attentionVsGpus ? { baselines: attentionVsGpus } : {}),
    },
    breakdown: {
      byComponent: toRecord(ledger.byComponent, tokens),
      byOperation: toRecord(ledger.byOperation, tokens),
      byLayer: toRecord(ledger.byLayer, tokens),
      byLayerComponent: Object.fromEntries([...ledger.byLayerComponent].map(([k, m]) => [k, toRecord(m, tokens)])),
      latencyByOperation: toRecord(ledger.latencyByOperation, perSequenceTokens),
      latencyByLayer: toRecord(ledger.latencyByLayer, perSequenceTokens),
    },
    areaMm2: area.totalMm2,
    areaByComponentMm2: area.byComponentMm2,
    areaByLayerMm2: area.byLayerMm2,
    baselines,
    assumptions: LATENCY_ASSUMPTIONS,
  };
}
