// The view a command has of the server while it runs: the client's database, typed key lookups
// with lazy expiry, and the hooks that decide what is propagated to the AOF and replicas.
import type { Bin } from './bytes.js';
import type { Engine, Client } from './engine.js';
import { ERR } from './errors.js';
import { CommandError } from './commands/types.js';
import type { Database } from './keyspace/database.js';
import {
  HashValue,
  ListValue,
  RawString,
  SetValue,
  StreamValue,
  ZSetValue,
  type RedisValue,
  type TypeName,
  type StringValue,
} from './keyspace/values.js';

type Collection = ListValue | HashValue | SetValue | ZSetValue | StreamValue;
type CollectionClass<T extends Collection> = abstract new (...args: never[]) => T;

export class CommandContext {
  /** The argv to propagate instead of the one received (e.g. EXPIRE → PEXPIREAT). */
  propagateAs: Bin[] | null = null;
  propagationPrevented = false;
  /** Propagate even though nothing changed (FLUSHDB on an empty db, as Redis forces it). */
  propagationForced = false;
  /** The command signalled its modified keys itself (the engine's automatic signal is off). */
  signalledKeys = false;

  constructor(
    readonly engine: Engine,
    readonly client: Client,
  ) {}

  get db(): Database {
    return this.engine.dbs[this.client.db]!;
  }

  /** Unix ms, fixed for the whole outermost command (EXEC included), as Redis caches it. */
  get now(): number {
    return this.engine.commandTime;
  }

  get limits() {
    return this.engine.limits;
  }

  /**
   * Looks a key up, deleting it first (and propagating a DEL) if it has expired; a key found
   * counts as accessed (its LRU/LFU field is updated).
   */
  lookup(key: Bin, db: Database = this.db): RedisValue | undefined {
    const value = this.peek(key, db);
    if (value !== undefined && this.engine.accessTracked) this.engine.touchKey(db, key);
    return value;
  }

  /** lookup without the access update (LOOKUP_NOTOUCH: EXISTS, TYPE, TTL, OBJECT …). */
  peek(key: Bin, db: Database = this.db): RedisValue | undefined {
    const value = db.dict.get(key);
    if (value === undefined) return undefined;
    if (db.expires.size > 0 && this.engine.expireIfNeeded(db, key)) return undefined;
    return value;
  }

  /** Whether the key exists (expiring it if due); like lookupKeyRead/Write, it counts as an access. */
  exists(key: Bin, db: Database = this.db): boolean {
    // Not through lookup: a value read from the key arena would be a string built for nothing.
    if (!db.dict.has(key)) return false;
    if (db.expires.size > 0 && this.engine.expireIfNeeded(db, key)) return false;
    if (this.engine.accessTracked) this.engine.touchKey(db, key);
    return true;
  }

  /** The key's string bytes, undefined if missing, WRONGTYPE if it is another type. */
  getString(key: Bin, db: Database = this.db): Bin | undefined {
    const value = this.getStringValue(key, db);
    return typeof value === 'object' ? value.value : value;
  }

  /** The key's string value as stored (a raw one is not turned into a Bin), or undefined. */
  getStringValue(key: Bin, db: Database = this.db): StringValue | undefined {
    const value = this.lookup(key, db);
    if (value === undefined || typeof value === 'string' || value instanceof RawString) return value;
    throw new CommandError(ERR.wrongType);
  }

  /**
   * dbUnshareStringValue: the existing string at `key` as a raw value of its own that may be
   * changed in place (an int or embstr becomes raw, as in Redis, even if nothing changes).
   */
  unshareString(key: Bin, value: StringValue): RawString {
    if (value instanceof RawString && value.encoding === 'raw') return value;
    const raw = new RawString(typeof value === 'string' ? value : value.value);
    this.db.overwrite(key, raw);
    return raw;
  }

  /** The key's collection of class `type`, undefined if missing, WRONGTYPE otherwise. */
  getTyped<T extends Collection>(key: Bin, type: CollectionClass<T>, db: Database = this.db): T | undefined {
    const value = this.lookup(key, db);
    if (value === undefined) return undefined;
    if (value instanceof type) return value;
    throw new CommandError(ERR.wrongType);
  }

  getList(key: Bin): ListValue | undefined {
    return this.getTyped(key, ListValue);
  }
  getHash(key: Bin): HashValue | undefined {
    return this.getTyped(key, HashValue);
  }
  getSet(key: Bin): SetValue | undefined {
    return this.getTyped(key, SetValue);
  }
  getZSet(key: Bin): ZSetValue | undefined {
    return this.getTyped(key, ZSetValue);
  }
  getStream(key: Bin): StreamValue | undefined {
    return this.getTyped(key, StreamValue);
  }

  /** Deletes a collection that a command emptied, as Redis never keeps empty collections. */
  deleteIfEmpty(key: Bin, size: number, db: Database = this.db): void {
    if (size === 0) db.delete(key);
  }

  /** Counts changes towards `rdb_changes_since_last_save`; a write propagates only if > 0. */
  dirty(changes = 1): void {
    this.engine.dirty += changes;
  }

  /** Propagates an extra command (before this command's own), in database `dbIndex`. */
  alsoPropagate(argv: Bin[], dbIndex: number = this.client.db): void {
    this.engine.alsoPropagate(dbIndex, argv);
  }

  /** signalKeyAsReady: clients blocked on `key` may be served after this command. */
  signalReady(key: Bin, type: TypeName, db: Database = this.db): void {
    this.engine.signalKeyAsReady(db, key, type);
  }

  /** Whether this command may block its client (see Engine.mayBlock). */
  get mayBlock(): boolean {
    return this.engine.mayBlock(this.client);
  }

  rewriteArgv(argv: Bin[]): void {
    this.propagateAs = argv;
  }

  /**
   * signalModifiedKey, for a command that says itself which keys it changed (when its key specs
   * would say too much or too little): the engine then signals nothing on its behalf.
   */
  signalModified(key: Bin, db: Database = this.db): void {
    this.signalledKeys = true;
    this.engine.signalModifiedKey(db, key);
  }

  preventPropagation(): void {
    this.propagationPrevented = true;
  }

  forcePropagation(): void {
    this.propagationForced = true;
  }

}
