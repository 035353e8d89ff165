// Sorted-set commands: ZADD with NX/XX/GT/LT/CH/INCR (zaddGenericCommand's parsing order and
// errors), ZINCRBY, ZREM, scores and ranks, pops, random members and ZSCAN; the range commands
// live in zset-range-commands.ts. Scores print as "%.17g", as addReplyDouble does.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { ZSetValue } from '../keyspace/values.js';
import { bulk, bulkArray, EMPTY_ARRAY, int, NIL, type Reply } from '../resp/reply.js';
import { stringMatch } from '../util/glob.js';
import { formatDouble, parseDouble, parseIntArg } from '../util/numbers.js';
import { checkPairCount, parseRandomCount, sample } from './random-count.js';
import { collectionScan, scanItems, scanReply } from './scan.js';
import { command, fail, type CommandSpec } from './types.js';
import { entriesReply, zcount, zlexcount, zrangeCommand, zrangestore, zremrange } from './zset-range-commands.js';

export function zadd(ctx: CommandContext, argv: readonly Bin[], incrOnly: boolean): Reply {
  const flags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: incrOnly };
  let scoreIndex = 2;
  if (!incrOnly) {
    for (; scoreIndex < argv.length; scoreIndex++) {
      const opt = argv[scoreIndex]!.toLowerCase();
      if (opt === 'nx' || opt === 'xx' || opt === 'gt' || opt === 'lt' || opt === 'ch' || opt === 'incr') flags[opt] = true;
      else break;
    }
  }
  const pairs = argv.length - scoreIndex;
  if (pairs % 2 !== 0 || pairs === 0) fail(ERR.syntax);
  if (flags.xx && flags.nx) fail(ERR.zaddXxNx);
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) fail(ERR.zaddGtLtNx);
  if (flags.incr && pairs > 2) fail(ERR.zaddIncrSingle);
  const scores: number[] = [];
  for (let j = scoreIndex; j < argv.length; j += 2) {
    const score = parseDouble(argv[j]!);
    if (score === null) fail(ERR.notFloat);
    scores.push(score);
  }
  const key = argv[1]!;
  let zset = ctx.getZSet(key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  if (!zset) {
    if (flags.xx) return flags.incr ? NIL : int(0);
    zset = new ZSetValue();
    ctx.db.setKey(key, zset);
  }
  for (let j = 0; j < scores.length; j++) {
    const member = argv[scoreIndex + 1 + j * 2]!;
    let score = scores[j]!;
    const current = zset.scores.get(member);
    if (current !== undefined) {
      if (flags.nx) continue;
      if (flags.incr) {
        score += current;
        if (Number.isNaN(score)) fail(ERR.zaddNan);
      }
      if ((flags.lt && score >= current) || (flags.gt && score <= current)) continue;
      if (score !== current) {
        zset.set(member, score, ctx.limits);
        updated++;
      }
    } else {
      if (flags.xx) continue;
      zset.set(member, score, ctx.limits);
      added++;
    }
    processed++;
    lastScore = score;
  }
  ctx.dirty(added + updated);
  if (flags.incr) return processed ? bulk(formatDouble(lastScore)) : NIL;
  return int(flags.ch ? added + updated : added);
}

function zpop(ctx: CommandContext, argv: readonly Bin[], fromMax: boolean): Reply {
  if (argv.length > 3) fail(ERR.syntax);
  let count = 1;
  if (argv.length === 3) {
    const parsed = parseIntArg(argv[2]!);
    if (parsed === null || parsed < 0) fail(ERR.outOfRangePositive);
    count = parsed;
  }
  const key = argv[1]!;
  const zset = ctx.getZSet(key);
  if (!zset || count === 0) return EMPTY_ARRAY;
  const taken = fromMax ? zset.sorted.slice(-count).reverse() : zset.sorted.slice(0, count);
  const entries = taken.map((e) => ({ member: e.member, score: e.score }));
  for (const e of entries) zset.delete(e.member);
  ctx.deleteIfEmpty(key, zset.size);
  ctx.dirty(entries.length);
  return entriesReply(entries, true);
}

function zrandmember(ctx: CommandContext, argv: readonly Bin[]): Reply {
  if (argv.length === 2) {
    const zset = ctx.getZSet(argv[1]!);
    return zset ? bulk(sample(zset.sorted, 1, ctx.engine.rng)[0]!.member) : NIL;
  }
  const count = parseRandomCount(argv[2]!);
  if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withscores')) fail(ERR.syntax);
  const withScores = argv.length === 4;
  if (withScores) checkPairCount(count);
  const zset = ctx.getZSet(argv[1]!);
  if (!zset || count === 0n) return EMPTY_ARRAY;
  return entriesReply(sample(zset.sorted, count, ctx.engine.rng), withScores);
}

function zscan(ctx: CommandContext, argv: readonly Bin[]): Reply {
  return collectionScan(argv, () => ctx.getZSet(argv[1]!), (zset, options) => {
    const count = zset.encoding === 'listpack' ? Infinity : options.count;
    const { next, page } = scanItems(zset.sorted, (e) => e.member, options.cursor, count);
    const out: Bin[] = [];
    for (const e of page) if (options.match === null || stringMatch(options.match, e.member)) out.push(e.member, formatDouble(e.score));
    return scanReply(next, out);
  });
}

function rank(ctx: CommandContext, argv: readonly Bin[], reverse: boolean): Reply {
  const zset = ctx.getZSet(argv[1]!);
  const r = zset?.rank(argv[2]!);
  if (!zset || r === null || r === undefined) return NIL;
  return int(reverse ? zset.size - 1 - r : r);
}

function score(zset: ZSetValue | undefined, member: Bin): Bin | null {
  const value = zset?.scores.get(member);
  return value === undefined ? null : formatDouble(value);
}

export const zsetCommands: readonly CommandSpec[] = [
  command({ name: 'zadd', arity: -4, write: true, keys: [1, 1, 1], run: (ctx, argv) => zadd(ctx, argv, false) }),
  command({ name: 'zincrby', arity: 4, write: true, keys: [1, 1, 1], run: (ctx, argv) => zadd(ctx, argv, true) }),
  command({
    name: 'zrem',
    arity: -3,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const zset = ctx.getZSet(argv[1]!);
      if (!zset) return int(0);
      let deleted = 0;
      for (const m of argv.slice(2)) if (zset.delete(m)) deleted++;
      ctx.deleteIfEmpty(argv[1]!, zset.size);
      ctx.dirty(deleted);
      return int(deleted);
    },
  }),
  command({ name: 'zscore', arity: 3, keys: [1, 1, 1], run: (ctx, argv) => bulk(score(ctx.getZSet(argv[1]!), argv[2]!)) }),
  command({
    name: 'zmscore',
    arity: -3,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const zset = ctx.getZSet(argv[1]!);
      return bulkArray(argv.slice(2).map((m) => score(zset, m)));
    },
  }),
  command({ name: 'zcard', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => int(ctx.getZSet(argv[1]!)?.size ?? 0) }),
  command({ name: 'zcount', arity: 4, keys: [1, 1, 1], run: zcount }),
  command({ name: 'zlexcount', arity: 4, keys: [1, 1, 1], run: zlexcount }),
  command({ name: 'zrank', arity: 3, keys: [1, 1, 1], run: (ctx, argv) => rank(ctx, argv, false) }),
  command({ name: 'zrevrank', arity: 3, keys: [1, 1, 1], run: (ctx, argv) => rank(ctx, argv, true) }),
  command({ name: 'zrange', arity: -4, keys: [1, 1, 1], run: zrangeCommand('auto', 'auto') }),
  command({ name: 'zrevrange', arity: -4, keys: [1, 1, 1], run: zrangeCommand('rank', 'reverse') }),
  command({ name: 'zrangebyscore', arity: -4, keys: [1, 1, 1], run: zrangeCommand('score', 'forward') }),
  command({ name: 'zrevrangebyscore', arity: -4, keys: [1, 1, 1], run: zrangeCommand('score', 'reverse') }),
  command({ name: 'zrangebylex', arity: -4, keys: [1, 1, 1], run: zrangeCommand('lex', 'forward') }),
  command({ name: 'zrevrangebylex', arity: -4, keys: [1, 1, 1], run: zrangeCommand('lex', 'reverse') }),
  command({ name: 'zrangestore', arity: -5, write: true, keys: [1, 2, 1], run: zrangestore }),
  command({ name: 'zremrangebyrank', arity: 4, write: true, keys: [1, 1, 1], run: zremrange('rank') }),
  command({ name: 'zremrangebyscore', arity: 4, write: true, keys: [1, 1, 1], run: zremrange('score') }),
  command({ name: 'zremrangebylex', arity: 4, write: true, keys: [1, 1, 1], run: zremrange('lex') }),
  command({ name: 'zpopmin', arity: -2, write: true, keys: [1, 1, 1], run: (ctx, argv) => zpop(ctx, argv, false) }),
  command({ name: 'zpopmax', arity: -2, write: true, keys: [1, 1, 1], run: (ctx, argv) => zpop(ctx, argv, true) }),
  command({ name: 'zrandmember', arity: -2, keys: [1, 1, 1], run: zrandmember }),
  command({ name: 'zscan', arity: -3, keys: [1, 1, 1], run: zscan }),
];
