// Delivering stream entries to a consumer group (streamReplyWithRange with a group, and the
// consumer's history from its PEL), and the commands that propagate what a delivery or a claim
// changed: XCLAIM … FORCE JUSTID LASTID, XGROUP SETID … ENTRIESREAD, XGROUP CREATECONSUMER.
import type { Bin } from '../bytes.js';
import type { CommandContext } from '../context.js';
import { compareIds, formatId, MAX_ID, type StreamId } from '../keyspace/stream-id.js';
import { Consumer, INVALID_ENTRIES_READ, type ConsumerGroup, type Nack, type StreamValue } from '../keyspace/stream.js';
import { array, bulk, NIL_ARRAY, type Reply } from '../resp/reply.js';
import { entryReply } from './streams.js';

/** Where a group's changes are propagated: the key and the group name as the client gave them. */
export interface GroupTarget {
  key: Bin;
  groupName: Bin;
  group: ConsumerGroup;
}

export function propagateXclaim(ctx: CommandContext, target: GroupTarget, id: Bin, nack: Nack): void {
  ctx.alsoPropagate([
    'XCLAIM', target.key, target.groupName, nack.consumer!.name, '0', id,
    'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount),
    'FORCE', 'JUSTID', 'LASTID', formatId(target.group.lastId),
  ]);
}

export function propagateGroupId(ctx: CommandContext, target: GroupTarget): void {
  ctx.alsoPropagate(['XGROUP', 'SETID', target.key, target.groupName, formatId(target.group.lastId), 'ENTRIESREAD', String(target.group.entriesRead)]);
}

/** streamLookupConsumer (refreshing its seen time unless told not to). */
export function lookupConsumer(ctx: CommandContext, group: ConsumerGroup, name: Bin, refresh = true): Consumer | undefined {
  const consumer = group.consumers.get(name);
  if (consumer && refresh) consumer.seenTime = ctx.now;
  return consumer;
}

/** streamCreateConsumer: counts as a change. */
export function createConsumer(ctx: CommandContext, group: ConsumerGroup, name: Bin): Consumer {
  const consumer = new Consumer(name, ctx.now);
  group.consumers.set(name, consumer);
  ctx.dirty();
  return consumer;
}

/** The consumer, created if needed; NOACK reads propagate the creation on their own. */
export function consumerFor(ctx: CommandContext, target: GroupTarget, name: Bin, noack: boolean): Consumer {
  const found = lookupConsumer(ctx, target.group, name);
  if (found) return found;
  const consumer = createConsumer(ctx, target.group, name);
  if (noack) ctx.alsoPropagate(['XGROUP', 'CREATECONSUMER', target.key, target.groupName, name]);
  return consumer;
}

/**
 * New entries from `start` for a consumer of a group: the group's last ID and read counter
 * advance, each entry becomes pending for the consumer (unless NOACK), and each change is
 * propagated as an idempotent XCLAIM.
 */
export function deliverNew(ctx: CommandContext, stream: StreamValue, start: StreamId, count: number, target: GroupTarget, consumer: Consumer, noack: boolean): Reply[] {
  const { group } = target;
  const out: Reply[] = [];
  let propagateLastId = false;
  for (const entry of stream.range(start, MAX_ID)) {
    const id = entry.id;
    if (compareIds(id, group.lastId) > 0) {
      if (group.entriesRead !== INVALID_ENTRIES_READ && !stream.hasTombstonesFrom(id)) group.entriesRead++;
      else if (stream.entriesAdded) group.entriesRead = stream.estimateEntriesRead(id);
      group.lastId = id;
      if (noack) propagateLastId = true;
    }
    out.push(entryReply(entry));
    if (!noack) {
      let nack = group.pel.get(id);
      if (nack) {
        nack.consumer!.pel.delete(id);
        nack.consumer = consumer;
        nack.deliveryTime = ctx.now;
        nack.deliveryCount = 1n;
        consumer.pel.tryInsert(id, nack);
      } else {
        nack = { deliveryTime: ctx.now, deliveryCount: 1n, consumer };
        group.pel.tryInsert(id, nack);
        consumer.pel.tryInsert(id, nack);
      }
      propagateXclaim(ctx, target, formatId(id), nack);
    }
    if (count && out.length === count) break;
  }
  if (propagateLastId) propagateGroupId(ctx, target);
  return out;
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's own pending entries from `start`. */
export function deliverHistory(ctx: CommandContext, stream: StreamValue, start: StreamId, count: number, consumer: Consumer): Reply[] {
  const out: Reply[] = [];
  const pel = consumer.pel;
  for (let i = pel.seek(start); i < pel.size && (!count || out.length < count); i++) {
    const id = pel.ids[i]!;
    const entry = stream.find(id);
    if (!entry) {
      // Acknowledged nowhere but deleted from the stream: the ID with a null body.
      out.push(array([bulk(formatId(id)), NIL_ARRAY]));
      continue;
    }
    out.push(entryReply(entry));
    const nack = pel.values[i]!;
    nack.deliveryTime = ctx.now;
    nack.deliveryCount++;
  }
  return out;
}
