// The Redis-like server core: 16 databases, command dispatch with Redis's arity and MULTI rules,
// lazy and active expiry, and the stream of propagated writes that the AOF and replicas consume.
import type { Bin } from './bytes.js';
import { seededRng, type Clock, type Rng } from './clock.js';
import { COMMANDS } from './commands/index.js';
import { Config, encodingLimits } from './config.js';
import { CommandError, type CommandSpec } from './commands/types.js';
import { CommandContext } from './context.js';
import { ERR } from './errors.js';
import { Database } from './keyspace/database.js';
import type { EncodingLimits } from './keyspace/limits.js';
import type { InfoProvider } from './info.js';
import { valueBytes } from './keyspace/values.js';
import { error, QUEUED, type Reply } from './resp/reply.js';

/** A write as it goes to the AOF and replicas; `db` -1 means "no SELECT needed" (MULTI/EXEC). */
export interface PropagatedCommand {
  readonly db: number;
  readonly argv: readonly Bin[];
}

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
};

export class Client {
  db = 0;
  /** Queued commands while in MULTI, or null outside a transaction. */
  multi: { queue: { spec: CommandSpec; argv: readonly Bin[] }[]; aborted: boolean } | null = null;
  constructor(readonly id: number) {}
}

const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

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
  /** Set by a persistence host: the MISCONF error that refuses writes now, or null. */
  writeRefusal: (() => string | null) | null = null;
  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the background expiry cycle off. */
  activeExpireEnabled = true;
  /** INFO sections supplied by the host (persistence, replication …), by lower-case name. */
  readonly infoProviders = new Map<string, InfoProvider>();
  /** Counters for INFO. */
  readonly stats = { commandsProcessed: 0, expiredKeys: 0, startTime: 0 };

  private callDepth = 0;
  private pending: PropagatedCommand[] = [];
  private readonly sinks: PropagationSink[] = [];
  private readonly listeners: ((event: EngineEvent) => void)[] = [];
  private nextClientId = 1;
  private commandTable: ReadonlyMap<string, CommandSpec> = COMMANDS;
  private expireCursor: { db: number; iterator: Iterator<Bin> | null } = { db: 0, iterator: null };

  constructor(options: EngineOptions) {
    this.clock = options.clock;
    this.rng = options.rng ?? seededRng(1);
    this.config = options.config ?? new Config();
    for (const [field, value] of Object.entries(options.limits ?? {})) {
      this.config.set(LIMIT_DIRECTIVES[field as keyof EncodingLimits], String(value), true);
    }
    this.limits = encodingLimits(this.config);
    this.config.onChange(() => Object.assign(this.limits, encodingLimits(this.config)));
    this.dbs = Array.from({ length: options.databases ?? 16 }, (_, i) => new Database(i));
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
  }

  onEvent(listener: (event: EngineEvent) => void): void {
    this.listeners.push(listener);
  }

  /** CONFIG RESETSTAT: the counters INFO reports start again from zero. */
  resetStats(): void {
    this.stats.commandsProcessed = 0;
    this.stats.expiredKeys = 0;
    this.emit('resetstat');
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
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

  /** Runs one command as a client connection would, MULTI queueing included. */
  execute(client: Client, argv: readonly Bin[]): Reply {
    if (argv.length === 0) return error(ERR.protocol('empty command'));
    const resolved = this.resolve(argv);
    if (typeof resolved === 'string') {
      if (client.multi) client.multi.aborted = true;
      return error(resolved);
    }
    // processCommand refuses writes (and PING) while the disk is failing, before queueing.
    const refusal = this.writeRefusal && (resolved.write || resolved.name === 'ping') ? this.writeRefusal() : null;
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
    const name = argv[0]!.toLowerCase();
    let spec = this.commandTable.get(name);
    if (!spec) return ERR.unknownCommand(argv[0]!, argv.slice(1, 20));
    if (spec.subcommands && argv.length >= 2) {
      const sub = spec.subcommands[argv[1]!.toLowerCase()];
      if (!sub) return ERR.unknownSubcommand(argv[1]!, name);
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
    // While loading a file nothing is propagated: the data is already on disk.
    if (spec.write && !this.loading && (this.dirty > dirtyBefore || ctx.propagationForced) && !ctx.propagationPrevented) {
      this.pending.push({ db: client.db, argv: ctx.propagateAs ?? [...argv] });
    }
    this.callDepth--;
    if (this.callDepth === 0) this.flushPropagation();
    return reply;
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
    this.alsoPropagate(db.id, ['DEL', key]);
    return true;
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
      // MULTI carries no db, so the SELECT (if any) lands inside the transaction, as in Redis.
      ops.length > 1 ? [{ db: -1, argv: ['MULTI'] }, ...ops, { db: -1, argv: ['EXEC'] }] : ops;
    for (const sink of this.sinks) sink(unit);
  }
}

