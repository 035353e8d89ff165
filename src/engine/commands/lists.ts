// List commands. Lists are quicklists whose nodes split and merge as redis's do; OBJECT ENCODING
// reports "quicklist" as Redis 7.0 does for every list. Emptied lists are deleted.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { ListValue, listOptions } from '../keyspace/values.js';
import { bulk, bulkArray, EMPTY_ARRAY, int, NIL, NIL_ARRAY, OK, type Reply } from '../resp/reply.js';
import { INT64_MIN, parseInt64, parseIntArg } from '../util/numbers.js';
import { command, fail, type CommandSpec } from './types.js';

export type End = 'left' | 'right';

function push(ctx: CommandContext, argv: readonly Bin[], end: End, onlyIfExists: boolean): Reply {
  const key = argv[1]!;
  let list = ctx.getList(key);
  if (!list) {
    if (onlyIfExists) return int(0);
    list = new ListValue(undefined, listOptions(ctx.limits));
    ctx.db.setKey(key, list);
  }
  for (const item of argv.slice(2)) {
    if (end === 'left') list.items.pushFront(item);
    else list.items.pushBack(item);
  }
  ctx.dirty(argv.length - 2);
  return int(list.items.length);
}

function integerArg(arg: Bin): number {
  const value = parseIntArg(arg);
  if (value === null) fail(ERR.notInteger);
  return value;
}

/** getPositiveLongFromObjectOrReply with a custom message for both failures. */
function positiveArg(arg: Bin, message: string): number {
  const value = parseIntArg(arg);
  if (value === null || value < 0) fail(message);
  return value;
}

function pop(ctx: CommandContext, argv: readonly Bin[], end: End): Reply {
  if (argv.length > 3) fail(ERR.wrongArity(argv[0]!.toLowerCase()));
  const hasCount = argv.length === 3;
  const count = hasCount ? positiveArg(argv[2]!, ERR.outOfRangePositive) : 0;
  const key = argv[1]!;
  const list = ctx.getList(key);
  if (!list) return hasCount ? NIL_ARRAY : NIL;
  if (hasCount && count === 0) return EMPTY_ARRAY;
  const take = () => (end === 'left' ? list.items.popFront() : list.items.popBack())!;
  let reply: Reply;
  let removed = 1;
  if (!hasCount) {
    reply = bulk(take());
  } else {
    removed = Math.min(count, list.items.length);
    const items: Bin[] = [];
    for (let i = 0; i < removed; i++) items.push(take());
    reply = bulkArray(items);
  }
  ctx.deleteIfEmpty(key, list.items.length);
  ctx.dirty(removed);
  return reply;
}

/** Normalises a start/end pair as LRANGE does; null when the range is empty. */
function listRange(start: number, end: number, length: number): [number, number] | null {
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (start > end || start >= length) return null;
  if (end >= length) end = length - 1;
  return [start, end];
}

/** LEFT or RIGHT (any case), else a syntax error: getListPositionFromObjectOrReply. */
export function parseEnd(arg: Bin): End {
  const where = arg.toLowerCase();
  if (where !== 'left' && where !== 'right') fail(ERR.syntax);
  return where;
}

function move(ctx: CommandContext, source: Bin, destination: Bin, from: End, to: End): Reply {
  const list = ctx.getList(source);
  if (!list || list.items.length === 0) return NIL;
  let target = ctx.getList(destination);
  const value = (from === 'left' ? list.items.popFront() : list.items.popBack())!;
  if (!target) {
    target = new ListValue(undefined, listOptions(ctx.limits));
    ctx.db.setKey(destination, target);
  }
  if (to === 'left') target.items.pushFront(value);
  else target.items.pushBack(value);
  ctx.deleteIfEmpty(source, list.items.length);
  ctx.dirty();
  return bulk(value);
}

function lpos(ctx: CommandContext, argv: readonly Bin[]): Reply {
  let rank = 1n;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = j < argv.length - 1;
    if (opt === 'rank' && more) {
      const parsed = parseInt64(argv[++j]!);
      if (parsed === null) fail(ERR.notInteger);
      if (parsed === 0n) fail(ERR.lposRankZero);
      rank = parsed;
    } else if (opt === 'count' && more) {
      count = positiveArg(argv[++j]!, ERR.lposCountNegative);
    } else if (opt === 'maxlen' && more) {
      maxlen = positiveArg(argv[++j]!, ERR.lposMaxlenNegative);
    } else fail(ERR.syntax);
  }
  const fromTail = rank < 0n;
  // -LLONG_MIN overflows in C and stays negative: every match qualifies and COUNT never stops.
  const overflowed = rank === INT64_MIN;
  if (fromTail && !overflowed) rank = -rank;
  const list = ctx.getList(argv[1]!);
  if (!list) return count !== -1 ? EMPTY_ARRAY : NIL;
  const element = argv[2]!;
  const length = list.items.length;
  const found: number[] = [];
  let matches = 0n;
  let index = -1;
  for (const item of fromTail ? list.items.reversed() : list.items) {
    index++;
    if (maxlen !== 0 && index >= maxlen) break;
    const position = fromTail ? length - index - 1 : index;
    if (item !== element) continue;
    matches++;
    if (!overflowed && matches < rank) continue;
    found.push(position);
    if (count === -1) break;
    if (count > 0 && !overflowed && matches - rank + 1n >= BigInt(count)) break;
  }
  if (count !== -1) return { kind: 'array', value: found.map((m) => int(m)) };
  return found.length > 0 ? int(found[0]!) : NIL;
}

export const listCommands: readonly CommandSpec[] = [
  command({ name: 'lpush', arity: -3, write: true, keys: [1, 1, 1], run: (ctx, argv) => push(ctx, argv, 'left', false) }),
  command({ name: 'rpush', arity: -3, write: true, keys: [1, 1, 1], run: (ctx, argv) => push(ctx, argv, 'right', false) }),
  command({ name: 'lpushx', arity: -3, write: true, keys: [1, 1, 1], run: (ctx, argv) => push(ctx, argv, 'left', true) }),
  command({ name: 'rpushx', arity: -3, write: true, keys: [1, 1, 1], run: (ctx, argv) => push(ctx, argv, 'right', true) }),
  command({ name: 'lpop', arity: -2, write: true, keys: [1, 1, 1], run: (ctx, argv) => pop(ctx, argv, 'left') }),
  command({ name: 'rpop', arity: -2, write: true, keys: [1, 1, 1], run: (ctx, argv) => pop(ctx, argv, 'right') }),
  command({ name: 'llen', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => int(ctx.getList(argv[1]!)?.items.length ?? 0) }),
  command({
    name: 'lindex',
    arity: 3,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const list = ctx.getList(argv[1]!);
      if (!list) return NIL;
      let index = integerArg(argv[2]!);
      if (index < 0) index += list.items.length;
      return index >= 0 && index < list.items.length ? bulk(list.items.get(index)) : NIL;
    },
  }),
  command({
    name: 'lset',
    arity: 4,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const list = ctx.getList(argv[1]!);
      if (!list) fail(ERR.noSuchKey);
      let index = integerArg(argv[2]!);
      if (index < 0) index += list.items.length;
      if (index < 0 || index >= list.items.length) fail(ERR.indexOutOfRange);
      list.items.set(index, argv[3]!);
      ctx.dirty();
      return OK;
    },
  }),
  command({
    name: 'lrange',
    arity: 4,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const start = integerArg(argv[2]!);
      const end = integerArg(argv[3]!);
      const list = ctx.getList(argv[1]!);
      if (!list) return EMPTY_ARRAY;
      const range = listRange(start, end, list.items.length);
      return range ? bulkArray(list.items.slice(range[0], range[1] + 1)) : EMPTY_ARRAY;
    },
  }),
  command({
    name: 'ltrim',
    arity: 4,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const start = integerArg(argv[2]!);
      const end = integerArg(argv[3]!);
      const key = argv[1]!;
      const list = ctx.getList(key);
      if (!list) return OK;
      const length = list.items.length;
      const range = listRange(start, end, length);
      // Two quicklistDelRange calls: the head part, then the tail part.
      const [left, right] = range ? [range[0], length - range[1] - 1] : [length, 0];
      list.items.deleteRange(0, left);
      list.items.deleteRange(list.items.length - right, right);
      ctx.deleteIfEmpty(key, list.items.length);
      // LTRIM signals the key even when it removed nothing.
      ctx.signalModified(key);
      ctx.dirty(left + right);
      return OK;
    },
  }),
  command({
    name: 'lrem',
    arity: 4,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const toRemove = integerArg(argv[2]!);
      const key = argv[1]!;
      const list = ctx.getList(key);
      if (!list) return int(0);
      const element = argv[3]!;
      const limit = toRemove === 0 ? Infinity : Math.abs(toRemove);
      const matches: number[] = [];
      let index = toRemove < 0 ? list.items.length - 1 : 0;
      for (const item of toRemove < 0 ? list.items.reversed() : list.items) {
        if (matches.length >= limit) break;
        if (item === element) matches.push(index);
        index += toRemove < 0 ? -1 : 1;
      }
      // One element at a time, from the back, so the earlier positions stay valid.
      for (const i of matches.sort((a, b) => b - a)) list.items.deleteAt(i);
      const removed = matches.length;
      ctx.deleteIfEmpty(key, list.items.length);
      ctx.dirty(removed);
      return int(removed);
    },
  }),
  command({
    name: 'linsert',
    arity: 5,
    write: true,
    keys: [1, 1, 1],
    run(ctx, argv) {
      const where = argv[2]!.toLowerCase();
      if (where !== 'before' && where !== 'after') fail(ERR.syntax);
      const list = ctx.getList(argv[1]!);
      if (!list) return int(0);
      let pivot = 0;
      for (const item of list.items) {
        if (item === argv[3]) break;
        pivot++;
      }
      if (pivot === list.items.length) return int(-1);
      list.items.insert(pivot, argv[4]!, where === 'after');
      ctx.dirty();
      return int(list.items.length);
    },
  }),
  command({ name: 'lpos', arity: -3, keys: [1, 1, 1], run: lpos }),
  command({
    name: 'lmove',
    arity: 5,
    write: true,
    keys: [1, 2, 1],
    run: (ctx, argv) => {
      const from = parseEnd(argv[3]!);
      const to = parseEnd(argv[4]!);
      return move(ctx, argv[1]!, argv[2]!, from, to);
    },
  }),
  command({ name: 'rpoplpush', arity: 3, write: true, keys: [1, 2, 1], run: (ctx, argv) => move(ctx, argv[1]!, argv[2]!, 'right', 'left') }),
];
