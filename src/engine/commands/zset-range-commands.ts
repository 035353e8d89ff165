// ZRANGE in all its forms (rank, BYSCORE, BYLEX, REV, LIMIT, WITHSCORES) and the legacy range
// commands, ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY*, parsed in zrangeGenericCommand's
// order so that errors come out exactly as Redis gives them.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { ZSetValue, type ZEntry } from '../keyspace/values.js';
import { bulkArray, EMPTY_ARRAY, int, type Reply } from '../resp/reply.js';
import { formatDouble, parseIntArg } from '../util/numbers.js';
import { lexSelector, parseLexRange, parseScoreRange, rankRange, scoreSelector, selectRange } from './zset-ranges.js';
import { fail } from './types.js';

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

function integerArg(arg: Bin): number {
  const value = parseIntArg(arg);
  if (value === null) fail(ERR.notInteger);
  return value;
}

/** The selected entries, or null when the key does not exist. */
function zrangeSelect(ctx: CommandContext, argv: readonly Bin[], first: number, store: boolean, type: RangeType, direction: Direction): { entries: ZEntry[] | null; withScores: boolean } {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = first + 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (!store && opt === 'withscores') withScores = true;
    else if (opt === 'limit' && left >= 2) {
      offset = integerArg(argv[j + 1]!);
      limit = integerArg(argv[j + 2]!);
      j += 2;
    } else if (direction === 'auto' && opt === 'rev') direction = 'reverse';
    else if (type === 'auto' && opt === 'bylex') type = 'lex';
    else if (type === 'auto' && opt === 'byscore') type = 'score';
    else fail(ERR.syntax);
  }
  const reverse = direction === 'reverse';
  const rangeType = type === 'auto' ? 'rank' : type;
  if (limit !== -1 && rangeType === 'rank') fail(ERR.zrangeLimitNeedsBy);
  if (withScores && rangeType === 'lex') fail(ERR.zrangeWithscoresBylex);
  let minArg = argv[first + 1]!;
  let maxArg = argv[first + 2]!;
  if (reverse && rangeType !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  let pick: (zset: ZSetValue) => number[];
  if (rangeType === 'rank') {
    const start = integerArg(minArg);
    const end = integerArg(maxArg);
    pick = (zset) => {
      const range = rankRange(start, end, zset.size);
      if (!range) return [];
      const out: number[] = [];
      for (let r = range[0]; r <= range[1]; r++) out.push(reverse ? zset.size - 1 - r : r);
      return out;
    };
  } else if (rangeType === 'score') {
    const range = parseScoreRange(minArg, maxArg);
    if (!range) fail(ERR.minMaxNotFloat);
    pick = (zset) => selectRange(zset, scoreSelector(range), reverse, offset, limit);
  } else {
    const range = parseLexRange(minArg, maxArg);
    if (!range) fail(ERR.minMaxNotLex);
    pick = (zset) => selectRange(zset, lexSelector(range), reverse, offset, limit);
  }
  const zset = ctx.getZSet(argv[first]!);
  if (!zset) return { entries: null, withScores };
  return { entries: pick(zset).map((i) => zset.sorted[i]!), withScores };
}

export function entriesReply(entries: readonly ZEntry[], withScores: boolean): Reply {
  const out: Bin[] = [];
  for (const e of entries) {
    out.push(e.member);
    if (withScores) out.push(formatDouble(e.score));
  }
  return out.length === 0 ? EMPTY_ARRAY : bulkArray(out);
}

export function zrangeCommand(type: RangeType, direction: Direction) {
  return (ctx: CommandContext, argv: readonly Bin[]): Reply => {
    const { entries, withScores } = zrangeSelect(ctx, argv, 1, false, type, direction);
    return entriesReply(entries ?? [], withScores);
  };
}

export function zrangestore(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const destination = argv[1]!;
  const { entries } = zrangeSelect(ctx, argv, 2, true, 'auto', 'auto');
  if (entries && entries.length > 0) {
    const result = new ZSetValue();
    for (const e of entries) result.set(e.member, e.score, ctx.limits);
    ctx.db.setKey(destination, result);
    ctx.dirty();
    return int(result.size);
  }
  // dbDelete, without a lookup: an expired destination is deleted here, not expired.
  if (ctx.db.delete(destination)) ctx.dirty();
  return int(0);
}

export function zcount(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const range = parseScoreRange(argv[2]!, argv[3]!);
  if (!range) fail(ERR.minMaxNotFloat);
  const zset = ctx.getZSet(argv[1]!);
  return int(zset ? selectRange(zset, scoreSelector(range), false).length : 0);
}

export function zlexcount(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const range = parseLexRange(argv[2]!, argv[3]!);
  if (!range) fail(ERR.minMaxNotLex);
  const zset = ctx.getZSet(argv[1]!);
  return int(zset ? selectRange(zset, lexSelector(range), false).length : 0);
}

export function zremrange(type: 'rank' | 'score' | 'lex') {
  return (ctx: CommandContext, argv: readonly Bin[]): Reply => {
    let pick: (zset: ZSetValue) => number[];
    if (type === 'rank') {
      const start = integerArg(argv[2]!);
      const end = integerArg(argv[3]!);
      pick = (zset) => {
        const range = rankRange(start, end, zset.size);
        return range ? Array.from({ length: range[1] - range[0] + 1 }, (_, i) => range[0] + i) : [];
      };
    } else if (type === 'score') {
      const range = parseScoreRange(argv[2]!, argv[3]!);
      if (!range) fail(ERR.minMaxNotFloat);
      pick = (zset) => selectRange(zset, scoreSelector(range), false);
    } else {
      const range = parseLexRange(argv[2]!, argv[3]!);
      if (!range) fail(ERR.minMaxNotLex);
      pick = (zset) => selectRange(zset, lexSelector(range), false);
    }
    const key = argv[1]!;
    const zset = ctx.getZSet(key);
    if (!zset) return int(0);
    const members = pick(zset).map((i) => zset.sorted[i]!.member);
    for (const m of members) zset.delete(m);
    ctx.deleteIfEmpty(key, zset.size);
    ctx.dirty(members.length);
    return int(members.length);
  };
}
