// The Redis-like server core: 16 databases, command dispatch with Redis's arity and MULTI rules,
// lazy and active expiry, and the stream of propagated writes that the AOF and replicas consume.
import { BlockingRegistry, type BlockedState, type BlockSpec, type UnblockListener } from './blocking.js';
import type { Bin } from './bytes.js';
import { seededRng, type Clock, type Rng } from './clock.js';
import { commandFlags } from './commands/command-introspection.js';
import { commandFacts, keysFromSpecs } from './commands/command-table.js';
import { COMMANDS } from './commands/index.js';
import { discardTransaction } from './commands/transactions.js';
import { Config, encodingLimits } from './config.js';
import { CommandError, type CommandSpec } from './commands/types.js';
import { CommandContext } from './context.js';
import { ERR } from './errors.js';
import { estimateMemory, MemoryMeter, performEvictions, UsedMemoryScan } from './eviction.js';
import { type AccessPolicy, freshAccess, type KeyAccessSave, lfuMinutes, LRU_CLOCK_MAX, lruClock, touchedAccess } from './keyspace/access.js';
import { Database } from './keyspace/database.js';
import type { KeyDict } from './keyspace/key-dict.js';
import { FunctionStore } from './functions/library.js';
import type { EncodingLimits } from './keyspace/limits.js';
import type { InfoProvider } from './info.js';
import type { RedisValue, TypeName } from './keyspace/values.js';
import { error, NIL_ARRAY, QUEUED, type Reply } from './resp/reply.js';
import { type WatchedKey, type Watcher, WatchRegistry } from './watch.js';

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

/**
 * Takes one execution unit as it happens. The array is the engine's again once the sinks return
 * (a sink that keeps the unit copies the array; its commands and their argv stay as they are).
 */
export type PropagationSink = (unit: readonly PropagatedCommand[]) => void;

/** Things that happened in the keyspace that a persistence layer reacts to. */
export type EngineEvent = 'flushall' | 'resetstat';

export interface EngineOptions {
  clock: Clock;
  rng?: Rng;
  databases?: number;
  /** The live configuration (CONFIG GET/SET); a fresh default one when absent. */
  config?: Config;
  /** Encoding thresholds to start from, written into the configuration. */
  limits?: Partial<EncodingLimits>;
}

const LIMIT_DIRECTIVES: Readonly<Record<keyof EncodingLimits, string>> = {
  hashMaxListpackEntries: 'hash-max-listpack-entries',
  hashMaxListpackValue: 'hash-max-listpack-value',
  setMaxIntsetEntries: 'set-max-intset-entries',
  zsetMaxListpackEntries: 'zset-max-listpack-entries',
  zsetMaxListpackValue: 'zset-max-listpack-value',
  listMaxListpackSize: 'list-max-listpack-size',
  listCompressDepth: 'list-compress-depth',
  streamNodeMaxBytes: 'stream-node-max-bytes',
  streamNodeMaxEntries: 'stream-node-max-entries',
  hllSparseMaxBytes: 'hll-sparse-max-bytes',
};

export interface MultiState {
  readonly queue: { spec: CommandSpec; argv: readonly Bin[] }[];
  /** An error while queueing: EXEC replies EXECABORT (CLIENT_DIRTY_EXEC). */
  aborted: boolean;
  /** A queued command may use memory: EXEC itself is refused when out of memory. */
  denyoom: boolean;
}

export class Client implements Watcher {
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
  multi: MultiState | null = null;
  dirtyCas = false;
  readonly watched: WatchedKey[] = [];
  constructor(readonly id: number) {}
}

/** ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP at the default active-expire-effort. */
const ACTIVE_EXPIRE_KEYS_PER_LOOP = 20;

const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** Inside MULTI every other command is refused when out of memory (queueing uses memory). */
const MULTI_OOM_EXEMPT = new Set(['exec', 'discard', 'quit', 'reset']);
const KEY_WRITE_FLAGS = ['RW', 'OW', 'RM'];

function writtenKeys(spec: CommandSpec, argv: readonly Bin[]): Bin[] {
  const facts = commandFacts(spec.name);
  if (!facts) return [];
  const out: Bin[] = [];
  for (const ref of keysFromSpecs(facts, argv, true) ?? []) {
    if (ref.flags.some((f) => KEY_WRITE_FLAGS.includes(f))) out.push(argv[ref.pos]!);
  }
  return out;
}

/**
 * rejectCommand: the error, and an open transaction aborted (flagTransaction); a refused EXEC
 * discards the transaction and says why (execCommandAbort, which drops an "ERR " prefix).
 */
function refuse(engine: Engine, client: Client, message: string, spec?: CommandSpec): Reply {
  if (spec) engine.commandStats(spec.name).rejected++;
  if (spec?.name === 'exec') {
    discardTransaction(engine, client);
    message = `EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`;
  } else if (client.multi) client.multi.aborted = true;
  engine.countError(message);
  return error(message);
}

/** Redis arity: n means exactly n arguments (name included), -n at least n. */
function arityAccepts(spec: CommandSpec, argc: number): boolean {
  return spec.arity > 0 ? argc === spec.arity : argc >= -spec.arity;
}

/** A command's calls, the calls refused before they ran, and those that replied an error. */
export interface CommandStats {
  calls: number;
  rejected: number;
  failed: number;
}

/** Redis keeps counts for at most this many error codes (ERROR_STATS_NUMBER). */
const ERROR_CODES_KEPT = 128;

/** A key a write command may change, and whether it existed before the command ran. */
interface WriteKey {
  readonly key: Bin;
  readonly existed: boolean;
}

export class Engine {
  readonly dbs: Database[];
  readonly clock: Clock;
  readonly rng: Rng;
  readonly config: Config;
  /** The encoding thresholds, kept equal to the configuration's (CONFIG SET applies at once). */
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
  /** server.in_exec: EXEC is running its queue (BGSAVE and BGREWRITEAOF only schedule then). */
  inExec = false;
  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the background expiry cycle off. */
  activeExpireEnabled = true;
  /** INFO sections supplied by the host (persistence, replication …), by lower-case name. */
  readonly infoProviders = new Map<string, InfoProvider>();
  /** Function libraries (FUNCTION LOAD, RDB FUNCTION2 records); FLUSHALL leaves them. */
  readonly functions = new FunctionStore();
  /** Set by a host with MONITOR clients: every command call() ran, after it ran. */
  commandObserver: ((client: Client, spec: CommandSpec, argv: readonly Bin[]) => void) | null = null;
  /** Counters for INFO. */
  readonly stats = { commandsProcessed: 0, expiredKeys: 0, evictedKeys: 0, startTime: 0, errorReplies: 0 };
  /** INFO errorstats: error replies by their code (the first word). */
  readonly errorCodes = new Map<string, number>();
  /** INFO commandstats: per command (a subcommand as "container|sub"). */
  private readonly perCommand = new Map<string, CommandStats>();
  /** The command each blocked client runs: it is counted when it is answered, as redis does. */
  private readonly blockedIn = new WeakMap<Client, string>();
  readonly watches = new WatchRegistry((db, key) => this.keyIsExpired(db, key));
  /** Random evictions visit the databases in turn (evict.c's static next_db). */
  evictionNextDb = 0;
  /** Key access fields are kept from the first time something needs them (see access.ts). */
  accessTracked = false;
  /** The field of keys that were not touched since tracking began. */
  private accessDefault = 0;
  private meter: MemoryMeter | null = null;
  /** While a fork child holds the dataset: called with each value just before a write changes it. */
  private copyOnWrite: ((dict: KeyDict, key: Bin, value: RedisValue) => void) | null = null;
  private memoryScan: UsedMemoryScan | null = null;
  /** maxmemory in bytes (0: no limit), kept from the configuration for the per-command check. */
  private maxmemory = 0;

  private callDepth = 0;
  /** The command a client runs directly (the outermost call), while it runs. */
  private topCommand: CommandSpec | null = null;
  private pending: PropagatedCommand[] = [];
  /** The array the last unit went out in, the next unit's: a unit per write command otherwise. */
  private spareUnit: PropagatedCommand[] | null = [];
  private readonly sinks: PropagationSink[] = [];
  private readonly listeners: ((event: EngineEvent) => void)[] = [];
  private nextClientId = 1;
  private commandTable: ReadonlyMap<string, CommandSpec> = COMMANDS;
  /** Command names as clients spell them ("SET", "set") → their table entry, to skip lower-casing. */
  private spelled = new Map<string, CommandSpec>();
  private expireCursor: { db: number; iterator: Iterator<Bin> | null } = { db: 0, iterator: null };
  private readonly blocking = new BlockingRegistry();

  constructor(options: EngineOptions) {
    this.clock = options.clock;
    this.rng = options.rng ?? seededRng(1);
    this.config = options.config ?? new Config();
    for (const [field, value] of Object.entries(options.limits ?? {})) {
      this.config.set(LIMIT_DIRECTIVES[field as keyof EncodingLimits], String(value), true);
    }
    this.limits = encodingLimits(this.config);
    this.config.onChange((name, value) => {
      Object.assign(this.limits, encodingLimits(this.config));
      if (name === 'maxmemory-policy' && /lru|lfu/.test(value)) this.trackAccess();
      if (name === 'maxmemory') {
        this.maxmemory = Number(value);
        if (this.maxmemory === 0) this.meter = null;
      }
    });
    this.maxmemory = Number(this.config.get('maxmemory'));
    this.dbs = Array.from({ length: options.databases ?? 16 }, (_, i) => new Database(i));
    for (const db of this.dbs) db.signal = (d, key, type) => this.blocking.signal(d, key, type);
    // After the databases exist: tracking gives each of them its access field.
    if (/lru|lfu/.test(this.config.get('maxmemory-policy'))) this.trackAccess();
    this.stats.startTime = this.clock.now();
    this.blocking.onUnblocked((client, reply) => {
      if (reply.kind === 'error') this.countError(reply.value);
      const name = this.blockedIn.get(client);
      if (name === undefined) return;
      this.blockedIn.delete(client);
      const stats = this.commandStats(name);
      stats.calls++;
      if (reply.kind === 'error') stats.failed++;
    });
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

  /** CONFIG RESETSTAT: the counters INFO reports start again from zero. */
  resetStats(): void {
    this.stats.commandsProcessed = 0;
    this.stats.expiredKeys = 0;
    this.stats.evictedKeys = 0;
    this.stats.errorReplies = 0;
    this.errorCodes.clear();
    this.perCommand.clear();
    this.emit('resetstat');
  }

  /** afterErrorReply: an error went to a client; counted by its code, as INFO errorstats shows. */
  countError(message: string): void {
    this.stats.errorReplies++;
    const space = message.indexOf(' ');
    const code = space < 0 ? message : message.slice(0, space);
    const count = this.errorCodes.get(code);
    if (count !== undefined) this.errorCodes.set(code, count + 1);
    else if (this.errorCodes.size < ERROR_CODES_KEPT) this.errorCodes.set(code, 1);
  }

  /** The counters INFO commandstats shows for a command, created at first use. */
  commandStats(name: string): CommandStats {
    let stats = this.perCommand.get(name);
    if (!stats) this.perCommand.set(name, (stats = { calls: 0, rejected: 0, failed: 0 }));
    return stats;
  }

  /** Every command counted since the start or CONFIG RESETSTAT. */
  get commandStatsByName(): ReadonlyMap<string, Readonly<CommandStats>> {
    return this.perCommand;
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
      keys += db.size;
      // An empty database takes the other's table whole, as SWAPDB would, instead of re-inserting
      // a million keys one by one (the other is left with the empty one).
      if (target.size === 0) {
        this.signalFlushedDb(target, db);
        target.swapWith(db);
        continue;
      }
      for (const [key, value] of db.dict) target.dict.set(key, value);
      for (const [key, when] of db.expires) target.expires.set(key, when);
    }
    this.meter?.reset();
    this.dirty += keys;
    return keys;
  }

  /** used_memory as the lab computes it (see eviction.ts): O(keys) unless maxmemory keeps a meter. */
  estimatedMemory(): number {
    return this.meter ? this.meter.used() : estimateMemory(this.dbs);
  }

  /**
   * A step of used_memory measured a slice at a time (null until a pass ends); the incremental
   * meter's figure at once when maxmemory keeps one.
   */
  usedMemoryStep(budget: number): number | null {
    if (this.meter) return this.meter.used();
    return (this.memoryScan ??= new UsedMemoryScan(this.dbs)).step(budget);
  }

  /** The incremental memory measure maxmemory needs (created when first asked for). */
  memoryMeter(): MemoryMeter {
    return (this.meter ??= new MemoryMeter(this.dbs));
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
    const resolved = this.lookup(argv);
    // processCommand's checks, in its order; each refusal also aborts an open transaction.
    if (typeof resolved === 'string') return refuse(this, client, resolved);
    if (!arityAccepts(resolved, argv.length)) return refuse(this, client, ERR.wrongArity(resolved.name), resolved);
    const flags = commandFlags(resolved);
    if (client.multi && (resolved.noMulti || flags.has('no_multi'))) return refuse(this, client, ERR.notAllowedInMulti, resolved);
    const denyoom = flags.has('denyoom') || (resolved.name === 'exec' && client.multi?.denyoom === true);
    if (this.maxmemory !== 0 && !this.loading) {
      if (this.callDepth === 0) this.commandTime = this.clock.now();
      const outOfMemory = performEvictions(this) === 'fail';
      if (outOfMemory && (denyoom || (client.multi && !MULTI_OOM_EXEMPT.has(resolved.name)))) return refuse(this, client, ERR.oom, resolved);
    }
    // Writes (and PING) are refused while the disk is failing, and writes on a read-only replica.
    const refusal =
      (this.diskErrorRefusal && (resolved.write || resolved.name === 'ping') ? this.diskErrorRefusal() : null) ??
      (this.readOnlyRefusal && resolved.write ? this.readOnlyRefusal() : null);
    if (refusal) return refuse(this, client, refusal, resolved);
    if (client.multi && !MULTI_CONTROL.has(resolved.name)) {
      client.multi.queue.push({ spec: resolved, argv });
      if (flags.has('denyoom')) client.multi.denyoom = true;
      return QUEUED;
    }
    return this.call(client, resolved, argv);
  }

  /** The spec to run, or the error text for an unknown command or a wrong arity. */
  resolve(argv: readonly Bin[]): CommandSpec | string {
    const spec = this.lookup(argv);
    if (typeof spec === 'string' || arityAccepts(spec, argv.length)) return spec;
    return ERR.wrongArity(spec.name);
  }

  /** lookupCommand: the spec named by argv (a subcommand's when it has one), or the error text. */
  private lookup(argv: readonly Bin[]): CommandSpec | string {
    let spec = this.spelled.get(argv[0]!);
    if (!spec) {
      spec = this.commandTable.get(argv[0]!.toLowerCase());
      if (!spec) return ERR.unknownCommand(argv[0]!, argv.slice(1));
      // Bounded: a client inventing spellings cannot grow it.
      if (this.spelled.size < 1024) this.spelled.set(argv[0]!, spec);
    }
    if (spec.subcommands && argv.length >= 2) {
      const sub = spec.subcommands[argv[1]!.toLowerCase()];
      if (!sub) return ERR.unknownSubcommand(argv[1]!, spec.name);
      spec = sub;
    }
    return spec;
  }

  /** Redis's call(): runs the command and propagates what it changed. */
  call(client: Client, spec: CommandSpec, argv: readonly Bin[]): Reply {
    if (this.callDepth === 0) {
      this.commandTime = this.clock.now();
      this.topCommand = spec;
    }
    this.callDepth++;
    const ctx = new CommandContext(this, client);
    const dirtyBefore = this.dirty;
    const db = this.dbs[client.db]!;
    const writeKeys = spec.write && (this.watches.active || this.meter) ? this.writeKeys(spec, argv, db) : null;
    // By key specs, not the write flag: PFCOUNT is read-only yet rewrites its key's cached count.
    if (this.copyOnWrite !== null) for (const key of writtenKeys(spec, argv)) this.beforeWrite(db, key);
    let reply: Reply;
    try {
      reply = spec.run(ctx, argv);
    } catch (e) {
      reply = error(e instanceof CommandError ? e.reply : `ERR internal error: ${(e as Error).message}`);
    }
    // signalModifiedKey for the keys a write changed, unless the command named them itself.
    if (writeKeys && this.dirty > dirtyBefore && !ctx.signalledKeys) {
      for (const { key, existed } of writeKeys) if (existed || db.dict.has(key)) this.signalModifiedKey(db, key);
    }
    this.stats.commandsProcessed++;
    if (reply === BLOCKED) this.blockedIn.set(client, spec.name);
    else {
      const stats = this.commandStats(spec.name);
      stats.calls++;
      if (reply.kind === 'error') {
        stats.failed++;
        this.countError(reply.value);
      }
    }
    if (this.commandObserver && !this.loading) this.commandObserver(client, spec, argv);
    // While loading a file nothing is propagated: the data is already on disk.
    if ((spec.write || spec.mayReplicate) && !this.loading && (this.dirty > dirtyBefore || ctx.propagationForced) && !ctx.propagationPrevented) {
      // Not a copy: argv stays as it came until execute() returns, when the sinks have had it.
      this.pending.push({ db: client.db, argv: ctx.propagateAs ?? argv });
    }
    this.callDepth--;
    if (this.callDepth === 0) {
      this.flushPropagation();
      this.topCommand = null;
    }
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
      if (this.copyOnWrite !== null) for (const written of [key, ...(state.alsoWrites ?? [])]) this.beforeWrite(db, written);
      let reply: Reply | undefined;
      try {
        reply = state.serve(ctx, key);
      } catch (e) {
        reply = error(e instanceof CommandError ? e.reply : `ERR internal error: ${(e as Error).message}`);
      }
      if (reply === undefined) continue;
      this.blocking.unblock(receiver, reply);
      // Each served client's writes are a unit of their own, as a command of that client.
      this.emitPending();
      if (state.stopsWhenDeleted && !db.dict.has(key)) break;
    }
  }

  /** The keys of a call its key specs mark as written (RW, OW, RM). */
  private writeKeys(spec: CommandSpec, argv: readonly Bin[], db: Database): WriteKey[] {
    return writtenKeys(spec, argv).map((key) => ({ key, existed: db.dict.has(key) }));
  }

  /**
   * A fork child (BGSAVE) shares the values from now until `guard` is replaced with null: each
   * value is handed to it just before a command changes it in place.
   */
  shareWithChild(guard: ((dict: KeyDict, key: Bin, value: RedisValue) => void) | null): void {
    this.copyOnWrite = guard;
  }

  private beforeWrite(db: Database, key: Bin): void {
    const value = db.dict.get(key);
    if (value !== undefined) this.copyOnWrite?.(db.dict, key, value);
  }

  /** The keys a command (as propagated: `argv` of a known command) writes, by its key specs. */
  keysWrittenBy(argv: readonly Bin[]): Bin[] {
    const spec = this.resolve(argv);
    return typeof spec === 'string' ? [] : writtenKeys(spec, argv);
  }

  /** signalModifiedKey: WATCHers of the key fail their EXEC; the memory measure looks again. */
  signalModifiedKey(db: Database, key: Bin): void {
    this.watches.touch(db, key);
    this.meter?.invalidate(db, key);
  }

  /**
   * A read is about to re-encode a value in place (SORT converting a sorted set): a fork child is
   * handed the value first, as the kernel copies the page the conversion writes, and the memory
   * measure looks again. No WATCH is touched: the data is unchanged.
   */
  beforeReencode(db: Database, key: Bin): void {
    this.beforeWrite(db, key);
    this.meter?.invalidate(db, key);
  }

  /** A database is emptied (FLUSHDB/FLUSHALL) or swapped with another (SWAPDB): before it happens. */
  signalFlushedDb(db: Database, replacedWith: Database | null = null): void {
    this.watches.touchAllInDb(db, replacedWith);
    this.meter?.reset();
  }

  /** keyIsExpired: past its expiry (never while loading), at the command's time. */
  keyIsExpired(db: Database, key: Bin): boolean {
    const when = db.expires.get(key);
    if (when === undefined || this.loading) return false;
    const now = this.callDepth > 0 ? this.commandTime : this.clock.now();
    return now > when;
  }

  /** Starts keeping key access fields (OBJECT IDLETIME/FREQ, LRU/LFU policies, DEBUG OBJECT). */
  trackAccess(): void {
    if (this.accessTracked) return;
    this.accessTracked = true;
    this.accessDefault = freshAccess(this.accessPolicy());
    for (const db of this.dbs) {
      db.accessField = (key, replacing) => {
        const policy = this.accessPolicy();
        return replacing && policy.lfu ? this.keyAccess(db, key) : freshAccess(policy);
      };
    }
  }

  accessPolicy(): AccessPolicy {
    return {
      lfu: this.config.get('maxmemory-policy').endsWith('lfu'),
      nowMs: this.callDepth > 0 ? this.commandTime : this.clock.now(),
      logFactor: this.config.getNumber('lfu-log-factor'),
      decayTime: this.config.getNumber('lfu-decay-time'),
      rng: this.rng,
    };
  }

  /** What an RDB saved now keeps of each key's access: only under an LRU or LFU policy. */
  keyAccessToSave(): KeyAccessSave | null {
    const policy = this.config.get('maxmemory-policy');
    const lfu = policy.endsWith('lfu');
    if (!lfu && !policy.endsWith('lru')) return null;
    this.trackAccess();
    return { lfu, fallback: this.accessDefault, decayTime: this.config.getNumber('lfu-decay-time') };
  }

  /** The key's access field (robj->lru). */
  keyAccess(db: Database, key: Bin): number {
    return db.access.get(key) ?? this.accessDefault;
  }

  /** lookupKey's update of the access field. */
  touchKey(db: Database, key: Bin): void {
    if (!this.accessTracked) return;
    db.setAccess(key, touchedAccess(this.keyAccess(db, key), this.accessPolicy()));
  }

  /** Sets a key's access field (RESTORE IDLETIME / FREQ, RENAME and MOVE keeping it). */
  setKeyAccess(db: Database, key: Bin, field: number): void {
    if (this.accessTracked) db.setAccess(key, field);
  }

  /**
   * objectSetLRUOrLFU: a key's access as a file or a RESTORE carried it, the LFU counter under an
   * LFU policy, the idle seconds under any other; an absent one leaves the key as it is.
   */
  restoreKeyAccess(db: Database, key: Bin, idleSeconds: bigint | null, freq: number | null, nowMs: number): void {
    const lfu = this.config.get('maxmemory-policy').endsWith('lfu');
    if (lfu && freq !== null) {
      this.trackAccess();
      this.setKeyAccess(db, key, (lfuMinutes(nowMs) << 8) | freq);
    } else if (!lfu && idleSeconds !== null) {
      this.trackAccess();
      let field = BigInt(lruClock(nowMs)) - idleSeconds;
      if (field < 0n) field += BigInt(LRU_CLOCK_MAX);
      // robj->lru is a 24-bit field: what does not fit wraps.
      this.setKeyAccess(db, key, Number(BigInt.asUintN(24, field)));
    }
  }

  /** Propagates a write on its own, never wrapped in MULTI (evictions, as propagate_no_multi). */
  propagateAlone(db: number, argv: readonly Bin[]): void {
    const unit = [{ db, argv }];
    for (const sink of this.sinks) sink(unit);
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
    this.signalModifiedKey(db, key);
    this.alsoPropagate(db.id, [this.config.getBool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]);
    return true;
  }

  /**
   * Redis's active expiry, made deterministic: walks the expires tables from a saved cursor,
   * checking at most `budget` keys. Every loop of up to 20 keys in a database feeds the average
   * TTL of those not yet expired into its avg_ttl, as activeExpireCycle does. Returns the number
   * of keys deleted.
   */
  activeExpireCycle(budget = 200): number {
    if (!this.activeExpireEnabled) return 0;
    const now = this.clock.now();
    let deleted = 0;
    let checked = 0;
    let dbsVisited = 0;
    let loop = { db: null as Database | null, sampled: 0, ttlSum: 0, ttlSamples: 0 };
    const endLoop = () => {
      if (loop.db && loop.ttlSamples > 0) loop.db.recordTtlSample(Math.floor(loop.ttlSum / loop.ttlSamples));
      loop = { db: null, sampled: 0, ttlSum: 0, ttlSamples: 0 };
    };
    // Each database at most once per call, as a cron call goes over CRON_DBS_PER_CALL (16) of them.
    while (checked < budget && dbsVisited < this.dbs.length) {
      const db = this.dbs[this.expireCursor.db]!;
      if (db.expires.size === 0) {
        db.avgTtl = 0;
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
      if (loop.db !== db || loop.sampled === ACTIVE_EXPIRE_KEYS_PER_LOOP) endLoop();
      loop.db = db;
      loop.sampled++;
      const when = db.expires.get(next.value);
      if (when === undefined || !db.dict.has(next.value)) continue;
      const ttl = Number(when) - now;
      if (ttl > 0) {
        loop.ttlSum += ttl;
        loop.ttlSamples++;
      }
      if (this.expireIfNeeded(db, next.value)) deleted++;
    }
    endLoop();
    return deleted;
  }

  private advanceExpireCursor(): void {
    this.expireCursor.db = (this.expireCursor.db + 1) % this.dbs.length;
    this.expireCursor.iterator = null;
  }

  flushPropagation(): void {
    if (this.callDepth > 0) return;
    this.emitPending();
  }

  /** The writes pending now, as one unit (MULTI/EXEC around several), to every sink. */
  private emitPending(): void {
    if (this.pending.length === 0) return;
    const ops = this.pending;
    // Out of reach while the sinks run: a sink that runs commands makes a unit of its own.
    this.pending = this.spareUnit ?? [];
    this.spareUnit = null;
    // propagatePendingCommands: a command run directly that touches arbitrary keys (SCAN,
    // RANDOMKEY: only their lazy expiries) is not wrapped, as active expiry is not.
    const wrap = ops.length > 1 && !(this.topCommand && commandFlags(this.topCommand).has('touches_arbitrary_keys'));
    const unit: PropagatedCommand[] =
      // MULTI takes the first command's db (a SELECT goes before it), EXEC the last one's (so
      // none is needed).
      wrap ? [{ db: ops[0]!.db, argv: ['MULTI'] }, ...ops, { db: ops[ops.length - 1]!.db, argv: ['EXEC'] }] : ops;
    for (const sink of this.sinks) sink(unit);
    // Emptied by pops: `length = 0` would drop the array's storage.
    while (ops.length > 0) ops.pop();
    this.spareUnit = ops;
  }
}

