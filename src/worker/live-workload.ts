// A seeded write workload against the live server, at a rate of real time. Each write goes in a
// MULTI/EXEC with INCR workload:acked, so after any crash the recovered counter says exactly how
// many of the acknowledged writes survived (the AOF keeps transactions whole).
import { seededRng } from '../engine/clock.js';
import type { Client, Engine } from '../engine/engine.js';
import { stringBytes } from '../engine/keyspace/values.js';
import type { PersistentServer } from '../engine/persistence/server.js';
import type { Workload } from '../scenario/scenario.js';
import { AckLog, type LiveCrashRecord } from '../sim/live-crash.js';
import { WorkloadGenerator } from '../sim/workload.js';

export const ACKED_KEY = 'workload:acked';
const TICK_MS = 10;

/** The workload counter as the dataset holds it now (0 when absent). */
export function ackedCounter(engine: Engine): number {
  const value = engine.dbs[0]?.dict.get(ACKED_KEY);
  const text = value === undefined ? null : stringBytes(value);
  return text === null ? 0 : Number(text) || 0;
}

export interface WorkloadStatus {
  running: boolean;
  /** Paused: no writes now, resume() continues the same sequence. */
  paused: boolean;
  rate: number;
  /** The workload:acked counter as last acknowledged: every workload write ever acked. */
  acked: number;
}

export class LiveWorkload {
  private timer: ReturnType<typeof setInterval> | null = null;
  private generator: WorkloadGenerator | null = null;
  private owed = 0;
  private busy: Promise<void> | null = null;
  private readonly ackLog = new AckLog();
  acked = 0;
  rate = 0;
  paused = false;

  constructor(
    private readonly server: PersistentServer,
    private readonly client: Client,
  ) {}

  start(spec: Workload, seed: number): void {
    this.stop();
    this.generator = new WorkloadGenerator(spec, seededRng(seed));
    this.rate = spec.rate;
    this.resume();
  }

  /** Stops issuing writes but keeps the seeded sequence: resume() carries on where it was. */
  pause(): void {
    if (this.timer) this.paused = true;
    this.stop();
  }

  resume(): void {
    if (!this.generator || this.timer) return;
    this.paused = false;
    this.owed = 0;
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.owed += ((now - last) * this.rate) / 1000;
      last = now;
      // A server that exited (appendfsync always on a write error) ends the workload.
      if (!this.busy) this.busy = this.pump().catch(() => this.stop()).finally(() => (this.busy = null));
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stopped for good: a new start() begins a new sequence. */
  end(): void {
    this.stop();
    this.paused = false;
  }

  /** The crash instant: no new write starts, the one in flight gets its reply. */
  async halt(): Promise<LiveCrashRecord> {
    this.stop();
    await this.busy;
    return { acked: this.acked, crashAt: this.server.engine.clock.now(), lastSnapshotSeq: this.server.lastSnapshotMark, recent: this.ackLog.recent() };
  }

  status(): WorkloadStatus {
    return { running: this.timer !== null, paused: this.paused, rate: this.rate, acked: this.acked };
  }

  private async pump(): Promise<void> {
    // A batch at most per tick, so the worker still answers messages (a crash button).
    let budget = Math.min(Math.floor(this.owed), Math.max(1, this.rate / 20));
    while (budget-- > 0 && this.timer && this.generator) {
      this.owed--;
      const argv = this.generator.next();
      await this.server.execute(this.client, ['MULTI']);
      await this.server.execute(this.client, argv);
      await this.server.execute(this.client, ['INCR', ACKED_KEY]);
      const reply = await this.server.execute(this.client, ['EXEC']);
      const counter = reply.kind === 'array' ? reply.value?.[1] : undefined;
      if (counter?.kind === 'int') {
        this.acked = Number(counter.value);
        this.ackLog.record(this.acked, this.server.engine.clock.now(), argv[1] ?? '');
      }
    }
  }
}
