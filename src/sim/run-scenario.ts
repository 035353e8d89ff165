// Runs a scenario on the virtual clock: the workload against a persistent server whose disk is
// the page-cache model over a real backend, cron and kernel writeback at their intervals, the
// timeline's events, then the crash — and recovery from exactly what survived, judged against
// the acknowledged history and the policy's promise.
import { applyConfigText, Config, datasetDigest, Engine, PersistentServer, type RdbCodec, Replica, ReplicationPrimary, seededRng, splitCommandLine } from '../engine/index.js';
import type { CrashKind, Scenario } from '../scenario/scenario.js';
import { crashOf, DEFAULT_CLIENTS, DEFAULT_PIPELINE, scenarioConfigText } from '../scenario/scenario.js';
import { listFilesIn, type FileStore } from '../storage/file-store.js';
import { PageCacheStore } from '../storage/page-cache.js';
import { fsyncModel } from './disk-model.js';
import { WriteHistory } from './history.js';
import { failoverPromise } from '../scenario/promises.js';
import { judgeFailover, promiseFor } from './promise.js';
import { ClientPool, LatencyHistogram } from './clients.js';
import { ServerWatch } from './server-watch.js';
import { SIM_EPOCH_MS, VirtualClock } from './virtual-clock.js';
import { seededWorkload } from './workload.js';
import { explain } from './report-story.js';

/** serverCron runs at hz 10. */
const CRON_INTERVAL_MS = 100;
/** The kernel flusher wakes every dirty_writeback_centisecs (5 s). */
const WRITEBACK_INTERVAL_MS = 5_000;
/** A fork child writes 200 MB/s of virtual time. */
const CHILD_BYTES_PER_MS = 200_000;
const MAX_LOST_KEYS = 100;

export interface RunOptions {
  /** The disk under the page-cache model (memory in tests, OPFS/IndexedDB in the browser). */
  backend: FileStore;
  rdb: RdbCodec;
  /** Overrides the scenario's crash ('none': a clean shutdown). */
  crash?: CrashKind | 'none';
  crashAtMs?: number;
  seed?: number;
  /** Called with virtual ms done and the total, now and then. */
  onProgress?: (doneMs: number, totalMs: number) => void;
  log?: (line: string) => void;
  /** Bytes per virtual ms a fork child writes (default 200 MB/s); lower makes jobs span crashes. */
  childBytesPerMs?: number;
  /**
   * Virtual ms per wall-clock ms: 1 is real time, 360 an hour in 10 s; unset runs as fast as
   * possible. Pacing waits on real timers, so a cancel can arrive in between.
   */
  speed?: number;
  /** Stops the run at its next step: runScenario then rejects with a 'cancelled' error. */
  signal?: { readonly aborted: boolean };
  /** Awaited every ~50 ms of work when running as fast as possible, to let messages in. */
  breathe?: () => Promise<void>;
  /**
   * Run serverCron on every tick even when the server says it has nothing to do (slower, and the
   * same report: a test holds the two equal).
   */
  everyCronTick?: boolean;
  /** Called with the run's state every `traceEveryMs` of virtual time: the history a scrubber seeks through. */
  onTrace?: (point: TracePoint) => void;
  traceEveryMs?: number;
}

/** The run at one instant, as a scrubber shows it. */
export interface TracePoint {
  /** Virtual ms since the start of the run. */
  atMs: number;
  acknowledgedWrites: number;
  keys: number;
  aofBytes: number;
  rdbBytes: number;
  /** Written, not yet durable: what a power loss at this instant would take. */
  unsyncedBytes: number;
  fsyncs: number;
  /** Virtual ms of the last completed fsync and snapshot, if any. */
  lastFsyncAtMs: number | null;
  lastSnapshotAtMs: number | null;
  job: 'rdb' | 'aof' | null;
}

export interface RunReport {
  policy: string;
  promise: string;
  crash: CrashKind | 'none';
  /** Virtual ms from the start of the run to the crash (or the end). */
  crashAtMs: number;
  acknowledgedWrites: number;
  recoveredWrites: number;
  lostWrites: number;
  /** Virtual ms from the first lost acknowledged write to the crash. */
  lostWindowMs: number;
  promiseHeld: boolean;
  /** Why the promise held or not, in a sentence. */
  verdict: string;
  /** The run's story in plain English: the last fsync or snapshot, what the crash took, the promise. */
  explanation: string;
  /** Recovered data equals the state after a prefix of the acknowledged writes. */
  consistent: boolean;
  /** Why the restarted server refused to load the files (nothing came back), or null. */
  recoveryError: string | null;
  files: { name: string; bytes: number }[];
  /** Where the data came back from: the primary's disk, or the replica's memory (failover). */
  recoveredFrom: 'disk' | 'replica';
  /** Acknowledged writes the last snapshot that completed before the crash contained (0: none completed). */
  lastSnapshotWrites: number;
  /** Virtual ms when that snapshot was taken (its fork), or null when none completed. */
  lastSnapshotAtMs: number | null;
  /** Measured wall-clock ms of the recovery (the only field that varies between runs). */
  recoveryMs: number;
  truncatedBytes: number;
  digest: string;
  lostKeys: string[];
  stats: {
    bytesWritten: number;
    fsyncs: number;
    /** write(2) calls on the AOF: one per event-loop turn that had writes. */
    aofWrites: number;
    /** Event-loop turns that ran workload writes. */
    turns: number;
    snapshots: number;
    rewrites: number;
    delayedFsyncs: number;
  };
  /** Acknowledged writes per second of virtual time, up to the crash. */
  throughput: number;
  /** Virtual ms from a write's arrival at its client to its reply: median and 99th percentile. */
  latencyMs: { p50: number | null; p99: number | null };
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunReport> {
  const seed = options.seed ?? scenario.seed;
  const scheduled = crashOf(scenario);
  const crash = options.crash ?? scheduled?.crash ?? 'none';
  const crashAt = Math.min(options.crashAtMs ?? scheduled?.at ?? scenario.durationMs, scenario.durationMs);
  const config = new Config();
  const problems = applyConfigText(config, scenarioConfigText(scenario));
  if (problems.length > 0) throw new Error(`the scenario's configuration is not valid: ${problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`);

  const clock = new VirtualClock();
  const cache = new PageCacheStore(options.backend, { now: () => clock.now() });
  const log = options.log ?? (() => {});
  const fsyncDurationMs = fsyncModel(scenario.disk, seededRng(seed ^ 0xd15c));
  const { server } = await PersistentServer.start({
    disk: cache,
    config,
    clock,
    rdb: options.rdb,
    rng: seededRng(seed),
    log,
    childBytesPerMs: options.childBytesPerMs ?? CHILD_BYTES_PER_MS,
    ...(fsyncDurationMs ? { fsyncDurationMs } : {}),
  });
  const client = server.engine.createClient();
  // An optional replica, fed the command stream over a link with a delay.
  const replication = scenario.replica ? new ReplicationPrimary(server.engine, { backlogSize: 1 << 20, rng: seededRng(seed ^ 0x4e91) }) : null;
  const replica = scenario.replica ? new Replica(new Engine({ clock })) : null;
  if (replica && replication) {
    replica.linkDelayMs = scenario.replica!.linkDelayMs;
    await replica.connect(replication);
  }
  const history = new WriteHistory();
  const workload = seededWorkload(scenario.workload, seed);

  // What the server did, as it announces it: the acknowledged writes each snapshot holds, the
  // last fsync, the rewrites.
  const watch = new ServerWatch(server, () => history.length);

  const end = SIM_EPOCH_MS + crashAt;
  const pool = new ClientPool(scenario.workload.clients ?? DEFAULT_CLIENTS, scenario.workload.pipeline ?? DEFAULT_PIPELINE);
  const clients = Array.from({ length: pool.clients }, () => server.engine.createClient());
  const latency = new LatencyHistogram();
  let turns = 0;
  let nextArrival = SIM_EPOCH_MS + workload.nextGap();
  let nextCron = SIM_EPOCH_MS + CRON_INTERVAL_MS;
  let nextWriteback = SIM_EPOCH_MS + WRITEBACK_INTERVAL_MS;
  /** The event loop is busy until then (an fsync under appendfsync always holds the whole server). */
  let serverFreeAt = SIM_EPOCH_MS;
  const events = scenario.events.filter((e) => e.kind !== 'crash').map((e) => ({ ...e, at: SIM_EPOCH_MS + e.at }));
  let lastProgress = 0;
  const traceEvery = Math.max(1, options.traceEveryMs ?? 1000);
  let nextTrace = SIM_EPOCH_MS;
  const wallStart = performance.now();
  let lastBreath = wallStart;
  for (;;) {
    // Work of the server (a turn, cron, an event) waits while it is busy; arrivals do not.
    const nextEvent = events.length > 0 ? Math.max(events[0]!.at, serverFreeAt) : Infinity;
    const nextTurn = pool.hasSent ? serverFreeAt : Infinity;
    const sample = options.onTrace ? nextTrace : Infinity;
    const other = Math.min(nextArrival, nextTurn, nextWriteback, nextEvent, sample);
    if (!options.everyCronTick && nextCron >= serverFreeAt && nextCron <= other) {
      // Until the next other step nothing changes the server: the ticks before the first one
      // that can find cron work would each do nothing, so they are skipped.
      const until = Math.min(server.nextCronWork(), other, end + CRON_INTERVAL_MS);
      if (until > nextCron) nextCron = SIM_EPOCH_MS + Math.ceil((until - SIM_EPOCH_MS) / CRON_INTERVAL_MS) * CRON_INTERVAL_MS;
    }
    const cronAt = Math.max(nextCron, serverFreeAt);
    const t = Math.min(other, cronAt);
    if (t > end) break;
    if (options.signal?.aborted) throw new Error('The scenario run was cancelled.');
    if (options.speed) {
      const due = wallStart + (t - SIM_EPOCH_MS) / options.speed;
      const wait = due - performance.now();
      if (wait > 4) await new Promise((resolve) => setTimeout(resolve, wait));
    } else if (options.breathe && performance.now() - lastBreath > 50) {
      await options.breathe();
      lastBreath = performance.now();
    }
    clock.advanceTo(t);
    if (t === nextArrival) {
      pool.arrive(workload.next(), t);
      nextArrival += workload.nextGap();
    } else if (t === nextTurn) {
      // One event-loop turn: every write sent so far runs, then one AOF write (and under
      // appendfsync always one fsync) before any of their replies leaves.
      const batch = pool.takeSent();
      const commands = [];
      for (const write of batch) commands.push({ client: clients[write.client]!, argv: write.argv });
      const replies = await server.executeTurn(commands);
      const repliedAt = Math.max(clock.now(), server.busyUntil);
      turns++;
      for (let i = 0; i < batch.length; i++) {
        const write = batch[i]!;
        if (replies[i]!.kind !== 'error') history.ack(write.argv, repliedAt);
        latency.record(repliedAt - write.arrivedAt);
        pool.replied(write.client);
      }
      serverFreeAt = repliedAt;
    } else if (t === nextEvent) {
      const event = events.shift()!;
      const split = event.kind === 'config' ? splitCommandLine(`CONFIG SET ${event.directive}`) : { ok: true as const, argv: [event.kind.toUpperCase()] };
      const reply = split.ok ? await server.execute(client, split.argv) : { kind: 'error' as const, value: split.error };
      // A directive CONFIG SET refuses would make the run something else than the scenario says.
      if (event.kind === 'config' && reply.kind === 'error') throw new Error(`the scenario's CONFIG SET ${event.directive} at ${event.at - SIM_EPOCH_MS} ms was refused: ${reply.value}`);
    } else if (t === cronAt) {
      await server.cron();
      // A cron the busy server missed runs once, late, as serverCron does.
      while (nextCron <= t) nextCron += CRON_INTERVAL_MS;
    } else if (t === nextWriteback) {
      await cache.writeback();
      nextWriteback += WRITEBACK_INTERVAL_MS;
    } else {
      // A sample of the run's state, after everything else that happened at this instant.
      nextTrace += traceEvery;
      options.onTrace!({
        atMs: t - SIM_EPOCH_MS,
        acknowledgedWrites: history.length,
        keys: server.engine.dbs.reduce((sum, db) => sum + db.size, 0),
        aofBytes: server.aof?.currentSize ?? 0,
        rdbBytes: (await cache.size(config.get('dbfilename'))) ?? 0,
        unsyncedBytes: (await cache.state()).unsyncedBytes,
        fsyncs: cache.stats.fsyncs,
        lastFsyncAtMs: watch.lastFsyncEnd === null ? null : watch.lastFsyncEnd - SIM_EPOCH_MS,
        lastSnapshotAtMs: watch.lastSnapshotAt === null ? null : watch.lastSnapshotAt - SIM_EPOCH_MS,
        job: server.job?.kind ?? null,
      });
    }
    replica?.pump(t);
    if (options.onProgress && t - lastProgress >= 1000) {
      lastProgress = t;
      options.onProgress(t - SIM_EPOCH_MS, crashAt);
    }
  }
  clock.advanceTo(end);
  replica?.pump(end);
  const failover = replica !== null && !scenario.replica!.lost;
  // The promise of the configuration at the crash: a config event may have changed it.
  const promise = promiseFor(config);

  if (crash === 'none') await server.shutdown();
  else if (crash === 'power') await cache.powerLoss();
  else if (crash === 'torn') {
    const rng = seededRng(seed ^ 0x7042);
    await cache.powerLoss({ torn: true, random: (bound) => Math.floor((rng.nextUint32() / 0x100000000) * bound) });
  }
  const stats = {
    bytesWritten: cache.stats.bytesWritten,
    fsyncs: cache.stats.fsyncs,
    aofWrites: server.status.aofWrites,
    turns,
    snapshots: watch.snapshots,
    rewrites: watch.rewrites,
    delayedFsyncs: server.status.aofDelayedFsync,
  };

  // Recovery: a failover to the replica's memory, or a new process on the same disk, as
  // redis-server restarting.
  clock.advanceTo(end + 1);
  const started = performance.now();
  // A restart can refuse the files (a torn AOF under aof-load-truncated no): redis-server exits,
  // and nothing comes back until someone repairs them.
  let restarted: Awaited<ReturnType<typeof PersistentServer.start>> | null = null;
  let recoveryError: string | null = null;
  if (!failover) {
    try {
      restarted = await PersistentServer.start({ disk: options.backend, config, clock, rdb: options.rdb, log });
    } catch (e) {
      recoveryError = (e as Error).message;
    }
  }
  const recovered = failover ? replica!.engine : restarted?.server.engine ?? new Engine({ clock });
  const recoveryMs = performance.now() - started;
  const files = await listFiles(options.backend, config.get('appenddirname'));
  // Without an AOF, what should come back is the last snapshot (all of it after a clean shutdown that saves).
  const snapshotWrites = crash === 'none' && config.get('save').trim() !== '' ? history.length : watch.lastSnapshotMark;
  const analysis = history.analyze(recovered, end, failover || config.getBool('appendonly') ? null : snapshotWrites);
  const lostWindowMs = analysis.lost.length > 0 ? Math.round(end - analysis.lost[0]!.at) : 0;
  const acknowledged = analysis.acknowledged;
  const facts = { crash, prefix: analysis.prefix, feasible: analysis.feasible, acknowledged, lostWindowMs, lastSnapshotSeq: watch.lastSnapshotMark };
  const judged =
    recoveryError !== null
      ? { held: false, verdict: `The restarted server refused to load its files, so none of the ${acknowledged.toLocaleString('en-US')} acknowledged writes came back: ${recoveryError}` }
      : failover
        ? judgeFailover(facts, scenario.replica!.linkDelayMs)
        : promise.judge(facts);
  const lostKeys = [...new Set(analysis.lost.map((w) => w.argv[1]!))].slice(0, MAX_LOST_KEYS);
  return {
    policy: failover ? `${promise.policy}+replica` : promise.policy,
    promise: failover ? failoverPromise(scenario.replica!.linkDelayMs) : promise.text,
    crash,
    crashAtMs: crashAt,
    acknowledgedWrites: acknowledged,
    // Refused files bring nothing back, even where an empty dataset equals a prefix (a first DEL).
    recoveredWrites: recoveryError !== null ? 0 : Math.min(analysis.prefix ?? 0, acknowledged),
    lostWrites: recoveryError !== null || analysis.prefix === null ? acknowledged : analysis.lost.length,
    lostWindowMs,
    promiseHeld: judged.held,
    verdict: judged.verdict,
    explanation: explain({
      crash,
      crashAt,
      lost: recoveryError !== null ? acknowledged : analysis.lost.length,
      firstLostAt: analysis.lost[0] ? analysis.lost[0].at - SIM_EPOCH_MS : null,
      lastFsyncAt: watch.lastFsyncEnd === null ? null : watch.lastFsyncEnd - SIM_EPOCH_MS,
      lastSnapshotAt: watch.lastSnapshotAt === null ? null : watch.lastSnapshotAt - SIM_EPOCH_MS,
      acknowledged,
      aof: config.getBool('appendonly'),
      promise: failover ? failoverPromise(scenario.replica!.linkDelayMs) : promise.text,
      recoveryError,
      recoveredFrom: failover ? 'replica' : 'disk',
      replica: scenario.replica ? { linkDelayMs: scenario.replica.linkDelayMs, lost: scenario.replica.lost === true } : null,
    }),
    consistent: analysis.prefix !== null,
    recoveryError,
    files,
    recoveryMs: Math.round(recoveryMs * 100) / 100,
    truncatedBytes: restarted?.report.truncation?.droppedBytes ?? 0,
    digest: datasetDigest(recovered),
    recoveredFrom: failover ? 'replica' : 'disk',
    lastSnapshotWrites: watch.lastSnapshotMark,
    lastSnapshotAtMs: watch.lastSnapshotAt === null ? null : watch.lastSnapshotAt - SIM_EPOCH_MS,
    lostKeys,
    stats,
    throughput: crashAt > 0 ? Math.round((acknowledged * 1000) / crashAt) : 0,
    latencyMs: { p50: latency.quantile(0.5), p99: latency.quantile(0.99) },
  };
}

async function listFiles(store: FileStore, aofDir: string): Promise<{ name: string; bytes: number }[]> {
  return (await listFilesIn(store, ['', aofDir])).map(({ path, bytes }) => ({ name: path, bytes }));
}
