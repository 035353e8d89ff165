// Stream commands on entries: XADD (with NOMKSTREAM, MAXLEN/MINID =/~ and LIMIT), XRANGE,
// XREVRANGE, XLEN, XDEL, XTRIM and XSETID, with t_stream.c's parsing order and errors. What is
// propagated is deterministic: the generated ID and an exact (=) trim replace * and ~.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR } from '../errors.js';
import { compareIds, decrId, formatId, incrId, isZeroId, MAX_ID, parseIntervalId, parseStreamId, type StreamId } from '../keyspace/stream-id.js';
import { StreamValue, type StreamEntry, type TrimStrategy } from '../keyspace/stream.js';
import { array, bulk, bulkArray, EMPTY_ARRAY, int, NIL, NIL_ARRAY, OK, type Reply } from '../resp/reply.js';
import { parseInt64 } from '../util/numbers.js';
import { command, fail, type CommandSpec } from './types.js';

export const STREAM_ERR = {
  invalidId: 'ERR Invalid stream ID specified as stream command argument',
  maxlenMinid: 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
  maxlenNegative: 'ERR The MAXLEN argument must be >= 0.',
  limitNegative: 'ERR The LIMIT argument must be >= 0.',
  limitWithoutStrategy: 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
  xtrimWithoutStrategy: 'ERR syntax error, XTRIM must be called with a trimming strategy',
  limitWithoutApprox: 'ERR syntax error, LIMIT cannot be used without the special ~ option',
  xaddZeroId: 'ERR The ID specified in XADD must be greater than 0-0',
  exhausted: 'ERR The stream has exhausted the last possible ID, unable to add more items',
  xaddTooSmall: 'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  invalidStart: 'ERR invalid start ID for the interval',
  invalidEnd: 'ERR invalid end ID for the interval',
  entriesAddedNegative: 'ERR entries_added must be positive',
  xsetidBelowMaxDeleted: 'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
  xsetidBelowTop: 'ERR The ID specified in XSETID is smaller than the target stream top item',
  xsetidBelowLength: 'ERR The entries_added specified in XSETID is smaller than the target stream length',
} as const;

/** getLongLongFromObjectOrReply. */
export function int64Arg(arg: Bin, message: string = ERR.notInteger): bigint {
  const value = parseInt64(arg);
  if (value === null) fail(message);
  return value;
}

export function strictId(arg: Bin): StreamId {
  const parsed = parseStreamId(arg, { strict: true });
  if (!parsed) fail(STREAM_ERR.invalidId);
  return parsed.id;
}

/** A range start/end: "(" excludes, a bare ms takes seq 0 (start) or the maximum (end). */
export function rangeBound(arg: Bin, which: 'start' | 'end'): StreamId {
  const parsed = parseIntervalId(arg, which === 'start' ? 0n : MAX_ID.seq);
  if (!parsed) fail(STREAM_ERR.invalidId);
  if (!parsed.exclusive) return parsed.id;
  const moved = which === 'start' ? incrId(parsed.id) : decrId(parsed.id);
  if (!moved) fail(which === 'start' ? STREAM_ERR.invalidStart : STREAM_ERR.invalidEnd);
  return moved;
}

export function entryReply(entry: StreamEntry): Reply {
  return array([bulk(formatId(entry.id)), bulkArray(entry.pairs)]);
}

interface TrimArgs {
  strategy: TrimStrategy | null;
  approximate: boolean;
  limit: number;
  /** Index of the MAXLEN/MINID value in argv, rewritten for propagation after a ~ trim. */
  argIndex: number;
}

interface AddArgs extends TrimArgs {
  idIndex: number;
  id: { id: StreamId; seqGiven: boolean } | null;
  noMkstream: boolean;
}

/** streamParseAddOrTrimArgsOrReply. */
function parseAddOrTrim(ctx: CommandContext, argv: readonly Bin[], xadd: boolean): AddArgs {
  const args: AddArgs = { strategy: null, approximate: false, limit: 0, argIndex: 0, idIndex: 0, id: null, noMkstream: false };
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    const lower = opt.toLowerCase();
    if (xadd && opt === '*') break;
    if ((lower === 'maxlen' || lower === 'minid') && more) {
      if (args.strategy) fail(STREAM_ERR.maxlenMinid);
      args.approximate = false;
      const next = argv[i + 1]!;
      if (more >= 2 && next === '~') {
        args.approximate = true;
        i++;
      } else if (more >= 2 && next === '=') i++;
      if (lower === 'maxlen') {
        const maxlen = int64Arg(argv[i + 1]!);
        if (maxlen < 0n) fail(STREAM_ERR.maxlenNegative);
        args.strategy = { kind: 'maxlen', maxlen: Number(maxlen) };
      } else {
        args.strategy = { kind: 'minid', minid: strictId(argv[i + 1]!) };
      }
      i++;
      args.argIndex = i;
    } else if (lower === 'limit' && more) {
      const limit = int64Arg(argv[i + 1]!);
      if (limit < 0n) fail(STREAM_ERR.limitNegative);
      args.limit = Number(limit);
      limitGiven = true;
      i++;
    } else if (xadd && lower === 'nomkstream') {
      args.noMkstream = true;
    } else if (xadd) {
      const parsed = parseStreamId(opt, { strict: true, allowAutoSeq: true });
      if (!parsed) fail(STREAM_ERR.invalidId);
      args.id = parsed;
      break;
    } else fail(ERR.syntax);
  }
  args.idIndex = i;
  if (args.limit && !args.strategy) fail(STREAM_ERR.limitWithoutStrategy);
  if (!xadd && !args.strategy) fail(STREAM_ERR.xtrimWithoutStrategy);
  if (ctx.engine.loading || ctx.client.obeys) args.limit = 0;
  else if (limitGiven) {
    if (!args.approximate) fail(STREAM_ERR.limitWithoutApprox);
  } else if (args.approximate) {
    const limit = 100 * ctx.limits.streamNodeMaxEntries;
    args.limit = limit <= 0 ? 10000 : Math.min(limit, 1000000);
  } else args.limit = 0;
  return args;
}

/** After a ~ trim the exact outcome is propagated: "=" and the resulting length or first ID. */
function propagateExactTrim(argv: Bin[], stream: StreamValue, args: TrimArgs): void {
  argv[args.argIndex - 1] = '=';
  argv[args.argIndex] = args.strategy!.kind === 'maxlen' ? String(stream.length) : formatId(stream.edgeId(true, false));
}

function xadd(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const args = parseAddOrTrim(ctx, argv, true);
  const fieldsAt = args.idIndex + 1;
  const pairs = argv.length - fieldsAt;
  if (pairs < 2 || pairs % 2 === 1) fail(ERR.wrongArity('xadd'));
  if (args.id && args.id.seqGiven && isZeroId(args.id.id)) fail(STREAM_ERR.xaddZeroId);
  const key = argv[1]!;
  let stream = ctx.getStream(key);
  if (!stream) {
    if (args.noMkstream) return NIL;
    stream = new StreamValue();
    ctx.db.setKey(key, stream);
  }
  const last = stream.lastId;
  if (last.ms === MAX_ID.ms && last.seq === MAX_ID.seq) fail(STREAM_ERR.exhausted);
  let id: StreamId | null;
  if (args.id?.seqGiven) id = args.id.id;
  else if (args.id) {
    const ms = args.id.id.ms;
    id = last.ms !== ms ? { ms, seq: 0n } : last.seq === MAX_ID.seq ? null : { ms, seq: last.seq + 1n };
  } else {
    const now = BigInt(ctx.now);
    id = now > last.ms ? { ms: now, seq: 0n } : (incrId(last) ?? { ms: 0n, seq: 0n });
  }
  if (!id || compareIds(id, last) <= 0) fail(STREAM_ERR.xaddTooSmall);
  stream.append(id, argv.slice(fieldsAt), ctx.limits);
  ctx.dirty();
  const propagated = [...argv];
  if (args.strategy) {
    stream.trim(args.strategy, args.approximate, args.limit);
    if (args.approximate) propagateExactTrim(propagated, stream, args);
  }
  if (!args.id || !args.id.seqGiven) propagated[args.idIndex] = formatId(id);
  ctx.rewriteArgv(propagated);
  ctx.signalReady(key, 'stream');
  return bulk(formatId(id));
}

/** XRANGE / XREVRANGE. */
function xrange(ctx: CommandContext, argv: readonly Bin[], reverse: boolean): Reply {
  const start = rangeBound(reverse ? argv[3]! : argv[2]!, 'start');
  const end = rangeBound(reverse ? argv[2]! : argv[3]!, 'end');
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (argv[j]!.toLowerCase() === 'count' && j + 1 < argv.length) {
      const parsed = int64Arg(argv[++j]!);
      count = parsed < 0n ? 0 : Number(parsed);
    } else fail(ERR.syntax);
  }
  const stream = ctx.getStream(argv[1]!);
  if (!stream) return EMPTY_ARRAY;
  if (count === 0) return NIL_ARRAY;
  return rangeReply(stream, start, end, count === -1 ? 0 : count, reverse);
}

/** Entries in a range, at most `count` of them (0: all). */
export function rangeEntries(stream: StreamValue, start: StreamId, end: StreamId, count: number, reverse: boolean): Reply[] {
  const out: Reply[] = [];
  for (const entry of stream.range(start, end, reverse)) {
    out.push(entryReply(entry));
    if (count && out.length === count) break;
  }
  return out;
}

export function rangeReply(stream: StreamValue, start: StreamId, end: StreamId, count: number, reverse: boolean): Reply {
  return array(rangeEntries(stream, start, end, count, reverse));
}

function xdel(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const stream = ctx.getStream(argv[1]!);
  if (!stream) return int(0);
  const ids = argv.slice(2).map(strictId);
  let deleted = 0;
  let firstDeleted = false;
  for (const id of ids) {
    if (!stream.delete(id)) continue;
    if (compareIds(id, stream.firstId) === 0) firstDeleted = true;
    if (compareIds(id, stream.maxDeletedId) > 0) stream.maxDeletedId = id;
    deleted++;
  }
  if (deleted) {
    if (stream.length === 0) stream.firstId = { ms: 0n, seq: 0n };
    else if (firstDeleted) stream.firstId = stream.edgeId(true, true);
  }
  ctx.dirty(deleted);
  return int(deleted);
}

function xtrim(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const args = parseAddOrTrim(ctx, argv, false);
  const stream = ctx.getStream(argv[1]!);
  if (!stream) return int(0);
  const deleted = stream.trim(args.strategy!, args.approximate, args.limit);
  if (deleted && args.approximate) {
    const propagated = [...argv];
    propagateExactTrim(propagated, stream, args);
    ctx.rewriteArgv(propagated);
  }
  ctx.dirty(deleted);
  return int(deleted);
}

function xsetid(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const id = strictId(argv[2]!);
  let entriesAdded = -1n;
  let maxDeleted: StreamId = { ms: 0n, seq: 0n };
  for (let i = 3; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'entriesadded' && more) {
      entriesAdded = int64Arg(argv[++i]!);
      if (entriesAdded < 0n) fail(STREAM_ERR.entriesAddedNegative);
    } else if (opt === 'maxdeletedid' && more) {
      maxDeleted = strictId(argv[++i]!);
      if (compareIds(id, maxDeleted) < 0) fail(STREAM_ERR.xsetidBelowMaxDeleted);
    } else fail(ERR.syntax);
  }
  const stream = ctx.getStream(argv[1]!);
  if (!stream) fail(ERR.noSuchKey);
  if (stream.length > 0) {
    if (compareIds(id, stream.lastValidId()) < 0) fail(STREAM_ERR.xsetidBelowTop);
    if (entriesAdded !== -1n && BigInt(stream.length) > entriesAdded) fail(STREAM_ERR.xsetidBelowLength);
  }
  stream.lastId = id;
  if (entriesAdded !== -1n) stream.entriesAdded = entriesAdded;
  if (!isZeroId(maxDeleted)) stream.maxDeletedId = maxDeleted;
  ctx.dirty();
  return OK;
}

export const streamCommands: readonly CommandSpec[] = [
  command({ name: 'xadd', arity: -5, write: true, keys: [1, 1, 1], run: xadd }),
  command({ name: 'xrange', arity: -4, keys: [1, 1, 1], run: (ctx, argv) => xrange(ctx, argv, false) }),
  command({ name: 'xrevrange', arity: -4, keys: [1, 1, 1], run: (ctx, argv) => xrange(ctx, argv, true) }),
  command({ name: 'xlen', arity: 2, keys: [1, 1, 1], run: (ctx, argv) => int(ctx.getStream(argv[1]!)?.length ?? 0) }),
  command({ name: 'xdel', arity: -3, write: true, keys: [1, 1, 1], run: xdel }),
  command({ name: 'xtrim', arity: -4, write: true, keys: [1, 1, 1], run: xtrim }),
  command({ name: 'xsetid', arity: -3, write: true, keys: [1, 1, 1], run: xsetid }),
];
