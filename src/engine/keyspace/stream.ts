// The stream value type, laid out as Redis lays it out (t_stream.c): entries live in listpack
// nodes keyed by a master ID, a node takes new entries until it reaches stream-node-max-bytes or
// -entries, deleted entries stay in their node as tombstones until the whole node is empty.
// Keeping that shape (and each node's exact listpack size) is what makes approximate trimming
// (MAXLEN ~, which only drops whole nodes) and the RDB's listpacks come out as Redis's do.
import type { Bin } from '../bytes.js';
import { ListpackBuilder } from '../rdb/listpack.js';
import type { EncodingLimits } from './limits.js';
import { compareIds, isZeroId, MAX_ID, MIN_ID, type StreamId } from './stream-id.js';

export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

export interface StreamEntry {
  readonly id: StreamId;
  /** field, value, field, value … */
  readonly pairs: readonly Bin[];
  deleted: boolean;
  /** Stored without field names because they equal the node's master fields. */
  readonly sameFields: boolean;
}

/** Bytes a listpack element takes (encoding, data and back-length). */
function lpSize(element: Bin): number {
  return ListpackBuilder.entrySize(element);
}

function delta(a: bigint, b: bigint): Bin {
  return String(BigInt.asIntN(64, a - b));
}

/** One listpack of the rax: a master entry (counters and fields) and the entries after it. */
export class StreamNode {
  readonly entries: StreamEntry[] = [];
  live = 0;
  deletedCount = 0;
  /** Listpack bytes except the two counters, which change size as they change. */
  private fixedBytes: number;

  constructor(
    readonly master: StreamId,
    readonly masterFields: readonly Bin[],
  ) {
    let bytes = 6 + 1 + lpSize(String(masterFields.length)) + lpSize('0');
    for (const field of masterFields) bytes += lpSize(field);
    this.fixedBytes = bytes;
  }

  /** lpBytes of the node's listpack. */
  get bytes(): number {
    return this.fixedBytes + lpSize(String(this.live)) + lpSize(String(this.deletedCount));
  }

  /** Adds an entry as stored (flags and deltas relative to the master ID). */
  push(entry: StreamEntry): void {
    this.entries.push(entry);
    if (entry.deleted) this.deletedCount++;
    else this.live++;
    this.fixedBytes += this.entryBytes(entry);
  }

  entryFlags(entry: StreamEntry): number {
    return (entry.deleted ? FLAG_DELETED : 0) | (entry.sameFields ? FLAG_SAMEFIELDS : 0);
  }

  msDelta(entry: StreamEntry): Bin {
    return delta(entry.id.ms, this.master.ms);
  }

  seqDelta(entry: StreamEntry): Bin {
    return delta(entry.id.seq, this.master.seq);
  }

  private entryBytes(entry: StreamEntry): number {
    const fields = entry.pairs.length / 2;
    let bytes = lpSize(String(this.entryFlags(entry))) + lpSize(this.msDelta(entry)) + lpSize(this.seqDelta(entry));
    let count = fields + 3;
    if (!entry.sameFields) {
      bytes += lpSize(String(fields));
      count += fields + 1;
    }
    for (let i = 0; i < entry.pairs.length; i += 2) {
      if (!entry.sameFields) bytes += lpSize(entry.pairs[i]!);
      bytes += lpSize(entry.pairs[i + 1]!);
    }
    return bytes + lpSize(String(count));
  }

  /** Marks a live entry deleted (the flag keeps its one-byte size). */
  markDeleted(entry: StreamEntry): void {
    entry.deleted = true;
    this.live--;
    this.deletedCount++;
  }

  /** Index of the first entry with id >= `id`. */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.entries[mid]!.id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A pending entry: delivered to a consumer of a group and not acknowledged yet. */
export interface Nack {
  deliveryTime: number;
  deliveryCount: bigint;
  /** Null only between loading a group's PEL and its consumers, or for a fresh FORCE claim. */
  consumer: Consumer | null;
}

/** A map ordered by stream ID, as Redis's PELs (rax keyed by the 16-byte ID) are. */
export class IdMap<V> {
  readonly ids: StreamId[] = [];
  readonly values: V[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** Index of the first key >= `id`. */
  seek(id: StreamId): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.ids[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: StreamId): V | undefined {
    const i = this.seek(id);
    return i < this.ids.length && compareIds(this.ids[i]!, id) === 0 ? this.values[i] : undefined;
  }

  /** Inserts unless present; returns whether it was inserted (raxTryInsert). */
  tryInsert(id: StreamId, value: V): boolean {
    const i = this.seek(id);
    if (i < this.ids.length && compareIds(this.ids[i]!, id) === 0) return false;
    if (i === this.ids.length) {
      this.ids.push(id);
      this.values.push(value);
    } else {
      this.ids.splice(i, 0, id);
      this.values.splice(i, 0, value);
    }
    return true;
  }

  delete(id: StreamId): boolean {
    const i = this.seek(id);
    if (i >= this.ids.length || compareIds(this.ids[i]!, id) !== 0) return false;
    this.ids.splice(i, 1);
    this.values.splice(i, 1);
    return true;
  }
}

export class Consumer {
  readonly pel = new IdMap<Nack>();
  constructor(
    readonly name: Bin,
    public seenTime: number,
  ) {}
}

/** SCG_INVALID_ENTRIES_READ. */
export const INVALID_ENTRIES_READ = -1n;

export class ConsumerGroup {
  readonly pel = new IdMap<Nack>();
  readonly consumers = new Map<Bin, Consumer>();
  constructor(
    public lastId: StreamId,
    public entriesRead: bigint,
  ) {}

  /** Consumers in rax order (byte order of their names). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** streamDelConsumer: its pending entries leave the group's PEL too. */
  deleteConsumer(consumer: Consumer): void {
    for (const id of consumer.pel.ids) this.pel.delete(id);
    this.consumers.delete(consumer.name);
  }
}

export type TrimStrategy = { kind: 'maxlen'; maxlen: number } | { kind: 'minid'; minid: StreamId };

export class StreamValue {
  readonly type = 'stream';
  readonly nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamId = MIN_ID;
  firstId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  entriesAdded = 0n;
  readonly groups = new Map<Bin, ConsumerGroup>();

  /** A deep copy (COPY), groups, consumers and pending entries included. */
  clone(): StreamValue {
    const copy = new StreamValue();
    for (const node of this.nodes) {
      const twin = new StreamNode(node.master, node.masterFields);
      for (const entry of node.entries) twin.push({ ...entry });
      copy.nodes.push(twin);
    }
    copy.length = this.length;
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    for (const [name, group] of this.groups) {
      const twin = new ConsumerGroup(group.lastId, group.entriesRead);
      const nacks = new Map<Nack, Nack>();
      group.pel.ids.forEach((id, i) => {
        const nack = { ...group.pel.values[i]!, consumer: null };
        nacks.set(group.pel.values[i]!, nack);
        twin.pel.tryInsert(id, nack);
      });
      for (const consumer of group.consumers.values()) {
        const c = new Consumer(consumer.name, consumer.seenTime);
        consumer.pel.ids.forEach((id, i) => {
          const nack = nacks.get(consumer.pel.values[i]!)!;
          nack.consumer = c;
          c.pel.tryInsert(id, nack);
        });
        twin.consumers.set(c.name, c);
      }
      copy.groups.set(name, twin);
    }
    return copy;
  }

  /** Groups in rax order. */
  sortedGroups(): [Bin, ConsumerGroup][] {
    return [...this.groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** streamAppendItem once the ID is known to be valid: a new node when the tail is full. */
  append(id: StreamId, pairs: readonly Bin[], limits: EncodingLimits): void {
    let node = this.nodes[this.nodes.length - 1];
    if (node) {
      let valueBytes = 0;
      for (const item of pairs) valueBytes += item.length;
      const maxBytes = limits.streamNodeMaxBytes === 0 || limits.streamNodeMaxBytes > 2 ** 30 ? 2 ** 30 : limits.streamNodeMaxBytes;
      if (node.bytes + valueBytes >= maxBytes) node = undefined;
      else if (limits.streamNodeMaxEntries && node.live + node.deletedCount >= limits.streamNodeMaxEntries) node = undefined;
    }
    if (!node) {
      const fields: Bin[] = [];
      for (let i = 0; i < pairs.length; i += 2) fields.push(pairs[i]!);
      node = new StreamNode(id, fields);
      this.nodes.push(node);
    }
    node.push({ id, pairs, deleted: false, sameFields: sameFields(node.masterFields, pairs) });
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** Index of the node that holds `id` if any entry does: the last with master <= id. */
  private nodeFor(id: StreamId): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.nodes[mid]!.master, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Live entries with start <= id <= end, forwards or backwards (streamIterator). */
  *range(start: StreamId = MIN_ID, end: StreamId = MAX_ID, reverse = false, withTombstones = false): Generator<StreamEntry> {
    if (compareIds(start, end) > 0) return;
    if (!reverse) {
      const first = Math.max(0, this.nodeFor(start));
      for (let n = first; n < this.nodes.length; n++) {
        const node = this.nodes[n]!;
        for (let i = n === first ? node.lowerBound(start) : 0; i < node.entries.length; i++) {
          const entry = node.entries[i]!;
          if (compareIds(entry.id, end) > 0) return;
          if (!entry.deleted || withTombstones) yield entry;
        }
      }
      return;
    }
    for (let n = this.nodeFor(end); n >= 0; n--) {
      const node = this.nodes[n]!;
      const from = node.lowerBound(end);
      const first = from < node.entries.length && compareIds(node.entries[from]!.id, end) === 0 ? from : from - 1;
      for (let i = first; i >= 0; i--) {
        const entry = node.entries[i]!;
        if (compareIds(entry.id, start) < 0) return;
        if (!entry.deleted || withTombstones) yield entry;
      }
    }
  }

  /** The live entry with exactly this ID. */
  find(id: StreamId): StreamEntry | undefined {
    for (const entry of this.range(id, id)) return entry;
    return undefined;
  }

  /** streamGetEdgeID: first or last ID (tombstones counted unless skipped); empty → max/min. */
  edgeId(first: boolean, skipTombstones: boolean): StreamId {
    for (const entry of this.range(MIN_ID, MAX_ID, !first, !skipTombstones)) return entry.id;
    return first ? MAX_ID : MIN_ID;
  }

  /** streamLastValidID. */
  lastValidId(): StreamId {
    return this.edgeId(false, true);
  }

  /** streamDeleteItem: marks the entry deleted, dropping its node once nothing in it is live. */
  delete(id: StreamId): boolean {
    const n = this.nodeFor(id);
    if (n < 0) return false;
    const node = this.nodes[n]!;
    const i = node.lowerBound(id);
    const entry = node.entries[i];
    if (!entry || entry.deleted || compareIds(entry.id, id) !== 0) return false;
    if (node.live === 1) this.nodes.splice(n, 1);
    else node.markDeleted(entry);
    this.length--;
    return true;
  }

  /**
   * streamTrim: whole nodes from the head while they can go, then (unless approximate) entries
   * of the first remaining node are marked deleted. `limit` 0 is unlimited. Returns the count.
   */
  trim(strategy: TrimStrategy, approximate: boolean, limit: number): number {
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (strategy.kind === 'maxlen' && this.length <= strategy.maxlen) break;
      const node = this.nodes[0]!;
      const entries = node.live;
      if (limit && deleted + entries > limit) break;
      const removeNode =
        strategy.kind === 'maxlen'
          ? this.length - entries >= strategy.maxlen
          : compareIds(node.entries[node.entries.length - 1]!.id, strategy.minid) < 0;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approximate) break;
      for (const entry of node.entries) {
        const stop = strategy.kind === 'maxlen' ? this.length <= strategy.maxlen : compareIds(entry.id, strategy.minid) >= 0;
        if (stop) break;
        if (!entry.deleted) {
          node.markDeleted(entry);
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (this.length === 0) this.firstId = MIN_ID;
    else if (deleted) this.firstId = this.edgeId(true, true);
    return deleted;
  }

  /**
   * streamEstimateDistanceFromFirstEverEntry: the logical read counter of `id`, or
   * INVALID_ENTRIES_READ when it cannot be known (inside a fragmented range, or in the future).
   */
  estimateEntriesRead(id: StreamId): bigint {
    if (this.entriesAdded === 0n) return 0n;
    if (this.length === 0 && compareIds(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = compareIds(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return INVALID_ENTRIES_READ;
    const cmpFirst = compareIds(id, this.firstId);
    if (isZeroId(this.maxDeletedId) || compareIds(this.maxDeletedId, this.firstId) < 0) {
      if (cmpFirst < 0) return this.entriesAdded - BigInt(this.length);
      if (cmpFirst === 0) return this.entriesAdded - BigInt(this.length) + 1n;
    }
    return INVALID_ENTRIES_READ;
  }

  /** streamRangeHasTombstones, for a range from `start` to the end. */
  hasTombstonesFrom(start: StreamId): boolean {
    if (this.length === 0 || isZeroId(this.maxDeletedId)) return false;
    if (compareIds(this.firstId, this.maxDeletedId) > 0) return false;
    return compareIds(start, this.maxDeletedId) <= 0;
  }

  /** streamReplyWithCGLag: the entries the group has yet to read, or null if unknown. */
  lag(group: ConsumerGroup): bigint | null {
    if (this.entriesAdded === 0n) return 0n;
    if (group.entriesRead !== INVALID_ENTRIES_READ && !this.hasTombstonesFrom(group.lastId)) return this.entriesAdded - group.entriesRead;
    const read = this.estimateEntriesRead(group.lastId);
    return read === INVALID_ENTRIES_READ ? null : this.entriesAdded - read;
  }
}

function sameFields(master: readonly Bin[], pairs: readonly Bin[]): boolean {
  if (master.length * 2 !== pairs.length) return false;
  for (let i = 0; i < master.length; i++) if (master[i] !== pairs[i * 2]) return false;
  return true;
}
