// The typed messages between the UI and the engine worker: requests and replies derived from
// the worker's API, errors as plain objects, and a one-way telemetry stream batched per tick.
import type { WorkerApi } from './api.js';

export type { ConsoleResult } from './api.js';
export type { BackendChoice, Durability, StartInfo, StartOptions } from './host.js';
export type { RunReport, TracePoint } from '../sim/run-scenario.js';
export type { LossPoint } from '../sim/crash-explorer.js';
export type { LiveCrashRecord, LiveCrashReport } from '../sim/live-crash.js';
export type { ReplicationStatus } from './replication-link.js';
export type { BackupEntry } from './backups.js';
export type { KeyspaceSummary } from '../engine/keyspace/summary.js';
export type { Inspection } from '../engine/inspect.js';
export type { RewriteReport } from '../engine/persistence/server.js';

export type Method = keyof WorkerApi;

export type Request = {
  [M in Method]: { type: 'request'; id: number; method: M; args: Parameters<WorkerApi[M]> };
}[Method];

export type Result<M extends Method> = Awaited<ReturnType<WorkerApi[M]>>;

export interface SerializedError {
  name: string;
  message: string;
}

export type Response = { type: 'response'; id: number; ok: true; value: unknown } | { type: 'response'; id: number; ok: false; error: SerializedError };

/** Sent once per tick (about every 100 ms of wall time) while the worker runs. */
export interface Telemetry {
  type: 'telemetry';
  /** Commands executed since the previous tick. */
  ops: number;
  keys: number;
  memoryBytes: number;
  /** Bytes written but not yet durable: what a power loss now would take. */
  unsyncedBytes: number;
  aofBytes: number;
  rdbBytes: number;
  /** Where an automatic AOF rewrite starts, or null when none will. */
  rewriteAtBytes: number | null;
  /** fsyncs completed since the previous tick. */
  fsyncs: number;
  /** The longest of those fsyncs, in real ms as measured on the storage (0 when none). */
  fsyncMaxMs: number;
  /** write(2) calls on the AOF since the previous tick. */
  aofWrites: number;
  /** The background job running (a BGSAVE's or a rewrite's child), if any. */
  job: 'rdb' | 'aof' | null;
  /** The workload's acknowledged writes so far (the workload:acked counter). */
  acked: number;
  /** Stream bytes the replica has not acknowledged; null without a replica. */
  replicationLagBytes: number | null;
  workloadRunning: boolean;
  workloadPaused: boolean;
  /** A failure of the periodic work (cron, writeback), e.g. a storage error. */
  error?: string;
}

/** Progress of long work (a scenario run, an upload, recovery at start): done out of total, in the task's own unit. */
export interface Progress {
  type: 'progress';
  task: 'scenario' | 'upload' | 'recovery';
  done: number;
  total: number;
}

export type WorkerMessage = Response | Telemetry | Progress | { type: 'ready' };

export const TELEMETRY_INTERVAL_MS = 100;

export type Args<M extends Method> = Parameters<WorkerApi[M]>;
