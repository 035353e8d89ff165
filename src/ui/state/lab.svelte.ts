// The lab's engine process as the UI sees it: which persistence setup and storage it runs with,
// what it recovered when it started, and the crash buttons. A crash ends the worker for real
// and a fresh one recovers from whatever the storage kept.
import { presetById, PRESETS, type PresetId } from '../../scenario/presets.js';
import type { Scenario, Workload } from '../../scenario/scenario.js';
import type { BackendChoice, BackupEntry, ConsoleResult, Inspection, KeyspaceSummary, LiveCrashRecord, LiveCrashReport, LossPoint, ReplicationStatus, RewriteReport, RunReport, StartInfo, Telemetry, TracePoint } from '../../worker/protocol.js';
import { EngineWorker } from '../worker-client.js';

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
  /** Long work in the worker: fraction done, or null when nothing runs. */
  progress = $state<number | null>(null);
  private worker: EngineWorker | null = null;
  private keys = 0;

  /** Called when a new engine process starts (its telemetry starts over). */
  onRestart: (() => void) | null = null;

  constructor(
    private readonly onTelemetry: (t: Telemetry) => void,
    private readonly database?: string,
  ) {
    const setup = loadSetup();
    this.preset = setup.preset;
    this.backend = setup.backend;
    this.custom = setup.custom;
    this.speed = setup.speed;
  }

  get presets() {
    return PRESETS;
  }

  async start(): Promise<void> {
    this.worker?.kill();
    // A restarted primary has a new replication ID; the old replica cannot follow it.
    this.replica?.kill();
    this.replica = null;
    this.failure = null;
    this.onRestart?.();
    const worker = new EngineWorker({
      onTelemetry: (t) => {
        this.keys = t.keys;
        this.onTelemetry(t);
      },
      onProgress: (p) => (this.progress = p.total > 0 ? p.done / p.total : null),
      onFailure: (message) => {
        this.failure = message;
        this.status = 'failed';
      },
    });
    this.worker = worker;
    await worker.ready;
    try {
      const preset = presetById(this.preset)!;
      const config = [preset.config, this.custom].filter(Boolean).join('\n');
      this.info = await worker.call('start', { backend: this.backend, config, speed: this.speed, ...(this.database ? { database: this.database } : {}) });
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

  /** Switches preset or storage: the process restarts on the same files, as with a new config. */
  async configure(setup: Partial<Setup>): Promise<void> {
    if (setup.preset) this.preset = setup.preset;
    if (setup.backend) this.backend = setup.backend;
    if (setup.custom !== undefined) this.custom = setup.custom;
    this.save();
    this.status = 'starting';
    await this.start();
  }

  execute(line: string): Promise<ConsoleResult | null> {
    if (!this.worker || this.status !== 'running') return Promise.reject(new Error('The engine is not running.'));
    return this.worker.call('execute', line);
  }

  /** Runs a scenario in the worker, on the chosen storage, on the virtual clock. */
  /** Starts a replica worker (memory only) and links it to this engine over a MessageChannel. */
  async addReplica(linkDelayMs: number): Promise<void> {
    if (!this.worker || this.replica) return;
    // Its telemetry counts once it is promoted and serving.
    const replica: EngineWorker = new EngineWorker({
      onTelemetry: (t) => {
        if (this.worker !== replica) return;
        this.keys = t.keys;
        this.onTelemetry(t);
      },
    });
    await replica.ready;
    await replica.call('start', { backend: 'memory', config: 'appendonly no\nsave ""' });
    const channel = new MessageChannel();
    this.worker.sendReplicationPort('primary', channel.port1);
    replica.sendReplicationPort('replica', channel.port2, linkDelayMs);
    this.replicaDelayMs = linkDelayMs;
    this.replica = replica;
    this.replicaLinked = true;
    this.failoverOutcome = null;
  }

  /** Server seconds per real second, from now on (no restart). */
  async setSpeed(speed: number): Promise<void> {
    this.speed = speed;
    this.save();
    await this.worker?.call('setTime', { speed });
  }

  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    await this.worker?.call('setTime', { paused });
  }

  /** While paused: one second of server time, with its cron and writeback. */
  async step(ms = 1000): Promise<void> {
    await this.worker?.call('setTime', { stepMs: ms });
  }

  private save(): void {
    localStorage.setItem(SETUP_KEY, JSON.stringify({ preset: this.preset, backend: this.backend, custom: this.custom, speed: this.speed }));
  }

  /** Long work: the progress bar shows from the start to the end of the call. */
  private async withProgress<T>(work: () => Promise<T>): Promise<T> {
    this.progress = 0;
    try {
      return await work();
    } finally {
      this.progress = null;
    }
  }

  /** Breaks the replication link; the replica keeps its data and offset. */
  async disconnectReplica(): Promise<void> {
    await this.replica?.call('disconnectReplica');
    this.replicaLinked = false;
  }

  /** A new link: the replica asks to continue from its offset (a partial resync if it can). */
  reconnectReplica(): void {
    if (!this.worker || !this.replica) return;
    const channel = new MessageChannel();
    this.worker.sendReplicationPort('primary', channel.port1);
    this.replica.sendReplicationPort('replica', channel.port2, this.replicaDelayMs);
    this.replicaLinked = true;
  }

  /** The replica's machine dies; a new, empty replica joins and needs a full sync. */
  async killReplica(): Promise<void> {
    this.replica?.kill();
    this.replica = null;
    await this.addReplica(this.replicaDelayMs);
  }

  async replicationStatus(): Promise<{ primary: ReplicationStatus | null; replica: ReplicationStatus | null }> {
    const primary = this.worker && this.status === 'running' ? await this.worker.call('replicationStatus').catch(() => null) : null;
    const replica = this.replica ? await this.replica.call('replicationStatus').catch(() => null) : null;
    return { primary, replica };
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
    const halted = await primary.call('haltForCrash').catch(() => null);
    primary.kill();
    await replica.call('promote');
    this.worker = replica;
    this.replica = null;
    this.info = { backend: 'memory', notice: "Serving from the promoted replica's memory: nothing is persisted from now on. Reload to go back to the stored files.", recovery: { source: 'none', keys: await replica.call('keyCount'), files: [], truncatedBytes: 0, loadMs: 0 }, log: [] };
    this.status = 'running';
    this.failoverOutcome = await this.judge(halted, 'power', this.replicaDelayMs);
  }

  backup(): Promise<BackupEntry> {
    if (!this.worker) return Promise.reject(new Error('The engine is not running.'));
    return this.worker.call('backup');
  }

  listBackups(): Promise<BackupEntry[]> {
    return this.worker && this.status === 'running' ? this.worker.call('listBackups') : Promise.resolve([]);
  }

  readBackup(name: string): Promise<Uint8Array> {
    if (!this.worker) return Promise.reject(new Error('The engine is not running.'));
    return this.worker.call('readBackup', name);
  }

  async restoreBackup(name: string): Promise<{ keys: number }> {
    if (!this.worker) throw new Error('The engine is not running.');
    return this.withProgress(() => this.worker!.callWithin(30 * 60_000, 'restoreBackup', name));
  }

  scheduleBackups(seconds: number | null): Promise<void> {
    return this.worker ? this.worker.call('scheduleBackups', seconds) : Promise.resolve();
  }

  /** Disaster: memory, disks and any replica are lost; only backups remain. */
  async disaster(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const keysBefore = await worker.call('keyCount').catch(() => this.keys);
    await worker.call('wipeDisk');
    worker.kill();
    this.worker = null;
    this.status = 'recovering';
    await this.start();
    this.lastCrash = { kind: 'disaster', keysBefore, keysAfter: this.info?.recovery.keys ?? 0, lostBytes: 0, report: null, replayMs: this.info?.recovery.loadMs ?? 0 };
  }

  async runScenario(scenario: Scenario, speed: number | null): Promise<RunReport> {
    if (!this.worker) throw new Error('The engine is not running.');
    return this.withProgress(() => this.worker!.callWithin(24 * 3600_000, 'runScenario', scenario, this.backend, speed));
  }

  /** The scenario's run sampled over its whole length, for the time scrubber. */
  async traceScenario(scenario: Scenario): Promise<TracePoint[]> {
    if (!this.worker) throw new Error('The engine is not running.');
    return this.withProgress(() => this.worker!.callWithin(24 * 3600_000, 'traceScenario', scenario, this.backend));
  }

  async startWorkload(workload: Partial<Workload> & { rate: number }): Promise<void> {
    if (!this.worker) return;
    await this.worker.call('startWorkload', { ...LIVE_WORKLOAD, ...workload }, Date.now() % 1_000_000);
  }

  async stopWorkload(): Promise<void> {
    await this.worker?.call('stopWorkload');
  }

  async pauseWorkload(paused: boolean): Promise<void> {
    await this.worker?.call('pauseWorkload', paused);
  }

  async compare(scenario: Scenario, presets: PresetId[]): Promise<{ preset: PresetId; report: RunReport }[]> {
    if (!this.worker) throw new Error('The engine is not running.');
    return this.withProgress(() => this.worker!.callWithin(60 * 60_000, 'compare', scenario, presets, this.backend));
  }

  async exploreCrashes(scenario: Scenario, points: number): Promise<LossPoint[]> {
    if (!this.worker) throw new Error('The engine is not running.');
    return this.withProgress(() => this.worker!.callWithin(60 * 60_000, 'exploreCrashes', scenario, points, this.backend));
  }

  lastRewrite(): Promise<RewriteReport | null> {
    return this.worker && this.status === 'running' ? this.worker.call('lastRewrite') : Promise.resolve(null);
  }

  keyspace(prefix: string): Promise<KeyspaceSummary | null> {
    return this.worker && this.status === 'running' ? this.worker.call('keyspace', prefix) : Promise.resolve(null);
  }

  validateConfig(text: string): Promise<{ line: number; message: string }[]> {
    return this.worker ? this.worker.call('validateConfig', text) : Promise.resolve([]);
  }

  listFiles(): Promise<{ path: string; bytes: number }[]> {
    return this.worker && this.status === 'running' ? this.worker.call('listFiles') : Promise.resolve([]);
  }

  archiveFiles(): Promise<Uint8Array> {
    if (!this.worker) return Promise.reject(new Error('The engine is not running.'));
    return this.worker.call('archiveFiles');
  }

  async loadAof(files: { name: string; bytes: Uint8Array }[]): Promise<{ keys: number }> {
    if (!this.worker) throw new Error('The engine is not running.');
    return this.withProgress(() => this.worker!.callWithin(30 * 60_000, 'loadAofUpload', files));
  }

  inspectFile(path: string): Promise<Inspection> {
    if (!this.worker) return Promise.reject(new Error('The engine is not running.'));
    return this.worker.call('inspectFile', path);
  }

  readFile(path: string): Promise<Uint8Array> {
    if (!this.worker) return Promise.reject(new Error('The engine is not running.'));
    return this.worker.call('readFile', path);
  }

  async loadRdb(name: string, bytes: Uint8Array): Promise<{ keys: number; notes: string[] }> {
    if (!this.worker) throw new Error('The engine is not running.');
    return this.withProgress(() => this.worker!.callWithin(30 * 60_000, 'loadRdbUpload', name, bytes));
  }

  /** Stops the long work running in the worker: a scenario run, an exploration, an upload or a restore. */
  cancelLongWork(): void {
    void this.worker?.call('cancelLongWork');
  }

  async crash(kind: Exclude<CrashKind, 'disaster'>): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    // The crash instant: the workload stops, and what it had acknowledged is known exactly.
    const halted = await worker.call('haltForCrash').catch(() => null);
    const keysBefore = await worker.call('keyCount').catch(() => this.keys);
    let lostBytes = 0;
    if (kind !== 'process') {
      const files = await worker.call('powerLoss', kind === 'torn');
      lostBytes = files.reduce((sum, f) => sum + f.lostBytes, 0);
    }
    worker.kill();
    this.worker = null;
    this.status = 'recovering';
    await this.withProgress(() => this.start());
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

  /** The crashed engine's record, judged by the engine that now serves. */
  private async judge(record: LiveCrashRecord | null, kind: Exclude<CrashKind, 'disaster'>, failoverLinkDelayMs: number | null): Promise<LiveCrashReport | null> {
    if (!record || record.acked === 0 || !this.worker || this.status !== 'running') return null;
    return this.worker.call('judgeCrash', record, kind, failoverLinkDelayMs).catch(() => null);
  }
}
