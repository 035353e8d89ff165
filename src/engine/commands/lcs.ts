// LCS (t_string.c lcsCommand): the longest common subsequence of two strings by the classic
// dynamic-programming table, walked back from the end to build the string and, with IDX, the
// matching ranges (latest first), filtered by MINMATCHLEN and optionally WITHMATCHLEN.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { stringBytes } from '../keyspace/values.js';
import { array, bulk, int, type Reply } from '../resp/reply.js';
import { parseInt64 } from '../util/numbers.js';
import { command, fail, type CommandSpec } from './types.js';

/** proto-max-bulk-len: redis refuses a table bigger than the largest string it would accept. */
const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;

function stringArg(ctx: CommandContext, key: Bin): Bin | null {
  const value = ctx.lookup(key);
  if (value === undefined) return '';
  return stringBytes(value);
}

function lcs(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const a = stringArg(ctx, argv[1]!);
  const b = stringArg(ctx, argv[2]!);
  if (a === null || b === null) fail('ERR The specified keys must contain string values');
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && j < argv.length - 1) {
      const value = parseInt64(argv[++j]!);
      if (value === null) fail(ERR.notInteger);
      minMatchLen = value < 0n ? 0 : Number(value);
    } else fail(ERR.syntax);
  }
  if (getLen && getIdx) fail('ERR If you want both the length and indexes, please just use IDX.');
  if (a.length >= 2 ** 32 - 2 || b.length >= 2 ** 32 - 2) fail(ERR.lcsTooLong);
  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  if ((alen + 1) * width * 4 > PROTO_MAX_BULK_LEN) fail('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  let table: Uint32Array;
  try {
    table = new Uint32Array((alen + 1) * width);
  } catch {
    fail('ERR Insufficient memory, failed allocating transient memory for LCS');
  }
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) table[i * width + j] = table[(i - 1) * width + j - 1]! + 1;
      else {
        const up = table[(i - 1) * width + j]!;
        const left = table[i * width + j - 1]!;
        table[i * width + j] = up > left ? up : left;
      }
    }
  }
  const length = table[alen * width + blen]!;
  if (getLen) return int(length);

  const result: string[] = new Array<string>(length);
  let idx = length;
  const ranges: Reply[] = [];
  // arangeStart === alen means "no range open".
  let arangeStart = alen;
  let arangeEnd = 0;
  let brangeStart = 0;
  let brangeEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      result[idx - 1] = a[i - 1]!;
      if (arangeStart === alen) {
        arangeStart = arangeEnd = i - 1;
        brangeStart = brangeEnd = j - 1;
      } else if (arangeStart === i && brangeStart === j) {
        arangeStart--;
        brangeStart--;
      } else emit = true;
      if (arangeStart === 0 || brangeStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j]! > table[i * width + j - 1]!) i--;
      else j--;
      if (arangeStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = arangeEnd - arangeStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        const entry = [array([int(arangeStart), int(arangeEnd)]), array([int(brangeStart), int(brangeEnd)])];
        if (withMatchLen) entry.push(int(matchLen));
        ranges.push(array(entry));
      }
      arangeStart = alen;
    }
  }
  if (getIdx) return array([bulk('matches'), array(ranges), bulk('len'), int(length)]);
  return bulk(result.join(''));
}

export const lcsCommands: readonly CommandSpec[] = [command({ name: 'lcs', arity: -3, run: lcs })];
