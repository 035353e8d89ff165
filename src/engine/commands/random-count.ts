// The count argument of SRANDMEMBER / HRANDFIELD / ZRANDMEMBER and Redis's sampling rules:
// a positive count gives distinct elements (at most all of them), a negative one allows repeats.
import type { Bin } from '../bytes.js';
import { randomBelow, type Rng } from '../clock.js';
import { ERR } from '../errors.js';
import { INT64_MIN, parseInt64 } from '../util/numbers.js';
import { fail } from './types.js';

/** LONG_MAX / 2: with values or scores the reply holds count * 2 items, which must fit a long. */
const PAIR_COUNT_LIMIT = (2n ** 63n - 1n) / 2n;

/**
 * The most elements a reply with repeats may hold. Redis answers a larger negative count by
 * growing its output buffer until memory runs out; the lab refuses before it allocates.
 */
export const MAX_RANDOM_REPLY = 2 ** 24;

/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX), kept exact (no detour through a double). */
export function parseRandomCount(arg: Bin): bigint {
  const value = parseInt64(arg);
  if (value === null) fail(ERR.notInteger);
  if (value === INT64_MIN) fail(ERR.longRange);
  return value;
}

/** WITHVALUES / WITHSCORES: Redis refuses |count| > LONG_MAX / 2 before looking at the key. */
export function checkPairCount(count: bigint): void {
  if (count < -PAIR_COUNT_LIMIT || count > PAIR_COUNT_LIMIT) fail(ERR.valueOutOfRange);
}

/**
 * `count` picks from `items`: distinct when positive (all of them when it exceeds the size), with
 * repeats when negative. A count beyond the number of items is clamped before it becomes a double.
 */
export function sample<T>(items: readonly T[], count: bigint | number, rng: Rng): T[] {
  if (count >= 0) {
    if (count >= items.length) return [...items];
    const n = Number(count);
    const pool = [...items];
    for (let i = 0; i < n; i++) {
      const j = i + randomBelow(rng, pool.length - i);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, n);
  }
  if (-count > MAX_RANDOM_REPLY) fail(ERR.randomReplyTooLarge(MAX_RANDOM_REPLY));
  const out: T[] = [];
  for (let i = 0; i < -Number(count); i++) out.push(items[randomBelow(rng, items.length)]!);
  return out;
}
