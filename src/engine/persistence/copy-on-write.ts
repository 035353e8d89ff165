// Copy-on-write while a fork child runs, as the kernel counts it: whole 4 KiB pages, each copied
// once, the first time the parent writes to it. The lab keeps no allocator, so the pages are
// modelled on jemalloc's layout, where objects of one size class sit side by side in the order
// they were allocated:
// - a key's dictEntry, robj and key sds lie in an entries region, ENTRY_STRIDE bytes a key in
//   insertion order; small values (up to a page) lie in a values region, as many bytes a key as
//   they take on average at the fork; a write dirties the key's page in each, so consecutive
//   keys share pages and scattered ones do not; a key made after the fork is in fresh memory,
//   which the child never shared;
// - a bigger value has pages of its own: a write names elements (fields, members, an offset, the
//   head or the tail) and dirties the pages they hash to, one in its index half and one in its
//   data half; a value replaced whole is freed, not written.
// Checked against redis-server 7.0's rdb_last_cow_size in tests/persistence/copy-on-write.test.ts.
import type { Bin } from '../bytes.js';
import type { Engine, PropagatedCommand } from '../engine.js';
import { hashBin } from '../keyspace/key-dict.js';
import { valueMemory } from '../keyspace/memory-usage.js';
import type { RedisValue } from '../keyspace/values.js';
import type { JobKind } from './jobs.js';
import type { PersistenceStatus } from './status.js';

export const PAGE_BYTES = 4096;
/** dictEntry (32 allocated) + robj (16) + a short key's sds (16). */
const ENTRY_STRIDE = 64;
const ENTRIES = 0;
const VALUES = 1;

export class CopyOnWrite {
  /** Pages copied so far, by region and page (small keys) or by key and page (big values). */
  private readonly pages = new Set<string>();
  /**
   * Each key written since the fork: its place, and the pages of its value if that is bigger
   * than a page (0: a small value, part of its key's); null: made since the fork.
   */
  private readonly keys = new Map<string, { at: number; bigPages: number } | null>();
  /** Per database at the fork: the values region's bytes a key, and the keys' places so far. */
  private readonly valueStride = new Map<number, number>();
  private readonly placesAtFork = new Map<number, number>();

  constructor(
    private readonly engine: Engine,
    private readonly status: PersistenceStatus,
  ) {}

  /** A fork: the values region's layout is the dataset's now, before the parent writes. */
  begin(): void {
    for (const db of this.engine.dbs) {
      if (db.size === 0) continue;
      this.valueStride.set(db.id, sampledStride(db.dict));
      this.placesAtFork.set(db.id, db.dict.nextOrder);
    }
  }

  /** A unit of writes while a child runs. */
  track(unit: readonly PropagatedCommand[]): void {
    for (const { db, argv } of unit) {
      if (db < 0) continue;
      for (const key of this.engine.keysWrittenBy(argv)) this.touch(db, key, argv);
    }
    this.status.currentCowSize = this.pages.size * PAGE_BYTES;
    this.status.currentCowPeak = Math.max(this.status.currentCowPeak, this.status.currentCowSize);
  }

  private touch(db: number, key: Bin, argv: readonly Bin[]): void {
    const dict = this.engine.dbs[db]?.dict;
    if (!dict) return;
    const id = `${db}\u0000${key}`;
    const value = dict.get(key);
    let known = this.keys.get(id);
    if (known === undefined) {
      const forked = this.placesAtFork.get(db) ?? 0;
      const order = dict.orderOf(key);
      // A key made since the fork is in fresh memory; one deleted before its first write here
      // has lost its place, and its hash stands in for it.
      known = order >= forked ? null : { at: order >= 0 ? order : hash(key) % Math.max(forked, 1), bigPages: value === undefined ? 0 : bigPages(value) };
      this.keys.set(id, known);
    }
    if (known === null) return;
    this.pages.add(`${db}:${ENTRIES}:${Math.floor((known.at * ENTRY_STRIDE) / PAGE_BYTES)}`);
    // A deleted value is freed, not written.
    if (value === undefined) return;
    if (known.bigPages === 0) {
      const stride = this.valueStride.get(db) ?? ENTRY_STRIDE;
      this.pages.add(`${db}:${VALUES}:${Math.floor((known.at * stride) / PAGE_BYTES)}`);
      return;
    }
    for (const page of bigPagesWritten(known.bigPages, argv)) this.pages.add(`${id}\u0000${page}`);
  }

  /** The child exited: its total becomes the last one of its kind. */
  end(kind: JobKind): void {
    if (kind === 'rdb') this.status.rdbLastCowSize = this.status.currentCowSize;
    else this.status.aofLastCowSize = this.status.currentCowSize;
    this.status.currentCowSize = 0;
    this.status.currentCowPeak = 0;
    this.pages.clear();
    this.keys.clear();
    this.valueStride.clear();
    this.placesAtFork.clear();
  }
}

/** The small values' mean size over the first keys, less the robj (counted with the entry). */
function sampledStride(dict: Iterable<[Bin, RedisValue]>): number {
  let bytes = 0;
  let count = 0;
  for (const [, value] of dict) {
    const size = valueMemory(value);
    if (size <= PAGE_BYTES) {
      bytes += Math.max(16, size - 16);
      count++;
    }
    if (count === 256) break;
  }
  return count === 0 ? ENTRY_STRIDE : bytes / count;
}

/** A value bigger than a page keeps pages of its own (how many); a smaller one is part of its key's (0). */
function bigPages(value: RedisValue): number {
  const bytes = valueMemory(value);
  return bytes <= PAGE_BYTES ? 0 : Math.ceil(bytes / PAGE_BYTES);
}

/** Option words ZADD takes before its score-member pairs. */
const ZADD_FLAGS = new Set(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']);

/**
 * The pages of a big value one write dirties. Elements named hash to a page in each half (an
 * entry and its data); pushes and pops touch the head or the tail; a string written at an offset
 * touches that page. A command that replaces the value (SET, a RESTORE, a DEL) writes none of its
 * pages: the old value is freed.
 */
function bigPagesWritten(pages: number, argv: readonly Bin[]): number[] {
  const name = argv[0]!.toUpperCase();
  const last = pages - 1;
  const half = Math.max(1, Math.floor(pages / 2));
  const elements = (names: readonly Bin[]): number[] => names.flatMap((element) => [hash(element) % half, half + (hash(`\u0001${element}`) % Math.max(1, pages - half))]);
  switch (name) {
    case 'APPEND':
    case 'RPUSH':
    case 'RPUSHX':
    case 'RPOP':
    case 'XADD':
      return [last];
    case 'LPUSH':
    case 'LPUSHX':
    case 'LPOP':
      return [0];
    case 'SETRANGE':
      return [Math.min(last, Math.floor(Number(argv[2]) / PAGE_BYTES) || 0)];
    case 'SETBIT':
      return [Math.min(last, Math.floor(Number(argv[2]) / 8 / PAGE_BYTES) || 0)];
    case 'HSET':
    case 'HMSET':
    case 'HSETNX':
      return elements(argv.slice(2).filter((_, i) => i % 2 === 0));
    case 'ZADD': {
      let i = 2;
      while (i < argv.length && ZADD_FLAGS.has(argv[i]!.toUpperCase())) i++;
      return elements(argv.slice(i).filter((_, j) => j % 2 === 1));
    }
    case 'HINCRBY':
    case 'HINCRBYFLOAT':
    case 'ZINCRBY':
      return elements([name === 'ZINCRBY' ? argv[3]! : argv[2]!]);
    case 'SMOVE':
      return elements([argv[3]!]);
    case 'SET':
    case 'GETSET':
    case 'GETDEL':
    case 'DEL':
    case 'UNLINK':
    case 'RESTORE':
    case 'RENAME':
    case 'SETEX':
    case 'PSETEX':
    case 'EXPIRE':
    case 'PEXPIRE':
    case 'PEXPIREAT':
    case 'EXPIREAT':
    case 'PERSIST':
      return [];
    default:
      // Members named after the key (SADD, SREM, HDEL, ZREM, LREM, XDEL, ...).
      return elements(argv.slice(2, 2 + 64));
  }
}

/** Scatters names over pages, the same way every run. */
const hash = (text: Bin): number => hashBin(text) >>> 0;
