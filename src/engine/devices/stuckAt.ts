/**
 * Stuck-at faults: a random fraction of cells ignore programming and sit at the on state (g_max,
 * low resistance) or the off state (g_min, high resistance), as MNSIM 2.0 and MemTorch model them.
 * Measured RRAM arrays show about 9.04 % stuck-on and 1.75 % stuck-off cells (Chen et al., IEEE
 * Trans. Computers 64(1), 2015 — check the assignment of SA0/SA1 to off/on); the config default is 0, so faults are opt-in.
 */
import type { Rng } from '../functional/rng';

export interface StuckAtFractions {
  readonly onFraction: number;
  readonly offFraction: number;
}

/** Overwrites faulty cells in place; returns how many were stuck on and off. */
export function applyStuckAt(
  conductanceUs: Float32Array,
  gMinUs: number,
  gMaxUs: number,
  fractions: StuckAtFractions,
  rng: Rng,
): { stuckOn: number; stuckOff: number } {
  const { onFraction, offFraction } = fractions;
  if (onFraction < 0 || offFraction < 0 || onFraction + offFraction > 1) {
    throw new RangeError(`stuck-at fractions must be ≥ 0 and sum to ≤ 1, got on ${onFraction}, off ${offFraction}`);
  }
  let stuckOn = 0;
  let stuckOff = 0;
  if (onFraction === 0 && offFraction === 0) return { stuckOn, stuckOff };
  for (let i = 0; i < conductanceUs.length; i++) {
    const u = rng.uniform();
    if (u < onFraction) {
      conductanceUs[i] = gMaxUs;
      stuckOn++;
    } else if (u < onFraction + offFraction) {
      conductanceUs[i] = gMinUs;
      stuckOff++;
    }
  }
  return { stuckOn, stuckOff };
}
