// getTimeoutFromObjectOrReply: a blocking command's timeout, in seconds (a long double, rounded
// up to whole ms as ceill does) or in ms, as an absolute unix ms on the engine's clock (0: wait
// forever).
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { parseLongDouble, type LongDouble } from '../util/long-double.js';
import { parseInt64 } from '../util/numbers.js';
import { fail } from './types.js';

export const TIMEOUT_ERR = {
  notFloat: 'ERR timeout is not a float or out of range',
  notInteger: 'ERR timeout is not an integer or out of range',
  negative: 'ERR timeout is negative',
} as const;

const LLONG_MIN = -(2n ** 63n);
const LLONG_MAX = 2n ** 63n - 1n;

/** (long long) ceill(v * 1000.0L): the product rounded to a 64-bit significand, then up. */
function secondsToMs(v: LongDouble): bigint {
  // Infinity and values beyond int64 convert to LLONG_MIN on x86-64.
  if (v.kind !== 'finite') return LLONG_MIN;
  let m = v.mantissa * 1000n;
  let e = v.exponent;
  const bits = m.toString(2).length;
  if (bits > 64) {
    const shift = BigInt(bits - 64);
    const rest = m & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    m >>= shift;
    if (rest > half || (rest === half && (m & 1n) === 1n)) m++;
    e += Number(shift);
  }
  let magnitudeFloor: bigint;
  let exact: boolean;
  if (e >= 0) {
    magnitudeFloor = m << BigInt(e);
    exact = true;
  } else {
    const d = 1n << BigInt(-e);
    magnitudeFloor = m / d;
    exact = m % d === 0n;
  }
  const ms = v.negative ? -magnitudeFloor : exact ? magnitudeFloor : magnitudeFloor + 1n;
  return ms > LLONG_MAX || ms < LLONG_MIN ? LLONG_MIN : ms;
}

/** The absolute timeout (unix ms), or 0 for "forever". */
export function blockTimeout(ctx: CommandContext, arg: Bin, unit: 'seconds' | 'ms'): number {
  let ms: bigint;
  if (unit === 'seconds') {
    const value = parseLongDouble(arg);
    if (value === null) fail(TIMEOUT_ERR.notFloat);
    ms = secondsToMs(value);
  } else {
    const value = parseInt64(arg);
    if (value === null) fail(TIMEOUT_ERR.notInteger);
    ms = value;
  }
  if (ms < 0n) fail(TIMEOUT_ERR.negative);
  return ms > 0n ? Number(ms) + ctx.now : 0;
}
