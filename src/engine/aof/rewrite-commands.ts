// The minimal command stream that rebuilds a dataset, as Redis's rewriteAppendOnlyFileRio emits
// it for a RESP base (aof-use-rdb-preamble no): SELECT per non-empty db, then per key SET, or
// RPUSH / SADD / ZADD / HMSET in batches of 64 items, or a stream's XADD, XSETID, XGROUP and
// XCLAIM commands, then PEXPIREAT when the key has a TTL.
// Keys already past their expiry are still written, with their past time, as Redis does.
import type { Bin } from '../bytes.js';
import type { UnixMs } from '../keyspace/database.js';
import type { RdbSource } from '../rdb/writer.js';
import { formatId } from '../keyspace/stream-id.js';
import type { StreamValue } from '../keyspace/stream.js';
import { RawString, typeOf, type RedisValue } from '../keyspace/values.js';
import { formatDouble } from '../util/numbers.js';

/** AOF_REWRITE_ITEMS_PER_CMD in Redis. */
export const ITEMS_PER_COMMAND = 64;

/** Counts per type, for the rewrite report. */
export interface KeyCounts {
  string: number;
  list: number;
  set: number;
  zset: number;
  hash: number;
  stream: number;
  expires: number;
}

function* batches(command: string, key: Bin, items: Iterable<Bin>, itemsPerEntry: number): Generator<Bin[]> {
  let argv: Bin[] = [command, key];
  for (const item of items) {
    argv.push(item);
    if (argv.length - 2 === ITEMS_PER_COMMAND * itemsPerEntry) {
      yield argv;
      argv = [command, key];
    }
  }
  if (argv.length > 2) yield argv;
}

function* zsetItems(value: Extract<RedisValue, { type: 'zset' }>): Generator<Bin> {
  for (const { member, score } of value.ordered()) {
    yield formatDouble(score);
    yield member;
  }
}

function* hashItems(value: Extract<RedisValue, { type: 'hash' }>): Generator<Bin> {
  for (const [field, fieldValue] of value.fields) {
    yield field;
    yield fieldValue;
  }
}

/** rewriteStreamObject: entries, XSETID, then each group, its pending entries and consumers. */
function* streamCommands(key: Bin, stream: StreamValue): Generator<Bin[]> {
  if (stream.length > 0) {
    for (const entry of stream.range()) yield ['XADD', key, formatId(entry.id), ...entry.pairs];
  } else {
    // An empty stream can only be made by adding an entry and trimming it away.
    yield ['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y'];
  }
  yield ['XSETID', key, formatId(stream.lastId), 'ENTRIESADDED', String(stream.entriesAdded), 'MAXDELETEDID', formatId(stream.maxDeletedId)];
  for (const [name, group] of stream.sortedGroups()) {
    yield ['XGROUP', 'CREATE', key, name, formatId(group.lastId), 'ENTRIESREAD', String(group.entriesRead)];
    for (const consumer of group.sortedConsumers()) {
      if (consumer.pel.size === 0) {
        yield ['XGROUP', 'CREATECONSUMER', key, name, consumer.name];
        continue;
      }
      for (let i = 0; i < consumer.pel.size; i++) {
        const nack = consumer.pel.values[i]!;
        yield ['XCLAIM', key, name, consumer.name, '0', formatId(consumer.pel.ids[i]!), 'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount), 'JUSTID', 'FORCE'];
      }
    }
  }
}

/** The commands that recreate one key. */
export function* keyRewriteCommands(key: Bin, value: RedisValue, expireAt: UnixMs | undefined): Generator<Bin[]> {
  if (typeof value === 'string' || value instanceof RawString) {
    yield ['SET', key, typeof value === 'string' ? value : value.value];
  } else {
    switch (value.type) {
      case 'list':
        yield* batches('RPUSH', key, value.items, 1);
        break;
      case 'set':
        yield* batches('SADD', key, value.members, 1);
        break;
      case 'zset':
        yield* batches('ZADD', key, zsetItems(value), 2);
        break;
      case 'hash':
        yield* batches('HMSET', key, hashItems(value), 2);
        break;
      case 'stream':
        yield* streamCommands(key, value);
        break;
    }
  }
  if (expireAt !== undefined) {
    yield ['PEXPIREAT', key, String(expireAt)];
  }
}

/** Every command of a RESP rewrite of `dbs`, in Redis's order: function libraries come first. */
export function* datasetRewriteCommands(dbs: readonly RdbSource[], functions: readonly Bin[] = []): Generator<Bin[]> {
  for (const code of functions) yield ['FUNCTION', 'LOAD', code];
  for (const { id, dict } of dbs) {
    if (dict.size === 0) continue;
    yield ['SELECT', String(id)];
    for (const [key, value, expire] of dict.entriesWithExpiry()) yield* keyRewriteCommands(key, value, expire);
  }
}

/** Keys per type and keys with an expiry: what a rewrite or a snapshot holds. */
export function countKeys(dbs: readonly RdbSource[]): KeyCounts {
  const counts: KeyCounts = { string: 0, list: 0, set: 0, zset: 0, hash: 0, stream: 0, expires: 0 };
  for (const { dict } of dbs) {
    for (const value of dict.values()) counts[typeOf(value)]++;
    counts.expires += dict.volatileCount;
  }
  return counts;
}
