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
import { failoverPromise, MAX_LOST_KEYS } from '../scenario/promises.js';
import { judgeFailover, promiseFor } from './promise.js';
import { ClientPool, LatencyHistogram } from './clients.js';
import { ScenarioLoop, Step } from './scenario-loop.js';
import { ServerWatch } from './server-watch.js';
import { SIM_EPOCH_MS, VirtualClock } from './virtual-clock.js';
import { seededWorkload } from './workload.js';
import { explain } from './report-story.js';
import { groupDigits } from '../scenario/words.js';

/** A fork child writes 200 MB/s of virtual time. */
const CHILD_BYTES_PER_MS = 200_000;

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
  // Arrivals are a Poisson process at the workload's rate: a few percent over its mean is room enough.
  const history = new WriteHistory((scenario.workload.rate * crashAt * 1.05) / 1000 + 1024);
  const workload = seededWorkload(scenario.workload, seed);

  // What the server did, as it announces it: the acknowledged writes each snapshot holds, the
  // last fsync, the rewrites.
  const watch = new ServerWatch(server, () => history.length);

  const end = SIM_EPOCH_MS + crashAt;
  const connections = Array.from({ length: scenario.workload.clients ?? DEFAULT_CLIENTS }, () => server.engine.createClient());
  const pool = new ClientPool(connections, scenario.workload.pipeline ?? DEFAULT_PIPELINE);
  const latency = new LatencyHistogram();
  let lastProgress = 0;
  const loop = new ScenarioLoop({
    server,
    clock,
    pool,
    workload,
    history,
    latency,
    events: scenario.events.flatMap((e) => (e.kind === 'crash' ? [] : [{ ...e, at: SIM_EPOCH_MS + e.at }])),
    end,
    everyCronTick: options.everyCronTick === true,
    tracing: options.onTrace !== undefined,
    traceEveryMs: Math.max(1, options.traceEveryMs ?? 1000),
    speed: options.speed ?? 0,
    breathing: options.breathe !== undefined,
    signal: options.signal,
    afterStep: (t) => {
      replica?.pump(t);
      if (options.onProgress && t - lastProgress >= 1000) {
        lastProgress = t;
        options.onProgress(t - SIM_EPOCH_MS, crashAt);
      }
    },
  });
  for (let step = loop.advance(); step !== Step.End; step = loop.advance()) {
    switch (step) {
      case Step.Pace:
        await new Promise((resolve) => setTimeout(resolve, loop.waitMs));
        continue;
      case Step.Breathe:
        await options.breathe!();
        loop.breathed();
        continue;
      case Step.Turn:
        loop.finishTurn(await loop.turn!);
        break;
      case Step.Event: {
        const event = loop.event!;
        const split = event.kind === 'config' ? splitCommandLine(`CONFIG SET ${event.directive}`) : { ok: true as const, argv: [event.kind.toUpperCase()] };
        const reply = split.ok ? await server.execute(client, split.argv) : { kind: 'error' as const, value: split.error };
        // A directive CONFIG SET refuses would make the run something else than the scenario says.
        if (event.kind === 'config' && reply.kind === 'error') throw new Error(`the scenario's CONFIG SET ${event.directive} at ${event.at - SIM_EPOCH_MS} ms was refused: ${reply.value}`);
        break;
      }
      case Step.Cron:
        await server.cron();
        loop.cronRan();
        break;
      case Step.Writeback:
        await cache.writeback();
        break;
      case Step.FsyncReturns:
        await server.finishBackgroundFsync();
        break;
      case Step.Trace:
        options.onTrace!({
          atMs: loop.t - SIM_EPOCH_MS,
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
        break;
    }
    loop.stepDone();
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
    turns: loop.turns,
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
      ? { held: false, verdict: `The restarted server refused to load its files, so none of the ${groupDigits(acknowledged)} acknowledged writes came back: ${recoveryError}` }
      : failover
        ? judgeFailover(facts, scenario.replica!.linkDelayMs)
        : promise.judge(facts);
  const lostKeys = [...new Set(analysis.lost.map((w) => w.key))].slice(0, MAX_LOST_KEYS);
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
