// The lab's engine process as the page sees it — the session's state machine: start (recovering
// from what the storage holds), run, crash for real (the worker ends; a fresh one recovers),
// fail over to a replica, lose everything. Panels reach the worker through `api`, which always
// talks to the engine serving now.
import { presetById, PRESETS, type PresetId } from '../../scenario/presets.js';
import type { Workload } from '../../scenario/scenario.js';
import { callOptions, type BackendChoice, type LabClient, type LiveCrashRecord, type LiveCrashReport, type ReplicationStatus, type StartInfo, type Telemetry } from '../../worker/protocol.js';
import { EngineWorker, WorkerCallError } from '../worker-client.js';
import { LongWork } from './long-work.svelte.js';

export type CrashKind = 'process' | 'power' | 'torn' | 'disaster';

export interface CrashOutcome {
  kind: CrashKind;
  keysBefore: number;
  keysAfter: number;
  /** Bytes a power loss took back, per file. */
  lostBytes: number;
  /** Recovery judged against the policy's promise (null when no workload ran). */
  report: LiveCrashReport | null;
  /** Measured ms the fresh engine took to load the files. */
  replayMs: number;
}

const SETUP_KEY = 'persistence-lab:setup';

/** The live workload unless the panel says otherwise. */
export const LIVE_WORKLOAD: Workload = { rate: 100, keys: 1000, distribution: 'uniform', valueSize: 32, mix: { set: 4, incr: 2, list: 1, hash: 1, sadd: 1, zadd: 1, del: 1 } };

interface Setup {
  preset: PresetId;
  backend: BackendChoice;
  /** redis.conf lines applied after the preset's. */
  custom: string;
  /** The live server's time speed. */
  speed: number;
}

function loadSetup(): Setup {
  try {
    const saved = JSON.parse(localStorage.getItem(SETUP_KEY) ?? 'null') as Partial<Setup> | null;
    const preset = saved?.preset && presetById(saved.preset) ? saved.preset : 'aof-everysec';
    const backend = saved?.backend === 'indexeddb' ? 'indexeddb' : 'opfs';
    const custom = typeof saved?.custom === 'string' ? saved.custom.slice(0, 4096) : '';
    const raw = Number(saved?.speed);
    const speed = Number.isFinite(raw) && raw >= 1 && raw <= 3600 ? raw : 1;
    return { preset, backend, custom, speed };
  } catch {
    return { preset: 'aof-everysec', backend: 'opfs', custom: '', speed: 1 };
  }
}

export class LabSession {
  preset = $state<PresetId>('aof-everysec');
  backend = $state<BackendChoice>('opfs');
  custom = $state('');
  speed = $state(1);
  paused = $state(false);
  status = $state<'starting' | 'running' | 'recovering' | 'failed'>('starting');
  info = $state.raw<StartInfo | null>(null);
  failure = $state<string | null>(null);
  lastCrash = $state.raw<CrashOutcome | null>(null);
  /** A replica in a second worker, following this engine. */
  replica = $state.raw<EngineWorker | null>(null);
  replicaDelayMs = $state(0);
  replicaLinked = $state(false);
  failoverOutcome = $state.raw<LiveCrashReport | null>(null);
  /** The replica's side of the link, from its worker's telemetry. */
  replicaStatus = $state.raw<ReplicationStatus | null>(null);
  /** Recovery at start: long work with its progress. */
  readonly recovery = new LongWork();
  /** The engine serving now, reached through its current worker. */
  readonly api: LabClient;
  private worker: EngineWorker | null = null;
  private keys = 0;

  /** Called when a new engine process starts (its telemetry starts over). */
  onRestart: (() => void) | null = null;

  constructor(
    private readonly onTelemetry: (t: Telemetry) => void,
    private readonly onProblem: (message: string) => void,
    private readonly database?: string,
  ) {
    const setup = loadSetup();
    this.preset = setup.preset;
    this.backend = setup.backend;
    this.custom = setup.custom;
    this.speed = setup.speed;
    this.api = new Proxy({} as LabClient, {
      get: (_, service: string) =>
        new Proxy({}, {
          get: (__, method: string) => (...args: unknown[]) => {
            const worker = this.worker;
            if (!worker) return Promise.reject(new WorkerCallError('The engine is not running.'));
            return (worker.api as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[service]![method]!(...args);
          },
        }),
    });
  }

  get presets() {
    return PRESETS;
  }

  get configText(): string {
    return [presetById(this.preset)!.config, this.custom].filter(Boolean).join('\n');
  }

  async start(): Promise<void> {
    this.worker?.kill();
    // A restarted primary has a new replication ID; the old replica cannot follow it.
    this.replica?.kill();
    this.replica = null;
    this.failure = null;
    this.onRestart?.();
    const worker = this.spawn((t) => {
      this.keys = t.server?.keys ?? this.keys;
      this.onTelemetry(t);
    });
    this.worker = worker;
    try {
      await worker.ready;
      const options = { backend: this.backend, config: this.configText, speed: this.speed, ...(this.database ? { database: this.database } : {}) };
      this.info = await this.recovery.run((call) => worker.api.live.start(options, call));
      this.keys = this.info.recovery.keys;
      this.paused = false;
      this.status = 'running';
    } catch (e) {
      // A cancelled recovery (or a newer start) already said what happened to this worker.
      if (this.worker !== worker) return;
      this.failure = `The engine could not start: ${(e as Error).message}`;
      this.status = 'failed';
    }
  }

  /**
   * A new preset or extra directives apply at run time, as CONFIG SET applies them: the data
   * stays. Another storage means another set of files: the engine restarts on them.
   */
  async configure(setup: Partial<Setup>): Promise<void> {
    const restart = setup.backend !== undefined && setup.backend !== this.backend;
    if (setup.preset) this.preset = setup.preset;
    if (setup.backend) this.backend = setup.backend;
    if (setup.custom !== undefined) this.custom = setup.custom;
    this.save();
    if (restart || this.status !== 'running') {
      this.status = 'starting';
      await this.start();
      return;
    }
    await this.api.live.reconfigure(this.configText);
  }

  /** Server seconds per real second, from now on (no restart). */
  async setSpeed(speed: number): Promise<void> {
    this.speed = speed;
    this.save();
    await this.api.live.setTime({ speed });
  }

  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    await this.api.live.setTime({ paused });
  }

  /** While paused: one second of server time, with its cron and writeback. */
  async step(ms = 1000): Promise<void> {
    await this.api.live.setTime({ stepMs: ms });
  }

  async startWorkload(workload: Partial<Workload> & { rate: number }): Promise<void> {
    await this.api.live.startWorkload({ ...LIVE_WORKLOAD, ...workload, clients: 1, pipeline: 1, ratePerSecond: workload.rate }, Date.now() % 1_000_000);
  }

  /** Starts a replica worker (memory only) and links it to this engine over a MessageChannel. */
  async addReplica(linkDelayMs: number): Promise<void> {
    if (!this.worker || this.replica) return;
    // Its telemetry counts once it is promoted and serving.
    const replica: EngineWorker = this.spawn((t) => {
      if (this.replica === replica) this.replicaStatus = t.replication?.status ?? null;
      if (this.worker !== replica) return;
      this.keys = t.server?.keys ?? this.keys;
      this.onTelemetry(t);
    });
    await replica.ready;
    await replica.api.live.start({ backend: 'memory', config: 'appendonly no\nsave ""' });
    this.replicaDelayMs = linkDelayMs;
    this.replica = replica;
    await this.link();
    this.failoverOutcome = null;
  }

  /** Breaks the replication link; the replica keeps its data and offset. */
  async disconnectReplica(): Promise<void> {
    await this.replica?.api.replication.disconnect();
    this.replicaLinked = false;
  }

  /** A new link: the replica asks to continue from its offset (a partial resync if it can). */
  async reconnectReplica(): Promise<void> {
    await this.link();
  }

  /** The replica's machine dies; a new, empty replica joins and needs a full sync. */
  async killReplica(): Promise<void> {
    this.replica?.kill();
    this.replica = null;
    await this.addReplica(this.replicaDelayMs);
  }

  /**
   * The primary's machine is lost: its worker ends for real, the replica is promoted and serves
   * from its memory — no disk is read. The report counts the workload's writes that had not
   * reached the replica.
   */
  async failover(): Promise<void> {
    const primary = this.worker;
    const replica = this.replica;
    if (!primary || !replica) return;
    const halted = await primary.api.live.haltForCrash().catch(() => null);
    primary.kill();
    await replica.api.replication.promote();
    this.worker = replica;
    this.replica = null;
    this.info = { backend: 'memory', notice: "Serving from the promoted replica's memory: nothing is persisted from now on. Reload to go back to the stored files.", recovery: { source: 'none', keys: await replica.api.live.keyCount(), files: [], truncatedBytes: 0, loadMs: 0 }, log: [] };
    this.status = 'running';
    this.failoverOutcome = await this.judge(halted, 'power', this.replicaDelayMs);
  }

  /** Disaster: memory, disks and any replica are lost; only backups remain. */
  async disaster(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const keysBefore = await worker.api.live.keyCount().catch(() => this.keys);
    await worker.api.files.wipe();
    worker.kill();
    this.worker = null;
    this.status = 'recovering';
    await this.start();
    this.lastCrash = { kind: 'disaster', keysBefore, keysAfter: this.info?.recovery.keys ?? 0, lostBytes: 0, report: null, replayMs: this.info?.recovery.loadMs ?? 0 };
  }

  async crash(kind: Exclude<CrashKind, 'disaster'>): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    // The crash instant: the workload stops, and what it had acknowledged is known exactly.
    const halted = await worker.api.live.haltForCrash().catch(() => null);
    const keysBefore = await worker.api.live.keyCount().catch(() => this.keys);
    let lostBytes = 0;
    if (kind !== 'process') {
      const files = await worker.api.live.powerLoss(kind === 'torn');
      lostBytes = files.reduce((sum, f) => sum + f.lostBytes, 0);
    }
    worker.kill();
    this.worker = null;
    this.status = 'recovering';
    await this.start();
    const report = await this.judge(halted, kind, null);
    this.lastCrash = { kind, keysBefore, keysAfter: this.info?.recovery.keys ?? 0, lostBytes, report, replayMs: this.info?.recovery.loadMs ?? 0 };
  }

  /** Recovery is long work on a big file: cancelling ends the fresh engine and leaves the files as they are. */
  cancelRecovery(): void {
    if (this.status !== 'recovering' && this.status !== 'starting') return;
    this.worker?.kill();
    this.worker = null;
    this.failure = 'Recovery was cancelled; the files were not changed.';
    this.status = 'failed';
  }

  private spawn(onTelemetry: (t: Telemetry) => void): EngineWorker {
    const worker: EngineWorker = new EngineWorker({
      onTelemetry,
      onProblem: (message) => {
        if (this.worker === worker) this.onProblem(message);
      },
      onFailure: (message) => {
        if (this.worker !== worker) return;
        this.failure = message;
        this.status = 'failed';
      },
    });
    return worker;
  }

  /** Hands each worker one end of a new MessageChannel: the replication link. */
  private async link(): Promise<void> {
    if (!this.worker || !this.replica) return;
    const channel = new MessageChannel();
    await this.worker.api.replication.attach('primary', channel.port1, 0);
    await this.replica.api.replication.attach('replica', channel.port2, this.replicaDelayMs, callOptions({ timeoutMs: 60_000 }));
    this.replicaLinked = true;
  }

  private save(): void {
    localStorage.setItem(SETUP_KEY, JSON.stringify({ preset: this.preset, backend: this.backend, custom: this.custom, speed: this.speed }));
  }

  /** The crashed engine's record, judged by the engine that now serves. */
  private async judge(record: LiveCrashRecord | null, kind: Exclude<CrashKind, 'disaster'>, failoverLinkDelayMs: number | null): Promise<LiveCrashReport | null> {
    if (!record || record.acked === 0 || !this.worker || this.status !== 'running') return null;
    return this.worker.api.live.judgeCrash(record, kind, failoverLinkDelayMs).catch(() => null);
  }
}
