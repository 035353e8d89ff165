// Consumer group commands: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP),
// XACK, XPENDING (summary and extended, with IDLE), XCLAIM and XAUTOCLAIM, as t_stream.c parses
// and answers them. Claims are propagated as the idempotent XCLAIM … FORCE JUSTID LASTID form.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR, formatArg } from '../errors.js';
import { compareIds, formatId, MIN_ID, parseStreamId, type StreamId } from '../keyspace/stream-id.js';
import { ConsumerGroup, INVALID_ENTRIES_READ, StreamValue, type Nack } from '../keyspace/stream.js';
import { array, bulk, EMPTY_ARRAY, int, NIL, NIL_ARRAY, OK, status, type Reply } from '../resp/reply.js';
import { parseInt64 } from '../util/numbers.js';
import { createConsumer, lookupConsumer, propagateGroupId, propagateXclaim, type GroupTarget } from './stream-delivery.js';
import { entryReply, int64Arg, rangeBound, STREAM_ERR, strictId } from './streams.js';
import { command, fail, type CommandSpec } from './types.js';

export const GROUP_ERR = {
  entriesReadNegative: 'ERR value for ENTRIESREAD must be positive or -1',
  keyMissing:
    'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
  noGroupForKey: (group: Bin, key: Bin) => `NOGROUP No such consumer group '${formatArg(group)}' for key name '${formatArg(key)}'`,
  busyGroup: 'BUSYGROUP Consumer Group name already exists',
  noKeyOrGroup: (key: Bin, group: Bin) => `NOGROUP No such key '${formatArg(key)}' or consumer group '${formatArg(group)}'`,
  minIdleXclaim: 'ERR Invalid min-idle-time argument for XCLAIM',
  minIdleXautoclaim: 'ERR Invalid min-idle-time argument for XAUTOCLAIM',
  xclaimOption: (name: string) => `ERR Invalid ${name} option argument for XCLAIM`,
  unrecognizedXclaim: (opt: Bin) => `ERR Unrecognized XCLAIM option '${formatArg(opt)}'`,
  countPositive: 'ERR COUNT must be > 0',
} as const;

const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

/** xgroupCommand: one parser for every subcommand, as Redis has it. */
function xgroup(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const sub = argv[1]!.toLowerCase();
  const syntax = () => fail(ERR.subcommandSyntax(argv[1]!, 'xgroup'));
  if (sub === 'help') return array(XGROUP_HELP.map(status));
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length; ) {
    const opt = argv[i]!.toLowerCase();
    if (sub === 'create' && opt === 'mkstream') {
      mkstream = true;
      i++;
    } else if ((sub === 'create' || sub === 'setid') && opt === 'entriesread' && i + 1 < argv.length) {
      entriesRead = int64Arg(argv[i + 1]!);
      if (entriesRead < 0n && entriesRead !== INVALID_ENTRIES_READ) fail(GROUP_ERR.entriesReadNegative);
      i += 2;
    } else syntax();
  }
  const key = argv[2]!;
  const name = argv[3]!;
  let stream = ctx.getStream(key);
  const group = stream?.groups.get(name);
  if (!mkstream) {
    if (!stream) fail(GROUP_ERR.keyMissing);
    if (!group && (sub === 'setid' || sub === 'createconsumer' || sub === 'delconsumer')) fail(GROUP_ERR.noGroupForKey(name, key));
  }
  switch (sub) {
    case 'create': {
      if (argv.length > 8) syntax();
      let id: StreamId;
      if (argv[4] === '$') id = stream ? stream.lastId : MIN_ID;
      else id = strictId(argv[4]!);
      if (!stream) {
        stream = new StreamValue();
        ctx.db.setKey(key, stream);
      }
      if (stream.groups.has(name)) fail(GROUP_ERR.busyGroup);
      stream.groups.set(name, new ConsumerGroup(id, entriesRead));
      ctx.dirty();
      return OK;
    }
    case 'setid': {
      if (argv.length !== 5 && argv.length !== 7) syntax();
      let id: StreamId;
      if (argv[4] === '$') id = stream!.lastId;
      else {
        const parsed = parseStreamId(argv[4]!);
        if (!parsed) fail(STREAM_ERR.invalidId);
        id = parsed.id;
      }
      group!.lastId = id;
      group!.entriesRead = entriesRead;
      ctx.dirty();
      return OK;
    }
    case 'destroy':
      if (!group) return int(0);
      stream!.groups.delete(name);
      ctx.dirty();
      // Clients blocked in XREADGROUP on this group get their NOGROUP error.
      ctx.signalReady(key, 'stream');
      return int(1);
    case 'createconsumer':
      if (group!.consumers.has(argv[4]!)) return int(0);
      createConsumer(ctx, group!, argv[4]!);
      return int(1);
    case 'delconsumer': {
      const consumer = lookupConsumer(ctx, group!, argv[4]!, false);
      if (!consumer) return int(0);
      const pending = consumer.pel.size;
      group!.deleteConsumer(consumer);
      ctx.dirty();
      return int(pending);
    }
    default:
      return syntax();
  }
}

/** The stream and group a command names, or the NOGROUP error (after a WRONGTYPE check). */
function groupOrFail(ctx: CommandContext, key: Bin, name: Bin): { stream: StreamValue; group: ConsumerGroup } {
  const stream = ctx.getStream(key);
  const group = stream?.groups.get(name);
  if (!stream || !group) fail(GROUP_ERR.noKeyOrGroup(key, name));
  return { stream, group };
}

function xack(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const group = ctx.getStream(argv[1]!)?.groups.get(argv[2]!);
  if (!group) return int(0);
  const ids = argv.slice(3).map(strictId);
  let acknowledged = 0;
  for (const id of ids) {
    const nack = group.pel.get(id);
    if (!nack) continue;
    group.pel.delete(id);
    nack.consumer!.pel.delete(id);
    acknowledged++;
  }
  ctx.dirty(acknowledged);
  return int(acknowledged);
}

function xpending(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const summary = argv.length === 3;
  if (!summary && (argv.length < 6 || argv.length > 9)) fail(ERR.syntax);
  let minIdle = 0n;
  let start = MIN_ID;
  let end = MIN_ID;
  let count = 0n;
  let consumerName: Bin | null = null;
  if (!summary) {
    let at = 3;
    if (argv[3]!.toLowerCase() === 'idle') {
      minIdle = int64Arg(argv[4]!);
      if (argv.length < 8) fail(ERR.syntax);
      at += 2;
    }
    count = int64Arg(argv[at + 2]!);
    if (count < 0n) count = 0n;
    start = rangeBound(argv[at]!, 'start');
    end = rangeBound(argv[at + 1]!, 'end');
    if (at + 3 < argv.length) consumerName = argv[at + 3]!;
  }
  const { group } = groupOrFail(ctx, argv[1]!, argv[2]!);
  if (summary) {
    const pel = group.pel;
    if (pel.size === 0) return array([int(0), NIL, NIL, NIL_ARRAY]);
    const owners: Reply[] = [];
    for (const consumer of group.sortedConsumers()) {
      if (consumer.pel.size > 0) owners.push(array([bulk(consumer.name), bulk(String(consumer.pel.size))]));
    }
    return array([int(pel.size), bulk(formatId(pel.ids[0]!)), bulk(formatId(pel.ids[pel.size - 1]!)), array(owners)]);
  }
  let pel = group.pel;
  if (consumerName !== null) {
    const consumer = lookupConsumer(ctx, group, consumerName, false);
    if (!consumer) return EMPTY_ARRAY;
    pel = consumer.pel;
  }
  const now = ctx.now;
  const out: Reply[] = [];
  for (let i = pel.seek(start); count > 0n && i < pel.size && compareIds(pel.ids[i]!, end) <= 0; i++) {
    const nack = pel.values[i]!;
    if (minIdle && BigInt(now - nack.deliveryTime) < minIdle) continue;
    count--;
    out.push(array([bulk(formatId(pel.ids[i]!)), bulk(nack.consumer!.name), int(Math.max(0, now - nack.deliveryTime)), int(nack.deliveryCount)]));
  }
  return array(out);
}

/** Moves a pending entry to `consumer` (XCLAIM and XAUTOCLAIM). */
function assign(nack: Nack, id: StreamId, consumer: NonNullable<Nack['consumer']>): void {
  if (nack.consumer === consumer) return;
  nack.consumer?.pel.delete(id);
  consumer.pel.tryInsert(id, nack);
  nack.consumer = consumer;
}

/** A delivery time from IDLE/TIME: bogus values (negative, in the future) mean now. */
function deliveryTimeArg(value: bigint, now: number): number {
  return value < 0n || value > BigInt(now) ? now : Number(value);
}

function xclaim(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const key = argv[1]!;
  const { stream, group } = groupOrFail(ctx, key, argv[2]!);
  let minIdle = int64Arg(argv[4]!, GROUP_ERR.minIdleXclaim);
  if (minIdle < 0n) minIdle = 0n;
  const ids: { id: StreamId; arg: Bin }[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const parsed = parseStreamId(argv[j]!, { strict: true });
    if (!parsed) break;
    ids.push({ id: parsed.id, arg: argv[j]! });
  }
  const now = ctx.now;
  let deliveryTime: number | null = null;
  let retryCount = -1n;
  let force = false;
  let justid = false;
  let lastId = MIN_ID;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'force') force = true;
    else if (opt === 'justid') justid = true;
    else if (opt === 'idle' && more) deliveryTime = deliveryTimeArg(BigInt(now) - int64Arg(argv[++j]!, GROUP_ERR.xclaimOption('IDLE')), now);
    else if (opt === 'time' && more) deliveryTime = deliveryTimeArg(int64Arg(argv[++j]!, GROUP_ERR.xclaimOption('TIME')), now);
    else if (opt === 'retrycount' && more) retryCount = int64Arg(argv[++j]!, GROUP_ERR.xclaimOption('RETRYCOUNT'));
    else if (opt === 'lastid' && more) lastId = strictId(argv[++j]!);
    else fail(GROUP_ERR.unrecognizedXclaim(argv[j]!));
  }
  const target: GroupTarget = { key, groupName: argv[2]!, group };
  let propagateLastId = false;
  if (compareIds(lastId, group.lastId) > 0) {
    group.lastId = lastId;
    propagateLastId = true;
  }
  ctx.preventPropagation();
  let consumer: NonNullable<Nack['consumer']> | undefined;
  const out: Reply[] = [];
  for (const { id, arg } of ids) {
    let nack = group.pel.get(id);
    const entry = stream.find(id);
    if (!entry) {
      if (nack) {
        propagateXclaim(ctx, target, arg, nack);
        propagateLastId = false;
        ctx.dirty();
        group.pel.delete(id);
        nack.consumer!.pel.delete(id);
      }
      continue;
    }
    if (force && !nack) {
      nack = { deliveryTime: now, deliveryCount: 1n, consumer: null };
      group.pel.tryInsert(id, nack);
    }
    if (!nack) continue;
    if (nack.consumer && minIdle && BigInt(now - nack.deliveryTime) < minIdle) continue;
    consumer ??= lookupConsumer(ctx, group, argv[3]!) ?? createConsumer(ctx, group, argv[3]!);
    nack.deliveryTime = deliveryTime ?? now;
    if (retryCount >= 0n) nack.deliveryCount = retryCount;
    else if (!justid) nack.deliveryCount++;
    assign(nack, id, consumer);
    out.push(justid ? bulk(formatId(id)) : entryReply(entry));
    propagateXclaim(ctx, target, arg, nack);
    propagateLastId = false;
    ctx.dirty();
  }
  if (propagateLastId) {
    propagateGroupId(ctx, target);
    ctx.dirty();
  }
  return array(out);
}

const MAX_AUTOCLAIM_COUNT = (2n ** 63n - 1n) / 16n;

function xautoclaim(ctx: CommandContext, argv: readonly Bin[]): Reply {
  let minIdle = int64Arg(argv[4]!, GROUP_ERR.minIdleXautoclaim);
  if (minIdle < 0n) minIdle = 0n;
  const start = rangeBound(argv[5]!, 'start');
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!.toLowerCase();
    if (opt === 'count' && more) {
      const parsed = parseInt64(argv[++j]!);
      if (parsed === null || parsed < 1n || parsed > MAX_AUTOCLAIM_COUNT) fail(GROUP_ERR.countPositive);
      count = Number(parsed);
    } else if (opt === 'justid') justid = true;
    else fail(ERR.syntax);
  }
  const key = argv[1]!;
  const { stream, group } = groupOrFail(ctx, key, argv[2]!);
  ctx.preventPropagation();
  const target: GroupTarget = { key, groupName: argv[2]!, group };
  const now = ctx.now;
  const pel = group.pel;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let consumer: NonNullable<Nack['consumer']> | undefined;
  let attempts = count * 10;
  let i = pel.seek(start);
  while (attempts-- > 0 && count > 0 && i < pel.size) {
    const id = pel.ids[i]!;
    const nack = pel.values[i]!;
    const entry = stream.find(id);
    if (!entry) {
      propagateXclaim(ctx, target, formatId(id), nack);
      ctx.dirty();
      pel.delete(id);
      nack.consumer!.pel.delete(id);
      deleted.push(bulk(formatId(id)));
      count--;
      continue;
    }
    i++;
    if (minIdle && BigInt(now - nack.deliveryTime) < minIdle) continue;
    consumer ??= lookupConsumer(ctx, group, argv[3]!) ?? createConsumer(ctx, group, argv[3]!);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    assign(nack, id, consumer);
    claimed.push(justid ? bulk(formatId(id)) : entryReply(entry));
    count--;
    propagateXclaim(ctx, target, formatId(id), nack);
    ctx.dirty();
  }
  const next = i < pel.size ? formatId(pel.ids[i]!) : '0-0';
  return array([bulk(next), array(claimed), array(deleted)]);
}

const sub = (name: string, arity: number, write: boolean): CommandSpec => command({ name: `xgroup|${name}`, arity, write, keys: [2, 2, 1], run: xgroup });

export const streamGroupCommands: readonly CommandSpec[] = [
  command({
    name: 'xgroup',
    arity: -2,
    subcommands: {
      create: sub('create', -5, true),
      setid: sub('setid', -5, true),
      destroy: sub('destroy', 4, true),
      createconsumer: sub('createconsumer', 5, true),
      delconsumer: sub('delconsumer', 5, true),
      help: command({ name: 'xgroup|help', arity: 2, run: xgroup }),
    },
    run: xgroup,
  }),
  command({ name: 'xack', arity: -4, write: true, keys: [1, 1, 1], run: xack }),
  command({ name: 'xpending', arity: -3, keys: [1, 1, 1], run: xpending }),
  command({ name: 'xclaim', arity: -6, write: true, keys: [1, 1, 1], run: xclaim }),
  command({ name: 'xautoclaim', arity: -6, write: true, keys: [1, 1, 1], run: xautoclaim }),
];
