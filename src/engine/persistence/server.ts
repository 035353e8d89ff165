// A Redis server with its persistence: the engine plus the AOF (feed, writes, fsync policy,
// rewrite) and RDB snapshots (SAVE, BGSAVE, save points), loading at start the way
// loadDataFromDisk does and shutting down the way SHUTDOWN does. It owns no timers: the host
// calls `cron()` (serverCron) on its clock and awaits `execute()`, which includes beforeSleep.
import { ERR } from '../errors.js';
import { binToBytes } from '../bytes.js';
import type { Clock, Rng } from '../clock.js';
import type { Config } from '../config.js';
import { Engine, type Client } from '../engine.js';
import { valueBytes } from '../keyspace/values.js';
import { AofFeed } from '../aof/feed.js';
import { type AofLoadReport, loadAof, readManifest } from '../aof/loader.js';
import { aofDirPath, type AofLocation, AofWriter } from '../aof/writer.js';
import { countKeys, datasetRewriteCommands, type KeyCounts } from '../aof/rewrite-commands.js';
import type { Cancellation } from '../load-error.js';
import { encodeCommand } from '../resp/encoder.js';
import { error, type Reply } from '../resp/reply.js';
import type { RdbCodec } from './codec.js';
import { type Disk, joinPath, readChunks } from './disk.js';
import { BackgroundJob, totalLength } from './jobs.js';
import { persistenceCommands } from './commands.js';
import { persistenceInfo } from './info.js';
import { migrateOldAof } from './migrate.js';

export interface PersistentServerOptions {
  disk: Disk;
  config: Config;
  clock: Clock;
  rdb: RdbCodec;
  rng?: Rng;
  /** The server's `dir` inside the disk ('' is its root). */
  dir?: string;
  log?: (line: string) => void;
  signal?: Cancellation;
  onLoadProgress?: (done: number, total: number) => void;
  /**
   * How fast a fork child writes, in bytes per ms of the server's clock: a BGSAVE or rewrite
   * finishes that long after it starts. Unset: as soon as its writes complete.
   */
  childBytesPerMs?: number;
  /**
   * How long each fsync takes on the server's clock (a disk model). Unset: at once. With it,
   * everysec fsyncs run in the background and writes wait for them as Redis's do.
   */
  fsyncDurationMs?: () => number;
  /**
   * Read from the dataset when an RDB snapshot is taken (e.g. a workload's counter); the value
   * of the last snapshot to reach the disk is kept in lastSnapshotMark.
   */
  snapshotMark?: () => number;
  /**
   * A real clock (ms) to measure how long fsyncs take on the actual storage, for the timeline.
   * Unset, or with a disk model, fsyncs last what the model says (runs stay deterministic).
   */
  wallClock?: () => number;
}

export interface StartReport {
  source: 'aof' | 'rdb' | 'none';
  files: { name: string; bytes: number; format: string }[];
  keys: number;
  truncation: AofLoadReport['truncation'];
  migratedOldAof: boolean;
}

/** What the last successful AOF rewrite did: the compaction a person came to see. */
export interface RewriteReport {
  /** The AOF (base + incrs) when the rewrite started. */
  bytesBefore: number;
  /** The new base plus what the new incr holds when the rewrite is installed. */
  bytesAfter: number;
  baseBytes: number;
  baseFormat: 'rdb' | 'resp';
  /** Commands in a RESP base (0 for an RDB preamble). */
  baseCommands: number;
  /** Commands appended since the previous rewrite (or start), by name: what this one collapsed. */
  commandsBefore: Record<string, number>;
  /** bytesAfter / bytesBefore. */
  ratio: number;
  keys: KeyCounts;
  startedAt: number;
  finishedAt: number;
}

/** Counters behind INFO persistence, named after Redis's fields. */
export class PersistenceStatus {
  lastSaveUnix = 0;
  lastBgsaveOk = true;
  lastBgsaveTimeSec = -1;
  rdbSaves = 0;
  lastBgsaveTryAt = 0;
  bgsaveScheduled = false;
  aofLastRewriteTimeSec = -1;
  aofLastBgrewriteOk = true;
  aofRewrites = 0;
  aofLastWriteOk = true;
  aofLastWriteError: string | null = null;
  aofDelayedFsync = 0;
  /** write(2) calls on the AOF (not an INFO field: the timeline counts them). */
  aofWrites = 0;
  rdbLastLoadKeysLoaded = 0;
  rdbLastLoadKeysExpired = 0;
  lastRewrite: RewriteReport | null = null;
  /** Copy-on-write: bytes of the dataset written to while a fork child ran. */
  currentCowSize = 0;
  currentCowPeak = 0;
  rdbLastCowSize = 0;
  aofLastCowSize = 0;
}

/** The server stopped the way redis-server exits on an unrecoverable error. */
export class ServerExitError extends Error {}

/** The pid in the temp file name of a foreground SAVE. */
const SERVER_PID = 1;

/** Failed BGSAVEs are retried by save points only after this long (CONFIG_BGSAVE_RETRY_DELAY). */
const BGSAVE_RETRY_DELAY_MS = 5000;

export class PersistentServer {
  readonly engine: Engine;
  readonly status = new PersistenceStatus();
  readonly dir: string;
  job: BackgroundJob | null = null;
  rewriteScheduled = false;
  feed: AofFeed | null = null;
  aof: AofWriter | null = null;
  private readonly disk: Disk;
  private readonly rdb: RdbCodec;
  private readonly log: (line: string) => void;
  private io: Promise<unknown> = Promise.resolve();
  private blocking: Promise<void> | null = null;
  private nextPid = 4000;
  private fsyncInFlight: { started: number; until: number } | null = null;
  private flushPostponedStart = 0;
  /** Under appendfsync always with a disk model: the clock time the last fsync returns at. */
  busyUntil = 0;
  /** Completed fsyncs (start, duration), for timelines; the host drains it. */
  readonly fsyncLog: { at: number; durationMs: number }[] = [];
  private dirtyAtFork = 0;

  private constructor(
    private readonly options: PersistentServerOptions,
  ) {
    this.disk = options.disk;
    this.rdb = options.rdb;
    this.dir = options.dir ?? '';
    this.log = options.log ?? (() => {});
    const config = options.config;
    this.engine = new Engine({
      clock: options.clock,
      config,
      databases: config.getNumber('databases'),
      ...(options.rng ? { rng: options.rng } : {}),
    });
    this.engine.registerCommands([
      ...persistenceCommands(this),
    ]);
    config.onChange((name, value) => this.configApplied(name, value));
    this.engine.writeRefusal = () => this.writeRefusal();
    this.engine.onPropagate((unit) => this.trackCopyOnWrite(unit));
    this.engine.infoProviders.set('persistence', () => persistenceInfo(this));
    this.engine.onEvent((event) => {
      if (event === 'resetstat') this.status.aofDelayedFsync = 0;
      // FLUSHALL saves at once when save points exist, so the empty dataset is what survives.
      if (event === 'flushall' && this.savePoints().length > 0 && !this.job) this.requestBlockingSave();
    });
  }

  get config(): Config {
    return this.options.config;
  }

  get aofLocation(): AofLocation {
    return { dir: this.dir, dirName: this.config.get('appenddirname'), filename: this.config.get('appendfilename') };
  }

  static async start(options: PersistentServerOptions): Promise<{ server: PersistentServer; report: StartReport }> {
    const server = new PersistentServer(options);
    const report = await server.loadFromDisk();
    server.status.lastSaveUnix = Math.floor(options.clock.now() / 1000);
    return { server, report };
  }

  /** Runs one command and then beforeSleep: its AOF bytes are written (and fsynced) first. */
  async execute(client: Client, argv: readonly string[]): Promise<Reply> {
    let reply = this.engine.execute(client, argv);
    const blocking = this.blocking;
    this.blocking = null;
    if (blocking) {
      try {
        await blocking;
      } catch (e) {
        this.log(`Failed saving the DB: ${(e as Error).message}`);
        if (reply.kind === 'status') reply = error('ERR');
      }
    }
    await this.beforeSleep();
    // A blocked client (WAIT): its reply comes when the condition is met, after the writes.
    const deferred = this.deferred;
    this.deferred = null;
    if (deferred) reply = await deferred;
    return reply;
  }

  private deferred: Promise<Reply> | null = null;

  /** For host commands that block their client (WAIT): the reply the client will get. */
  deferReply(reply: Promise<Reply>): void {
    this.deferred = reply;
  }

  /**
   * flushAppendOnlyFile: write aof_buf, and fsync it at once under appendfsync always. A failed
   * write keeps the bytes in aof_buf and refuses writes (MISCONF) until a retry succeeds; under
   * appendfsync always Redis cannot keep its promise and exits, and so does this server.
   */
  async beforeSleep(): Promise<void> {
    const aof = this.aof;
    if (!aof || aof.pendingBytes === 0) return;
    const always = this.config.get('appendfsync') === 'always';
    const fsyncNow = always && !this.fsyncSuspendedByRewrite();
    if (this.postponeWrite()) return;
    await this.enqueue(async () => {
      try {
        await aof.write();
        this.status.aofWrites++;
        if (fsyncNow) {
          // The reply waits for the fsync: the server is busy until the disk answers.
          const modelled = this.options.fsyncDurationMs?.();
          this.busyUntil = this.engine.clock.now() + (modelled ?? 0);
          const measured = await this.timed(() => aof.fsync(this.busyUntil));
          this.recordFsync(this.engine.clock.now(), modelled ?? measured);
        }
        if (!this.status.aofLastWriteOk) this.log('AOF write error looks solved, Redis can write again.');
        this.status.aofLastWriteOk = true;
        this.status.aofLastWriteError = null;
      } catch (e) {
        const reason = (e as Error).message;
        if (this.status.aofLastWriteOk) this.log(`Error writing to the AOF file: ${reason}`);
        this.status.aofLastWriteOk = false;
        this.status.aofLastWriteError = reason;
        if (always) {
          this.log("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
          throw new ServerExitError(`Can't recover from AOF write error when the AOF fsync policy is 'always' (${reason})`);
        }
      }
    });
  }

  /**
   * everysec with a background fsync still running: Redis holds aof_buf back for up to 2 s, then
   * writes anyway and counts a delayed fsync.
   */
  private postponeWrite(): boolean {
    const now = this.engine.clock.now();
    const inFlight = this.fsyncInFlight;
    if (this.config.get('appendfsync') !== 'everysec' || !inFlight || now >= inFlight.until) {
      this.flushPostponedStart = 0;
      return false;
    }
    if (this.flushPostponedStart === 0) {
      this.flushPostponedStart = now;
      return true;
    }
    if (now - this.flushPostponedStart < 2000) return true;
    this.status.aofDelayedFsync++;
    this.log('Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.');
    this.flushPostponedStart = 0;
    return false;
  }

  /** everysec: finish the background fsync that is due, start the next one once a second. */
  private async everysecFsync(aof: AofWriter, now: number): Promise<void> {
    const inFlight = this.fsyncInFlight;
    if (inFlight) {
      if (now < inFlight.until) return;
      this.fsyncInFlight = null;
      await this.enqueue(() => aof.fsync(inFlight.started));
      this.recordFsync(inFlight.started, inFlight.until - inFlight.started);
    }
    if (aof.unsyncedBytes === 0 || this.fsyncSuspendedByRewrite()) return;
    if (Math.floor(now / 1000) <= Math.floor(aof.lastFsyncAt / 1000)) return;
    const duration = this.options.fsyncDurationMs?.();
    if (duration === undefined) {
      this.recordFsync(now, await this.enqueue(() => this.timed(() => aof.fsync(now))));
    } else {
      this.fsyncInFlight = { started: now, until: now + duration };
      // The next one may start a second after this one started, as aof_last_fsync is set now.
      aof.lastFsyncAt = now;
    }
  }

  /** Keys written while a child runs, each counted once, stand for the pages the kernel copies. */
  private readonly cowKeys = new Set<string>();

  private trackCopyOnWrite(unit: readonly { db: number; argv: readonly string[] }[]): void {
    if (!this.job) return;
    for (const { db, argv } of unit) {
      const key = argv[1];
      if (key === undefined || db < 0) continue;
      const id = `${db}\u0000${key}`;
      if (this.cowKeys.has(id)) continue;
      this.cowKeys.add(id);
      const value = this.engine.dbs[db]?.dict.get(key);
      this.status.currentCowSize += 48 + key.length + (value === undefined ? 0 : valueBytes(value));
      this.status.currentCowPeak = Math.max(this.status.currentCowPeak, this.status.currentCowSize);
    }
  }

  private endCopyOnWrite(kind: 'rdb' | 'aof'): void {
    if (kind === 'rdb') this.status.rdbLastCowSize = this.status.currentCowSize;
    else this.status.aofLastCowSize = this.status.currentCowSize;
    this.status.currentCowSize = 0;
    this.status.currentCowPeak = 0;
    this.cowKeys.clear();
  }

  /** Runs `operation` and says how many real ms it took (0 without a wall clock). */
  private async timed(operation: () => Promise<void>): Promise<number> {
    const wall = this.options.wallClock;
    if (!wall) {
      await operation();
      return 0;
    }
    const started = wall();
    await operation();
    return wall() - started;
  }

  private recordFsync(at: number, durationMs: number): void {
    this.fsyncLog.push({ at, durationMs });
    if (this.fsyncLog.length > 10_000) this.fsyncLog.splice(0, this.fsyncLog.length - 10_000);
  }

  /** writeCommandsDeniedByDiskError: the MISCONF error that refuses writes now, or null. */
  writeRefusal(): string | null {
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
    // With a modelled write time the child is waited for, so its exit does not depend on how
    // fast the real storage happened to be.
    if (job && (job.done || (this.options.childBytesPerMs !== undefined && now >= job.readyAt))) {
      if (now >= job.readyAt) {
        await job.finished;
        await this.finishJob(job);
      }
    }
    const aof = this.aof;
    if (aof && this.config.get('appendfsync') === 'everysec') await this.everysecFsync(aof, now);
    if (!this.job) {
      if (this.rewriteScheduled || this.status.bgsaveScheduled) {
        if (this.rewriteScheduled) this.startRewrite();
        else this.startBgsave();
      } else if (this.savePointReached(now)) {
        this.log('changes since the last save reached a save point. Saving...');
        this.startBgsave();
      } else if (aof && this.autoRewriteDue(aof)) {
        this.log(`Starting automatic rewriting of AOF on ${Math.round((aof.currentSize * 100) / aof.baseSize - 100)}% growth`);
        this.startRewrite();
      }
    }
    this.engine.activeExpireCycle();
    await this.beforeSleep();
  }

  /** SHUTDOWN: background work finishes, the AOF is written and fsynced, save points save. */
  async shutdown(): Promise<void> {
    while (this.job) {
      await this.job.finished;
      await this.finishJob(this.job);
      if (this.rewriteScheduled) this.startRewrite();
    }
    const aof = this.aof;
    if (aof) {
      await this.enqueue(async () => {
        await aof.write();
        await aof.fsync(this.engine.clock.now());
      });
    }
    if (this.savePoints().length > 0) {
      this.log('Saving the final RDB snapshot before exiting.');
      this.requestBlockingSave();
      const save = this.blocking;
      this.blocking = null;
      await save;
    }
    await this.io;
    this.feed?.close();
  }

  savePoints(): { seconds: number; changes: number }[] {
    const numbers = this.config.get('save').split(' ').filter(Boolean).map(Number);
    const points: { seconds: number; changes: number }[] = [];
    for (let i = 0; i + 1 < numbers.length; i += 2) points.push({ seconds: numbers[i]!, changes: numbers[i + 1]! });
    return points;
  }

  // --- CONFIG SET side effects ---------------------------------------------------------------

  private configApplied(name: string, value: string): void {
    if (name !== 'appendonly') return;
    if (value === 'yes' && !this.aof) this.blocking = this.enqueue(() => this.startAppendOnly());
    if (value === 'no' && this.aof) this.blocking = this.enqueue(() => this.stopAppendOnly());
  }

  /**
   * appendonly yes at runtime: the AOF starts from the dataset as it is now (Redis does this
   * with a background rewrite; the lab does it before the reply). Earlier AOF files on disk
   * become history and are deleted.
   */
  private async startAppendOnly(): Promise<void> {
    const location = this.aofLocation;
    const preamble = this.config.getBool('aof-use-rdb-preamble');
    const base = preamble ? concat(this.snapshotRdb(true)) : this.rewriteCommandsBytes().bytes;
    const feed = new AofFeed(this.engine);
    const existing = await readManifest(this.disk, aofDirPath(location), location.filename);
    let writer: AofWriter;
    if (!existing) writer = await AofWriter.create(this.disk, location, feed, { bytes: base, rdbPreamble: preamble });
    else {
      writer = new AofWriter(this.disk, location, existing, feed, { current: 0, base: 0 });
      const keep = await writer.openNewIncr('');
      const temp = joinPath(this.dir, `temp-rewriteaof-bg-${this.nextPid++}.aof`);
      await this.writeChunks(temp, [base]);
      await writer.installRewrite(temp, keep, preamble);
    }
    feed.forceSelect();
    this.feed = feed;
    this.aof = writer;
    this.log('AOF enabled: the dataset was written as a new base');
  }

  /** appendonly no: the AOF is written and fsynced one last time, then no longer fed. */
  private async stopAppendOnly(): Promise<void> {
    const aof = this.aof!;
    await aof.write();
    await aof.fsync(this.engine.clock.now());
    this.feed?.close();
    this.feed = null;
    this.aof = null;
  }

  // --- SAVE / BGSAVE ---------------------------------------------------------------------

  /** SAVE: the snapshot is taken now; the reply waits for the file (see execute). */
  requestBlockingSave(): void {
    const chunks = this.snapshotRdb(false);
    const mark = this.options.snapshotMark?.() ?? 0;
    const dirty = this.engine.dirty;
    this.blocking = this.enqueue(async () => {
      await this.writeRdbFile(chunks, `temp-${SERVER_PID}.rdb`);
      this.lastSnapshotMark = mark;
      this.engine.dirty -= dirty;
      this.status.lastSaveUnix = Math.floor(this.engine.clock.now() / 1000);
      this.status.lastBgsaveOk = true;
    });
    this.status.rdbSaves++;
  }

  startBgsave(): void {
    const pid = this.nextPid++;
    const chunks = this.snapshotRdb(false);
    this.dirtyAtFork = this.engine.dirty;
    this.markAtFork = this.options.snapshotMark?.() ?? 0;
    this.status.rdbSaves++;
    this.status.bgsaveScheduled = false;
    this.status.lastBgsaveTryAt = this.engine.clock.now();
    this.log(`Background saving started by pid ${pid}`);
    // The child writes its temp file at once; its rename is its last act, when it exits.
    const temp = joinPath(this.dir, `temp-${pid}.rdb`);
    this.job = new BackgroundJob('rdb', pid, this.engine.clock.now(), () => this.writeChunks(temp, chunks), this.childReadyAt(totalLength(chunks)));
  }

  // --- BGREWRITEAOF --------------------------------------------------------------------------

  startRewrite(): void {
    const pid = this.nextPid++;
    const preamble = this.config.getBool('aof-use-rdb-preamble');
    const aof = this.aof;
    const feed = this.feed;
    // The fork point: what was fed before goes to the old incr, what comes after to the new one.
    const beforeFork = feed ? feed.take() : '';
    feed?.forceSelect();
    const resp = preamble ? null : this.rewriteCommandsBytes();
    const base = resp ? [resp.bytes] : this.snapshotRdb(true);
    const report = {
      bytesBefore: aof?.currentSize ?? 0,
      baseBytes: totalLength(base),
      baseFormat: preamble ? ('rdb' as const) : ('resp' as const),
      baseCommands: resp?.commands ?? 0,
      commandsBefore: feed ? feed.takeCounts() : {},
      keys: countKeys(this.engine.dbs),
      startedAt: this.engine.clock.now(),
    };
    this.rewriteScheduled = false;
    this.status.aofRewrites++;
    const tempName = `temp-rewriteaof-bg-${pid}.aof`;
    const newIncr = aof ? this.enqueue(() => aof.openNewIncr(beforeFork)) : Promise.resolve(null);
    this.log(`Background append only file rewriting started by pid ${pid}`);
    this.job = new BackgroundJob(
      'aof',
      pid,
      this.engine.clock.now(),
      async () => {
        const keep = await newIncr;
        await this.writeChunks(joinPath(this.dir, tempName), base);
        this.pendingRewrite = { tempName, keepIncr: keep, preamble, report };
      },
      this.childReadyAt(report.baseBytes),
    );
  }

  private childReadyAt(bytes: number): number {
    const rate = this.options.childBytesPerMs;
    return this.engine.clock.now() + (rate ? Math.ceil(bytes / rate) : 0);
  }

  /** snapshotMark's value in the last RDB file installed (see PersistentServerOptions). */
  lastSnapshotMark = 0;
  private markAtFork = 0;

  private pendingRewrite: { tempName: string; keepIncr: string | null; preamble: boolean; report: Omit<RewriteReport, 'bytesAfter' | 'ratio' | 'finishedAt'> } | null = null;

  private async finishJob(job: BackgroundJob): Promise<void> {
    this.job = null;
    this.endCopyOnWrite(job.kind);
    const seconds = Math.round((this.engine.clock.now() - job.startedAt) / 1000);
    if (job.kind === 'rdb') {
      this.status.lastBgsaveTimeSec = seconds;
      if (job.error) {
        this.status.lastBgsaveOk = false;
        this.log(`Background saving error: ${job.error.message}`);
        return;
      }
      try {
        await this.enqueue(() => this.installRdbFile(joinPath(this.dir, `temp-${job.pid}.rdb`)));
      } catch (e) {
        this.status.lastBgsaveOk = false;
        this.log(`Background saving error: ${(e as Error).message}`);
        return;
      }
      this.engine.dirty -= this.dirtyAtFork;
      this.lastSnapshotMark = this.markAtFork;
      this.status.lastBgsaveOk = true;
      this.status.lastSaveUnix = Math.floor(this.engine.clock.now() / 1000);
      this.log('Background saving terminated with success');
      return;
    }
    this.status.aofLastRewriteTimeSec = seconds;
    const pending = this.pendingRewrite;
    this.pendingRewrite = null;
    if (job.error || !pending) {
      this.status.aofLastBgrewriteOk = false;
      this.log(`Background AOF rewrite failed: ${job.error?.message ?? 'no output'}`);
      return;
    }
    try {
      const bytesAfter = await this.enqueue(async () => {
        const writer = this.aof ?? (await this.standaloneAofWriter());
        await writer.installRewrite(joinPath(this.dir, pending.tempName), pending.keepIncr ?? '', pending.preamble);
        return writer.currentSize;
      });
      const { report } = pending;
      this.status.lastRewrite = { ...report, bytesAfter, ratio: report.bytesBefore > 0 ? bytesAfter / report.bytesBefore : 1, finishedAt: this.engine.clock.now() };
      this.status.aofLastBgrewriteOk = true;
      this.log('Background AOF rewrite finished successfully');
    } catch (e) {
      this.status.aofLastBgrewriteOk = false;
      this.log(`Background AOF rewrite failed: ${(e as Error).message}`);
    }
  }

  /** With appendonly no, a rewrite still installs a base and a manifest, as 7.0 does. */
  private async standaloneAofWriter(): Promise<AofWriter> {
    const manifest = (await readManifest(this.disk, aofDirPath(this.aofLocation), this.aofLocation.filename)) ?? { base: null, history: [], incrs: [] };
    return new AofWriter(this.disk, this.aofLocation, manifest, null, { current: 0, base: 0 });
  }

  // --- helpers -----------------------------------------------------------------------------

  private fsyncSuspendedByRewrite(): boolean {
    return this.job !== null && this.config.getBool('no-appendfsync-on-rewrite');
  }

  private savePointReached(now: number): boolean {
    if (!this.status.lastBgsaveOk && now - this.status.lastBgsaveTryAt < BGSAVE_RETRY_DELAY_MS) return false;
    const sinceSave = now / 1000 - this.status.lastSaveUnix;
    return this.savePoints().some((p) => this.engine.dirty >= p.changes && sinceSave > p.seconds);
  }

  private autoRewriteDue(aof: AofWriter): boolean {
    const percentage = this.config.getNumber('auto-aof-rewrite-percentage');
    if (percentage === 0 || aof.currentSize <= this.config.getNumber('auto-aof-rewrite-min-size')) return false;
    const base = aof.baseSize > 0 ? aof.baseSize : 1;
    return ((aof.currentSize - base) * 100) / base >= percentage;
  }

  private snapshotRdb(aofBase: boolean): Uint8Array[] {
    return this.rdb.snapshot(this.engine, {
      aofBase,
      compression: this.config.getBool('rdbcompression'),
      checksum: this.config.getBool('rdbchecksum'),
    });
  }

  private rewriteCommandsBytes(): { bytes: Uint8Array; commands: number } {
    const parts: string[] = [];
    for (const argv of datasetRewriteCommands(this.engine.dbs)) parts.push(encodeCommand(argv));
    return { bytes: binToBytes(parts.join('')), commands: parts.length };
  }

  private async writeChunks(path: string, chunks: readonly Uint8Array[]): Promise<void> {
    await this.disk.delete(path);
    let offset = 0;
    await this.disk.write(path, 0, new Uint8Array(0));
    for (const chunk of chunks) {
      await this.disk.write(path, offset, chunk);
      offset += chunk.length;
    }
    await this.disk.flush(path);
  }

  private async writeRdbFile(chunks: readonly Uint8Array[], tempName: string): Promise<void> {
    const temp = joinPath(this.dir, tempName);
    await this.writeChunks(temp, chunks);
    await this.installRdbFile(temp);
  }

  private async installRdbFile(temp: string): Promise<void> {
    await this.disk.rename(temp, joinPath(this.dir, this.config.get('dbfilename')));
    await this.disk.flushDir(this.dir);
  }

  /** Disk operations of the AOF and the final renames happen one at a time, in order. */
  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    // Nothing in flight: start at once rather than a microtask later (the hot path of writes).
    const result = this.ioInFlight === 0 ? operation() : this.io.then(operation);
    this.ioInFlight++;
    const settled = result.then(
      () => void this.ioInFlight--,
      () => void this.ioInFlight--,
    );
    this.io = settled;
    return result;
  }

  private ioInFlight = 0;

  // --- startup -----------------------------------------------------------------------------

  private async loadFromDisk(): Promise<StartReport> {
    const report: StartReport = { source: 'none', files: [], keys: 0, truncation: null, migratedOldAof: false };
    const progress = this.options.onLoadProgress;
    const signal = this.options.signal;
    if (this.config.getBool('appendonly')) {
      const location = this.aofLocation;
      const aofDir = aofDirPath(location);
      let manifest = await readManifest(this.disk, aofDir, location.filename);
      if (!manifest) {
        manifest = await migrateOldAof(this.disk, location, this.log);
        report.migratedOldAof = manifest !== null;
      }
      this.feed = new AofFeed(this.engine);
      if (manifest) {
        const loaded = await loadAof(this.disk, this.engine, manifest, {
          dir: aofDir,
          appendFilename: location.filename,
          loadTruncated: this.config.getBool('aof-load-truncated'),
          rdb: this.rdb.load,
          log: this.log,
          ...(signal ? { signal } : {}),
          ...(progress ? { onProgress: progress } : {}),
        });
        report.source = 'aof';
        report.files = loaded.files.map((f) => ({ name: f.name, bytes: f.bytes, format: f.format }));
        report.truncation = loaded.truncation;
        for (const history of manifest.history) await this.disk.delete(joinPath(aofDir, history.name));
        let size = 0;
        for (const f of [...(manifest.base ? [manifest.base] : []), ...manifest.incrs]) size += (await this.disk.size(joinPath(aofDir, f.name))) ?? 0;
        const writer = new AofWriter(this.disk, location, { ...manifest, history: [] }, this.feed, { current: size, base: size });
        if (manifest.history.length > 0) await writer.persistManifest({ ...manifest, history: [] });
        if (manifest.incrs.length === 0) await writer.openNewIncr('');
        else this.log(`Opening AOF incr file ${manifest.incrs.at(-1)!.name} on server start`);
        this.feed.forceSelect();
        this.aof = writer;
      } else {
        const preamble = this.config.getBool('aof-use-rdb-preamble');
        const base = preamble ? concat(this.snapshotRdb(true)) : new Uint8Array(0);
        this.aof = await AofWriter.create(this.disk, location, this.feed, { bytes: base, rdbPreamble: preamble });
        this.log(`Creating AOF base file ${this.aof.manifest.base?.name} on server start`);
      }
    } else {
      const path = joinPath(this.dir, this.config.get('dbfilename'));
      const size = await this.disk.size(path);
      if (size !== null) {
        await this.rdb.load(this.engine, this.config.get('dbfilename'), readChunks(this.disk, path), {
          ...(signal ? { signal } : {}),
          ...(progress ? { onProgress: (done: number) => progress(done, size) } : {}),
        });
        report.source = 'rdb';
        report.files = [{ name: this.config.get('dbfilename'), bytes: size, format: 'rdb' }];
      }
    }
    report.keys = this.engine.dbs.reduce((sum, db) => sum + db.size, 0);
    return report;
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(totalLength(chunks));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
