// The lab's engine process as the page sees it — the session's state machine: start (recovering
// from what the storage holds), run, crash for real (the worker ends; a fresh one recovers),
// fail over to a replica, lose everything. Panels reach the worker through `api`, which always
// talks to the engine serving now.
import { PRESETS, type PresetId } from '../../scenario/presets.js';
import { DEFAULT_CLIENTS, DEFAULT_PIPELINE, scenarioConfigText } from '../../scenario/scenario.js';
import { callOptions, type BackendChoice, type LabClient, type LiveCrashRecord, type LiveCrashReport, type ReplicationStatus, type StartInfo, type Telemetry } from '../../worker/protocol.js';
import { EngineWorker, WorkerCallError } from '../worker-client.js';
import { LongWork } from './long-work.svelte.js';
import type { ScenarioState } from './scenario.svelte.js';

export type CrashKind = 'process' | 'power' | 'torn' | 'disaster' | 'restart';

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
  /** What it loaded them from ('none': there were none, it started empty). */
  source: StartInfo['recovery']['source'];
}

const SPEED_KEY = 'persistence-lab:speed';

/** The live server's time speed, kept for this browser (it is how one watches, not what is run). */
function savedSpeed(): number {
  const raw = Number(localStorage.getItem(SPEED_KEY));
  return Number.isFinite(raw) && raw >= 1 && raw <= 3600 ? raw : 1;
}

export class LabSession {
  speed = $state(savedSpeed());
  paused = $state(false);
  status = $state<'starting' | 'running' | 'recovering' | 'failed'>('starting');
  info = $state.raw<StartInfo | null>(null);
  failure = $state<string | null>(null);
  lastCrash = $state.raw<CrashOutcome | null>(null);
  /** What happened last to the live data, in a sentence (starts, uploads, restores, reconfigurations). */
  lastEvent = $state<string | null>(null);
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
  /** This page has started an engine before (the next start replaces it). */
  private started = false;
  /** The storage and configuration the running engine was started or reconfigured with. */
  private applied: { backend: BackendChoice; config: string; backups: number | null } | null = null;

  /** The scenario changes still being applied to the live server, in order. */
  private following: Promise<void> = Promise.resolve();

  /** Resolves once every change made so far has been applied (or refused). */
  settled(): Promise<void> {
    return this.following;
  }

  /**
   * A console command, sent once every change made before it has been applied: a command typed
   * right after picking a policy runs under that policy, as the person expects.
   */
  async execute(line: string): ReturnType<LabClient['live']['execute']> {
    await this.settled();
    return this.api.live.execute(line);
  }

  /** Called when a new engine process starts (its telemetry starts over). */
  onRestart: (() => void) | null = null;

  constructor(
    readonly setup: ScenarioState,
    private readonly onTelemetry: (t: Telemetry) => void,
    private readonly onProblem: (message: string) => void,
    private readonly database?: string,
  ) {
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
    // The live lab follows the scenario: a new policy applies at once, another storage restarts.
    // Changes apply one after another; what reads the server's setup waits for them (settled).
    setup.onChange(() => {
      this.following = this.following.then(() => this.follow()).catch((e: unknown) => void (this.lastEvent = `The change was not applied: ${(e as Error).message}`));
    });
  }

  get backend(): BackendChoice {
    return this.setup.scenario.storage ?? 'opfs';
  }

  get preset(): PresetId | 'custom' {
    return this.setup.scenario.preset;
  }

  get configText(): string {
    return scenarioConfigText(this.setup.scenario);
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
    const worker = this.spawn((t) => {
      this.keys = t.server?.keys ?? this.keys;
      this.onTelemetry(t);
    });
    this.worker = worker;
    try {
      await worker.ready;
      // A worker this page ended (a crash, a restart) releases the files' lock once it is gone,
      // which a busy machine can take seconds to do; a second tab's lock is never released.
      const lockWaitMs = this.started ? 30_000 : undefined;
      this.started = true;
      const options = { backend: this.backend, config: this.configText, speed: this.speed, ...(lockWaitMs ? { lockWaitMs } : {}), ...(this.database ? { database: this.database } : {}) };
      this.info = await this.recovery.run((call) => worker.api.live.start(options, call));
      this.keys = this.info.recovery.keys;
      this.paused = false;
      this.status = 'running';
      this.applied = { backend: options.backend, config: options.config, backups: null };
      this.lastEvent = startedSentence(this.info);
      await this.followBackups();
    } catch (e) {
      // A cancelled recovery (or a newer start) already said what happened to this worker.
      if (this.worker !== worker) return;
      this.failure = `The engine could not start: ${(e as Error).message}`;
      this.status = 'failed';
    }
  }

  /**
   * The scenario changed: a new preset or extra directives apply at run time, as CONFIG SET
   * applies them (the data stays); another storage means other files, so the engine restarts on
   * them; the backup schedule follows.
   */
  private async follow(): Promise<void> {
    if (this.status !== 'running' || !this.applied) return;
    if (this.backend !== this.applied.backend) {
      this.status = 'starting';
      await this.start();
      return;
    }
    if (this.configText !== this.applied.config) {
      const { changed } = await this.api.live.reconfigure(this.configText);
      this.applied = { ...this.applied, config: this.configText };
      if (changed.length > 0) this.lastEvent = `Applied at run time with CONFIG SET ${changed.join(', ')}: the data stays in memory. What a restart would read now is under "Restart from disk".`;
    }
    await this.followBackups();
  }

  private async followBackups(): Promise<void> {
    const every = this.setup.scenario.backups?.everySeconds ?? null;
    if (!this.applied || every === this.applied.backups) return;
    await this.api.backups.schedule(every);
    this.applied = { ...this.applied, backups: every };
  }

  /** A clean restart, as SHUTDOWN then redis-server on the same files: what comes back is what the files hold. */
  async restart(): Promise<void> {
    // A policy chosen a moment ago is what the restart reads.
    await this.settled();
    const worker = this.worker;
    if (!worker) return;
    const keysBefore = await worker.api.live.keyCount().catch(() => this.keys);
    await worker.api.live.shutdown();
    worker.kill();
    this.worker = null;
    this.status = 'recovering';
    await this.start();
    this.lastCrash = { kind: 'restart', keysBefore, lostBytes: 0, report: null, ...this.recovered() };
  }

  /** Server seconds per real second, from now on (no restart). */
  async setSpeed(speed: number): Promise<void> {
    this.speed = speed;
    localStorage.setItem(SPEED_KEY, String(speed));
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

  /** The scenario's workload against the live server, at its rate in real time (0: as fast as it goes). */
  async startWorkload(): Promise<void> {
    const workload = this.setup.scenario.workload;
    await this.api.live.startWorkload(
      { ...workload, clients: workload.clients ?? DEFAULT_CLIENTS, pipeline: workload.pipeline ?? DEFAULT_PIPELINE, ratePerSecond: workload.rate > 0 ? workload.rate : null },
      this.setup.scenario.seed,
    );
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
    this.info = { backend: 'memory', notice: "Serving from the promoted replica's memory: nothing is persisted from now on. Reload to go back to the stored files.", recovery: { source: 'none', keys: await replica.api.live.keyCount(), files: [], truncatedBytes: 0, tornTail: null, loadMs: 0 }, log: [] };
    this.status = 'running';
    this.lastCrash = null;
    this.failoverOutcome = await this.judge(halted, 'power', this.replicaDelayMs);
  }

  /** Disaster: memory, disks and any replica are lost; only backups remain. */
  async disaster(): Promise<void> {
    // A policy chosen a moment ago is what the restart reads.
    await this.settled();
    const worker = this.worker;
    if (!worker) return;
    const keysBefore = await worker.api.live.keyCount().catch(() => this.keys);
    await worker.api.files.wipe();
    worker.kill();
    this.worker = null;
    this.status = 'recovering';
    await this.start();
    this.lastCrash = { kind: 'disaster', keysBefore, lostBytes: 0, report: null, ...this.recovered() };
  }

  async crash(kind: Exclude<CrashKind, 'disaster' | 'restart'>): Promise<void> {
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
    this.failoverOutcome = null;
    await this.start();
    const report = await this.judge(halted, kind, null);
    this.lastCrash = { kind, keysBefore, lostBytes, report, ...this.recovered() };
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

  /** What the engine that now serves recovered: its keys, how long the load took, from which file. */
  private recovered(): Pick<CrashOutcome, 'keysAfter' | 'replayMs' | 'source'> {
    const recovery = this.info?.recovery;
    return { keysAfter: recovery?.keys ?? 0, replayMs: recovery?.loadMs ?? 0, source: recovery?.source ?? 'none' };
  }

  /** The crashed engine's record, judged by the engine that now serves. */
  private async judge(record: LiveCrashRecord | null, kind: Exclude<CrashKind, 'disaster' | 'restart'>, failoverLinkDelayMs: number | null): Promise<LiveCrashReport | null> {
    if (!record || record.acked === 0 || !this.worker || this.status !== 'running') return null;
    return this.worker.api.live.judgeCrash(record, kind, failoverLinkDelayMs).catch(() => null);
  }
}

const SOURCES = { none: 'nothing (a fresh start)', aof: 'the AOF', rdb: 'the RDB snapshot' } as const;
const STORES = { opfs: 'OPFS', indexeddb: 'IndexedDB', memory: 'memory' } as const;

function startedSentence(info: StartInfo): string {
  const { recovery } = info;
  const torn = recovery.truncatedBytes > 0 ? `, after cutting a torn tail of ${recovery.truncatedBytes.toLocaleString('en-US')} bytes` : '';
  return `Started on ${STORES[info.backend]}: recovered ${recovery.keys.toLocaleString('en-US')} keys from ${SOURCES[recovery.source]} in ${recovery.loadMs.toLocaleString('en-US')} ms${torn}.`;
}
