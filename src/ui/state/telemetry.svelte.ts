// The worker's telemetry as the panels read it: the latest numbers, rates over the last second,
// a bounded history of samples for the timeline (a long run never grows memory), and what the
// worker sends now and then (files, backups, the watched keyspace, replication, the last rewrite).
import type { BackupEntry, KeyspaceSummary, ReplicationStatus, RewriteReport, ServerTelemetry, Telemetry } from '../../worker/protocol.js';
import { TELEMETRY_INTERVAL_MS } from '../../worker/protocol.js';

const WINDOW_TICKS = Math.round(1000 / TELEMETRY_INTERVAL_MS);
/** 60 s of samples. */
export const HISTORY_SAMPLES = Math.round(60_000 / TELEMETRY_INTERVAL_MS);

/** One telemetry tick as the charts keep it, stamped with its arrival (performance.now ms). */
export type Sample = { at: number; replicationLagBytes: number | null } & Pick<ServerTelemetry, 'ops' | 'unsyncedBytes' | 'aofBytes' | 'rdbBytes' | 'rewriteAtBytes' | 'fsyncs' | 'fsyncMaxMs' | 'aofWrites' | 'job'>;

export class TelemetryState {
  keys = $state(0);
  memoryBytes = $state(0);
  opsPerSecond = $state(0);
  /** The AOF's write(2) and fsync(2) calls per second, over the last second: group commit, seen. */
  aofWritesPerSecond = $state(0);
  fsyncsPerSecond = $state(0);
  unsyncedBytes = $state(0);
  aofBytes = $state(0);
  acked = $state(0);
  /** Workload writes acknowledged per second, over the last second. */
  ackedPerSecond = $state(0);
  /** Acknowledgement latency of the workload's writes in the last tick that had any (real ms). */
  latencyP50Ms = $state<number | null>(null);
  latencyP99Ms = $state<number | null>(null);
  /** How finely the worker's clock ticks: a latency below it was too short to time. */
  clockResolutionMs = $state(0);
  workloadRunning = $state(false);
  workloadPaused = $state(false);
  serverTime = $state.raw<ServerTelemetry['time'] | null>(null);
  files = $state.raw<{ path: string; bytes: number }[]>([]);
  backups = $state.raw<BackupEntry[]>([]);
  keyspace = $state.raw<KeyspaceSummary | null>(null);
  lastRewrite = $state.raw<RewriteReport | null>(null);
  lastRewriteError = $state<string | null>(null);
  replication = $state.raw<ReplicationStatus | null>(null);
  /** The worker's periodic work failed (a storage error): said until the next good tick. */
  problem = $state<string | null>(null);
  history = $state.raw<Sample[]>([]);
  private readonly recentOps = new RateWindow();
  private readonly recentAcks = new RateWindow();
  private readonly recentAofWrites = new RateWindow();
  private readonly recentFsyncs = new RateWindow();

  update(t: Telemetry, at = performance.now()): void {
    this.problem = null;
    this.workloadRunning = t.workload.running;
    this.workloadPaused = t.workload.paused;
    this.acked = t.workload.acked;
    this.clockResolutionMs = t.workload.clockResolutionMs;
    if (t.workload.latencyP50Ms !== null) {
      this.latencyP50Ms = t.workload.latencyP50Ms;
      this.latencyP99Ms = t.workload.latencyP99Ms;
    }
    this.ackedPerSecond = this.recentAcks.add(t.workload.ackedInTick);
    this.lastRewrite = t.lastRewrite;
    this.lastRewriteError = t.lastRewriteError;
    this.replication = t.replication?.status ?? null;
    if (t.files) this.files = t.files;
    if (t.backups) this.backups = t.backups;
    if (t.keyspace) this.keyspace = t.keyspace;
    const server = t.server;
    if (!server) return;
    this.keys = server.keys;
    this.memoryBytes = server.memoryBytes;
    this.unsyncedBytes = server.unsyncedBytes;
    this.aofBytes = server.aofBytes;
    this.serverTime = server.time;
    this.opsPerSecond = this.recentOps.add(server.ops);
    this.aofWritesPerSecond = this.recentAofWrites.add(server.aofWrites);
    this.fsyncsPerSecond = this.recentFsyncs.add(server.fsyncs);
    const sample: Sample = {
      at,
      ops: server.ops,
      unsyncedBytes: server.unsyncedBytes,
      aofBytes: server.aofBytes,
      rdbBytes: server.rdbBytes,
      rewriteAtBytes: server.rewriteAtBytes,
      fsyncs: server.fsyncs,
      fsyncMaxMs: server.fsyncMaxMs,
      aofWrites: server.aofWrites,
      job: server.job,
      replicationLagBytes: t.replication?.lagBytes ?? null,
    };
    this.history = this.history.length >= HISTORY_SAMPLES ? [...this.history.slice(1), sample] : [...this.history, sample];
  }

  /** A new engine process: the timeline and the rates start over. */
  reset(): void {
    this.history = [];
    for (const window of [this.recentOps, this.recentAcks, this.recentAofWrites, this.recentFsyncs]) window.clear();
    this.latencyP50Ms = null;
    this.latencyP99Ms = null;
    this.lastRewrite = null;
    this.lastRewriteError = null;
    this.replication = null;
  }
}

/** A per-tick count over the last second, as a rate per second. */
class RateWindow {
  private perTick: number[] = [];

  /** Adds this tick's count; returns the rate over the last second. */
  add(count: number): number {
    this.perTick = [...this.perTick, count].slice(-WINDOW_TICKS);
    return Math.round((this.perTick.reduce((a, b) => a + b, 0) * 1000) / (this.perTick.length * TELEMETRY_INTERVAL_MS));
  }

  clear(): void {
    this.perTick = [];
  }
}
