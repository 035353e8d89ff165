// The AOF while the server runs: aof_buf written once per event-loop turn (beforeSleep), the
// fsync policy (always: before the turn's replies leave — one fsync for the whole turn;
// everysec: a background fsync once a second, a write postponed up to 2 s behind a busy one;
// no: never), write errors (MISCONF, or an exit under always), and `appendonly` switched at run
// time as CONFIG SET does it.
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

export class AofPersistence {
  feed: AofFeed | null = null;
  writer: AofWriter | null = null;
  /** Under appendfsync always with a disk model: the clock time the last fsync returns at. */
  busyUntil = 0;
  /** everysec's background fsync: it returns at `until`, and until then nothing it covers is durable. */
  private fsyncInFlight: { writer: AofWriter; started: number; until: number } | null = null;
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
      // appendfsync switched to always over bytes everysec or no left unsynced: Redis fsyncs them
      // in the next beforeSleep, before any reply leaves (flushAppendOnlyFile's empty-buffer case).
      if (writer.unsyncedBytes > 0 && this.fsyncPolicy === 'always' && !this.fsyncSuspendedByChild()) await this.core.io.run(() => this.fsyncBeforeReplies(writer));
      return;
    }
    const always = this.fsyncPolicy === 'always';
    const fsyncNow = always && !this.fsyncSuspendedByChild();
    // A background fsync that returned before this write does not cover it.
    if (this.fsyncInFlight !== null && this.core.engine.clock.now() >= this.fsyncInFlight.until) await this.finishFsync();
    if (this.postponeWrite()) return;
    // A write that waited its 2 s out behind a running fsync: the second counts as fsynced, as
    // Redis sets aof_last_fsync without starting another, so the next one waits for a new second.
    if (this.fsyncInFlight !== null && Math.floor(this.core.engine.clock.now() / 1000) > Math.floor(writer.lastFsyncAt / 1000)) writer.lastFsyncAt = this.core.engine.clock.now();
    const { status, events, engine } = this.core;
    await this.core.io.run(async () => {
      try {
        const bytes = await writer.write();
        status.aofWrites++;
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
  }

  /** appendfsync always: the replies wait for the fsync, so the server is busy until the disk answers. */
  private async fsyncBeforeReplies(writer: AofWriter): Promise<void> {
    const { engine, events, options } = this.core;
    const modelled = options.fsyncDurationMs?.();
    this.busyUntil = engine.clock.now() + (modelled ?? 0);
    const measured = await this.timed(() => writer.fsync(this.busyUntil));
    events.emit({ type: 'fsync', at: engine.clock.now(), durationMs: modelled ?? measured });
  }

  /** serverCron's part: everysec's background fsync. */
  async cron(now: number): Promise<void> {
    if (this.writer && this.fsyncPolicy === 'everysec') await this.everysecFsync(this.writer, now);
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
    await this.core.io.run(() => inFlight.writer.fsync(inFlight.started));
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

  /** everysec: finish the background fsync that is due, start the next one once a second. */
  private async everysecFsync(writer: AofWriter, now: number): Promise<void> {
    const { events, io, options } = this.core;
    await this.finishFsync();
    if (this.fsyncInFlight) return;
    if (writer.unsyncedBytes === 0 || this.fsyncSuspendedByChild()) return;
    if (Math.floor(now / 1000) <= Math.floor(writer.lastFsyncAt / 1000)) return;
    const duration = options.fsyncDurationMs?.();
    if (duration === undefined) {
      const measured = await io.run(() => this.timed(() => writer.fsync(now)));
      events.emit({ type: 'fsync', at: now, durationMs: measured });
    } else {
      this.fsyncInFlight = { writer, started: now, until: now + duration };
      // The next one may start a second after this one started, as aof_last_fsync is set now.
      writer.lastFsyncAt = now;
    }
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
