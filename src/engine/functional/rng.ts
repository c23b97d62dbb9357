/**
 * Seeded random numbers for the functional simulation, so that a run is reproducible from its seed.
 *
 * Uniform bits: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47(4), 2021), state filled through splitmix32. Single normals (`normal`): the ziggurat method with 128
 * layers (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000), the layer index and the value taken from
 * disjoint bits of one draw (Doornik, "An improved ziggurat method", 2005) — about five times
 * faster than scalar Box–Muller. Bulk normals (`fill`, `normals`, the path of programming cells,
 * output noise and synthetic weights) come from a second, vectorised stream of the same generator:
 * four xoshiro128** lanes and Box–Muller in WebAssembly SIMD (kernels/vectorMath.ts), seeded from
 * the same seed, so that one value costs about 2 ns instead of 5–10. Its numbers do not depend on how
 * a request is split into calls. Every consumer derives its own stream from (seed, label), so the
 * draws of one matrix do not depend on how many values another matrix used before it.
 */
import { vectorMath } from '../kernels/vectorMath';
import type { NormalSource } from './tileGemmReference';

const TWO_POW_32 = 4294967296;
const TWO_POW_31 = 2147483648;
const LAYERS = 128;
/** Right edge of the base layer and area of each layer, for 128 layers (Marsaglia & Tsang 2000). */
const R = 3.442619855899;
const LAYER_AREA = 9.91256303526217e-3;
const kn = new Uint32Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  let dn = R;
  let tn = dn;
  const q = LAYER_AREA / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * TWO_POW_31;
  kn[1] = 0;
  wn[0] = q / TWO_POW_31;
  wn[LAYERS - 1] = dn / TWO_POW_31;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(LAYER_AREA / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * TWO_POW_31;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / TWO_POW_31;
  }
}

function splitmix32(state: { z: number }): number {
  state.z = (state.z + 0x9e3779b9) >>> 0;
  let t = state.z;
  t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
  t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

/** FNV-1a over the label, mixed with the seed: a 32-bit stream id. */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A second mix with the seed's high part keeps seeds above 2^32 distinct.
  const state = { z: (h ^ Math.floor(seed / TWO_POW_32)) >>> 0 };
  return splitmix32(state);
}

/** Normals drawn per bulk step: four lanes, a Box–Muller pair each. */
const BULK_STEP = 8;

export class Rng implements NormalSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The splitmix32 state after the scalar stream's words: the bulk stream's lanes come next. */
  private readonly bulkSeed: number;
  /** Four-lane state of the bulk stream, made on first use. */
  private bulk: Uint32Array | null = null;
  /** Bulk normals drawn but not yet handed out (the tail of the last step). */
  private readonly pending = new Float32Array(BULK_STEP);
  private pendingAt = BULK_STEP;

  constructor(seed: number) {
    const state = { z: seed >>> 0 };
    this.s0 = splitmix32(state);
    this.s1 = splitmix32(state);
    this.s2 = splitmix32(state);
    this.s3 = splitmix32(state);
    // xoshiro's all-zero state is a fixed point.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.bulkSeed = state.z;
  }

  /** A generator for one named purpose, independent of every other label. */
  static derive(seed: number, label: string): Rng {
    return new Rng(deriveSeed(seed, label));
  }

  nextUint32(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in the open interval (0, 1): never 0, so log() is always finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  normal(): number {
    for (;;) {
      const bits = this.nextUint32();
      const layer = bits & (LAYERS - 1);
      // A signed value from the 25 high bits, the layer from the 7 low ones.
      const hz = (bits & ~(LAYERS - 1)) | 0;
      const x = hz * wn[layer];
      if (Math.abs(hz) < kn[layer]) return x;
      if (layer === 0) {
        // The tail beyond R (Marsaglia 1964).
        let tail: number;
        let y: number;
        do {
          tail = -Math.log(this.uniform()) / R;
          y = -Math.log(this.uniform());
        } while (y + y < tail * tail);
        return hz > 0 ? R + tail : -R - tail;
      }
      if (fn[layer] + this.uniform() * (fn[layer - 1] - fn[layer]) < Math.exp(-0.5 * x * x)) return x;
    }
  }

  /** Standard normals from the bulk stream (see the header); the split into calls does not matter. */
  fill(out: Float32Array): void {
    let i = 0;
    while (i < out.length && this.pendingAt < BULK_STEP) out[i++] = this.pending[this.pendingAt++];
    if (i === out.length) return;
    const state = this.bulkState();
    const math = vectorMath();
    const whole = (out.length - i) & ~(BULK_STEP - 1);
    if (whole > 0) math.normals(state, out.subarray(i, i + whole));
    i += whole;
    if (i < out.length) {
      math.normals(state, this.pending);
      this.pendingAt = 0;
      while (i < out.length) out[i++] = this.pending[this.pendingAt++];
    }
  }

  /** N(0, std²) samples from the bulk stream. */
  normals(count: number, std = 1): Float32Array {
    const out = new Float32Array(count);
    this.fill(out);
    if (std !== 1) for (let i = 0; i < count; i++) out[i] *= std;
    return out;
  }

  private bulkState(): Uint32Array {
    if (!this.bulk) {
      const state = { z: this.bulkSeed };
      const words = new Uint32Array(16);
      for (let i = 0; i < 16; i++) words[i] = splitmix32(state);
      // Each lane (words i, 4+i, 8+i, 12+i) must not be all zero.
      for (let lane = 0; lane < 4; lane++)
        if ((words[lane] | words[4 + lane] | words[8 + lane] | words[12 + lane]) === 0) words[lane] = 1;
      this.bulk = words;
    }
    return this.bulk;
  }
}
