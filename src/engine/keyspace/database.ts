// One of the 16 numbered databases: the key → value dictionary and the key → expiry (unix ms)
// table, kept apart as redis does so that most keys carry no expiry cost.
import type { Bin } from '../bytes.js';
import type { Client } from '../engine.js';
import { KeyDict, type ExpireView } from './key-dict.js';
import { typeOf, type RedisValue, type TypeName } from './values.js';

/** signalKeyAsReady, as the engine wires it: a key some client may be waiting for changed. */
export type ReadySignal = (db: Database, key: Bin, type: TypeName) => void;

/**
 * An expiry in unix ms. Redis accepts any int64; the few beyond 2^53 stay exact as bigint, and
 * JavaScript compares the two kinds with each other correctly.
 */
export type UnixMs = number | bigint;

export function unixMs(ms: bigint): UnixMs {
  return ms <= BigInt(Number.MAX_SAFE_INTEGER) && ms >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(ms) : ms;
}

export class Database {
  /** The keys and their values (and expiry times, seen through `expires`). */
  dict = new KeyDict();
  /** db->blocking_keys: the clients blocked on each key, in the order they blocked. */
  readonly blocking = new Map<Bin, Client[]>();
  /** db->ready_keys: keys already queued as ready. */
  readonly readyKeys = new Set<Bin>();
  signal: ReadySignal | null = null;
  /**
   * INFO keyspace's avg_ttl: a running estimate of the TTL left, fed by active expiry's samples
   * (0 when nothing has been sampled or the db has no volatile keys).
   */
  avgTtl = 0;
  /**
   * Redis's per-value access field (see access.ts), kept only once the engine tracks access
   * (`accessField` set); a key without an entry counts as touched when tracking began.
   */
  readonly access = new Map<Bin, number>();
  /**
   * The field a value stored now gets (`replacing` an existing key, which under LFU keeps its
   * counter, as dbOverwrite does), or null while access is not tracked.
   */
  accessField: ((key: Bin, replacing: boolean) => number) | null = null;
  /** A fork child that saves access fields: told before one key's field changes, or all of them. */
  accessWatcher: { beforeKey(key: Bin): void; beforeAll(): void } | null = null;

  constructor(readonly id: number) {}

  /** The keys with an expiry and their unix ms, read and written like a Map. */
  get expires(): ExpireView {
    return this.dict.expires;
  }

  /**
   * What dbAdd, dbOverwrite and dbDelete signal: a new key of a blocking type, or a stream
   * replaced or deleted (so XREADGROUP clients learn it is gone). Free when nobody blocks here.
   */
  private changed(key: Bin, old: RedisValue | undefined, value: RedisValue | undefined): void {
    if (old === undefined) {
      if (value !== undefined) this.signal!(this, key, typeOf(value));
    } else if (typeOf(old) === 'stream') this.signal!(this, key, 'stream');
  }

  /** One active-expiry loop's average TTL, weighed in as expire.c does (2% new, 98% old). */
  recordTtlSample(average: number): void {
    if (this.avgTtl === 0) this.avgTtl = average;
    this.avgTtl = Math.floor(this.avgTtl / 50) * 49 + Math.floor(average / 50);
  }

  get size(): number {
    return this.dict.size;
  }

  /** Sets the value and drops any expiry, as SET without KEEPTTL does. */
  setKey(key: Bin, value: RedisValue, keepTtl = false): void {
    if (this.blocking.size > 0) this.changed(key, this.dict.get(key), value);
    if (this.accessField) this.setAccess(key, this.accessField(key, this.dict.has(key)));
    this.dict.set(key, value);
    if (!keepTtl && this.dict.volatileCount > 0) this.dict.clearExpire(key);
  }

  /** Replaces the value of an existing key with a new object, keeping its expiry. */
  overwrite(key: Bin, value: RedisValue): void {
    if (this.blocking.size > 0) this.changed(key, this.dict.get(key), value);
    if (this.accessField) this.setAccess(key, this.accessField(key, true));
    this.dict.set(key, value);
  }

  /** A key's access field (robj->lru) changes. */
  setAccess(key: Bin, field: number): void {
    this.accessWatcher?.beforeKey(key);
    this.access.set(key, field);
  }

  delete(key: Bin): boolean {
    if (this.blocking.size > 0) this.changed(key, this.dict.get(key), undefined);
    if (this.access.size > 0) {
      this.accessWatcher?.beforeKey(key);
      this.access.delete(key);
    }
    return this.dict.delete(key);
  }

  clear(): void {
    this.streamsGone(null);
    this.dict.clear();
    this.avgTtl = 0;
    this.accessWatcher?.beforeAll();
    this.access.clear();
  }

  /** scanDatabaseForDeletedStreams: blocked-on streams that `next` (the new contents) lacks. */
  private streamsGone(next: Database | null): void {
    for (const key of this.blocking.keys()) {
      const was = this.dict.get(key);
      const is = next?.dict.get(key);
      if (was !== undefined && typeOf(was) === 'stream' && (is === undefined || typeOf(is) !== 'stream')) this.signal!(this, key, 'stream');
    }
  }

  /** scanDatabaseForReadyKeys: after SWAPDB every blocked-on key that exists may serve. */
  private keysReady(): void {
    for (const key of this.blocking.keys()) {
      const value = this.dict.get(key);
      if (value !== undefined) this.signal!(this, key, typeOf(value));
    }
  }

  /** Swaps contents with another database (SWAPDB), its TTL estimate included. */
  swapWith(other: Database): void {
    this.streamsGone(other);
    other.streamsGone(this);
    const [mine, theirs] = [this.avgTtl, other.avgTtl];
    [this.dict, other.dict] = [other.dict, this.dict];
    this.accessWatcher?.beforeAll();
    other.accessWatcher?.beforeAll();
    const kept = [...this.access];
    this.access.clear();
    for (const [k, v] of other.access) this.access.set(k, v);
    other.access.clear();
    for (const [k, v] of kept) other.access.set(k, v);
    this.keysReady();
    other.keysReady();
    this.avgTtl = theirs;
    other.avgTtl = mine;
  }
}
