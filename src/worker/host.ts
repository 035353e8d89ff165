// What the worker hosts: a persistent server on the chosen browser storage, seen through the
// page-cache model, holding the Web Lock that makes it the only writer of those files. A
// second tab is refused the lock and runs in memory only, and says so.
import { systemClock, type Clock } from '../engine/clock.js';
import { applyConfigText, Config } from '../engine/config.js';
import { Engine } from '../engine/engine.js';
import { rdbCodec } from '../engine/persistence/rdb-codec.js';
import { loadRdb } from '../engine/rdb/reader.js';
import { inspectFile, type Inspection } from '../engine/inspect.js';
import { loadAof, readManifest } from '../engine/aof/loader.js';
import { tarArchive } from '../storage/tar.js';
import { PersistentServer, type StartReport } from '../engine/persistence/server.js';
import { listFilesIn, readAll, type FileStore } from '../storage/file-store.js';
import { IndexedDbStore } from '../storage/indexeddb-store.js';
import { MemoryStore } from '../storage/memory-store.js';
import { OpfsStore } from '../storage/opfs-store.js';
import { PageCacheStore } from '../storage/page-cache.js';
import type { PresetId } from '../scenario/presets.js';
import type { CrashKind, Scenario } from '../scenario/scenario.js';
import type { LossPoint } from '../sim/crash-explorer.js';
import { judgeLiveCrash, type LiveCrashRecord, type LiveCrashReport } from '../sim/live-crash.js';
import { runScenario, type RunOptions, type RunReport, type TracePoint } from '../sim/run-scenario.js';
import { ackedCounter, LiveWorkload } from './live-workload.js';
import { BackupVault, type BackupEntry } from './backups.js';
import { ReplicaAcks, ReplicaEnd, replicaofCommands, servePrimary, waitCommand, type ReplicationStatus } from './replication-link.js';
import { ReplicationPrimary } from '../engine/replication/primary.js';
import { seededRng } from '../engine/clock.js';
import { primaryInfo, replicaInfo, roleCommand } from '../engine/replication/info.js';

export type BackendChoice = 'opfs' | 'indexeddb';

export interface StartOptions {
  /** 'memory' for a replica: it holds its data in memory only and takes no lock. */
  backend: BackendChoice | 'memory';
  /** redis.conf text (a preset's directives plus the user's). */
  config: string;
  /** Names the files' home, so tests and tabs can keep datasets apart. */
  database?: string;
  /** Server seconds per real second (1: real time; 360: an hour in 10 s). */
  speed?: number;
}

export interface StartInfo {
  /** The storage actually used. */
  backend: BackendChoice | 'memory';
  /** Why it is not the one asked for, if it is not. */
  notice: string | null;
  recovery: { source: StartReport['source']; keys: number; files: { name: string; bytes: number }[]; truncatedBytes: number; loadMs: number };
  log: string[];
}

export interface Durability {
  unsyncedBytes: number;
  dirtyFiles: number;
  aofBytes: number;
  /** The size an automatic rewrite starts at (auto-aof-rewrite-percentage over the base, at least auto-aof-rewrite-min-size), or null. */
  rewriteAtBytes: number | null;
  rdbBytes: number;
  lastSaveUnix: number;
}

/**
 * The live server's clock: it starts at the real time and then runs `speed` times as fast, so
 * hour-long save points and writeback show in seconds; it can be paused and stepped.
 */
export class LiveClock implements Clock {
  private base = Date.now();
  private anchor = Date.now();
  paused = false;

  constructor(private rate = 1) {}

  get speed(): number {
    return this.rate;
  }

  now(): number {
    return this.paused ? this.base : this.base + Math.round((Date.now() - this.anchor) * this.rate);
  }

  /** Changes speed from this instant on. */
  setSpeed(rate: number): void {
    this.base = this.now();
    this.anchor = Date.now();
    this.rate = rate;
  }

  setPaused(paused: boolean): void {
    this.base = this.now();
    this.anchor = Date.now();
    this.paused = paused;
  }

  /** While paused: time jumps forward by `ms`. */
  step(ms: number): void {
    this.base += ms;
  }
}

/**
 * How long to wait for the files' lock: a worker that was just terminated (a crash, a reload)
 * releases it a moment later; a second tab keeps it.
 */
const LOCK_WAIT_MS = 3_000;

/** Resolves true when this context holds the lock, false when another context kept it. */
function acquireLock(name: string): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.locks) return Promise.resolve(true);
  return new Promise((resolve) => {
    navigator.locks
      .request(name, { signal: AbortSignal.timeout(LOCK_WAIT_MS) }, () => {
        resolve(true);
        // Held until the worker ends: a terminated worker releases it.
        return new Promise<void>(() => {});
      })
      .catch(() => resolve(false));
  });
}

export class LabHost {
  server: PersistentServer | null = null;
  cache: PageCacheStore | null = null;
  workload: LiveWorkload | null = null;
  replicationPrimary: ReplicationPrimary | null = null;
  private readonly acks = new ReplicaAcks();
  private database = 'persistence-lab';
  clock: LiveClock | null = null;

  /** Time controls: speed, pause, and a step of `stepMs` while paused (cron runs once). */
  async setTime(change: { speed?: number; paused?: boolean; stepMs?: number }): Promise<{ speed: number; paused: boolean; now: number }> {
    const clock = this.clock;
    if (!clock) throw new Error('The engine has not started.');
    if (change.speed !== undefined) clock.setSpeed(change.speed);
    if (change.paused !== undefined) {
      clock.setPaused(change.paused);
      if (change.paused) this.workload?.pause();
    }
    if (change.stepMs !== undefined && clock.paused) {
      clock.step(change.stepMs);
      await this.tick();
    }
    return { speed: clock.speed, paused: clock.paused, now: clock.now() };
  }
  private vault: BackupVault | null = null;
  private backupTimer: ReturnType<typeof setInterval> | null = null;

  private async backups(): Promise<BackupVault> {
    this.vault ??= await BackupVault.open(`${this.database}-backups`);
    return this.vault;
  }

  async backup(): Promise<BackupEntry> {
    if (!this.server) throw new Error('The engine has not started.');
    return (await this.backups()).take(this.server.engine, systemClock.now());
  }

  async listBackups(): Promise<BackupEntry[]> {
    return (await this.backups()).list();
  }

  async readBackup(name: string): Promise<Uint8Array> {
    return (await this.backups()).read(name);
  }

  /** Restore: the backup loads beside the live dataset, which keeps serving, then replaces it. */
  async restoreBackup(name: string): Promise<{ keys: number; notes: string[] }> {
    return this.loadRdbUpload(name, await this.readBackup(name));
  }

  /** A backup every `seconds` (null: none). */
  scheduleBackups(seconds: number | null): void {
    if (this.backupTimer) clearInterval(this.backupTimer);
    this.backupTimer = seconds ? setInterval(() => void this.backup().catch(() => undefined), seconds * 1000) : null;
  }

  /** The machine's disks are gone: every file the server wrote is deleted. */
  async wipeDisk(): Promise<void> {
    const store = this.cache?.backend;
    if (!store || !this.server) return;
    this.workload?.stop();
    for (const { path } of await listFilesIn(store, ['', this.server.config.get('appenddirname')])) await store.delete(path);
    this.server = null;
  }
  replicaEnd: ReplicaEnd | null = null;

  /** A replication port from the UI: serve it as the primary, or follow it as a replica. */
  async attachReplication(role: 'primary' | 'replica', port: MessagePort, linkDelayMs: number): Promise<void> {
    if (!this.server) throw new Error('The engine has not started.');
    if (role === 'replica' && this.replicaEnd) return this.replicaEnd.reconnect(port);
    const engine = this.server.engine;
    if (role === 'primary') {
      this.actAsPrimary(servePrimary(this.server, port, this.replicationPrimary, this.acks));
    } else {
      const end = new ReplicaEnd(this.server, port, linkDelayMs);
      this.replicaEnd = end;
      engine.infoProviders.set('replication', () => replicaInfo(end.replica));
      engine.registerCommands([roleCommand(() => ({ replica: end.replica })), ...replicaofCommands(() => this.promote())]);
      await end.start();
    }
  }

  /** Stream bytes the slowest linked replica has not acknowledged yet. */
  replicationLag(): number | null {
    if (!this.replicationPrimary || this.acks.connected === 0) return null;
    return this.acks.lagBehind(this.replicationPrimary.offset);
  }

  replicationStatus(): ReplicationStatus | null {
    if (this.replicaEnd) return this.replicaEnd.status();
    if (this.replicationPrimary) return { role: 'primary', offset: this.replicationPrimary.offset };
    return null;
  }

  disconnectReplica(): void {
    this.replicaEnd?.disconnect();
  }

  /** The replica becomes a primary: it takes writes and reports itself as master. */
  promote(): void {
    if (!this.replicaEnd || !this.server) return;
    this.replicaEnd.promote();
    const engine = this.server.engine;
    this.actAsPrimary(new ReplicationPrimary(engine, { backlogSize: 1 << 20, rng: seededRng(Date.now() % 2 ** 31) }));
    engine.registerCommands(replicaofCommands(() => undefined));
  }

  /** INFO replication, ROLE and WAIT answer as this primary's. */
  private actAsPrimary(primary: ReplicationPrimary): void {
    const server = this.server!;
    this.replicationPrimary = primary;
    server.engine.infoProviders.set('replication', () => primaryInfo(primary, () => this.acks.connected));
    server.engine.registerCommands([roleCommand(() => ({ primary })), waitCommand(server, () => this.replicationPrimary, this.acks)]);
  }
  private readonly logLines: string[] = [];

  async start(options: StartOptions): Promise<StartInfo> {
    const config = new Config();
    const problems = applyConfigText(config, options.config);
    if (problems.length > 0) throw new Error(problems.map((p) => `line ${p.line}: ${p.message}`).join('\n'));
    const database = options.database ?? 'persistence-lab';
    this.database = database;
    let backend: BackendChoice | 'memory' = options.backend;
    let notice: string | null = null;
    if (backend !== 'memory' && backend === 'opfs' && !OpfsStore.isAvailable()) {
      backend = 'indexeddb';
      notice = 'This browser has no OPFS sync access handles, so the lab stores its files in IndexedDB.';
    }
    if (backend !== 'memory' && !(await acquireLock(`${database}:${backend}`))) {
      notice = `Another tab is already using the lab's ${backend === 'opfs' ? 'OPFS' : 'IndexedDB'} files. This tab runs in memory only: nothing it does is saved. Close the other tab and reload to use the files here.`;
      backend = 'memory';
    }
    const store: FileStore = backend === 'opfs' ? await OpfsStore.open(database) : backend === 'indexeddb' ? await IndexedDbStore.open(database) : new MemoryStore();
    const clock = new LiveClock(options.speed ?? 1);
    this.clock = clock;
    this.cache = new PageCacheStore(store, { now: () => clock.now() });
    const started = performance.now();
    const { server, report } = await PersistentServer.start({
      disk: this.cache,
      config,
      clock,
      rdb: rdbCodec,
      log: (line) => this.log(line),
      snapshotMark: () => (this.server ? ackedCounter(this.server.engine) : 0),
      wallClock: () => performance.now(),
      onLoadProgress: (done, total) => this.onProgress?.('recovery', done, total),
    });
    // Recovery from an RDB starts at the snapshot's counter: what a crash now must keep.
    if (report.source === 'rdb') server.lastSnapshotMark = ackedCounter(server.engine);
    this.server = server;
    this.workload = new LiveWorkload(server, server.engine.createClient());
    const files: { name: string; bytes: number }[] = report.files.map((f) => ({ name: f.name, bytes: f.bytes }));
    return {
      backend,
      notice,
      recovery: { source: report.source, keys: report.keys, files, truncatedBytes: report.truncation?.droppedBytes ?? 0, loadMs: Math.round(performance.now() - started) },
      log: [...this.logLines],
    };
  }

  /** serverCron plus the kernel's writeback. */
  async tick(): Promise<void> {
    if (!this.server || !this.cache) return;
    await this.server.cron();
    await this.cache.writeback();
  }

  /** A crashed engine's record judged against the workload writes this recovered engine holds. */
  judgeCrash(record: LiveCrashRecord, crash: CrashKind, failoverLinkDelayMs: number | null): LiveCrashReport {
    if (!this.server) throw new Error('The engine has not started.');
    const recovered = ackedCounter(this.server.engine);
    return judgeLiveCrash(record, recovered, failoverLinkDelayMs === null ? { config: this.server.config, crash } : { failoverLinkDelayMs });
  }

  /** Power loss: the disk goes back to what was durable; the caller then ends this worker. */
  async powerLoss(torn: boolean): Promise<{ path: string; keptUnsynced: number; lostBytes: number }[]> {
    this.workload?.stop();
    if (!this.cache) return [];
    const report = await this.cache.powerLoss({ torn, random: (bound) => Math.floor(Math.random() * bound) });
    this.server = null;
    return report.files;
  }

  /**
   * Runs a scenario on the virtual clock with real browser storage under it: files are
   * written to and reverted in OPFS or IndexedDB exactly as the crash model says.
   */
  async runScenario(scenario: Scenario, backend: BackendChoice, speed: number | null, extra: Pick<RunOptions, 'crash' | 'onTrace' | 'traceEveryMs'> = {}): Promise<RunReport> {
    // Runs share one scenario store: panels asking at once take turns.
    const turn = this.scenarioTurn.then(() => this.runScenarioNow(scenario, backend, speed, extra));
    this.scenarioTurn = turn.catch(() => undefined);
    return turn;
  }

  private scenarioTurn: Promise<unknown> = Promise.resolve();

  private async runScenarioNow(scenario: Scenario, backend: BackendChoice, speed: number | null, extra: Pick<RunOptions, 'crash' | 'onTrace' | 'traceEveryMs'>): Promise<RunReport> {
    const name = 'persistence-lab-scenario';
    const opfs = backend === 'opfs' && OpfsStore.isAvailable() ? await OpfsStore.open(name) : null;
    const idb = opfs ? null : await IndexedDbStore.open(name);
    const store: FileStore = opfs ?? idb!;
    await clearStore(store);
    try {
      return await this.cancellable((signal) => runScenario(scenario, {
        backend: store,
        rdb: rdbCodec,
        signal,
        onProgress: (done, total) => this.onProgress?.('scenario', done, total),
        breathe: () => new Promise((resolve) => setTimeout(resolve, 0)),
        ...(speed ? { speed } : {}),
        ...extra,
      }));
    } finally {
      // Sync access handles lock their files: release them for the next run.
      opfs?.closeAll();
      idb?.close();
    }
  }

  /**
   * The run's history for the scrubber: the scenario without its crash, its state sampled about
   * 500 times. The run is deterministic, so any instant seen here is the one a branch recomputes.
   */
  async traceScenario(scenario: Scenario, backend: BackendChoice): Promise<TracePoint[]> {
    const points: TracePoint[] = [];
    const traceEveryMs = Math.max(100, Math.round(scenario.durationMs / 500));
    await this.runScenario(scenario, backend, null, { crash: 'none', traceEveryMs, onTrace: (point) => points.push(point) });
    return points;
  }

  /**
   * Compare mode: the same scenario (same seed, workload and crash) under several presets, one
   * after the other on the chosen storage.
   */
  async compare(scenario: Scenario, presets: readonly PresetId[], backend: BackendChoice): Promise<{ preset: PresetId; report: RunReport }[]> {
    const out: { preset: PresetId; report: RunReport }[] = [];
    for (const preset of presets) {
      out.push({ preset, report: await this.runScenario({ ...scenario, preset, config: '' }, backend, null) });
      this.onProgress?.('scenario', out.length, presets.length);
    }
    return out;
  }

  /** The crash explorer on real storage: the scenario crashed at `points` instants of each kind. */
  async exploreCrashes(scenario: Scenario, points: number, backend: BackendChoice): Promise<LossPoint[]> {
    const out: LossPoint[] = [];
    const kinds = ['process', 'power', 'torn'] as const;
    await this.cancellable(async (signal) => {
      for (let i = 1; i <= points; i++) {
        const crashAtMs = Math.round((scenario.durationMs * i) / points);
        for (const crash of kinds) {
          if (signal.aborted) throw new Error('The crash exploration was cancelled.');
          const report = await this.runScenario({ ...scenario, events: [...scenario.events.filter((e) => e.kind !== 'crash'), { at: crashAtMs, kind: 'crash', crash }] }, backend, null);
          out.push({ crash, crashAtMs, acknowledgedWrites: report.acknowledgedWrites, lostWrites: report.lostWrites, lostWindowMs: report.lostWindowMs, promiseHeld: report.promiseHeld });
          this.onProgress?.('scenario', out.length, points * kinds.length);
        }
      }
    });
    return out;
  }

  /** Long work the Cancel buttons can stop: `cancelRun` raises the signal (and any outer work's). */
  private async cancellable<T>(work: (signal: { readonly aborted: boolean }) => Promise<T>): Promise<T> {
    const signal = { aborted: false };
    const outer = this.cancelRun;
    this.cancelRun = () => {
      signal.aborted = true;
      outer?.();
    };
    try {
      return await work(signal);
    } finally {
      this.cancelRun = outer;
    }
  }

  /** What the last AOF rewrite did, for the compaction view. */
  lastRewrite() {
    return this.server?.status.lastRewrite ?? null;
  }

  /** Every file the server's storage holds, with its size. */
  async listFiles(): Promise<{ path: string; bytes: number }[]> {
    if (!this.cache || !this.server) return [];
    return listFilesIn(this.cache, ['', this.server.config.get('appenddirname')]);
  }

  /** Every file as one tar archive (a directory redis-server can start from). */
  async archiveFiles(): Promise<Uint8Array> {
    const files = [];
    for (const { path } of await this.listFiles()) files.push({ path, bytes: await this.readFile(path), mtimeMs: systemClock.now() });
    return tarArchive(files);
  }

  /**
   * Loads an AOF directory from redis-server (the manifest and the files it names) beside the
   * live dataset, then replaces it, as an RDB upload does.
   */
  async loadAofUpload(files: { name: string; bytes: Uint8Array }[]): Promise<{ keys: number }> {
    const server = this.server;
    if (!server) throw new Error('The engine has not started.');
    const manifestFile = files.find((f) => f.name.endsWith('.manifest'));
    if (!manifestFile) throw new Error('no *.manifest among the files: choose the whole appendonlydir');
    const store = new BreathingStore();
    for (const f of files) await store.write(f.name, 0, f.bytes);
    const manifest = await readManifest(store, '', manifestFile.name.replace(/\.manifest$/, ''));
    if (!manifest) throw new Error(`${manifestFile.name} could not be read`);
    const scratch = new Engine({ clock: systemClock, limits: server.engine.limits, databases: server.engine.dbs.length });
    const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
    await this.cancellable((signal) =>
      uploadCancelled(
        loadAof(store, scratch, manifest, { dir: '', appendFilename: manifestFile.name.replace(/\.manifest$/, ''), loadTruncated: true, truncateOnDisk: false, rdb: rdbCodec.load, signal, onProgress: (done) => this.onProgress?.('upload', done, total) }),
        signal,
      ),
    );
    return this.replaceDataset(scratch);
  }

  async inspectFile(path: string): Promise<Inspection> {
    return inspectFile(await this.readFile(path), systemClock);
  }

  async readFile(path: string): Promise<Uint8Array> {
    if (!this.cache) throw new Error('The engine has not started.');
    return readAll(this.cache, path);
  }

  /**
   * Replaces the dataset with an uploaded RDB file, with progress, then persists it the way the
   * policy would (a rewrite for the AOF, a SAVE for snapshots). A bad file changes nothing.
   */
  async loadRdbUpload(name: string, bytes: Uint8Array): Promise<{ keys: number; notes: string[] }> {
    const server = this.server;
    if (!server) throw new Error('The engine has not started.');
    const scratch = new Engine({ clock: systemClock, limits: server.engine.limits, databases: server.engine.dbs.length });
    const chunkSize = 1 << 20;
    async function* chunks() {
      for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
    }
    const report = await this.cancellable((signal) =>
      uploadCancelled(loadRdb(scratch, chunks(), { file: name, signal, onProgress: (done) => this.onProgress?.('upload', done, bytes.length), breathe: () => new Promise((r) => setTimeout(r, 0)) }), signal),
    );
    await this.replaceDataset(scratch);
    return { keys: report.keys, notes: report.notes };
  }

  /** The loaded dataset replaces the live one, and is persisted the way the policy would. */
  private async replaceDataset(scratch: Engine): Promise<{ keys: number }> {
    const server = this.server!;
    const client = server.engine.createClient();
    await server.execute(client, ['FLUSHALL']);
    let keys = 0;
    for (const [i, db] of scratch.dbs.entries()) {
      const target = server.engine.dbs[i]!;
      for (const [key, value] of db.dict) target.dict.set(key, value);
      for (const [key, when] of db.expires) target.expires.set(key, when);
      keys += db.size;
    }
    server.engine.dirty += keys;
    if (server.aof) await server.execute(client, ['BGREWRITEAOF']);
    else if (server.savePoints().length > 0) await server.execute(client, ['SAVE']);
    return { keys };
  }

  /** Set by the worker entry: long work reports its progress through it. */
  onProgress: ((task: 'scenario' | 'upload' | 'recovery', done: number, total: number) => void) | null = null;
  cancelRun: (() => void) | null = null;

  async durability(): Promise<Durability> {
    const state = this.cache ? await this.cache.state() : { unsyncedBytes: 0, dirtyFiles: 0 };
    const server = this.server;
    const aof = server?.aof ?? null;
    const percentage = server ? server.config.getNumber('auto-aof-rewrite-percentage') : 0;
    const rewriteAtBytes = aof && server && percentage > 0 ? Math.max(server.config.getNumber('auto-aof-rewrite-min-size'), Math.ceil(aof.baseSize * (1 + percentage / 100))) : null;
    const rdbBytes = server && this.cache ? ((await this.cache.size(server.config.get('dbfilename'))) ?? 0) : 0;
    return { unsyncedBytes: state.unsyncedBytes, dirtyFiles: state.dirtyFiles, aofBytes: aof?.currentSize ?? 0, rewriteAtBytes, rdbBytes, lastSaveUnix: server?.status.lastSaveUnix ?? 0 };
  }

  private log(line: string): void {
    this.logLines.push(line);
    if (this.logLines.length > 200) this.logLines.shift();
  }
}

/** An uploaded AOF directory in memory, whose reads let messages in (a Cancel) between chunks. */
class BreathingStore extends MemoryStore {
  override async read(path: string, offset: number, length: number): Promise<Uint8Array> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    return super.read(path, offset, length);
  }
}

/** A cancelled upload says so plainly: nothing was replaced. */
async function uploadCancelled<T>(loading: Promise<T>, signal: { readonly aborted: boolean }): Promise<T> {
  try {
    return await loading;
  } catch (e) {
    if (signal.aborted) throw new Error('Loading was cancelled; the live data is unchanged.');
    throw e;
  }
}

/** Deletes every file a previous run left (the root and the AOF directory). */
async function clearStore(store: FileStore): Promise<void> {
  for (const { path } of await listFilesIn(store, ['', 'appendonlydir'])) await store.delete(path);
}
