// The engine's telemetry as the panels read it: the latest numbers, commands per second over
// the last second, and a bounded history of samples for the timeline (a long run never grows
// memory).
import type { Telemetry } from '../../worker/protocol.js';
import { TELEMETRY_INTERVAL_MS } from '../../worker/protocol.js';

const WINDOW_TICKS = Math.round(1000 / TELEMETRY_INTERVAL_MS);
/** 60 s of samples. */
export const HISTORY_SAMPLES = Math.round(60_000 / TELEMETRY_INTERVAL_MS);

/** One telemetry tick as the charts keep it, stamped with its arrival (performance.now ms). */
export type Sample = { at: number } & Pick<Telemetry, 'ops' | 'unsyncedBytes' | 'aofBytes' | 'rdbBytes' | 'rewriteAtBytes' | 'fsyncs' | 'fsyncMaxMs' | 'aofWrites' | 'job' | 'replicationLagBytes'>;

export class TelemetryState {
  keys = $state(0);
  memoryBytes = $state(0);
  opsPerSecond = $state(0);
  unsyncedBytes = $state(0);
  aofBytes = $state(0);
  acked = $state(0);
  workloadRunning = $state(false);
  workloadPaused = $state(false);
  error = $state<string | null>(null);
  history = $state.raw<Sample[]>([]);
  private recentOps: number[] = [];

  update(t: Telemetry, at = performance.now()): void {
    this.keys = t.keys;
    this.memoryBytes = t.memoryBytes;
    this.unsyncedBytes = t.unsyncedBytes;
    this.aofBytes = t.aofBytes;
    this.acked = t.acked;
    this.workloadRunning = t.workloadRunning;
    this.workloadPaused = t.workloadPaused;
    this.error = t.error ?? null;
    this.recentOps = [...this.recentOps, t.ops].slice(-WINDOW_TICKS);
    const total = this.recentOps.reduce((a, b) => a + b, 0);
    this.opsPerSecond = Math.round((total * 1000) / (this.recentOps.length * TELEMETRY_INTERVAL_MS));
    const sample: Sample = { at, ops: t.ops, unsyncedBytes: t.unsyncedBytes, aofBytes: t.aofBytes, rdbBytes: t.rdbBytes, rewriteAtBytes: t.rewriteAtBytes, fsyncs: t.fsyncs, fsyncMaxMs: t.fsyncMaxMs, aofWrites: t.aofWrites, job: t.job, replicationLagBytes: t.replicationLagBytes };
    this.history = this.history.length >= HISTORY_SAMPLES ? [...this.history.slice(1), sample] : [...this.history, sample];
  }

  /** A new engine process: the timeline starts over. */
  reset(): void {
    this.history = [];
    this.recentOps = [];
  }
}
