// A seeded write workload against the live server, as many clients with a pipeline each: every
// event-loop turn takes what the clients have sent, and their replies come back together when
// the turn's AOF write (and, under appendfsync always, its one fsync) is done. Each write goes
// in a MULTI/EXEC with INCR workload:acked, so after any crash the recovered counter says exactly
// how many acknowledged writes survived (the AOF keeps transactions whole).
import { seededRng, stringBytes, type Client, type Engine, type PersistentServer, type TurnCommand } from '../engine/index.js';
import type { Workload } from '../scenario/scenario.js';
import { LatencyHistogram } from '../sim/clients.js';
import { AckLog, type LiveCrashRecord } from '../sim/live-crash.js';
import { WorkloadGenerator } from '../sim/workload.js';
import { yieldToEvents } from './yield.js';

export const ACKED_KEY = 'workload:acked';
// The transaction around each write, shared by every write (the engine never changes an argv).
const MULTI: readonly string[] = ['MULTI'];
const COUNT: readonly string[] = ['INCR', ACKED_KEY];
const EXEC: readonly string[] = ['EXEC'];
/** Let the worker answer messages and run its cron at least this often while writing flat out. */
const YIELD_EVERY_MS = 8;

/** The workload counter as the dataset holds it now (0 when absent). */
export function ackedCounter(engine: Engine): number {
  const value = engine.dbs[0]?.dict.get(ACKED_KEY);
  const text = value === undefined ? null : stringBytes(value);
  return text === null ? 0 : Number(text) || 0;
}

export interface WorkloadSpec extends Workload {
  /** Connections writing at once. */
  clients: number;
  /** Writes each client sends before it waits for their replies. */
  pipeline: number;
  /** Writes per real second, or null: as fast as the server answers. */
  ratePerSecond: number | null;
}

export interface WorkloadStats {
  running: boolean;
  paused: boolean;
  /** The workload:acked counter as last acknowledged: every workload write ever acked. */
  acked: number;
  /** Writes acknowledged since the last take, and their latencies (real ms, arrival to reply). */
  ackedSinceTake: number;
  latency: LatencyHistogram;
}

export class LiveWorkload {
  private generator: WorkloadGenerator | null = null;
  private spec: WorkloadSpec | null = null;
  private clients: Client[] = [];
  private loop: Promise<void> | null = null;
  private running = false;
  private readonly ackLog = new AckLog();
  /** Real ms at which owed writes arrived (rate-limited mode), oldest first. */
  private arrivals: number[] = [];
  // Bucketed, as in scenario reports: flat out, a tick acknowledges tens of thousands of writes.
  private latency = new LatencyHistogram();
  private ackedSinceTake = 0;
  private lastRefill = 0;
  /** Cuts the wait for the next arrival short: a pause or a crash must not wait out a gap. */
  private wake: (() => void) | null = null;
  acked = 0;
  paused = false;

  constructor(
    private readonly server: PersistentServer,
    /** Read when a crash halts the workload: the counter in the last snapshot on disk. */
    private readonly lastSnapshotMark: () => number,
  ) {
    this.acked = ackedCounter(server.engine);
  }

  start(spec: WorkloadSpec, seed: number): void {
    this.end();
    this.spec = spec;
    this.generator = new WorkloadGenerator(spec, seededRng(seed));
    this.clients = Array.from({ length: Math.max(1, spec.clients) }, () => this.server.engine.createClient());
    this.resume();
  }

  /** Stops issuing writes but keeps the seeded sequence: resume() carries on where it was. */
  pause(): void {
    if (this.running) this.paused = true;
    this.stop();
  }

  resume(): void {
    if (!this.generator || this.running) return;
    this.paused = false;
    this.running = true;
    this.arrivals = [];
    this.lastRefill = performance.now();
    this.loop ??= this.run().finally(() => (this.loop = null));
  }

  /** Stopped for good: a new start() begins a new sequence. */
  end(): void {
    this.stop();
    this.paused = false;
  }

  /** The crash instant: no new turn starts; the one in flight gets its replies. */
  async halt(): Promise<LiveCrashRecord> {
    this.stop();
    await this.loop;
    return { acked: this.acked, crashAt: this.server.engine.clock.now(), lastSnapshotSeq: this.lastSnapshotMark(), recent: this.ackLog.recent() };
  }

  private stop(): void {
    this.running = false;
    this.wake?.();
  }

  /** What telemetry shows; the latencies and the per-tick count start over. */
  take(): WorkloadStats {
    const stats = { running: this.running, paused: this.paused, acked: this.acked, ackedSinceTake: this.ackedSinceTake, latency: this.latency };
    this.latency = new LatencyHistogram();
    this.ackedSinceTake = 0;
    return stats;
  }

  private async run(): Promise<void> {
    let lastYield = performance.now();
    try {
      while (this.running) {
        const batch = this.nextTurn();
        if (batch.writes.length === 0) {
          await this.untilNextArrival();
          lastYield = performance.now();
          continue;
        }
        const replies = await this.server.executeTurn(batch.commands);
        const repliedAt = performance.now();
        const now = this.server.engine.clock.now();
        for (let i = 0; i < batch.writes.length; i++) {
          const exec = replies[i * 4 + 3];
          const counter = exec?.kind === 'array' ? exec.value?.[1] : undefined;
          if (counter?.kind !== 'int') continue;
          const write = batch.writes[i]!;
          this.acked = Number(counter.value);
          this.ackedSinceTake++;
          this.ackLog.record(this.acked, now, write.key);
          this.latency.record(repliedAt - write.arrivedAt);
        }
        // A turn on storage that answers synchronously (OPFS) never leaves the microtask queue.
        if (repliedAt - lastYield >= YIELD_EVERY_MS) {
          await yieldToEvents();
          lastYield = performance.now();
        }
      }
    } catch {
      // A server that exited (appendfsync always on a write error) ends the workload.
      this.running = false;
    }
  }

  /**
   * Sleeps until the next write is due, as an event loop blocked in epoll_wait wakes when one
   * arrives. A timer set from a message task is not clamped to the 4 ms of a nested timer (the
   * wait used to be that, whatever the rate: most of the ack latency at a few hundred writes a
   * second, hiding what each policy costs). Timers count whole milliseconds and fire ~0.2 ms late,
   * so the timer ends before the write is due and message turns wait out the rest: the write is
   * taken within tens of µs, for at most ~1 ms of busy waiting per write. A write due sooner than
   * any timer can end waits for the shortest one instead: at a thousand writes a second and more,
   * waiting out every gap would keep a core busy.
   */
  private async untilNextArrival(): Promise<void> {
    await yieldToEvents();
    const rate = this.spec?.ratePerSecond ?? null;
    if (rate === null) return this.sleep(1);
    const due = this.lastRefill + 1000 / rate;
    const left = due - performance.now();
    if (left >= 1.25) await this.sleep(Math.floor(left - 0.25));
    else if (left > 0.25) await this.sleep(1);
    while (this.running && performance.now() < due) await yieldToEvents();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** The writes the clients have sent by now: each client up to its pipeline, within the rate. */
  private nextTurn(): { commands: TurnCommand[]; writes: { key: string; arrivedAt: number }[] } {
    const spec = this.spec!;
    const now = performance.now();
    const capacity = this.clients.length * Math.max(1, spec.pipeline);
    let count = capacity;
    if (spec.ratePerSecond !== null) {
      // Arrivals at the rate since the last look; those beyond the pipelines wait their turn.
      const due = ((now - this.lastRefill) * spec.ratePerSecond) / 1000;
      const whole = Math.floor(due);
      for (let i = 0; i < whole && this.arrivals.length < capacity * 4; i++) this.arrivals.push(this.lastRefill + ((i + 1) * 1000) / spec.ratePerSecond);
      this.lastRefill += (whole * 1000) / spec.ratePerSecond;
      count = Math.min(capacity, this.arrivals.length);
    }
    const commands: TurnCommand[] = [];
    const writes: { key: string; arrivedAt: number }[] = [];
    for (let i = 0; i < count; i++) {
      const client = this.clients[i % this.clients.length]!;
      const argv = this.generator!.next();
      commands.push({ client, argv: MULTI }, { client, argv }, { client, argv: COUNT }, { client, argv: EXEC });
      writes.push({ key: argv[1] ?? '', arrivedAt: spec.ratePerSecond === null ? now : this.arrivals[i]! });
    }
    if (spec.ratePerSecond !== null) this.arrivals.splice(0, count);
    return { commands, writes };
  }
}
