// RDB snapshots: SAVE (the reply waits for the file), BGSAVE (a fork child writes a temp file
// and renames it into place when it exits), save points checked by serverCron, and the retry
// delay after a failed BGSAVE. Each snapshot is announced when the dataset is copied and when
// its file is durable, so watchers know exactly what each file on disk holds.
import { saveOptions, snapshotRdb, writeChunks, writeChunksAsChild, type ServerCore } from './core.js';
import { forkChild } from './fork.js';
import { joinPath } from './disk.js';
import { BackgroundJob, totalLength, type ChildControl } from './jobs.js';

/** The pid in the temp file name of a foreground SAVE. */
const SERVER_PID = 1;
/** Failed BGSAVEs are retried by save points only after this long (CONFIG_BGSAVE_RETRY_DELAY). */
const BGSAVE_RETRY_DELAY_MS = 5000;

export class Snapshots {
  private nextSnapshotId = 1;
  private dirtyAtFork = 0;
  private snapshotAtFork = 0;

  constructor(private readonly core: ServerCore) {}

  savePoints(): { seconds: number; changes: number }[] {
    // Read every cron tick: parsed again only when CONFIG SET save changed it.
    const text = this.core.config.get('save');
    if (text === this.parsed.text) return this.parsed.points;
    const numbers = text.split(' ').filter(Boolean).map(Number);
    const points: { seconds: number; changes: number }[] = [];
    for (let i = 0; i + 1 < numbers.length; i += 2) points.push({ seconds: numbers[i]!, changes: numbers[i + 1]! });
    this.parsed = { text, points };
    return points;
  }

  private parsed: { text: string | null; points: { seconds: number; changes: number }[] } = { text: null, points: [] };

  savePointReached(now: number): boolean {
    const { status, engine } = this.core;
    if (!status.lastBgsaveOk && now - status.lastBgsaveTryAt < BGSAVE_RETRY_DELAY_MS) return false;
    // serverCron compares whole seconds (server.unixtime − lastsave > seconds): "save 3 1" fires
    // in the 4th second after the last save, 3 to 4 s after it depending on where in its second it was.
    const sinceSave = Math.floor(now / 1000) - status.lastSaveUnix;
    return this.savePoints().some((p) => engine.dirty >= p.changes && sinceSave > p.seconds);
  }

  /** The earliest time a save point can be reached if nothing changes meanwhile (Infinity: never). */
  nextSavePoint(now: number): number {
    const { status, engine } = this.core;
    if (!status.lastBgsaveOk) return now;
    let earliest = Infinity;
    for (const point of this.savePoints()) {
      // "unixtime − lastsave > seconds", first true when the second after the boundary begins.
      if (engine.dirty >= point.changes) earliest = Math.min(earliest, Math.max(now, (status.lastSaveUnix + point.seconds + 1) * 1000));
    }
    return earliest;
  }

  /** SAVE: the snapshot is taken now; the reply waits for the file. */
  save(): Promise<void> {
    const { core } = this;
    const id = this.take(true);
    const chunks = snapshotRdb(core, false);
    const dirty = core.engine.dirty;
    core.status.rdbSaves++;
    return core.io.run(async () => {
      await writeChunks(core.disk, this.tempPath(SERVER_PID), chunks);
      await this.install(this.tempPath(SERVER_PID));
      core.engine.dirty -= dirty;
      core.status.lastSaveUnix = Math.floor(core.engine.clock.now() / 1000);
      core.status.lastBgsaveOk = true;
      core.events.emit({ type: 'snapshot-durable', id, at: core.engine.clock.now() });
    });
  }

  /** BGSAVE: the fork copies the dataset now; the child writes it while the server goes on. */
  startBgsave(): void {
    const { core } = this;
    const pid = core.nextPid();
    const now = core.engine.clock.now();
    this.snapshotAtFork = this.take(false);
    const temp = this.tempPath(pid);
    let child: { work: () => Promise<void>; control?: ChildControl };
    let readyAt = now;
    if (core.options.childBytesPerMs === undefined) {
      // A live server: the child shares the values and serialises them while the parent serves.
      const options = saveOptions(core, false);
      child = forkChild(core.engine, core.options.childThread, async (fork, time) => {
        await fork.measureUsedMemory(time);
        await writeChunksAsChild(core.disk, temp, core.rdb.snapshotOf(fork, options), time);
      });
    } else {
      // A modelled child's exit time follows from its file's size, known at once.
      const chunks = snapshotRdb(core, false);
      child = { work: () => writeChunks(core.disk, temp, chunks) };
      readyAt = childReadyAt(core, totalLength(chunks));
    }
    this.dirtyAtFork = core.engine.dirty;
    core.status.rdbSaves++;
    core.status.bgsaveScheduled = false;
    core.status.lastBgsaveTryAt = now;
    core.log(`Background saving started by pid ${pid}`);
    // The child writes its temp file at once; its rename is its last act, when it exits.
    core.job = new BackgroundJob('rdb', pid, now, child.work, readyAt, child.control);
    core.events.emit({ type: 'child-started', kind: 'rdb', pid, at: now });
  }

  /** The BGSAVE child exited: its file is renamed into place, or the failure recorded. */
  async finish(job: BackgroundJob): Promise<boolean> {
    const { core } = this;
    core.status.lastBgsaveTimeSec = Math.round((core.engine.clock.now() - job.startedAt) / 1000);
    const failed = (message: string) => {
      core.status.lastBgsaveOk = false;
      core.log(`Background saving error: ${message}`);
      return false;
    };
    if (job.killed) {
      // SIGUSR1 is how the parent stops its own child: not a failed save.
      core.log('Background saving terminated by signal 10');
      await this.discard(job);
      return false;
    }
    if (job.error) return failed(job.error.message);
    try {
      await core.io.run(() => this.install(this.tempPath(job.pid)));
    } catch (e) {
      return failed((e as Error).message);
    }
    core.engine.dirty -= this.dirtyAtFork;
    core.status.lastBgsaveOk = true;
    core.status.lastSaveUnix = Math.floor(core.engine.clock.now() / 1000);
    core.log('Background saving terminated with success');
    core.events.emit({ type: 'snapshot-durable', id: this.snapshotAtFork, at: core.engine.clock.now() });
    return true;
  }

  /** A killed child's temp file is deleted (rdbRemoveTempFile). */
  async discard(job: BackgroundJob): Promise<void> {
    await this.core.io.run(() => this.core.disk.delete(this.tempPath(job.pid)));
  }

  /** temp-<pid>.rdb in the server's dir: where a save writes before its rename. */
  private tempPath(pid: number): string {
    return joinPath(this.core.dir, `temp-${pid}.rdb`);
  }

  private take(foreground: boolean): number {
    const id = this.nextSnapshotId++;
    this.core.events.emit({ type: 'snapshot-taken', id, at: this.core.engine.clock.now(), foreground });
    return id;
  }

  private async install(temp: string): Promise<void> {
    const { core } = this;
    await core.disk.rename(temp, joinPath(core.dir, core.config.get('dbfilename')));
    await core.disk.flushDir(core.dir);
  }
}

/** When a child that writes `bytes` exits on the server's clock. */
export function childReadyAt(core: ServerCore, bytes: number): number {
  const rate = core.options.childBytesPerMs;
  return core.engine.clock.now() + (rate ? Math.ceil(bytes / rate) : 0);
}
