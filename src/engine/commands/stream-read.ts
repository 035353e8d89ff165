// XREAD and XREADGROUP (xreadCommand): served at once when a stream has something newer than
// the given ID (or, for a group, than its last delivered ID, or from the consumer's history),
// otherwise with BLOCK the client waits for an XADD; without it (or when the client cannot
// block) the answer is a nil array. XREADGROUP is propagated only through what it changed.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { ERR, formatArg } from '../errors.js';
import { compareIds, incrId, MAX_ID, MIN_ID, type StreamId } from '../keyspace/stream-id.js';
import type { ConsumerGroup, StreamValue } from '../keyspace/stream.js';
import { array, bulk, error, NIL_ARRAY, type Reply } from '../resp/reply.js';
import { blockTimeout } from './blocking-args.js';
import { consumerFor, deliverHistory, deliverNew } from './stream-delivery.js';
import { int64Arg, rangeEntries, strictId } from './streams.js';
import { command, fail, type CommandSpec } from './types.js';

const XREAD_ERR = {
  unbalanced: "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
  groupOnlyReadgroup: 'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.',
  noackOnlyReadgroup: 'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.',
  missingGroup: 'ERR Missing GROUP option for XREADGROUP',
  noGroup: (key: Bin, group: Bin) => `NOGROUP No such key '${formatArg(key)}' or consumer group '${formatArg(group)}' in XREADGROUP with GROUP option`,
  dollarInGroup:
    'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
  greaterOutsideGroup: 'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
  groupGone: 'NOGROUP the consumer group this client was blocked on no longer exists',
} as const;

/** Without COUNT, a blocked reader is served at most this many entries (XREAD_BLOCKED_DEFAULT_COUNT). */
const BLOCKED_DEFAULT_COUNT = 1000;

interface ReadGroup {
  name: Bin;
  consumer: Bin;
  noack: boolean;
}

function xread(ctx: CommandContext, argv: readonly Bin[]): Reply {
  const readgroup = argv[0]!.length === 10;
  let timeout = -1;
  let count = 0;
  let streamsAt = 0;
  let streams = 0;
  let group: ReadGroup | null = null;
  let noack = false;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const opt = argv[i]!.toLowerCase();
    if (opt === 'block' && more) {
      timeout = blockTimeout(ctx, argv[++i]!, 'ms');
    } else if (opt === 'count' && more) {
      const parsed = int64Arg(argv[++i]!);
      count = parsed < 0n ? 0 : Number(parsed);
    } else if (opt === 'streams' && more) {
      streamsAt = i + 1;
      streams = argv.length - streamsAt;
      if (streams % 2 !== 0) fail(XREAD_ERR.unbalanced);
      streams /= 2;
      break;
    } else if (opt === 'group' && more >= 2) {
      if (!readgroup) fail(XREAD_ERR.groupOnlyReadgroup);
      group = { name: argv[i + 1]!, consumer: argv[i + 2]!, noack: false };
      i += 2;
    } else if (opt === 'noack') {
      if (!readgroup) fail(XREAD_ERR.noackOnlyReadgroup);
      noack = true;
    } else fail(ERR.syntax);
  }
  if (streamsAt === 0) fail(ERR.syntax);
  if (readgroup && !group) fail(XREAD_ERR.missingGroup);
  if (group) group.noack = noack;

  const keys = argv.slice(streamsAt, streamsAt + streams);
  const ids: StreamId[] = [];
  const groups: ConsumerGroup[] = [];
  keys.forEach((key, i) => {
    const arg = argv[streamsAt + streams + i]!;
    const stream = ctx.getStream(key);
    if (group) {
      const found = stream?.groups.get(group.name);
      if (!found) fail(XREAD_ERR.noGroup(key, group.name));
      groups.push(found);
    }
    if (arg === '$') {
      if (readgroup) fail(XREAD_ERR.dollarInGroup);
      ids.push(stream ? stream.lastId : MIN_ID);
    } else if (arg === '>') {
      if (!readgroup) fail(XREAD_ERR.greaterOutsideGroup);
      ids.push(MAX_ID);
    } else ids.push(strictId(arg));
  });
  ctx.preventPropagation();

  const served: Reply[] = [];
  keys.forEach((key, i) => {
    const stream = ctx.getStream(key);
    if (!stream) return;
    let after = ids[i]!;
    let history = false;
    if (group) {
      if (compareIds(after, MAX_ID) !== 0) history = true;
      else if (stream.length && compareIds(stream.lastValidId(), groups[i]!.lastId) > 0) after = groups[i]!.lastId;
      else return;
    } else if (!stream.length || compareIds(stream.lastValidId(), after) <= 0) return;
    served.push(array([bulk(key), array(readFrom(ctx, key, stream, after, count, group, groups[i], history))]));
    if (group) ctx.dirty();
  });
  if (served.length > 0) return array(served);
  if (timeout === -1 || !ctx.mayBlock) return NIL_ARRAY;
  const waitingFor = new Map(keys.map((key, i) => [key, ids[i]!]));
  const blockedCount = count || BLOCKED_DEFAULT_COUNT;
  return ctx.engine.block(ctx.client, {
    kind: 'stream',
    keys,
    timeout,
    readgroup: group !== null,
    serve(receiver, key) {
      const stream = receiver.db.dict.get(key) as StreamValue;
      let after = waitingFor.get(key)!;
      let found: ConsumerGroup | undefined;
      if (group) {
        found = stream.groups.get(group.name);
        if (!found) return error(XREAD_ERR.groupGone);
        after = found.lastId;
        waitingFor.set(key, after);
      }
      if (compareIds(stream.lastId, after) <= 0) return undefined;
      return array([array([bulk(key), array(readFrom(receiver, key, stream, after, blockedCount, group, found, false))])]);
    },
  });
}

/** The entries one stream contributes: after `after`, for a group or not. */
function readFrom(ctx: CommandContext, key: Bin, stream: StreamValue, after: StreamId, count: number, group: ReadGroup | null, found: ConsumerGroup | undefined, history: boolean): Reply[] {
  const start = incrId(after) ?? MIN_ID;
  if (!group || !found) return rangeEntries(stream, start, MAX_ID, count, false);
  const target = { key, groupName: group.name, group: found };
  const consumer = consumerFor(ctx, target, group.consumer, group.noack);
  if (history) return deliverHistory(ctx, stream, start, count, consumer);
  return deliverNew(ctx, stream, start, count, target, consumer, group.noack);
}

export const streamReadCommands: readonly CommandSpec[] = [
  command({ name: 'xread', arity: -4, run: xread }),
  command({ name: 'xreadgroup', arity: -7, write: true, run: xread }),
];
