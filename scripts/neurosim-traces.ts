/**
 * Writes the trace files that DNN+NeuroSim V1.4's C++ core reads, for ONE GPT-2-small transformer
 * block (QKV 768→2304, out-projection 768→768, FC1 768→3072, FC2 3072→768), so that NeuroSim can
 * be run without its PyTorch wrapper (issue 10: reference figures, test/validation/neurosim/).
 * This is our own code; it only reproduces the documented file format of the wrapper's
 * `utee/hook.py` (no NeuroSim code here).
 *
 * Run: node --import tsx scripts/neurosim-traces.ts OUTDIR [--seed S]   (default seed 1)
 *
 * Writes to OUTDIR:
 *   NetWork_GPT2Block.csv   one row per matrix: `1,1,Cin,1,1,Cout,0,1`
 *   weight<L>.csv           Cin rows × Cout columns, values in [−1, 1) on the 1/128 grid, `%10.5f`
 *   input<L>.csv            Cin rows × 8 columns of 0/1: sign bit, then 7 magnitude bits (two's
 *                           complement, as the wrapper's dec2bin writes them) of one input vector
 *   trace-manifest.json     seed, distributions, per-layer scale, input activity, SHA-256 of files
 *   args.txt                the trace part of NeuroSim's command line (net, then weight/input pairs)
 *
 * Weights: w ~ N(0, 0.02²) i.i.d.; per layer, scaled by s = (127/128) / max|w| so that the matrix
 * spans [−1, 1) as the wrapper's 8-bit quantiser expects (its weights live in (−1, 1) and
 * NeuroSim maps [algoWeightMin, algoWeightMax] = [−1, 1] onto 0…255; +1 itself would overflow),
 * then rounded to the nearest multiple of 1/128.
 * Inputs (one token, every layer drawn independently): each element is 0 with probability 1/2,
 * otherwise |N(0, σ = 0.25)|, rounded to 1/128 and clipped to 127/128; so all inputs are ≥ 0
 * (sign bit 0). The fraction of 1 bits (input activity) per layer is recorded in the manifest.
 *
 * Randomness: splitmix32-seeded xoshiro128** and Box–Muller, so traces are reproducible from the
 * seed; the manifest's SHA-256 sums let a rerun be checked byte for byte.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Layer {
  name: string;
  cin: number;
  cout: number;
}

const LAYERS: Layer[] = [
  { name: 'qkv', cin: 768, cout: 2304 },
  { name: 'attn_out', cin: 768, cout: 768 },
  { name: 'fc1', cin: 768, cout: 3072 },
  { name: 'fc2', cin: 3072, cout: 768 },
];

const WEIGHT_STD = 0.02;
const INPUT_ZERO_FRACTION = 0.5;
const INPUT_STD = 0.25;
const BITS = 8;
const STEP = 1 / 2 ** (BITS - 1); // 1/128
const MAX_CODE = 2 ** (BITS - 1) - 1; // 127

/** xoshiro128** seeded through splitmix32: uniform doubles in [0, 1). */
function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Standard normal samples by Box–Muller (both outputs used). */
function makeNormal(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const v = spare;
      spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * numpy's `%10.5f` (C printf: exact value, ties to even; right-aligned in 10 characters) of
 * code/128. code·781.25 is the value in units of 1e−5, exact in binary floating point; a zero code
 * is printed as `0.00000` (numpy would keep the sign of a −0, which NeuroSim reads the same).
 */
function fmtWeightCode(code: number): string {
  const scaled = Math.abs(code) * 781.25;
  let units = Math.floor(scaled);
  const frac = scaled - units;
  if (frac > 0.5 || (frac === 0.5 && units % 2 === 1)) units += 1;
  const text = `${code < 0 ? '-' : ''}${Math.floor(units / 1e5)}.${String(units % 1e5).padStart(5, '0')}`;
  return text.padStart(10, ' ');
}

/** The wrapper's dec2bin for one value on the 1/128 grid: [sign, b6 … b0] of the two's complement code. */
function inputBits(code: number): number[] {
  const sign = code < 0 ? 1 : 0;
  let rest = code + 128 * sign;
  const bits = [sign];
  for (let base = 64; base >= 1; base /= 2) {
    const bit = rest >= base ? 1 : 0;
    rest -= base * bit;
    bits.push(bit);
  }
  return bits;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function parseArgs(argv: string[]): { outDir: string; seed: number } {
  let outDir: string | undefined;
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seed') {
      seed = Number(argv[++i]);
      if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed takes a non-negative integer');
    } else if (outDir === undefined) {
      outDir = argv[i];
    } else {
      throw new Error(`unexpected argument ${argv[i]}`);
    }
  }
  if (outDir === undefined) throw new Error('usage: node --import tsx scripts/neurosim-traces.ts OUTDIR [--seed S]');
  return { outDir, seed };
}

function main(): void {
  const { outDir, seed } = parseArgs(process.argv.slice(2));
  mkdirSync(outDir, { recursive: true });
  const files: Record<string, string> = {};
  const write = (name: string, text: string): void => {
    writeFileSync(path.join(outDir, name), text);
    files[name] = sha256(text);
  };

  const net = LAYERS.map((l) => `1,1,${l.cin},1,1,${l.cout},0,1`).join('\n') + '\n';
  write('NetWork_GPT2Block.csv', net);

  const layerInfo = [];
  const args = ['NetWork_GPT2Block.csv'];
  for (const [index, layer] of LAYERS.entries()) {
    const n = index + 1;
    // Independent streams per layer and per kind, so each file depends only on (seed, layer).
    const wNormal = makeNormal(makeRng(seed * 1000 + n * 2));
    const xUniform = makeRng(seed * 1000 + n * 2 + 1);
    const xNormal = makeNormal(xUniform);

    // Weights: Cin rows (input channels) × Cout columns (output channels), as the hook transposes them.
    const w = new Float64Array(layer.cin * layer.cout);
    let maxAbs = 0;
    for (let i = 0; i < w.length; i++) {
      w[i] = WEIGHT_STD * wNormal();
      maxAbs = Math.max(maxAbs, Math.abs(w[i]));
    }
    const scale = (MAX_CODE * STEP) / maxAbs;
    const weightLines: string[] = [];
    let codeSum = 0;
    let codeSqSum = 0;
    let weightCellOnes = 0;
    for (let r = 0; r < layer.cin; r++) {
      const row: string[] = [];
      for (let c = 0; c < layer.cout; c++) {
        const code = Math.max(-128, Math.min(MAX_CODE, Math.round(w[r * layer.cout + c] * scale * 128)));
        codeSum += code;
        codeSqSum += code * code;
        // NeuroSim stores round(128·(w + 1)) = code + 128 in 8 one-bit cells.
        let stored = code + 128;
        while (stored > 0) {
          weightCellOnes += stored & 1;
          stored >>= 1;
        }
        row.push(fmtWeightCode(code));
      }
      weightLines.push(row.join(','));
    }
    write(`weight${n}.csv`, weightLines.join('\n') + '\n');

    // Inputs: one input vector (one token): Cin rows × 8 bit columns.
    const inputLines: string[] = [];
    let ones = 0;
    let magnitudeOnes = 0;
    let zeros = 0;
    for (let r = 0; r < layer.cin; r++) {
      const isZero = xUniform() < INPUT_ZERO_FRACTION;
      const code = isZero ? 0 : Math.min(MAX_CODE, Math.round(Math.abs(INPUT_STD * xNormal()) * 128));
      if (code === 0) zeros++;
      const bits = inputBits(code);
      ones += bits.reduce((a, b) => a + b, 0);
      magnitudeOnes += bits.slice(1).reduce((a, b) => a + b, 0);
      inputLines.push(bits.join(','));
    }
    write(`input${n}.csv`, inputLines.join('\n') + '\n');
    args.push(`weight${n}.csv`, `input${n}.csv`);

    const count = layer.cin * layer.cout;
    layerInfo.push({
      layer: n,
      name: layer.name,
      cin: layer.cin,
      cout: layer.cout,
      macs: count,
      weightScale: scale,
      weightMaxAbsBeforeScale: maxAbs,
      weightCodeMean: codeSum / count,
      weightCodeStd: Math.sqrt(codeSqSum / count - (codeSum / count) ** 2),
      weightCellOnesFraction: weightCellOnes / (count * BITS),
      inputZeroFraction: zeros / layer.cin,
      inputActivity: ones / (layer.cin * BITS),
      inputActivityMagnitudeBits: magnitudeOnes / (layer.cin * (BITS - 1)),
    });
  }
  writeFileSync(path.join(outDir, 'args.txt'), args.join(' ') + '\n');

  const manifest = {
    generator: 'scripts/neurosim-traces.ts',
    seed,
    weights: {
      distribution: `N(0, ${WEIGHT_STD}^2) i.i.d.`,
      scaling: 'per layer, w * (127/128) / max|w|, then round to 1/128 (codes -128..127)',
      format: "Cin rows x Cout columns, numpy '%10.5f', comma-separated",
    },
    inputs: {
      distribution: `0 with probability ${INPUT_ZERO_FRACTION}, else |N(0, sigma=${INPUT_STD})| rounded to 1/128, clipped to 127/128`,
      format: 'Cin rows x 8 columns (sign bit, then 7 magnitude bits, MSB first), one input vector (one token)',
      activityDefinition: 'fraction of 1 bits over all Cin x 8 input bits',
    },
    layers: layerInfo,
    sha256: files,
  };
  writeFileSync(path.join(outDir, 'trace-manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  process.stdout.write(JSON.stringify(layerInfo, null, 2) + '\n');
}

main();
