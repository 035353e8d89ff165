// Time and randomness come in from outside so the same engine is deterministic under the
// simulator's virtual clock and real under Node or the worker.

/** Unix time in milliseconds as the engine should see it. */
export interface Clock {
  now(): number;
}

/** Uniform numbers from a seedable source. */
export interface Rng {
  /** An integer in [0, 2^32). */
  nextUint32(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** xoshiro128**: small, fast and reproducible across machines for a given seed. */
export function seededRng(seed: number): Rng {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
  let c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
  let d = 0x12345678 ^ (seed >>> 3);
  const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  for (let i = 0; i < 16; i++) next();
  return { nextUint32: next };
}

/** An integer in [0, bound). */
export function randomBelow(rng: Rng, bound: number): number {
  if (bound <= 0x100000000) return Math.floor((rng.nextUint32() / 0x100000000) * bound);
  return Math.floor(((rng.nextUint32() * 0x100000000 + rng.nextUint32()) / 2 ** 64) * bound);
}
