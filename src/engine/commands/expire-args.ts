// Expire times as Redis parses them for SET, GETEX and the EXPIRE family: an integer, positive,
// in seconds or ms, relative or absolute, turned into absolute unix ms without int64 overflow.
import type { Bin } from '../bytes.js';
import { ERR } from '../errors.js';
import { unixMs, type UnixMs } from '../keyspace/database.js';
import { INT64_MAX, parseInt64 } from '../util/numbers.js';
import { fail } from './types.js';

export type ExpireUnit = 'seconds' | 'milliseconds';

/** getExpireMillisecondsOrReply: absolute unix ms, or fails with Redis's error. */
export function parseExpireAt(arg: Bin, unit: ExpireUnit, relative: boolean, now: number, commandName: string): UnixMs {
  const value = parseInt64(arg);
  if (value === null) fail(ERR.notInteger);
  if (value <= 0n || (unit === 'seconds' && value > INT64_MAX / 1000n)) fail(ERR.invalidExpire(commandName));
  let ms = unit === 'seconds' ? value * 1000n : value;
  if (relative) ms += BigInt(now);
  if (ms > INT64_MAX) fail(ERR.invalidExpire(commandName));
  return unixMs(ms);
}
