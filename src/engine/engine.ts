// The Redis-like server core: 16 databases, command dispatch with Redis's arity and MULTI rules,
// lazy and active expiry, and the stream of propagated writes that the AOF and replicas consume.
import { BlockingRegistry, type BlockedState, type BlockSpec, type UnblockListener } from './blocking.js';
import type { Bin } from './bytes.js';
import { seededRng, type Clock, type Rng } from './clock.js';
import { COMMANDS } from './commands/index.js';
import { CommandError, type CommandSpec } from './commands/types.js';
import { CommandContext } from './context.js';
import { ERR } from './errors.js';
import { Database } from './keyspace/database.js';
import { FunctionStore } from './functions/library.js';
import { DEFAULT_LIMITS, type EncodingLimits } from './keyspace/limits.js';
import type { InfoProvider } from './info.js';
import { valueBytes, type TypeName } from './keyspace/values.js';
import { WatchRegistry, type WatchedKey } from './watch.js';
import { error, NIL_ARRAY, QUEUED, type Reply } from './resp/reply.js';

/**
 * What `execute` returns when the command blocked its client: the reply comes later, through
 * `onUnblocked`. A nil array, so a host that never opted in would at worst show a timeout.
 */
export const BLOCKED: Reply = Object.freeze({ kind: 'array', value: null });

/** A write as it goes to the AOF and replicas; `db` -1 means "no SELECT needed" (MULTI/EXEC). */
export interface PropagatedCommand {
  readonly db: number;
  readonly argv: readonly Bin[];
}

export type PropagationSink = (unit: readonly PropagatedCommand[]) => void;

/** Things that happened in the keyspace that a persistence layer reacts to. */
export type EngineEvent = 'flushall';

export interface EngineOptions {
  clock: Clock;
  rng?: Rng;
  databases?: number;
  limits?: Partial<EncodingLimits>;
}

export class Client {
  db = 0;
  /**
   * Set by a host that can hold a reply back (an event loop): blocking commands may then block
   * this client. Otherwise they answer at once as inside MULTI (nil, or an empty result).
   */
  canBlock = false;
  /** A master link or the AOF loader (mustObeyClient): commands are applied as written. */
  obeys = false;
  /** What the client is blocked on, or null. */
  blocked: BlockedState | null = null;
  /** Queued commands while in MULTI, or null outside a transaction. */
  multi: { queue: { spec: CommandSpec; argv: readonly Bin[] }[]; aborted: boolean } | null = null;
  /** The keys this client WATCHes. */
  watched: WatchedKey[] = [];
  /** CLIENT_DIRTY_CAS: a watched key changed, so the next EXEC fails. */
  dirtyCas = false;
  constructor(readonly id: number) {}
}

const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export class Engine {
  readonly dbs: Database[];
  readonly clock: Clock;
  readonly rng: Rng;
  readonly limits: EncodingLimits;
  /** Changes since the last save (Redis's server.dirty). */
  dirty = 0;
  /** Unix ms fixed for the duration of the outermost command. */
  commandTime = 0;
  /** While loading a file, expired keys are kept (Redis deletes them later). */
  loading = false;
  /** Set by a persistence host: the MISCONF error that refuses writes and PING now, or null. */
  diskErrorRefusal: (() => string | null) | null = null;
  /** Set by a replication host: the READONLY error that refuses client writes now, or null. */
  readOnlyRefusal: (() => string | null) | null = null;
  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the background expiry cycle off. */
  activeExpireEnabled = true;
  /** INFO sections supplied by the host (persistence, replication …), by lower-case name. */
  readonly infoProviders = new Map<string, InfoProvider>();
  /** Function libraries (FUNCTION LOAD, RDB FUNCTION2 records); FLUSHALL leaves them. */
  readonly functions = new FunctionStore();
  /** Set by a host with MONITOR clients: every command call() ran, after it ran. */
  commandObserver: ((client: Client, spec: CommandSpec, argv: readonly Bin[]) => void) | null = null;
  /** Counters for INFO. */
  readonly stats = { commandsProcessed: 0, expiredKeys: 0, startTime: 0 };

  private callDepth = 0;
  private pending: PropagatedCommand[] = [];
  private readonly sinks: PropagationSink[] = [];
  private readonly listeners: ((event: EngineEvent) => void)[] = [];
  private nextClientId = 1;
  private commandTable: ReadonlyMap<string, CommandSpec> = COMMANDS;
  /** Command names as clients spell them ("SET", "set") → their table entry, to skip lower-casing. */
  private spelled = new Map<string, CommandSpec>();
  private expireCursor: { db: number; iterator: Iterator<Bin> | null } = { db: 0, iterator: null };
  private readonly blocking = new BlockingRegistry();
  /** WATCHed keys and their clients. */
  readonly watches = new WatchRegistry((db, key) => this.keyIsExpired(db, key));

  constructor(options: EngineOptions) {
    this.clock = options.clock;
    this.rng = options.rng ?? seededRng(1);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.dbs = Array.from({ length: options.databases ?? 16 }, (_, i) => new Database(i));
    for (const db of this.dbs) db.signal = (d, key, type) => this.blocking.signal(d, key, type);
    this.stats.startTime = this.clock.now();
  }

  createClient(): Client {
    return new Client(this.nextClientId++);
  }

  /** Subscribes to propagated writes, one call per execution unit. Returns an unsubscribe. */
  onPropagate(sink: PropagationSink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** The command table: the engine's own commands plus those its host registered. */
  get commands(): ReadonlyMap<string, CommandSpec> {
    return this.commandTable;
  }

  /** Adds commands the host implements (SAVE, BGSAVE … for a persistent server). */
  registerCommands(specs: readonly CommandSpec[]): void {
    const table = new Map(this.commandTable);
    for (const spec of specs) table.set(spec.name, spec);
    this.commandTable = table;
    this.spelled = new Map();
  }

  onEvent(listener: (event: EngineEvent) => void): void {
    this.listeners.push(listener);
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Takes every key of `other` (a dataset loaded beside this one, e.g. an uploaded file) into the
   * same databases, counted as changes to save. Returns how many keys it took.
   */
  adoptDataset(other: Engine): number {
    let keys = 0;
    for (const [i, db] of other.dbs.entries()) {
      const target = this.dbs[i];
      if (!target) continue;
      for (const [key, value] of db.dict) target.dict.set(key, value);
      for (const [key, when] of db.expires) target.expires.set(key, when);
      keys += db.size;
    }
    this.dirty += keys;
    return keys;
  }

  /** A rough used_memory: payload bytes plus a per-entry overhead like Redis's allocator. */
  estimatedMemory(): number {
    let bytes = 1_000_000;
    for (const db of this.dbs) {
      for (const [key, value] of db.dict) bytes += 48 + key.length + valueBytes(value);
      bytes += db.expires.size * 32;
    }
    return bytes;
  }

  /**
   * Runs one command as a client connection would, MULTI queueing included. Returns BLOCKED when
   * the command blocked the client (only when `client.canBlock`); clients that this command's
   * writes served get their replies through `onUnblocked` before this returns.
   */
  execute(client: Client, argv: readonly Bin[]): Reply {
    if (client.blocked) throw new Error(`client ${client.id} is blocked: it sends nothing until onUnblocked answers it`);
    const reply = this.dispatch(client, argv);
    if (this.blocking.ready.length > 0) this.serveReadyKeys();
    return reply;
  }

  private dispatch(client: Client, argv: readonly Bin[]): Reply {
    if (argv.length === 0) return error(ERR.protocol('empty command'));
    const resolved = this.resolve(argv);
    if (typeof resolved === 'string') {
      if (client.multi) client.multi.aborted = true;
      return error(resolved);
    }
    // processCommand refuses writes (and PING) while the disk is failing, and writes on a
    // read-only replica, before queueing.
    const refusal =
      (this.diskErrorRefusal && (resolved.write || resolved.name === 'ping') ? this.diskErrorRefusal() : null) ??
      (this.readOnlyRefusal && resolved.write ? this.readOnlyRefusal() : null);
    if (refusal) {
      if (client.multi) client.multi.aborted = true;
      return error(refusal);
    }
    if (client.multi && !MULTI_CONTROL.has(resolved.name)) {
      if (resolved.noMulti) {
        client.multi.aborted = true;
        return error(ERR.notAllowedInMulti);
      }
      client.multi.queue.push({ spec: resolved, argv });
      return QUEUED;
    }
    return this.call(client, resolved, argv);
  }

  /** The spec to run, or the error text for an unknown command or a wrong arity. */
  resolve(argv: readonly Bin[]): CommandSpec | string {
    let spec = this.spelled.get(argv[0]!);
    if (!spec) {
      spec = this.commandTable.get(argv[0]!.toLowerCase());
      if (!spec) return ERR.unknownCommand(argv[0]!, argv.slice(1, 20));
      // Bounded: a client inventing spellings cannot grow it.
      if (this.spelled.size < 1024) this.spelled.set(argv[0]!, spec);
    }
    if (spec.subcommands && argv.length >= 2) {
      const sub = spec.subcommands[argv[1]!.toLowerCase()];
      if (!sub) return ERR.unknownSubcommand(argv[1]!, spec.name);
      spec = sub;
    }
    const argc = argv.length;
    if ((spec.arity > 0 && argc !== spec.arity) || argc < -spec.arity) return ERR.wrongArity(spec.name);
    return spec;
  }

  /** Redis's call(): runs the command and propagates what it changed. */
  call(client: Client, spec: CommandSpec, argv: readonly Bin[]): Reply {
    if (this.callDepth === 0) this.commandTime = this.clock.now();
    this.callDepth++;
    const ctx = new CommandContext(this, client);
    const dirtyBefore = this.dirty;
    let reply: Reply;
    try {
      reply = spec.run(ctx, argv);
    } catch (e) {
      reply = error(e instanceof CommandError ? e.reply : `ERR internal error: ${(e as Error).message}`);
    }
    this.stats.commandsProcessed++;
    if (this.commandObserver && !this.loading) this.commandObserver(client, spec, argv);
    // While loading a file nothing is propagated: the data is already on disk.
    if (spec.write && !this.loading && (this.dirty > dirtyBefore || ctx.propagationForced) && !ctx.propagationPrevented) {
      this.pending.push({ db: client.db, argv: ctx.propagateAs ?? [...argv] });
    }
    if (this.watches.active && spec.write && this.dirty > dirtyBefore) {
      if (ctx.modifiedKeys) for (const key of ctx.modifiedKeys) this.watches.touch(this.dbs[client.db]!, key);
      else this.watches.touchCommand(client, this.dbs, spec, argv);
    }
    this.callDepth--;
    if (this.callDepth === 0) this.flushPropagation();
    return reply;
  }

  // --- blocking ------------------------------------------------------------------------------

  /** Subscribes to the replies of blocked clients (served, timed out or unblocked). */
  onUnblocked(listener: UnblockListener): () => void {
    return this.blocking.onUnblocked(listener);
  }

  /** Whether the command running now may block its client (not inside EXEC, nor loading). */
  mayBlock(client: Client): boolean {
    return client.canBlock && this.callDepth === 1 && !this.loading;
  }

  /** blockForKeys, for a command's implementation: returns the BLOCKED marker. */
  block(client: Client, spec: BlockSpec): Reply {
    this.blocking.block(client, this.dbs[client.db]!, spec);
    return BLOCKED;
  }

  signalKeyAsReady(db: Database, key: Bin, type: TypeName): void {
    this.blocking.signal(db, key, type);
  }

  /** Blocked clients, in the order they blocked. */
  get blockedClients(): readonly Client[] {
    return [...this.blocking.clients];
  }

  /** The earliest absolute ms at which a blocked client times out (null: none can). */
  nextBlockedTimeout(): number | null {
    return this.blocking.nextTimeout();
  }

  /** Answers every blocked client whose timeout has passed (a nil array); returns how many. */
  expireBlockedClients(now: number = this.clock.now()): number {
    const due = this.blocking.timedOut(now);
    for (const client of due) this.blocking.unblock(client, NIL_ARRAY);
    return due.length;
  }

  /**
   * CLIENT UNBLOCK: answers a blocked client as if it timed out, or with the UNBLOCKED error.
   * False when the client was not blocked.
   */
  unblockClient(client: Client, how: 'timeout' | 'error' = 'timeout'): boolean {
    if (!client.blocked) return false;
    this.blocking.unblock(client, how === 'timeout' ? NIL_ARRAY : error('UNBLOCKED client unblocked via CLIENT UNBLOCK'));
    return true;
  }

  /** A client that went away: it stops waiting and watching, and nobody is told. */
  disconnectClient(client: Client): void {
    this.blocking.unblock(client, null);
    this.watches.unwatchAll(client);
  }

  /**
   * handleClientsBlockedOnKeys: serves the clients blocked on each ready key, first blocked
   * first served, until no key is ready (serving BLMOVE can ready its destination). Each served
   * client's writes are propagated as their own unit, after those of the command that readied it.
   */
  private serveReadyKeys(): void {
    while (this.blocking.ready.length > 0) {
      const ready = this.blocking.ready;
      this.blocking.ready = [];
      for (const { db, key } of ready) {
        db.readyKeys.delete(key);
        this.callDepth++;
        this.commandTime = this.clock.now();
        try {
          this.serveKey(db, key);
        } finally {
          this.callDepth--;
        }
        this.flushPropagation();
      }
    }
  }

  private serveKey(db: Database, key: Bin): void {
    const probe = new CommandContext(this, Object.assign(new Client(0), { db: db.id }));
    const value = probe.lookup(key, db);
    const type = value === undefined ? null : typeof value === 'string' || !('type' in value) ? 'string' : value.type;
    for (const receiver of [...(db.blocking.get(key) ?? [])]) {
      const state = receiver.blocked;
      if (!state) continue;
      if (state.readgroup && type !== 'stream') {
        this.blocking.unblock(receiver, error('UNBLOCKED the stream key no longer exists'));
        continue;
      }
      if (state.kind !== type) continue;
      const ctx = new CommandContext(this, receiver);
      let reply: Reply | undefined;
      try {
        reply = state.serve(ctx, key);
      } catch (e) {
        reply = error(e instanceof CommandError ? e.reply : `ERR internal error: ${(e as Error).message}`);
      }
      if (reply === undefined) continue;
      this.watches.touch(db, key);
      for (const modified of ctx.modifiedKeys ?? []) this.watches.touch(db, modified);
      this.blocking.unblock(receiver, reply);
      this.flushPropagation();
      if (state.stopsWhenDeleted && !db.dict.has(key)) break;
    }
  }

  alsoPropagate(db: number, argv: readonly Bin[]): void {
    this.pending.push({ db, argv });
    if (this.callDepth === 0) this.flushPropagation();
  }

  /** Deletes `key` if its time has passed; returns whether the key is (logically) gone. */
  expireIfNeeded(db: Database, key: Bin): boolean {
    const when = db.expires.get(key);
    if (when === undefined) return false;
    const now = this.callDepth > 0 ? this.commandTime : this.clock.now();
    if (now <= when) return false;
    if (this.loading) return false;
    db.delete(key);
    this.stats.expiredKeys++;
    this.watches.touch(db, key);
    this.alsoPropagate(db.id, ['DEL', key]);
    return true;
  }

  /** keyIsExpired: the key has a time to live that has passed (it may not be deleted yet). */
  keyIsExpired(db: Database, key: Bin): boolean {
    if (this.loading) return false;
    const when = db.expires.get(key);
    if (when === undefined) return false;
    return (this.callDepth > 0 ? this.commandTime : this.clock.now()) > when;
  }

  /**
   * Redis's active expiry, made deterministic: walks the expires tables from a saved cursor,
   * checking at most `budget` keys. Returns the number of keys deleted.
   */
  activeExpireCycle(budget = 200): number {
    if (!this.activeExpireEnabled) return 0;
    let deleted = 0;
    let checked = 0;
    let dbsVisited = 0;
    while (checked < budget && dbsVisited <= this.dbs.length) {
      const db = this.dbs[this.expireCursor.db]!;
      if (db.expires.size === 0) {
        this.advanceExpireCursor();
        dbsVisited++;
        continue;
      }
      this.expireCursor.iterator ??= [...db.expires.keys()][Symbol.iterator]();
      const next = this.expireCursor.iterator.next();
      if (next.done) {
        this.advanceExpireCursor();
        dbsVisited++;
        continue;
      }
      checked++;
      if (db.dict.has(next.value) && this.expireIfNeeded(db, next.value)) deleted++;
    }
    return deleted;
  }

  private advanceExpireCursor(): void {
    this.expireCursor = { db: (this.expireCursor.db + 1) % this.dbs.length, iterator: null };
  }

  private flushPropagation(): void {
    if (this.pending.length === 0) return;
    const ops = this.pending;
    this.pending = [];
    const unit: PropagatedCommand[] =
      // propagatePendingCommands: MULTI takes the first command's db (a SELECT goes before it),
      // EXEC the last one's (so none is needed).
      ops.length > 1 ? [{ db: ops[0]!.db, argv: ['MULTI'] }, ...ops, { db: ops[ops.length - 1]!.db, argv: ['EXEC'] }] : ops;
    for (const sink of this.sinks) sink(unit);
  }
}

