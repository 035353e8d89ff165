// BGREWRITEAOF as Redis 7.0 does it: at the fork, aof_buf goes to the old incr and a new incr is
// opened for what follows; the child writes the new base (an RDB preamble or commands); when it
// exits the base is installed, older files become history and are deleted. The report says
// what the rewrite compacted.
import { readManifest } from '../aof/loader.js';
import { countKeys } from '../aof/rewrite-commands.js';
import { aofDirPath, AofWriter } from '../aof/writer.js';
import type { AofPersistence } from './aof-policy.js';
import { rewriteCommandChunks, rewriteCommandsBytes, saveOptions, snapshotRdb, writeChunks, writeChunksAsChild, type ServerCore } from './core.js';
import { forkChild } from './fork.js';
import { joinPath } from './disk.js';
import { BackgroundJob, totalLength } from './jobs.js';
import { childReadyAt } from './snapshots.js';
import type { RewriteReport } from './status.js';

interface PendingRewrite {
  tempName: string;
  keepIncr: string | null;
  preamble: boolean;
  report: Omit<RewriteReport, 'bytesAfter' | 'ratio' | 'finishedAt'>;
}

export class AofRewrite {
  private pending: PendingRewrite | null = null;

  constructor(
    private readonly core: ServerCore,
    private readonly aof: AofPersistence,
  ) {}

  start(): void {
    const { core } = this;
    const pid = core.nextPid();
    const now = core.engine.clock.now();
    const preamble = core.config.getBool('aof-use-rdb-preamble');
    const writer = this.aof.writer;
    const feed = this.aof.feed;
    // The fork point: what was fed before goes to the old incr, what comes after to the new one.
    const beforeFork = feed ? feed.take() : new Uint8Array(0);
    feed?.forceSelect();
    const bytesBefore = writer?.currentSize ?? 0;
    const commandsBefore = feed ? feed.takeCounts() : {};
    const baseFormat = preamble ? ('rdb' as const) : ('resp' as const);
    core.status.rewriteScheduled = false;
    core.status.aofRewrites++;
    const tempName = rewriteTempName(pid);
    const temp = joinPath(core.dir, tempName);
    const newIncr = writer ? core.io.run(() => writer.openNewIncr(beforeFork)) : Promise.resolve(null);
    core.log(`Background append only file rewriting started by pid ${pid}`);
    if (core.options.childBytesPerMs === undefined) {
      // A live server: the child shares the values and writes the base while the parent serves.
      const options = saveOptions(core, true);
      const child = forkChild(core.engine, core.options.childThread, async (fork, time) => {
        const keepIncr = await newIncr;
        const counted = { commands: 0 };
        if (preamble) await fork.measureUsedMemory(time);
        const chunks = preamble ? core.rdb.snapshotOf(fork, options) : rewriteCommandChunks(fork.dbs, fork.functions, counted);
        const baseBytes = await writeChunksAsChild(core.disk, temp, chunks, time);
        const keys = await fork.countKeys(time);
        this.pending = { tempName, keepIncr, preamble, report: { bytesBefore, baseBytes, baseFormat, baseCommands: counted.commands, commandsBefore, keys, startedAt: now } };
      });
      core.job = new BackgroundJob('aof', pid, now, child.work, now, child.control);
    } else {
      // A modelled child's exit time follows from its base's size, known at once.
      const resp = preamble ? null : rewriteCommandsBytes(core);
      const base = resp ? [resp.bytes] : snapshotRdb(core, true);
      const report = { bytesBefore, baseBytes: totalLength(base), baseFormat, baseCommands: resp?.commands ?? 0, commandsBefore, keys: countKeys(core.engine.dbs), startedAt: now };
      const work = async () => {
        const keepIncr = await newIncr;
        await writeChunks(core.disk, temp, base);
        this.pending = { tempName, keepIncr, preamble, report };
      };
      core.job = new BackgroundJob('aof', pid, now, work, childReadyAt(core, report.baseBytes));
    }
    core.events.emit({ type: 'child-started', kind: 'aof', pid, at: now });
  }

  /** The rewrite child exited: its base is installed, or the failure recorded. */
  async finish(job: BackgroundJob): Promise<boolean> {
    const { core } = this;
    core.status.aofLastRewriteTimeSec = Math.round((core.engine.clock.now() - job.startedAt) / 1000);
    const pending = this.pending;
    this.pending = null;
    const failed = (message: string) => {
      core.status.aofLastBgrewriteOk = false;
      core.status.lastRewriteError = message;
      core.log(`Background AOF rewrite failed: ${message}`);
      return false;
    };
    if (job.error || !pending) return failed(job.error?.message ?? 'no output');
    try {
      const bytesAfter = await core.io.run(async () => {
        const writer = this.aof.writer ?? (await this.standaloneWriter());
        await writer.installRewrite(joinPath(core.dir, pending.tempName), pending.keepIncr ?? '', pending.preamble);
        return writer.currentSize;
      });
      const { report } = pending;
      const installed: RewriteReport = { ...report, bytesAfter, ratio: report.bytesBefore > 0 ? bytesAfter / report.bytesBefore : 1, finishedAt: core.engine.clock.now() };
      core.status.lastRewrite = installed;
      core.status.aofLastBgrewriteOk = true;
      core.status.lastRewriteError = null;
      core.log('Background AOF rewrite finished successfully');
      core.events.emit({ type: 'rewrite-installed', report: installed });
      return true;
    } catch (e) {
      return failed((e as Error).message);
    }
  }

  /** The rewrite child was killed: its temp base goes, nothing is installed. */
  async discard(job: BackgroundJob): Promise<void> {
    this.pending = null;
    const { core } = this;
    await core.io.run(() => core.disk.delete(joinPath(core.dir, rewriteTempName(job.pid))));
  }

  /** With appendonly no, a rewrite still installs a base and a manifest, as 7.0 does. */
  private async standaloneWriter(): Promise<AofWriter> {
    const { core } = this;
    const manifest = (await readManifest(core.disk, aofDirPath(core.aofLocation), core.aofLocation.filename)) ?? { base: null, history: [], incrs: [] };
    return new AofWriter(core.disk, core.aofLocation, manifest, null, { current: 0, base: 0 });
  }
}

/** The base a rewrite child writes, in the server's dir, before the parent installs it. */
function rewriteTempName(pid: number): string {
  return `temp-rewriteaof-bg-${pid}.aof`;
}
