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
} from './keyspace/values.js';

type Collection = ListValue | HashValue | SetValue | ZSetValue | StreamValue;
type CollectionClass<T extends Collection> = abstract new (...args: never[]) => T;

export class CommandContext {
  /** The argv to propagate instead of the one received (e.g. EXPIRE → PEXPIREAT). */
  propagateAs: Bin[] | null = null;
  propagationPrevented = false;
  /** Propagate even though nothing changed (FLUSHDB on an empty db, as Redis forces it). */
  propagationForced = false;
  /** The keys the command says it modified (signalModifiedKey), when its key spec says too much. */
  modifiedKeys: Bin[] | null = null;

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

  /** Looks a key up, deleting it first (and propagating a DEL) if it has expired. */
  lookup(key: Bin, db: Database = this.db): RedisValue | undefined {
    const value = db.dict.get(key);
    if (value === undefined) return undefined;
    if (db.expires.size > 0 && this.engine.expireIfNeeded(db, key)) return undefined;
    return value;
  }

  exists(key: Bin, db: Database = this.db): boolean {
    return this.lookup(key, db) !== undefined;
  }

  /** The key's string bytes, undefined if missing, WRONGTYPE if it is another type. */
  getString(key: Bin, db: Database = this.db): Bin | undefined {
    const value = this.lookup(key, db);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (value instanceof RawString) return value.value;
    throw new CommandError(ERR.wrongType);
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

  /** signalModifiedKey, for commands whose key spec names keys they may leave unchanged (SMOVE). */
  signalModified(key: Bin): void {
    (this.modifiedKeys ??= []).push(key);
  }

  rewriteArgv(argv: Bin[]): void {
    this.propagateAs = argv;
  }

  preventPropagation(): void {
    this.propagationPrevented = true;
  }

  forcePropagation(): void {
    this.propagationForced = true;
  }

}
