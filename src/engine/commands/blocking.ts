// The blocking list and sorted-set pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
// BZPOPMAX, BZMPOP) and their non-blocking multi-key forms LMPOP and ZMPOP, as t_list.c and
// t_zset.c run them: served at once when a key has data (and propagated as the plain pop or
// move), otherwise the client blocks (when its host lets it) until a write readies a key, and
// is then served and propagated the same way.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { ListValue, type ZSetValue } from '../keyspace/values.js';
import { array, bulk, bulkArray, NIL, NIL_ARRAY, type Reply } from '../resp/reply.js';
import { formatDouble, parseInt64 } from '../util/numbers.js';
import { blockTimeout } from './blocking-args.js';
import { parseEnd, type End } from './lists.js';
import { command, fail, type CommandSpec } from './types.js';


const MPOP_ERR = {
  numkeys: 'ERR numkeys should be greater than 0',
  count: 'ERR count should be greater than 0',
} as const;

/** getRangeLongFromObjectOrReply(1, LONG_MAX). */
function positive(arg: Bin, message: string): number {
  const value = parseInt64(arg);
  if (value === null || value < 1n) fail(message);
  return Number(value);
}


// --- lists ---------------------------------------------------------------------------------

/** Pops up to `count` items from one end, deleting the emptied key. */
function popItems(ctx: CommandContext, key: Bin, list: ListValue, end: End, count: number): Bin[] {
  const items: Bin[] = [];
  for (let i = 0; i < count && list.items.length > 0; i++) items.push((end === 'left' ? list.items.popFront() : list.items.popBack())!);
  ctx.deleteIfEmpty(key, list.items.length);
  ctx.dirty(items.length);
  return items;
}

/** The first key of `keys` holding a non-empty list (WRONGTYPE on the first of another type). */
function firstList(ctx: CommandContext, keys: readonly Bin[]): [Bin, ListValue] | null {
  for (const key of keys) {
    const list = ctx.getList(key);
    if (list && list.items.length > 0) return [key, list];
  }
  return null;
}

const popName = (end: End): Bin => (end === 'left' ? 'LPOP' : 'RPOP');

/** BLPOP/BRPOP (count null) and BLMPOP/LMPOP (count given): pop, reply, and how to propagate. */
function listPop(ctx: CommandContext, key: Bin, list: ListValue, end: End, count: number | null): { reply: Reply; propagate: Bin[] } {
  if (count === null) {
    const [item] = popItems(ctx, key, list, end, 1);
    return { reply: bulkArray([key, item!]), propagate: [popName(end), key] };
  }
  const popped = Math.min(count, list.items.length);
  const items = popItems(ctx, key, list, end, count);
  return { reply: array([bulk(key), bulkArray(items)]), propagate: [popName(end), key, String(popped)] };
}

/** How a family of pops (lists or sorted sets) finds, pops and propagates. */
interface PopFamily<T, E> {
  readonly kind: 'list' | 'zset';
  /** The first key holding data (WRONGTYPE on the first key of another type). */
  first(ctx: CommandContext, keys: readonly Bin[]): [Bin, T] | null;
  get(ctx: CommandContext, key: Bin): T;
  pop(ctx: CommandContext, key: Bin, value: T, end: E, count: number | null): { reply: Reply; propagate: Bin[] };
  end(arg: Bin): E;
}

/** The blocking pops: served at once (propagated as the plain pop), else blocked until a write. */
function blockingPop<T, E>(ctx: CommandContext, family: PopFamily<T, E>, keys: readonly Bin[], end: E, timeoutArg: Bin, count: number | null): Reply {
  const timeout = blockTimeout(ctx, timeoutArg, 'seconds');
  const found = family.first(ctx, keys);
  if (found) {
    const { reply, propagate } = family.pop(ctx, found[0], found[1], end, count);
    ctx.rewriteArgv(propagate);
    return reply;
  }
  if (!ctx.mayBlock) return NIL_ARRAY;
  return ctx.engine.block(ctx.client, {
    kind: family.kind,
    keys,
    timeout,
    stopsWhenDeleted: true,
    serve(receiver, key) {
      const { reply, propagate } = family.pop(receiver, key, family.get(receiver, key), end, count);
      receiver.alsoPropagate(propagate);
      return reply;
    },
  });
}

/** LMPOP/ZMPOP numkeys key… <end> [COUNT n], and BLMPOP/BZMPOP with the timeout first. */
function mpop<T, E>(ctx: CommandContext, argv: readonly Bin[], blocking: boolean, family: PopFamily<T, E>): Reply {
  const numkeysAt = blocking ? 2 : 1;
  const numkeys = positive(argv[numkeysAt]!, MPOP_ERR.numkeys);
  const whereAt = numkeysAt + numkeys + 1;
  if (whereAt >= argv.length) fail(ERR.syntax);
  const end = family.end(argv[whereAt]!);
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && argv[j]!.toLowerCase() === 'count' && j < argv.length - 1) count = positive(argv[++j]!, MPOP_ERR.count);
    else fail(ERR.syntax);
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysAt + 1, whereAt);
  if (blocking) return blockingPop(ctx, family, keys, end, argv[1]!, count);
  const found = family.first(ctx, keys);
  if (!found) return NIL_ARRAY;
  const { reply, propagate } = family.pop(ctx, found[0], found[1], end, count);
  ctx.rewriteArgv(propagate);
  return reply;
}

const LISTS: PopFamily<ListValue, End> = { kind: 'list', first: firstList, get: (ctx, key) => ctx.getList(key)!, pop: listPop, end: parseEnd };

/** LMOVE's push side: the destination list is created if needed (which readies it). */
function pushTo(ctx: CommandContext, destination: Bin, value: Bin, to: End): void {
  let target = ctx.getList(destination);
  if (!target) {
    target = new ListValue();
    ctx.db.setKey(destination, target);
  }
  if (to === 'left') target.items.pushFront(value);
  else target.items.pushBack(value);
}

/** BLMOVE and BRPOPLPUSH; `rpoplpush` decides the propagated form. */
function blmove(ctx: CommandContext, argv: readonly Bin[], from: End, to: End, rpoplpush: boolean): Reply {
  const [, source, destination] = argv as [Bin, Bin, Bin];
  const timeout = blockTimeout(ctx, argv[argv.length - 1]!, 'seconds');
  const list = ctx.getList(source);
  const propagate = rpoplpush ? ['RPOPLPUSH', source, destination] : ['LMOVE', source, destination, from, to];
  if (list) {
    ctx.getList(destination);
    const value = (from === 'left' ? list.items.popFront() : list.items.popBack())!;
    pushTo(ctx, destination, value, to);
    ctx.deleteIfEmpty(source, list.items.length);
    ctx.dirty();
    // The synchronous form keeps the client's own words for the ends.
    ctx.rewriteArgv(rpoplpush ? ['RPOPLPUSH', source, destination] : ['LMOVE', source, destination, argv[3]!, argv[4]!]);
    return bulk(value);
  }
  if (!ctx.mayBlock) return NIL;
  return ctx.engine.block(ctx.client, {
    kind: 'list',
    keys: [source],
    alsoWrites: [destination],
    timeout,
    stopsWhenDeleted: true,
    serve(receiver, key) {
      const list = receiver.getList(key)!;
      receiver.getList(destination);
      const value = (from === 'left' ? list.items.popFront() : list.items.popBack())!;
      pushTo(receiver, destination, value, to);
      // Served, it pushed too: WATCHers of the destination must see it (the source is the engine's).
      receiver.signalModified(destination);
      receiver.alsoPropagate(propagate);
      receiver.deleteIfEmpty(key, list.items.length);
      return bulk(value);
    },
  });
}

// --- sorted sets ---------------------------------------------------------------------------

type ZEnd = 'min' | 'max';

/** genericZpopCommand for the blocking and multi-key forms (the key is always in the reply). */
function zsetPop(ctx: CommandContext, key: Bin, zset: ZSetValue, end: ZEnd, count: number | null): { reply: Reply; propagate: Bin[] } {
  const take = Math.min(count ?? 1, zset.size);
  const entries = end === 'min' ? zset.sorted.slice(0, take) : zset.sorted.slice(-take).reverse();
  const popped = entries.map((e) => ({ member: e.member, score: e.score }));
  for (const e of popped) zset.delete(e.member);
  ctx.deleteIfEmpty(key, zset.size);
  ctx.dirty(popped.length);
  const name = end === 'min' ? 'ZPOPMIN' : 'ZPOPMAX';
  if (count === null) {
    return { reply: bulkArray([key, ...popped.flatMap((e) => [e.member, formatDouble(e.score)])]), propagate: [name, key] };
  }
  const pairs = popped.map((e) => bulkArray([e.member, formatDouble(e.score)]));
  return { reply: array([bulk(key), array(pairs)]), propagate: [name, key, String(take)] };
}

/** The first existing key of `keys` (WRONGTYPE if it is not a sorted set). */
function firstZset(ctx: CommandContext, keys: readonly Bin[]): [Bin, ZSetValue] | null {
  for (const key of keys) {
    const zset = ctx.getZSet(key);
    if (zset && zset.size > 0) return [key, zset];
  }
  return null;
}

function zsetEnd(arg: Bin): ZEnd {
  const where = arg.toLowerCase();
  if (where !== 'min' && where !== 'max') fail(ERR.syntax);
  return where;
}

const ZSETS: PopFamily<ZSetValue, ZEnd> = { kind: 'zset', first: firstZset, get: (ctx, key) => ctx.getZSet(key)!, pop: zsetPop, end: zsetEnd };

export const blockingCommands: readonly CommandSpec[] = [
  command({ name: 'blpop', arity: -3, write: true, keys: [1, -2, 1], run: (ctx, argv) => blockingPop(ctx, LISTS, argv.slice(1, -1), 'left', argv[argv.length - 1]!, null) }),
  command({ name: 'brpop', arity: -3, write: true, keys: [1, -2, 1], run: (ctx, argv) => blockingPop(ctx, LISTS, argv.slice(1, -1), 'right', argv[argv.length - 1]!, null) }),
  command({
    name: 'blmove',
    arity: 6,
    write: true,
    keys: [1, 2, 1],
    run: (ctx, argv) => {
      const from = parseEnd(argv[3]!);
      const to = parseEnd(argv[4]!);
      return blmove(ctx, argv, from, to, false);
    },
  }),
  command({ name: 'brpoplpush', arity: 4, write: true, keys: [1, 2, 1], run: (ctx, argv) => blmove(ctx, argv, 'right', 'left', true) }),
  command({ name: 'blmpop', arity: -5, write: true, run: (ctx, argv) => mpop(ctx, argv, true, LISTS) }),
  command({ name: 'lmpop', arity: -4, write: true, run: (ctx, argv) => mpop(ctx, argv, false, LISTS) }),
  command({ name: 'bzpopmin', arity: -3, write: true, keys: [1, -2, 1], run: (ctx, argv) => blockingPop(ctx, ZSETS, argv.slice(1, -1), 'min', argv[argv.length - 1]!, null) }),
  command({ name: 'bzpopmax', arity: -3, write: true, keys: [1, -2, 1], run: (ctx, argv) => blockingPop(ctx, ZSETS, argv.slice(1, -1), 'max', argv[argv.length - 1]!, null) }),
  command({ name: 'bzmpop', arity: -5, write: true, run: (ctx, argv) => mpop(ctx, argv, true, ZSETS) }),
  command({ name: 'zmpop', arity: -4, write: true, run: (ctx, argv) => mpop(ctx, argv, false, ZSETS) }),
];
