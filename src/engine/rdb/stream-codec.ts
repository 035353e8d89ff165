// Streams in RDB files (rdb.c): type 19 (STREAM_LISTPACKS_2, what 7.0 writes), type 15 (the
// 5.0–6.2 layout without first ID, tombstone ID, entries-added and read counters) and type 21
// (STREAM_LISTPACKS_3, redis 7.2+: 19 plus each consumer's active time). Each node is
// its 16-byte master ID and its listpack (master entry, then flags, ID deltas, [fields], values
// and the back-count per entry); then the stream's IDs and counters, then every consumer group
// with its pending entries and consumers.
import type { Bin } from '../bytes.js';
import { compareIds, idFromBytes, idToBytes, type StreamId } from '../keyspace/stream-id.js';
import { Consumer, ConsumerGroup, FLAG_DELETED, FLAG_SAMEFIELDS, StreamNode, StreamValue, type Nack } from '../keyspace/stream.js';
import { TYPE } from './format.js';
import { decodeListpack, ListpackBuilder } from './listpack.js';

/** What the stream writer needs from the RDB writer. */
export interface StreamRdbOutput {
  byte(b: number): void;
  bytes(data: Uint8Array): void;
  len(n: number): void;
  /** rdbSaveLen of a full uint64. */
  len64(n: bigint): void;
  string(s: Bin): void;
  blob(data: Uint8Array): void;
  fixed(width: number, value: bigint, littleEndian: boolean): void;
}

/** What the stream reader needs from the RDB reader. */
export interface StreamRdbInput {
  plainLength(what: string): number;
  length64(what: string): bigint;
  blob(what: string): Uint8Array;
  string(what: string): Bin;
  take(n: number, what: string): Uint8Array;
  view(n: number, what: string): DataView;
  fail(reason: string, offset?: number): never;
}

/** A node's listpack, element by element as streamAppendItem lays it out. */
export function encodeStreamNode(node: StreamNode): Uint8Array {
  const lp = new ListpackBuilder(node.bytes);
  lp.add(String(node.live));
  lp.add(String(node.deletedCount));
  lp.add(String(node.masterFields.length));
  for (const field of node.masterFields) lp.add(field);
  lp.add('0');
  for (const entry of node.entries) {
    const fields = entry.pairs.length / 2;
    lp.add(String(node.entryFlags(entry)));
    lp.add(node.msDelta(entry));
    lp.add(node.seqDelta(entry));
    if (!entry.sameFields) lp.add(String(fields));
    for (let i = 0; i < entry.pairs.length; i += 2) {
      if (!entry.sameFields) lp.add(entry.pairs[i]!);
      lp.add(entry.pairs[i + 1]!);
    }
    lp.add(String(fields + 3 + (entry.sameFields ? 0 : fields + 1)));
  }
  return lp.finish();
}

/** The stream's bytes after its type byte (TYPE.streamListpacks2) and its key. */
export function writeStream(out: StreamRdbOutput, stream: StreamValue): void {
  out.len(stream.nodes.length);
  for (const node of stream.nodes) {
    out.len(16);
    out.bytes(idToBytes(node.master));
    out.blob(encodeStreamNode(node));
  }
  out.len(stream.length);
  for (const id of [stream.lastId, stream.firstId, stream.maxDeletedId]) {
    out.len64(id.ms);
    out.len64(id.seq);
  }
  out.len64(stream.entriesAdded);
  const groups = stream.sortedGroups();
  out.len(groups.length);
  for (const [name, group] of groups) {
    out.string(name);
    out.len64(group.lastId.ms);
    out.len64(group.lastId.seq);
    out.len64(BigInt.asUintN(64, group.entriesRead));
    out.len(group.pel.size);
    group.pel.ids.forEach((id, i) => {
      const nack = group.pel.values[i]!;
      out.bytes(idToBytes(id));
      out.fixed(8, BigInt(nack.deliveryTime), true);
      out.len64(BigInt.asUintN(64, nack.deliveryCount));
    });
    const consumers = group.sortedConsumers();
    out.len(consumers.length);
    for (const consumer of consumers) {
      out.string(consumer.name);
      out.fixed(8, BigInt(consumer.seenTime), true);
      out.len(consumer.pel.size);
      for (const id of consumer.pel.ids) out.bytes(idToBytes(id));
    }
  }
}

function integer(element: Bin | undefined, bad: () => never): bigint {
  if (element === undefined || !/^-?[0-9]+$/.test(element)) bad();
  return BigInt(element);
}

/** A node back from its listpack, or why it is not a well-formed stream listpack. */
export function decodeStreamNode(master: StreamId, blob: Uint8Array): StreamNode | string {
  const elements = decodeListpack(blob);
  if (typeof elements === 'string') return elements;
  if (elements.length === 0) return 'Empty listpack inside stream';
  const bad = (): never => {
    throw new Error('Stream listpack integrity check failed.');
  };
  try {
    let i = 0;
    const next = (): bigint => integer(elements[i++], bad);
    const live = next();
    const deleted = next();
    const masterCount = Number(next());
    if (masterCount < 0 || i + masterCount >= elements.length) bad();
    const masterFields = elements.slice(i, i + masterCount);
    i += masterCount;
    if (next() !== 0n) bad();
    const node = new StreamNode(master, masterFields);
    while (i < elements.length) {
      const flags = Number(next());
      const id = { ms: BigInt.asUintN(64, master.ms + next()), seq: BigInt.asUintN(64, master.seq + next()) };
      const sameFields = (flags & FLAG_SAMEFIELDS) !== 0;
      const fields = sameFields ? masterCount : Number(next());
      if (fields < 0 || i + fields * (sameFields ? 1 : 2) >= elements.length) bad();
      const pairs: Bin[] = [];
      for (let f = 0; f < fields; f++) {
        pairs.push(sameFields ? masterFields[f]! : elements[i++]!);
        pairs.push(elements[i++]!);
      }
      if (next() !== BigInt(fields + 3 + (sameFields ? 0 : fields + 1))) bad();
      const previous = node.entries[node.entries.length - 1];
      if (previous && compareIds(previous.id, id) >= 0) bad();
      node.push({ id, pairs, deleted: (flags & FLAG_DELETED) !== 0, sameFields });
    }
    if (BigInt(node.live) !== live || BigInt(node.deletedCount) !== deleted || node.live === 0) bad();
    return node;
  } catch (e) {
    return (e as Error).message;
  }
}

/** rdbLoadObject for types 15, 19 and 21; `at` is where the key record starts, for errors. */
export function readStream(c: StreamRdbInput, type: number, at: number): StreamValue {
  const where = 'a stream';
  const stream = new StreamValue();
  const nodes = c.plainLength(where);
  for (let n = 0; n < nodes; n++) {
    const key = c.blob('a stream node key');
    if (key.length !== 16) c.fail('Stream node key entry is not the size of a stream ID', at);
    const master = idFromBytes(key);
    const node = decodeStreamNode(master, c.blob('a stream listpack'));
    if (typeof node === 'string') c.fail(node, at);
    const previous = stream.nodes[stream.nodes.length - 1];
    if (previous && compareIds(previous.master, master) >= 0) c.fail('Listpack re-added with existing key', at);
    stream.nodes.push(node);
  }
  stream.length = Number(c.length64(where));
  stream.lastId = { ms: c.length64(where), seq: c.length64(where) };
  const withCounters = type === TYPE.streamListpacks2 || type === TYPE.streamListpacks3;
  if (withCounters) {
    stream.firstId = { ms: c.length64(where), seq: c.length64(where) };
    stream.maxDeletedId = { ms: c.length64(where), seq: c.length64(where) };
    stream.entriesAdded = c.length64(where);
  } else {
    stream.entriesAdded = BigInt(stream.length);
    stream.firstId = stream.edgeId(true, true);
  }
  if (stream.length && stream.nodes.length === 0) c.fail('Stream length inconsistent with rax entries', at);
  const groups = c.plainLength('a stream group count');
  for (let g = 0; g < groups; g++) {
    const name = c.string('a consumer group name');
    const lastId = { ms: c.length64(where), seq: c.length64(where) };
    const entriesRead = withCounters ? BigInt.asIntN(64, c.length64(where)) : stream.estimateEntriesRead(lastId);
    if (stream.groups.has(name)) c.fail(`Duplicated consumer group name ${name}`, at);
    const group = new ConsumerGroup(lastId, entriesRead);
    stream.groups.set(name, group);
    const pending = c.plainLength('a stream PEL size');
    for (let p = 0; p < pending; p++) {
      const id = idFromBytes(c.take(16, 'a stream PEL ID'));
      const deliveryTime = Number(c.view(8, 'a delivery time').getBigInt64(0, true));
      const nack: Nack = { deliveryTime, deliveryCount: BigInt.asIntN(64, c.length64(where)), consumer: null };
      if (!group.pel.tryInsert(id, nack)) c.fail('Duplicated global PEL entry loading stream consumer group', at);
    }
    const consumers = c.plainLength('a stream consumer count');
    for (let k = 0; k < consumers; k++) {
      const consumerName = c.string('a consumer name');
      if (group.consumers.has(consumerName)) c.fail('Duplicate stream consumer detected.', at);
      const consumer = new Consumer(consumerName, Number(c.view(8, 'a seen time').getBigInt64(0, true)));
      // 7.2's active time (the last successful read or claim, XINFO's "active-time") has no
      // place in the lab's 7.0 consumer: it is read and dropped; seen time keeps its meaning.
      if (type === TYPE.streamListpacks3) c.view(8, 'an active time');
      group.consumers.set(consumerName, consumer);
      const owned = c.plainLength('a consumer PEL size');
      for (let p = 0; p < owned; p++) {
        const id = idFromBytes(c.take(16, 'a consumer PEL ID'));
        const nack = group.pel.get(id);
        if (!nack) c.fail('Consumer entry not found in group global PEL', at);
        nack.consumer = consumer;
        if (!consumer.pel.tryInsert(id, nack)) c.fail('Duplicated consumer PEL entry loading a stream consumer group', at);
      }
    }
    // Redis checks this only under deep sanitization; an owner-less entry would break XPENDING.
    if (group.pel.values.some((nack) => nack.consumer === null)) c.fail('Stream CG PEL entry without consumer', at);
  }
  return stream;
}
