/**
 * The lab's one source of randomness. Every random choice of a run (fault times, which
 * node, which worker, each worker's resource picks, hold and think times) comes from one
 * seed, so the same seed gives the same fault schedule and the same workload plan.
 *
 * The generator is splitmix32: tiny, fast, and good enough for scheduling (it is not for
 * cryptography). `fork(label)` derives an independent stream from the seed and a label,
 * never from the current state, so adding a draw in one place does not shift the
 * choices made anywhere else.
 */

/** The largest seed: seeds are unsigned 32-bit integers. */
export const SEED_MAX = 0xffff_ffff;

export class Random {
  private state: number;

  /** @param seed an integer from 0 to SEED_MAX (4294967295). */
  constructor(readonly seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > SEED_MAX) {
      throw new RangeError(`seed must be an integer from 0 to ${SEED_MAX}, got ${String(seed)}`);
    }
    this.state = seed | 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e37_79b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 0x1_0000_0000;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(min, max) needs integers with min <= max, got ${min}, ${max}`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  float(min: number, max: number): number {
    if (!(max >= min)) throw new RangeError(`float(min, max) needs min <= max, got ${min}, ${max}`);
    return min + this.next() * (max - min);
  }

  /** True with probability p (0 to 1). */
  chance(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`chance(p) needs p from 0 to 1, got ${p}`);
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick(items) needs at least one item');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A new stream determined only by this stream's seed and the label. */
  fork(label: string): Random {
    return new Random(deriveSeed(this.seed, label));
  }
}

/** Mixes a seed with a label (FNV-1a over the label, then one splitmix32 round). */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c_9dc5 ^ seed;
  for (let index = 0; index < label.length; index += 1) {
    hash ^= label.charCodeAt(index);
    hash = Math.imul(hash, 0x0100_0193);
  }
  let z = (hash + 0x9e37_79b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35);
  z ^= z >>> 16;
  return z >>> 0;
}

/** A fresh seed for a run that was not given one (printed, so it can be replayed). */
export function randomSeed(): number {
  return Math.floor(Math.random() * (SEED_MAX + 1));
}
