// The typed seam between the page and the engine worker. Two channels: calls (each with its own
// id; its progress, result or error addressed to that id; a cancel that reaches that call only)
// and one telemetry stream, batched per tick, that carries everything panels show live. The
// page's client is derived from the worker's API type, so a new call is one change in a service.
import type { LabApi } from './api.js';

export type { ConsoleResult, StartInfo, StartOptions, BackendChoice, Durability, RestartPreview } from './services/live.js';
export type { WorkloadSpec, WorkloadStats } from './live-workload.js';
export type { RunReport, TracePoint } from '../sim/run-scenario.js';
export type { LossPoint, LossSummary } from '../sim/crash-explorer.js';
export type { LiveCrashRecord, LiveCrashReport } from '../sim/live-crash.js';
export type { ReplicationStatus } from './replication-link.js';
export type { BackupEntry } from './backups.js';
export type { KeyspaceSummary, Inspection, InspectedRecord, RewriteReport, AnalysisReport, AnalyzeOptions } from '../engine/index.js';

/** What a long call receives besides its arguments: its cancel signal and a progress reporter. */
export interface CallContext {
  signal: AbortSignal;
  /** done out of total, in the work's own unit (virtual ms, bytes, runs). */
  progress(done: number, total: number): void;
}

const CALL_OPTIONS: unique symbol = Symbol('call options');

/** What the page may add to a call, as its last argument: made by callOptions(). */
export interface CallOptions {
  readonly [CALL_OPTIONS]: true;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Give up after this long (ms); null: never. Default: 15 s for a quick call, never for long work. */
  timeoutMs?: number | null;
}

export function callOptions(options: Omit<CallOptions, typeof CALL_OPTIONS>): CallOptions {
  return { ...options, [CALL_OPTIONS]: true };
}

export function isCallOptions(value: unknown): value is CallOptions {
  return typeof value === 'object' && value !== null && CALL_OPTIONS in value;
}

type Head<P> = P extends [...infer H, CallContext] ? H : P;
type ClientFunction<F> = F extends (...args: infer P) => infer R ? (...args: [...Head<P>, CallOptions?]) => Promise<Awaited<R>> : never;

/** The page's view of one service: the same methods, returning promises, taking CallOptions last. */
export type ServiceClient<S> = { [M in keyof S]: ClientFunction<S[M]> };
export type LabClient = { [S in keyof LabApi]: ServiceClient<LabApi[S]> };

/** 'service.method', as calls name them. */
export type MethodPath = { [S in keyof LabApi]: `${S & string}.${keyof LabApi[S] & string}` }[keyof LabApi];

// --- page → worker ---------------------------------------------------------------------------

export interface CallMessage {
  type: 'call';
  id: number;
  method: MethodPath;
  args: unknown[];
  /** Whether the page listens for progress (the worker then reports it). */
  wantsProgress: boolean;
}

export interface CancelMessage {
  type: 'cancel';
  id: number;
}

export type PageMessage = CallMessage | CancelMessage;

// --- worker → page ---------------------------------------------------------------------------

export interface SerializedError {
  name: string;
  message: string;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'progress'; id: number; done: number; total: number }
  | Telemetry
  /** Periodic work (cron, writeback, telemetry) failed: said once, with no made-up numbers. */
  | { type: 'failure'; message: string };

/** Sent once per tick (about every 100 ms of wall time) while the worker runs. */
export interface Telemetry {
  type: 'telemetry';
  /** The live server, or null before it starts (or after its machine lost power). */
  server: ServerTelemetry | null;
  workload: WorkloadTelemetry;
  replication: ReplicationTelemetry | null;
  /** The last AOF rewrite's compaction, once there was one. */
  lastRewrite: import('../engine/index.js').RewriteReport | null;
  /** Why the last rewrite failed, if it did. */
  lastRewriteError: string | null;
  /** The server's files with their sizes: sent when they may have changed (about once a second). */
  files?: { path: string; bytes: number }[];
  /** The backups, sent when the list changed. */
  backups?: import('./backups.js').BackupEntry[];
  /** The keyspace summary the page asked for (live.watchKeyspace), about once a second. */
  keyspace?: import('../engine/index.js').KeyspaceSummary;
}

export interface ServerTelemetry {
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
  /** The background job running (a BGSAVE's or a rewrite's child), or one that ran within the tick. */
  job: 'rdb' | 'aof' | null;
  /** Server time (ms since the epoch), its speed and whether it is paused. */
  time: { now: number; speed: number; paused: boolean };
}

export interface WorkloadTelemetry {
  running: boolean;
  paused: boolean;
  /** Acknowledged workload writes so far (the workload:acked counter). */
  acked: number;
  /** Writes acknowledged since the previous tick. */
  ackedInTick: number;
  /** Acknowledgement latency of those writes, real ms: median and 99th percentile (null: none). */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  /** How finely the worker's clock ticks (ms): a latency below it was too short to time. */
  clockResolutionMs: number;
}

export interface ReplicationTelemetry {
  /** This worker's side of replication: a primary's offset, or a replica's link and syncs. */
  status: import('./replication-link.js').ReplicationStatus;
  /** Stream bytes the slowest linked replica has not acknowledged; null without one. */
  lagBytes: number | null;
}

export const TELEMETRY_INTERVAL_MS = 100;

/** The buffers inside `value` (shallow: arguments and results are flat records), for transfer lists. */
export function transferablesIn(value: unknown, depth = 3): Transferable[] {
  if (value instanceof ArrayBuffer) return [value];
  if (ArrayBuffer.isView(value)) return value.buffer instanceof ArrayBuffer && value.byteLength === value.buffer.byteLength ? [value.buffer] : [];
  if (typeof MessagePort !== 'undefined' && value instanceof MessagePort) return [value];
  if (depth === 0 || typeof value !== 'object' || value === null) return [];
  const items = Array.isArray(value) ? value : Object.values(value);
  const out = new Set<Transferable>();
  for (const item of items) for (const t of transferablesIn(item, depth - 1)) out.add(t);
  return [...out];
}
