// A Redis server with its persistence, composed of its parts: the AOF and its fsync policy
// (aof-policy.ts), RDB snapshots (snapshots.ts), the AOF rewrite (rewrite.ts) and start-up
// loading (startup.ts). It owns no timers: the host calls `cron()` (serverCron) on its clock and
// runs event-loop turns with `executeTurn()` — every command that arrived, then beforeSleep's one
// write of aof_buf (and, under appendfsync always, one fsync before any reply leaves). What
// happens is announced on `events`.
import { ERR } from '../errors.js';
import type { Config } from '../config.js';
import { Engine, type Client } from '../engine.js';
import type { AofFeed } from '../aof/feed.js';
import type { AofLocation, AofWriter } from '../aof/writer.js';
import { error, type Reply } from '../resp/reply.js';
import { AofPersistence } from './aof-policy.js';
import { persistenceCommands } from './commands.js';
import { BlockedCommandError, type PersistentServerOptions, type ServerCore } from './core.js';
import { debugCommand } from './debug-reload.js';
import type { Disk } from './disk.js';
import { PersistenceEvents } from './events.js';
import { CopyOnWrite } from './copy-on-write.js';
import { persistenceInfo } from './info.js';
import { IoQueue } from './io-queue.js';
import type { BackgroundJob } from './jobs.js';
import { AofRewrite } from './rewrite.js';
import { Snapshots } from './snapshots.js';
import { loadFromDisk } from './startup.js';
import { PersistenceStatus, type StartReport } from './status.js';
import type { RdbCodec } from './codec.js';

export type { PersistentServerOptions } from './core.js';
export type { RewriteReport, StartReport } from './status.js';
export { PersistenceStatus } from './status.js';
export { ServerExitError } from './aof-policy.js';

/** One command of an event-loop turn. */
export interface TurnCommand {
  client: Client;
  argv: readonly string[];
}

export class PersistentServer implements ServerCore {
  readonly engine: Engine;
  readonly status = new PersistenceStatus();
  readonly events = new PersistenceEvents();
  readonly io = new IoQueue();
  readonly dir: string;
  readonly disk: Disk;
  readonly rdb: RdbCodec;
  private child: BackgroundJob | null = null;

  /** The fork child running now, if any. A new one is the fork instant copy-on-write counts from. */
  get job(): BackgroundJob | null {
    return this.child;
  }

  set job(job: BackgroundJob | null) {
    if (job !== null && this.child === null) this.cow.begin();
    this.child = job;
  }
  private readonly aofPart: AofPersistence;
  private readonly snapshots: Snapshots;
  private readonly rewrite: AofRewrite;
  private readonly cow: CopyOnWrite;
  private readonly logLine: (line: string) => void;
  private pid = 4000;
  private blocking: Promise<void> | null = null;
  private deferred: Promise<Reply> | null = null;

  private constructor(readonly options: PersistentServerOptions) {
    this.disk = options.disk;
    this.rdb = options.rdb;
    this.dir = options.dir ?? '';
    this.logLine = options.log ?? (() => {});
    const config = options.config;
    this.engine = new Engine({
      clock: options.clock,
      config,
      databases: config.getNumber('databases'),
      ...(options.rng ? { rng: options.rng } : {}),
    });
    this.aofPart = new AofPersistence(this);
    this.snapshots = new Snapshots(this);
    this.rewrite = new AofRewrite(this, this.aofPart);
    this.cow = new CopyOnWrite(this.engine, this.status);
    this.engine.registerCommands([...persistenceCommands(this), debugCommand(this, this.engine.commands.get('debug')!)]);
    config.onChange((name, value) => this.configApplied(name, value));
    this.engine.diskErrorRefusal = () => this.diskErrorRefusal();
    this.engine.onPropagate((unit) => {
      if (this.job) this.cow.track(unit);
    });
    this.engine.infoProviders.set('persistence', () => persistenceInfo(this));
    this.engine.onEvent((event) => {
      if (event === 'resetstat') this.status.aofDelayedFsync = 0;
      // FLUSHALL kills a BGSAVE child, whose file would bring the flushed keys back, and saves
      // at once when save points exist, so the empty dataset is what survives.
      if (event === 'flushall') {
        this.killRdbChild();
        if (this.savePoints().length > 0) this.requestBlockingSave();
      }
    });
  }

  static async start(options: PersistentServerOptions): Promise<{ server: PersistentServer; report: StartReport }> {
    const server = new PersistentServer(options);
    const report = await loadFromDisk(server, server.aofPart);
    server.status.lastSaveUnix = Math.floor(options.clock.now() / 1000);
    return { server, report };
  }

  get config(): Config {
    return this.options.config;
  }

  get aofLocation(): AofLocation {
    return { dir: this.dir, dirName: this.config.get('appenddirname'), filename: this.config.get('appendfilename') };
  }

  /** The AOF being appended to, or null with appendonly no. */
  get aof(): AofWriter | null {
    return this.aofPart.writer;
  }

  get feed(): AofFeed | null {
    return this.aofPart.feed;
  }

  /** Under appendfsync always with a disk model: the clock time the last turn's fsync returns at. */
  get busyUntil(): number {
    return this.aofPart.busyUntil;
  }

  /** When everysec's background fsync returns (server clock), or Infinity when none runs. */
  get fsyncReturnsAt(): number {
    return this.aofPart.fsyncReturnsAt;
  }

  /** The background fsync returns (when its time has come): what it covers is durable from now on. */
  finishBackgroundFsync(): Promise<void> {
    return this.aofPart.finishFsync();
  }

  /** Resolves once everysec's background fsync on a real disk, if one runs, has finished. */
  backgroundFsyncSettled(): Promise<void> {
    return this.aofPart.settled();
  }

  get rewriteScheduled(): boolean {
    return this.status.rewriteScheduled;
  }

  log(line: string): void {
    this.logLine(line);
  }

  nextPid(): number {
    return this.pid++;
  }

  block(work: Promise<void>): void {
    this.blocking = work;
  }

  /** For host commands that block their client (WAIT): the reply the client will get. */
  deferReply(reply: Promise<Reply>): void {
    this.deferred = reply;
  }

  /** One command in a turn of its own. */
  async execute(client: Client, argv: readonly string[]): Promise<Reply> {
    return (await this.executeTurn([{ client, argv }]))[0]!;
  }

  /**
   * One event-loop turn: each command runs (a SAVE holds the loop until its file is written, as
   * in Redis), then beforeSleep writes the turn's AOF bytes with one write — and under
   * appendfsync always one fsync — before any of the turn's replies is released.
   */
  executeTurn(batch: Iterable<TurnCommand>): Promise<Reply[]> {
    return this.finishTurn(batch[Symbol.iterator](), [], null);
  }

  /**
   * The same turn without a promise when it needs none: the replies come back at once when no
   * command blocked and aof_buf was empty, which saves a simulator millions of microtask hops.
   */
  runTurn(batch: readonly TurnCommand[]): Reply[] | Promise<Reply[]> {
    // Sized once: a simulator runs a turn per write, and a growing array reserves 17 slots.
    const replies = new Array<Reply>(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const { client, argv } = batch[i]!;
      const reply = this.engine.execute(client, argv);
      if (this.blocking !== null || this.deferred !== null) {
        replies.length = i;
        return this.finishTurn(batch.slice(i + 1)[Symbol.iterator](), replies, reply);
      }
      replies[i] = reply;
    }
    const aof = this.aofPart.writer;
    if (aof === null || (aof.pendingBytes === 0 && !this.aofPart.fsyncDue(this.engine.clock.now()))) return replies;
    return this.aofPart.beforeSleep().then(() => replies);
  }

  /**
   * The rest of a turn (the reply of a command that already ran first, if any), then beforeSleep.
   * An iterator, so a host can decide what comes next after each command ran (a client that
   * blocked or asked to be closed sends nothing more this turn).
   */
  private async finishTurn(rest: Iterator<TurnCommand>, done: readonly Reply[], executed: Reply | null): Promise<Reply[]> {
    const replies: (Reply | Promise<Reply>)[] = [...done];
    let deferred = false;
    let ran = executed;
    for (;;) {
      let reply: Reply;
      if (ran !== null) {
        reply = ran;
        ran = null;
      } else {
        const next = rest.next();
        if (next.done) break;
        reply = this.engine.execute(next.value.client, next.value.argv);
      }
      const blocking = this.blocking;
      this.blocking = null;
      if (blocking) {
        try {
          await blocking;
        } catch (e) {
          if (e instanceof BlockedCommandError) reply = error(e.reply);
          else {
            this.log(`Failed saving the DB: ${(e as Error).message}`);
            if (reply.kind === 'status') reply = error('ERR');
          }
        }
      }
      // A blocked client (WAIT): its reply comes when the condition is met, after the writes.
      if (this.deferred) {
        deferred = true;
        replies.push(this.deferred);
        this.deferred = null;
      } else replies.push(reply);
    }
    await this.aofPart.beforeSleep();
    return deferred ? Promise.all(replies) : (replies as Reply[]);
  }

  /** beforeSleep alone: aof_buf written (and fsynced under always). */
  beforeSleep(): Promise<void> {
    return this.aofPart.beforeSleep();
  }

  /** writeCommandsDeniedByDiskError: the MISCONF error that refuses writes (and PING) now, or null. */
  diskErrorRefusal(): string | null {
    // The common case first: called for every write, it must cost nothing when all is well.
    if (this.status.lastBgsaveOk && this.status.aofLastWriteOk) return null;
    if (this.config.getBool('stop-writes-on-bgsave-error') && this.savePoints().length > 0 && !this.status.lastBgsaveOk) return ERR.misconfRdb;
    if (this.aof && !this.status.aofLastWriteOk) return ERR.misconfAof(this.status.aofLastWriteError ?? 'unknown error');
    return null;
  }

  /** serverCron: finishes background jobs, fsyncs everysec, triggers save points and rewrites. */
  async cron(): Promise<void> {
    const now = this.engine.clock.now();
    const job = this.job;
    if (job && !job.done) job.resume();
    // With a modelled write time the child is waited for, so its exit does not depend on how
    // fast the real storage happened to be.
    if (job && job.reapable(now, this.options.childBytesPerMs !== undefined)) {
      await job.finished;
      await this.finishJob(job);
    }
    await this.aofPart.cron();
    const aof = this.aof;
    if (!this.job) {
      if (this.status.rewriteScheduled) this.startRewrite();
      else if (this.status.bgsaveScheduled) this.startBgsave();
      else if (this.snapshots.savePointReached(now)) {
        this.log('changes since the last save reached a save point. Saving...');
        this.startBgsave();
      } else if (aof && this.autoRewriteDue(aof)) {
        this.log(`Starting automatic rewriting of AOF on ${Math.round((aof.currentSize * 100) / aof.baseSize - 100)}% growth`);
        this.startRewrite();
      }
    }
    this.engine.activeExpireCycle();
    // Blocked clients whose timeout passed get their nil (none block unless their host allows it).
    this.engine.expireBlockedClients();
    await this.aofPart.beforeSleep();
  }

  /**
   * The earliest time (server clock) at which serverCron can do anything, if no command runs
   * before it: a simulator may skip the ticks before it, which would each have done nothing.
   */
  nextCronWork(): number {
    const now = this.engine.clock.now();
    if (this.job || this.status.rewriteScheduled || this.status.bgsaveScheduled) return now;
    // A loop, not some(): a simulator asks before every write, and a closure per call adds up.
    for (const db of this.engine.dbs) if (db.expires.size > 0) return now;
    const aof = this.aof;
    if (aof && this.autoRewriteDue(aof)) return now;
    return Math.min(this.aofPart.nextCronWork(now), this.snapshots.nextSavePoint(now), this.engine.nextBlockedTimeout() ?? Infinity);
  }

  /**
   * SHUTDOWN: background work finishes, the AOF is written and fsynced, and the final snapshot is
   * saved when save points exist ('default'), always ('save', SHUTDOWN SAVE) or never ('nosave').
   * A failed save rejects, and the server can go on serving, as Redis refuses to exit then.
   */
  async shutdown(save: 'default' | 'save' | 'nosave' = 'default'): Promise<void> {
    // A BGSAVE's file could overwrite the final save, or stand for a dataset older than the
    // AOF's; a rewrite is not waited for, as the AOF on disk already holds the whole dataset.
    const child = this.job;
    if (child?.kind === 'rdb') {
      this.log('There is a child saving an .rdb. Killing it!');
      await this.reapKilled(child);
    } else if (child?.kind === 'aof') {
      this.log('There is a child rewriting the AOF. Killing it!');
      await this.killAofChild();
    }
    // Redis does not exit before the AOF it was asked for exists ("Writing initial AOF, can't
    // exit"): a rewrite still waiting for its turn runs now.
    if (!this.job && this.status.rewriteScheduled) this.startRewrite();
    while (this.job) {
      await this.job.finished;
      await this.finishJob(this.job);
      if (this.status.rewriteScheduled) this.startRewrite();
    }
    await this.aofPart.flushAndSync();
    if (save === 'save' || (save === 'default' && this.savePoints().length > 0)) {
      this.log('Saving the final RDB snapshot before exiting.');
      await this.snapshots.save();
    }
    await this.io.drain();
    this.feed?.close();
  }

  savePoints(): { seconds: number; changes: number }[] {
    return this.snapshots.savePoints();
  }

  /** A foreground save (DEBUG RELOAD's): resolves once dump.rdb is on disk. */
  saveNow(): Promise<void> {
    return this.snapshots.save();
  }

  /** aof_buf written and fsynced now (DEBUG LOADAOF). */
  flushAof(): Promise<void> {
    return this.aofPart.flushAndSync();
  }

  /** SAVE: the snapshot is taken now; the reply waits for the file (see executeTurn). */
  requestBlockingSave(): void {
    this.block(this.snapshots.save());
  }

  startBgsave(): void {
    this.snapshots.startBgsave();
  }

  /** killAppendOnlyChild: the rewrite child stops and is reaped at once, its temp file deleted. */
  private async killAofChild(): Promise<void> {
    const job = this.job;
    if (job?.kind !== 'aof') return;
    this.log(`Killing running AOF rewrite child: ${job.pid}`);
    await this.reapKilled(job);
  }

  /** Kills a child and reaps it now, without waiting for cron: its temp file goes, nothing is installed. */
  private async reapKilled(job: BackgroundJob): Promise<void> {
    job.kill();
    await job.finished;
    this.job = null;
    this.cow.end(job.kind);
    await (job.kind === 'rdb' ? this.snapshots.discard(job) : this.rewrite.discard(job));
    this.events.emit({ type: 'child-exited', kind: job.kind, pid: job.pid, at: this.engine.clock.now(), ok: false });
  }

  /** killRDBChild: the BGSAVE child stops; cron reaps it and deletes its temp file. */
  private killRdbChild(): void {
    if (this.job?.kind === 'rdb') this.job.kill();
  }

  startRewrite(): void {
    this.rewrite.start();
  }

  /** BGREWRITEAOF while a child runs: it starts when that one exits. */
  scheduleRewrite(): void {
    this.status.rewriteScheduled = true;
  }

  private async finishJob(job: BackgroundJob): Promise<void> {
    this.job = null;
    this.cow.end(job.kind);
    const ok = job.kind === 'rdb' ? await this.snapshots.finish(job) : await this.rewrite.finish(job);
    this.events.emit({ type: 'child-exited', kind: job.kind, pid: job.pid, at: this.engine.clock.now(), ok });
  }

  private autoRewriteDue(aof: AofWriter): boolean {
    const percentage = this.config.getNumber('auto-aof-rewrite-percentage');
    if (percentage === 0 || aof.currentSize <= this.config.getNumber('auto-aof-rewrite-min-size')) return false;
    const base = aof.baseSize > 0 ? aof.baseSize : 1;
    return ((aof.currentSize - base) * 100) / base >= percentage;
  }

  /**
   * appendonly yes at run time. When the first AOF cannot be written, redis logs why, keeps
   * appendonly no and refuses the CONFIG SET with these words.
   */
  private async enableAof(): Promise<void> {
    try {
      await this.aofPart.enable();
    } catch (e) {
      this.log(`Unable to turn on AOF: ${(e as Error).message}`);
      this.config.set('appendonly', 'no');
      throw new BlockedCommandError("ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.");
    }
  }

  /** CONFIG SET appendonly acts at once: the reply waits until the AOF is on or off. */
  private configApplied(name: string, value: string): void {
    if (name !== 'appendonly') return;
    if (value === 'yes' && !this.aof) this.block(this.enableAof());
    if (value === 'no' && this.aof) {
      // stopAppendOnly: a rewrite would install a base nobody appends to any more.
      this.status.rewriteScheduled = false;
      this.block(this.aofPart.disable().then(() => this.killAofChild()));
    }
  }
}
