// A database number argument (SELECT, MOVE, SWAPDB, COPY … DB) as getIntFromObjectOrReply reads it.
import type { Bin } from '../bytes.js';
import { ERR } from '../errors.js';
import { parseIntArg } from '../util/numbers.js';
import { fail } from './types.js';

const INT32_MAX = 2 ** 31 - 1;

/** `message` for both failures when given, redis's own texts otherwise. */
export function parseDbIndex(arg: Bin, message?: string): number {
  const id = parseIntArg(arg);
  if (id === null) fail(message ?? ERR.notInteger);
  if (id < -(2 ** 31) || id > INT32_MAX) fail(message ?? ERR.intRange);
  return id;
}
