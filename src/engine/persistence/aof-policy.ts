// The AOF while the server runs: aof_buf written once per event-loop turn (beforeSleep), the
// fsync policy (always: before the turn's replies leave — one fsync for the whole turn;
// everysec: a background fsync started by the first beforeSleep of each new second, a write
// postponed up to 2 s behind a busy one; no: never), write errors (MISCONF, or an exit under
// always), and `appendonly` switched at run time as CONFIG SET does it.
import { AofFeed } from '../aof/feed.js';
import { readManifest } from '../aof/loader.js';
import { aofDirPath, AofWriter } from '../aof/writer.js';
import { concatChunks, rewriteCommandsBytes, snapshotRdb, writeChunks, type ServerCore } from './core.js';
import { joinPath } from './disk.js';

/** The server stopped the way redis-server exits on an unrecoverable error. */
export class ServerExitError extends Error {}

/**
 * How many whole seconds a write may wait behind a running everysec fsync before it goes anyway:
 * Redis 7.0 compares its second counter (`unixtime - aof_flush_postponed_start < 2`), so the wait
 * is over 1 s and at most 2 s.
 */
const MAX_WRITE_POSTPONE_SECONDS = 2;

/** Redis's whole-second clock (`server.unixtime`) has moved on since the last fsync. */
function newSecondSinceFsync(writer: AofWriter, now: number): boolean {
  return Math.floor(now / 1000) > Math.floor(writer.lastFsyncAt / 1000);
}

export class AofPersistence {
  feed: AofFeed | null = null;
  writer: AofWriter | null = null;
  /** Under appendfsync always with a disk model: the clock time the last fsync returns at. */
  busyUntil = 0;
  /** everysec's background fsync: it returns at `until`, and until then nothing it covers is durable. */
  private fsyncInFlight: { writer: AofWriter; started: number; until: number; from: { path: string; unsynced: number } } | null = null;
  /** everysec's background fsync on a real disk (no modelled duration): queued behind the turn's write, not awaited by its replies. */
  private measuredFsync: Promise<void> | null = null;
  private fsyncFailed = false;
  /** The second the first postponed write was held back in, or null when none is. */
  private flushPostponedSecond: number | null = null;

  constructor(private readonly core: ServerCore) {}

  private get fsyncPolicy(): string {
    return this.core.config.get('appendfsync');
  }

  /**
   * flushAppendOnlyFile: write aof_buf, and fsync it at once under appendfsync always. A failed
   * write keeps the bytes in aof_buf and refuses writes (MISCONF) until a retry succeeds; under
   * appendfsync always Redis cannot keep its promise and exits, and so does this server.
   */
  async beforeSleep(): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    if (writer.pendingBytes === 0) {
      // flushAppendOnlyFile's empty-buffer case: bytes left unsynced get their fsync all the same,
      // at once when appendfsync was switched to always (before any reply leaves), and under
      // everysec once the second has moved on.
      if (writer.unsyncedBytes > 0 && this.fsyncPolicy === 'always' && !this.fsyncSuspendedByChild()) await this.core.io.run(() => this.fsyncBeforeReplies(writer));
      else await this.everysecFsync(writer);
      return;
    }
    const always = this.fsyncPolicy === 'always';
    const fsyncNow = always && !this.fsyncSuspendedByChild();
    // A background fsync that returned before this write does not cover it.
    if (this.fsyncInFlight !== null && this.core.engine.clock.now() >= this.fsyncInFlight.until) await this.finishFsync();
    if (this.postponeWrite()) return;
    // A write that waited its 2 s out behind a running fsync: the second counts as fsynced, as
    // Redis sets aof_last_fsync without starting another, so the next one waits for a new second.
    if (this.fsyncInFlight !== null && newSecondSinceFsync(writer, this.core.engine.clock.now())) writer.lastFsyncAt = this.core.engine.clock.now();
    const { status, events, engine } = this.core;
    let written = false;
    await this.core.io.run(async () => {
      try {
        const bytes = await writer.write();
        status.aofWrites++;
        written = true;
        events.emit({ type: 'aof-write', at: engine.clock.now(), bytes });
        if (fsyncNow) await this.fsyncBeforeReplies(writer);
        if (!status.aofLastWriteOk) this.core.log('AOF write error looks solved, Redis can write again.');
        status.aofLastWriteOk = true;
        status.aofLastWriteError = null;
      } catch (e) {
        const reason = (e as Error).message;
        if (status.aofLastWriteOk) this.core.log(`Error writing to the AOF file: ${reason}`);
        status.aofLastWriteOk = false;
        status.aofLastWriteError = reason;
        if (always) {
          this.core.log("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
          throw new ServerExitError(`Can't recover from AOF write error when the AOF fsync policy is 'always' (${reason})`);
        }
      }
    });
    // try_fsync: everysec starts the background fsync right after the write, before the replies.
    if (written) await this.everysecFsync(writer);
  }

  /** appendfsync always: the replies wait for the fsync, so the server is busy until the disk answers. */
  private async fsyncBeforeReplies(writer: AofWriter): Promise<void> {
    const { engine, events, options } = this.core;
    const modelled = options.fsyncDurationMs?.();
    this.busyUntil = engine.clock.now() + (modelled ?? 0);
    const measured = await this.timed(() => writer.fsync(this.busyUntil));
    events.emit({ type: 'fsync', at: engine.clock.now(), durationMs: modelled ?? measured });
  }

  /**
   * serverCron's part: a background fsync that has returned is settled. The next one starts in
   * the beforeSleep that follows serverCron, as in Redis, if the second has moved on.
   */
  async cron(): Promise<void> {
    await this.finishFsync();
    await this.measuredFsync;
  }

  /**
   * Whether beforeSleep has AOF work even with an empty aof_buf: unsynced bytes that always
   * fsyncs at once, or that everysec fsyncs in a new second. A host may skip beforeSleep otherwise.
   */
  fsyncDue(now: number): boolean {
    const writer = this.writer;
    if (!writer || writer.unsyncedBytes === 0) return false;
    const policy = this.fsyncPolicy;
    if (policy === 'always') return true;
    return policy === 'everysec' && newSecondSinceFsync(writer, now);
  }

  /** When everysec's running background fsync returns (server clock), or Infinity. */
  get fsyncReturnsAt(): number {
    return this.fsyncInFlight?.until ?? Infinity;
  }

  /**
   * The background fsync returns, once its time has come: what was written before it started is
   * durable from then on. A simulator calls this at that instant; otherwise the next write or
   * cron does, before anything else reaches the file (writes wait while it runs).
   */
  async finishFsync(): Promise<void> {
    const inFlight = this.fsyncInFlight;
    if (inFlight === null || this.core.engine.clock.now() < inFlight.until) return;
    this.fsyncInFlight = null;
    // Its return does not move aof_last_fsync back: a write that went on without it may have set a later second.
    const lastFsyncAt = inFlight.writer.lastFsyncAt;
    await this.core.io.run(() => inFlight.writer.fsyncFrom(inFlight.from, inFlight.started));
    inFlight.writer.lastFsyncAt = Math.max(lastFsyncAt, inFlight.started);
    this.core.events.emit({ type: 'fsync', at: inFlight.started, durationMs: inFlight.until - inFlight.started });
  }

  /**
   * The earliest time (server clock) at which the AOF's part of serverCron can have work, if
   * nothing else happens before: now when writes wait in aof_buf, the end of a background fsync,
   * or the next second after the last fsync when bytes wait for one.
   */
  nextCronWork(now: number): number {
    const writer = this.writer;
    if (!writer) return Infinity;
    if (writer.pendingBytes > 0) return now;
    if (this.fsyncPolicy === 'always') return writer.unsyncedBytes > 0 && !this.fsyncSuspendedByChild() ? now : Infinity;
    if (this.fsyncPolicy !== 'everysec') return Infinity;
    if (this.fsyncInFlight) return this.fsyncInFlight.until;
    if (writer.unsyncedBytes === 0 || this.fsyncSuspendedByChild()) return Infinity;
    return Math.max(now, (Math.floor(writer.lastFsyncAt / 1000) + 1) * 1000);
  }

  /** SHUTDOWN: aof_buf written and fsynced one last time. */
  async flushAndSync(): Promise<void> {
    await this.core.io.run(() => this.writeAndSync());
  }

  /** Resolves once a background fsync on a real disk has finished (a modelled one returns at its time). */
  async settled(): Promise<void> {
    await this.measuredFsync;
  }

  /** Not queued: for callers already running in the IO queue. */
  private async writeAndSync(): Promise<void> {
    if (!this.writer) return;
    await this.writer.write();
    await this.writer.fsync(this.core.engine.clock.now());
  }

  /** no-appendfsync-on-rewrite: no fsync at all while a child runs. */
  fsyncSuspendedByChild(): boolean {
    return this.core.job !== null && this.core.config.getBool('no-appendfsync-on-rewrite');
  }

  /**
   * everysec with a background fsync still running: Redis holds aof_buf back for up to 2 s, then
   * writes anyway and counts a delayed fsync.
   */
  private postponeWrite(): boolean {
    const now = this.core.engine.clock.now();
    const inFlight = this.fsyncInFlight;
    if (this.fsyncPolicy !== 'everysec' || !inFlight || now >= inFlight.until) {
      this.flushPostponedSecond = null;
      return false;
    }
    const second = Math.floor(now / 1000);
    if (this.flushPostponedSecond === null) {
      this.flushPostponedSecond = second;
      return true;
    }
    if (second - this.flushPostponedSecond < MAX_WRITE_POSTPONE_SECONDS) return true;
    this.core.status.aofDelayedFsync++;
    this.core.log('Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.');
    this.flushPostponedSecond = null;
    return false;
  }

  /**
   * everysec's try_fsync in beforeSleep: a background fsync starts when bytes are unsynced, the
   * second counter has moved on since the last one and none is running (a returned one is
   * settled first). Its replies do not wait for it.
   */
  private async everysecFsync(writer: AofWriter): Promise<void> {
    if (this.fsyncPolicy !== 'everysec') return;
    const { engine, events, io, options } = this.core;
    const now = engine.clock.now();
    await this.finishFsync();
    if (this.fsyncInFlight !== null || this.measuredFsync !== null) return;
    if (writer.unsyncedBytes === 0 || this.fsyncSuspendedByChild()) return;
    if (!newSecondSinceFsync(writer, now)) return;
    // The next one may start a second after this one started, as aof_last_fsync is set now.
    writer.lastFsyncAt = now;
    const duration = options.fsyncDurationMs?.();
    if (duration !== undefined) {
      this.fsyncInFlight = { writer, started: now, until: now + duration, from: writer.fsyncStart() };
      return;
    }
    // A real disk: the fsync runs in the IO queue after this turn's write (a later write waits
    // behind it there), while the turn's replies leave.
    this.measuredFsync = io
      .run(() => this.timed(() => writer.fsync(now)))
      .then(
        (measured) => {
          events.emit({ type: 'fsync', at: now, durationMs: measured });
          if (this.fsyncFailed) this.backgroundFsyncRecovered();
        },
        (e: unknown) => this.backgroundFsyncFailed(e as Error),
      )
      .finally(() => {
        this.measuredFsync = null;
      });
  }

  /**
   * Redis refuses writes (MISCONF) after a failed background fsync, until one succeeds: the bytes
   * stay unsynced, so the next second's beforeSleep tries again.
   */
  private backgroundFsyncFailed(e: Error): void {
    const { status } = this.core;
    this.core.log(`Error syncing the AOF: ${e.message}`);
    this.fsyncFailed = true;
    status.aofLastWriteOk = false;
    status.aofLastWriteError = e.message;
  }

  private backgroundFsyncRecovered(): void {
    this.fsyncFailed = false;
    this.core.log('AOF fsync error looks solved, Redis can write again.');
    this.core.status.aofLastWriteOk = true;
    this.core.status.aofLastWriteError = null;
  }

  /** Runs `operation` and says how many real ms it took (0 without a wall clock). */
  private async timed(operation: () => Promise<void>): Promise<number> {
    const wall = this.core.options.wallClock;
    if (!wall) {
      await operation();
      return 0;
    }
    const started = wall();
    await operation();
    return wall() - started;
  }

  /**
   * appendonly yes at run time: the AOF starts from the dataset as it is now (Redis does this
   * with a background rewrite; the lab does it before the reply). Earlier AOF files on disk
   * become history and are deleted. Runs in the IO queue, so no write interleaves.
   */
  enable(): Promise<void> {
    return this.core.io.run(() => this.startFromDataset());
  }

  private async startFromDataset(): Promise<void> {
    const core = this.core;
    // Redis starts this with a background rewrite, and counts it as one.
    core.status.aofRewrites++;
    const location = core.aofLocation;
    const preamble = core.config.getBool('aof-use-rdb-preamble');
    const base = preamble ? concatChunks(snapshotRdb(core, true)) : rewriteCommandsBytes(core).bytes;
    const feed = new AofFeed(core.engine);
    const existing = await readManifest(core.disk, aofDirPath(location), location.filename);
    let writer: AofWriter;
    if (!existing) writer = await AofWriter.create(core.disk, location, feed, { bytes: base, rdbPreamble: preamble });
    else {
      writer = new AofWriter(core.disk, location, existing, feed, { current: 0, base: 0 });
      const keep = await writer.openNewIncr(new Uint8Array(0));
      const temp = joinPath(core.dir, `temp-rewriteaof-bg-${core.nextPid()}.aof`);
      await writeChunks(core.disk, temp, [base]);
      await writer.installRewrite(temp, keep, preamble);
    }
    feed.forceSelect();
    this.feed = feed;
    this.writer = writer;
    // startAppendOnly sets aof_last_fsync to now, as initServer does.
    writer.lastFsyncAt = core.engine.clock.now();
    core.log('AOF enabled: the dataset was written as a new base');
  }

  /** appendonly no: the AOF is written and fsynced one last time, then no longer fed. */
  disable(): Promise<void> {
    return this.core.io.run(async () => {
      await this.writeAndSync();
      this.feed?.close();
      this.feed = null;
      this.writer = null;
    });
  }
}
