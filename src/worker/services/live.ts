// The live server: a persistent server on the chosen browser storage, seen through the
// page-cache model, holding the Web Lock that makes it the only writer of those files (a second
// tab runs in memory and says so). It runs the console's commands, the workload, the live clock
// and its cron, changes its configuration at run time as CONFIG SET does, and prepares the
// crashes the page performs for real (the workload's record, a power loss's cut).
import { hostThread } from '../../sim/host-thread.js';
import {
  applyConfigText,
  binToText,
  Config,
  Engine,
  readChunks,
  systemClock,
  PersistentServer,
  rdbCodec,
  runCliLine,
  textToBin,
  type KeyspaceSummary,
  type StartReport,
} from '../../engine/index.js';
import type { CrashKind } from '../../scenario/scenario.js';
import { LiveClock } from '../../sim/live-clock.js';
import { judgeLiveCrash, type LiveCrashRecord, type LiveCrashReport } from '../../sim/live-crash.js';
import { ServerWatch } from '../../sim/server-watch.js';
import { listFilesIn, type FileStore } from '../../storage/file-store.js';
import { MemoryStore } from '../../storage/memory-store.js';
import { PageCacheStore } from '../../storage/page-cache.js';
import { ACKED_KEY, ackedCounter, LiveWorkload, type WorkloadSpec } from '../live-workload.js';
import { acquireLock } from '../lock.js';
import { KeyspaceSummaries } from './keyspace-summary.js';
import type { CallContext } from '../protocol.js';
import { openStore, storeLabel, type BackendChoice } from '../stores.js';

export type { BackendChoice } from '../stores.js';

export interface StartOptions {
  /** 'memory' for a replica: it holds its data in memory only and takes no lock. */
  backend: BackendChoice | 'memory';
  /** redis.conf text (a preset's directives plus the user's). */
  config: string;
  /** Names the files' home, so tests and tabs can keep datasets apart. */
  database?: string;
  /** Server seconds per real second (1: real time; 360: an hour in 10 s). */
  speed?: number;
  /** How long to wait for the files' lock: longer when the page just ended the worker holding it. */
  lockWaitMs?: number;
}

export interface StartInfo {
  /** The storage actually used. */
  backend: BackendChoice | 'memory';
  /** Why it is not the one asked for, if it is not. */
  notice: string | null;
  recovery: {
    source: StartReport['source'];
    keys: number;
    files: { name: string; bytes: number }[];
    truncatedBytes: number;
    /** The torn tail recovery cut off, kept to be looked at: which file, where, and its bytes. */
    tornTail: { file: string; offset: number; bytes: Uint8Array } | null;
    loadMs: number;
  };
  log: string[];
}

export interface ConsoleResult {
  /** The reply as redis-cli prints it on a terminal, without the final newline. */
  text: string;
  isError: boolean;
  /** The client's database after the command, for the prompt. */
  db: number;
  /** Inside MULTI (redis-cli shows "(TX)" in the prompt). */
  inTransaction: boolean;
  /** `clear`: redis-cli cleared the screen. */
  clearScreen: boolean;
  elapsedMs: number;
}

export interface RestartPreview {
  /** The file a restart reads, as redis-server chooses it: the AOF with appendonly yes, else dump.rdb. */
  reads: 'aof' | 'rdb';
  /** Whether SHUTDOWN writes everything first (an fsync of the AOF, or a save when save points exist). */
  savesFirst: boolean;
  files: { path: string; bytes: number }[];
  /** Keys that would come back. */
  keys: number;
  /** Keys in memory now. */
  keysNow: number;
}

export interface Durability {
  unsyncedBytes: number;
  dirtyFiles: number;
  aofBytes: number;
  /** The size an automatic rewrite starts at (auto-aof-rewrite-percentage over the base, at least auto-aof-rewrite-min-size), or null. */
  rewriteAtBytes: number | null;
  rdbBytes: number;
}

/** Counters the telemetry reads and starts over each tick. */
export interface TickCounters {
  fsyncs: number;
  fsyncMaxMs: number;
  aofWrites: number;
  /** A child that started or exited within the tick. */
  job: 'rdb' | 'aof' | null;
}

const NOT_STARTED = 'The engine has not started (or its machine lost power).';

export class LiveService {
  server: PersistentServer | null = null;
  cache: PageCacheStore | null = null;
  clock: LiveClock | null = null;
  workload: LiveWorkload | null = null;
  database = 'persistence-lab';
  private watch: ServerWatch | null = null;
  private console: ReturnType<PersistentServer['engine']['createClient']> | null = null;
  private readonly logLines: string[] = [];
  /** The crash instant has passed: this engine only waits to be ended. */
  private crashed = false;
  private counters: TickCounters = { fsyncs: 0, fsyncMaxMs: 0, aofWrites: 0, job: null };
  /** The keyspace view the page watches (null: none). */
  keyspacePrefix: string | null = null;
  /** Called when the server is replaced or gone, e.g. to drop replication state tied to it. */
  onServerChange: (() => void) | null = null;

  /** The running server, or an error a person can read. */
  require(): PersistentServer {
    if (!this.server) throw new Error(NOT_STARTED);
    return this.server;
  }

  readonly api = {
    /** Starts the server on the chosen storage, recovering what the files hold. */
    start: async (options: StartOptions, call: CallContext): Promise<StartInfo> => this.start(options, call),

    /** A console line, through redis-cli's own handling (help, repeat counts, quoting errors), its terminal output back. */
    execute: async (line: string): Promise<ConsoleResult | null> => {
      const server = this.require();
      const started = performance.now();
      const result = await runCliLine(textToBin(line), 'tty', async (argv) => {
        try {
          return await server.execute(this.console!, argv);
        } catch (e) {
          // An unrecoverable error ends the server as it ends redis-server; nothing more runs.
          this.dropServer();
          throw new Error(`The server exited: ${(e as Error).message}. Reload to restart it from its files.`);
        }
      });
      if (result.output === '' && !result.clearScreen) return null;
      // The terminal's colour codes (help's bold, grey and yellow) are not for a page.
      const plain = result.output.replace(/\x1b\[[0-9;]*m/g, '');
      return {
        text: (binToText(plain) ?? plain).replace(/\n$/, ''),
        isError: result.isError,
        clearScreen: result.clearScreen,
        db: this.console!.db,
        inTransaction: this.console!.multi !== null,
        elapsedMs: performance.now() - started,
      };
    },

    keyCount: async (): Promise<number> => (this.server ? this.server.engine.dbs.reduce((sum, db) => sum + db.size, 0) : 0),

    /** redis.conf text checked line by line, as the editor shows it. */
    validateConfig: async (text: string) => applyConfigText(new Config(), text),

    /**
     * A new configuration applied while the server runs, as CONFIG SET applies it: the data
     * stays; turning the AOF on writes the live dataset as its first base. Returns the
     * directives that changed.
     */
    reconfigure: async (configText: string): Promise<{ changed: string[] }> => this.reconfigure(configText),

    /** Time controls: speed, pause, and a step of `stepMs` while paused (cron runs once). */
    setTime: async (change: { speed?: number; paused?: boolean; stepMs?: number }) => {
      const clock = this.clock;
      if (!clock) throw new Error(NOT_STARTED);
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
    },

    startWorkload: async (spec: WorkloadSpec, seed: number) => {
      if (!this.workload) throw new Error(NOT_STARTED);
      this.workload.start(spec, seed);
    },
    stopWorkload: async () => this.workload?.end(),
    pauseWorkload: async (paused: boolean) => {
      if (paused) this.workload?.pause();
      else this.workload?.resume();
    },

    /** The crash instant: the workload stops and says what it had acknowledged, and when. */
    haltForCrash: async (): Promise<LiveCrashRecord | null> => {
      // Nothing runs after the crash instant: a cron tick between this call and the power loss
      // must not fsync what the crash is about to take.
      this.crashed = true;
      const record = (await this.workload?.halt()) ?? null;
      // A background fsync started before the crash instant returns before the power goes, not during its cut.
      await this.server?.backgroundFsyncSettled();
      return record;
    },

    /** Power loss: the disk goes back to what was durable; the page then ends this worker. */
    powerLoss: async (torn: boolean) => {
      this.workload?.end();
      if (!this.cache) return [];
      const report = await this.cache.powerLoss({ torn, random: (bound) => Math.floor(Math.random() * bound) });
      this.dropServer();
      return report.files;
    },

    /** In the recovered engine: the crashed one's record judged against what came back. */
    judgeCrash: async (record: LiveCrashRecord, crash: CrashKind, failoverLinkDelayMs: number | null): Promise<LiveCrashReport> => {
      const server = this.require();
      return judgeLiveCrash(record, ackedCounter(server.engine), failoverLinkDelayMs === null ? { config: server.config, crash } : { failoverLinkDelayMs });
    },

    /** Which keyspace summary the telemetry carries (null: none). */
    watchKeyspace: async (prefix: string | null) => {
      this.keyspacePrefix = prefix;
    },

    durability: async (): Promise<Durability> => this.durability(),

    /** SHUTDOWN's persistence: children finish, the AOF is fsynced, save points save. The page then ends this worker. */
    shutdown: async (): Promise<void> => {
      const server = this.require();
      this.workload?.end();
      await server.shutdown();
      this.dropServer();
    },

    /** What a clean restart would read now, and how many keys would come back. */
    restartPreview: async (call: CallContext): Promise<RestartPreview> => this.restartPreview(call),
  };

  async start(options: StartOptions, call?: CallContext): Promise<StartInfo> {
    const config = new Config();
    const problems = applyConfigText(config, options.config);
    if (problems.length > 0) throw new Error(problems.map((p) => `line ${p.line}: ${p.message}`).join('\n'));
    this.crashed = false;
    this.database = options.database ?? 'persistence-lab';
    let backend = options.backend;
    let notice: string | null = null;
    let store: FileStore;
    if (backend === 'memory') store = new MemoryStore();
    else {
      const opened = await openStore(backend, this.database);
      if (opened.notice) notice = opened.notice;
      backend = opened.backend;
      if (!(await acquireLock(`${this.database}:${backend}`, options.lockWaitMs))) {
        notice = `Another tab is already using the lab's ${storeLabel(backend)} files. This tab runs in memory only: nothing it does is saved. Close the other tab and reload to use the files here.`;
        backend = 'memory';
        store = new MemoryStore();
      } else store = opened.store;
    }
    const clock = new LiveClock(options.speed ?? 1);
    const cache = new PageCacheStore(store, { now: () => clock.now() });
    const started = performance.now();
    const { server, report } = await PersistentServer.start({
      disk: cache,
      config,
      clock,
      rdb: rdbCodec,
      log: (line) => this.log(line),
      wallClock: () => performance.now(),
      childThread: hostThread,
      ...(call ? { signal: call.signal, onLoadProgress: (done: number, total: number) => call.progress(done, total) } : {}),
    });
    this.clock = clock;
    this.cache = cache;
    this.adopt(server);
    // Recovery from an RDB starts at the snapshot's counter: what a crash now must keep.
    if (report.source === 'rdb') this.watch!.lastSnapshotMark = ackedCounter(server.engine);
    return {
      backend,
      notice,
      recovery: {
        source: report.source,
        keys: report.keys,
        files: report.files.map((f) => ({ name: f.name, bytes: f.bytes })),
        truncatedBytes: report.truncation?.droppedBytes ?? 0,
        tornTail: report.truncation?.dropped ? { file: report.truncation.file, offset: report.truncation.truncatedTo, bytes: report.truncation.dropped } : null,
        loadMs: Math.round(performance.now() - started),
      },
      log: [...this.logLines],
    };
  }

  /** Makes `server` the live one: the console, the workload and the books follow it. */
  adopt(server: PersistentServer): void {
    this.watch?.stop();
    this.server = server;
    this.console = server.engine.createClient();
    this.watch = new ServerWatch(server, () => ackedCounter(server.engine));
    this.workload = new LiveWorkload(server, () => this.watch?.lastSnapshotMark ?? 0);
    server.events.on((event) => {
      if (event.type === 'fsync') {
        this.counters.fsyncs++;
        this.counters.fsyncMaxMs = Math.max(this.counters.fsyncMaxMs, event.durationMs);
      } else if (event.type === 'aof-write') this.counters.aofWrites++;
      else if (event.type === 'child-started' || event.type === 'child-exited') this.counters.job = event.kind;
    });
    this.onServerChange?.();
  }

  private dropServer(): void {
    this.workload?.end();
    this.watch?.stop();
    this.server = null;
    this.onServerChange?.();
  }

  /** serverCron plus the kernel's writeback, at the live clock's pace (nothing while paused). */
  async tick(): Promise<void> {
    if (!this.server || !this.cache || this.crashed) return;
    await this.server.cron();
    await this.cache.writeback();
  }

  /** This tick's counters; they start over. */
  takeCounters(): TickCounters {
    const taken = { ...this.counters, job: this.server?.job?.kind ?? this.counters.job };
    this.counters = { fsyncs: 0, fsyncMaxMs: 0, aofWrites: 0, job: null };
    return taken;
  }

  private readonly summaries = new KeyspaceSummaries();

  keyspace(): KeyspaceSummary | null {
    if (this.keyspacePrefix === null || !this.server) return null;
    return this.summaries.summary(this.server.engine, textToBin(this.keyspacePrefix), [ACKED_KEY]);
  }

  async durability(): Promise<Durability> {
    const state = this.cache ? await this.cache.state() : { unsyncedBytes: 0, dirtyFiles: 0 };
    const server = this.server;
    const aof = server?.aof ?? null;
    const percentage = server ? server.config.getNumber('auto-aof-rewrite-percentage') : 0;
    const rewriteAtBytes = aof && server && percentage > 0 ? Math.max(server.config.getNumber('auto-aof-rewrite-min-size'), Math.ceil(aof.baseSize * (1 + percentage / 100))) : null;
    const rdbBytes = server && this.cache ? ((await this.cache.size(server.config.get('dbfilename'))) ?? 0) : 0;
    return { unsyncedBytes: state.unsyncedBytes, dirtyFiles: state.dirtyFiles, aofBytes: aof?.currentSize ?? 0, rewriteAtBytes, rdbBytes };
  }

  private async restartPreview(call: CallContext): Promise<RestartPreview> {
    const server = this.require();
    const cache = this.cache!;
    const keysNow = server.engine.dbs.reduce((sum, db) => sum + db.size, 0);
    const aof = server.config.getBool('appendonly');
    const savesFirst = aof || server.savePoints().length > 0;
    const dir = aof ? server.config.get('appenddirname') : '';
    const files = (await listFilesIn(cache, [dir])).filter((f) => (aof ? true : f.path === server.config.get('dbfilename')));
    if (savesFirst) return { reads: aof ? 'aof' : 'rdb', savesFirst, files, keys: keysNow, keysNow };
    // Nothing is written on the way down: what comes back is the snapshot on disk as it is.
    const scratch = new Engine({ clock: systemClock, limits: server.engine.limits, databases: server.engine.dbs.length });
    const path = server.config.get('dbfilename');
    if ((await cache.size(path)) !== null) await rdbCodec.load(scratch, path, readChunks(cache, path), { signal: call.signal, onProgress: (done) => call.progress(done, files[0]?.bytes ?? done) });
    return { reads: 'rdb', savesFirst, files, keys: scratch.dbs.reduce((sum, db) => sum + db.size, 0), keysNow };
  }

  private async reconfigure(configText: string): Promise<{ changed: string[] }> {
    const server = this.require();
    const wanted = new Config();
    const problems = applyConfigText(wanted, configText);
    if (problems.length > 0) throw new Error(problems.map((p) => `line ${p.line}: ${p.message}`).join('\n'));
    const client = server.engine.createClient();
    const changed: string[] = [];
    // appendonly last: the first AOF base is written with the fsync policy and preamble wanted.
    const entries = wanted.entries((name) => name !== 'appendonly').concat([['appendonly', wanted.get('appendonly')]]);
    for (const [name, value] of entries) {
      if (server.config.get(name) === value || !runtimeSettable(name)) continue;
      const reply = await server.execute(client, ['CONFIG', 'SET', name, value]);
      if (reply.kind === 'error') {
        // Redis says "Check server logs": the page has no log pane, so the log's reason goes along.
        const reason = reply.value.includes('Check server logs') ? this.logLines.at(-1) : undefined;
        throw new Error(`CONFIG SET ${name} ${value}: ${reply.value}${reason ? ` (server log: ${reason})` : ''}`);
      }
      changed.push(name);
    }
    return { changed };
  }

  private log(line: string): void {
    this.logLines.push(line);
    if (this.logLines.length > 200) this.logLines.shift();
  }
}

/** Whether CONFIG SET may change `name` (immutable and protected directives need a restart). */
function runtimeSettable(name: string): boolean {
  try {
    Config.settable(name);
    return true;
  } catch {
    return false;
  }
}
