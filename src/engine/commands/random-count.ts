// The count argument of SRANDMEMBER / HRANDFIELD / ZRANDMEMBER and Redis's sampling rules:
// a positive count gives distinct elements (at most all of them), a negative one allows repeats.
import type { Bin } from '../bytes.js';
import { randomBelow, type Rng } from '../clock.js';
import { ERR } from '../errors.js';
import { INT64_MIN, parseInt64 } from '../util/numbers.js';
import { fail } from './types.js';

export function parseRandomCount(arg: Bin): number {
  const value = parseInt64(arg);
  if (value === null) fail(ERR.notInteger);
  if (value === INT64_MIN) fail(ERR.longRange);
  return Number(value);
}

/** `count` picks from `items`: distinct when positive, with repeats when negative. */
export function sample<T>(items: readonly T[], count: number, rng: Rng): T[] {
  if (count >= 0) {
    if (count >= items.length) return [...items];
    const pool = [...items];
    for (let i = 0; i < count; i++) {
      const j = i + randomBelow(rng, pool.length - i);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, count);
  }
  const out: T[] = [];
  for (let i = 0; i < -count; i++) out.push(items[randomBelow(rng, items.length)]!);
  return out;
}
