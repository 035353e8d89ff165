// The scenario's schedule on the virtual clock: arrivals, the server's event-loop turns,
// serverCron, background fsyncs returning, kernel writeback, the timeline's events and trace
// samples, each at its instant.
// `advance()` runs every step that needs no storage synchronously and stops at the first one that
// must be awaited, so the caller awaits exactly what a step awaits and nothing more (a fork
// child's writes interleave with those awaits). Its times are fields, not an async function's
// locals: a run of a million writes then allocates no number per step.
import type { Client, PersistentServer, Reply } from '../engine/index.js';
import type { ClientPool, LatencyHistogram, SentWrite } from './clients.js';
import type { WriteHistory } from './history.js';
import { SIM_EPOCH_MS, type VirtualClock } from './virtual-clock.js';
import type { WorkloadGenerator } from './workload.js';
import type { ScenarioEvent } from '../scenario/scenario.js';

/** A timeline event other than the crash, at absolute virtual ms. */
export type TimelineEvent = Exclude<ScenarioEvent, { kind: 'crash' }>;

/** serverCron runs at hz 10. */
export const CRON_INTERVAL_MS = 100;
/** The kernel flusher wakes every dirty_writeback_centisecs (5 s). */
const WRITEBACK_INTERVAL_MS = 5_000;

/** What `advance()` stopped at. */
export const Step = {
  End: 0,
  /** Wait `waitMs` of wall time (paced runs), then advance again. */
  Pace: 1,
  /** Let messages in, `breathed()`, then advance again. */
  Breathe: 2,
  /** Await `turn`, then `finishTurn` with its replies. */
  Turn: 3,
  /** Run `event` on the server. */
  Event: 4,
  /** Run serverCron, then `cronRan()`. */
  Cron: 5,
  /** Run the kernel's writeback. */
  Writeback: 6,
  /** Sample the run's state. */
  Trace: 7,
  /** everysec's background fsync returns: `server.finishBackgroundFsync()`. */
  FsyncReturns: 8,
} as const;
export type Step = (typeof Step)[keyof typeof Step];

export interface LoopParts {
  server: PersistentServer;
  clock: VirtualClock;
  pool: ClientPool<Client>;
  workload: WorkloadGenerator;
  history: WriteHistory;
  latency: LatencyHistogram;
  /** The timeline's events other than the crash, at absolute virtual ms, in order. */
  events: TimelineEvent[];
  /** Absolute virtual ms the run stops at. */
  end: number;
  everyCronTick: boolean;
  tracing: boolean;
  traceEveryMs: number;
  /** Virtual ms per wall ms, or 0 to run as fast as possible. */
  speed: number;
  breathing: boolean;
  signal: { readonly aborted: boolean } | undefined;
  /** Called after every step, with its instant. */
  afterStep: (t: number) => void;
}

export class ScenarioLoop {
  /** Event-loop turns that ran workload writes. */
  turns = 0;
  /** The instant of the step `advance()` stopped at. */
  t = 0;
  /** Pace: wall ms to wait. */
  waitMs = 0;
  /** Turn: the replies to await, for `batch`. */
  turn: Promise<Reply[]> | null = null;
  /** Event: the one to run. */
  event: TimelineEvent | null = null;
  private batch: SentWrite<Client>[] = [];
  private nextArrival: number;
  private nextCron = SIM_EPOCH_MS + CRON_INTERVAL_MS;
  private nextWriteback = SIM_EPOCH_MS + WRITEBACK_INTERVAL_MS;
  /** The event loop is busy until then (an fsync under appendfsync always holds the whole server). */
  private serverFreeAt = SIM_EPOCH_MS;
  private nextTrace = SIM_EPOCH_MS;
  private readonly wallStart = performance.now();
  private lastBreath = this.wallStart;
  /** Steps until the wall clock is read again for a breath (reading it every step costs). */
  private stepsToClockRead = 0;
  /**
   * `server.nextCronWork()` as last asked, valid while only arrivals happen: they do not change
   * the server, and the answer can only grow with time while the server stays as it is, so a kept
   * one never skips a tick that could find work.
   */
  private cronWork = 0;
  private cronWorkKnown = false;

  constructor(private readonly parts: LoopParts) {
    this.nextArrival = SIM_EPOCH_MS + parts.workload.nextGap();
  }

  /**
   * Runs the steps that need no storage, up to the first that does (or a pause): returns which.
   * The clock stands at `t` when it returns a step to run.
   */
  advance(): Step {
    const { server, clock, pool, events, end, signal } = this.parts;
    // Whatever the caller awaited since the last call may have changed the server.
    this.cronWorkKnown = false;
    for (;;) {
      // Work of the server (a turn, cron, an event) waits while it is busy; arrivals do not.
      const nextEvent = events.length > 0 ? Math.max(events[0]!.at, this.serverFreeAt) : Infinity;
      const nextTurn = pool.hasSent ? this.serverFreeAt : Infinity;
      const sample = this.parts.tracing ? this.nextTrace : Infinity;
      // The disk answers at its own instant, busy server or not: what the fsync covers is durable from then.
      const fsyncReturns = server.fsyncReturnsAt;
      const other = Math.min(this.nextArrival, nextTurn, this.nextWriteback, nextEvent, sample, fsyncReturns);
      if (!this.parts.everyCronTick && this.nextCron >= this.serverFreeAt && this.nextCron <= other) {
        // Until the next other step nothing changes the server: the ticks before the first one
        // that can find cron work would each do nothing, so they are skipped.
        if (!this.cronWorkKnown) {
          this.cronWork = server.nextCronWork();
          this.cronWorkKnown = true;
        }
        const until = Math.min(this.cronWork, other, end + CRON_INTERVAL_MS);
        if (until > this.nextCron) this.nextCron = SIM_EPOCH_MS + Math.ceil((until - SIM_EPOCH_MS) / CRON_INTERVAL_MS) * CRON_INTERVAL_MS;
      }
      const cronAt = Math.max(this.nextCron, this.serverFreeAt);
      const t = Math.min(other, cronAt);
      if (t > end) return Step.End;
      if (signal?.aborted) throw new Error('The scenario run was cancelled.');
      if (this.parts.speed > 0) {
        const wait = this.wallStart + (t - SIM_EPOCH_MS) / this.parts.speed - performance.now();
        if (wait > 4) {
          this.waitMs = wait;
          return Step.Pace;
        }
      } else if (this.parts.breathing && --this.stepsToClockRead < 0) {
        this.stepsToClockRead = 63;
        if (performance.now() - this.lastBreath > 50) return Step.Breathe;
      }
      clock.advanceTo(t);
      this.t = t;
      if (t === this.nextArrival) {
        pool.arrive(this.parts.workload.next(), t);
        this.nextArrival += this.parts.workload.nextGap();
        this.parts.afterStep(t);
      } else if (t === fsyncReturns) return Step.FsyncReturns;
      else if (t === nextTurn) {
        // One event-loop turn: every write sent so far runs, then one AOF write (and under
        // appendfsync always one fsync) before any of their replies leaves. While a fork child
        // writes, its writes interleave with the loop's awaits: the turn awaits as it always
        // has, so they land at the same virtual instants. Otherwise a turn that needs no disk
        // runs without a promise.
        const batch = pool.takeSent();
        this.cronWorkKnown = false;
        const turn = server.job === null ? server.runTurn(batch) : server.executeTurn(batch);
        if (!Array.isArray(turn)) {
          this.batch = batch;
          this.turn = turn;
          return Step.Turn;
        }
        this.repliesArrived(batch, turn);
        this.parts.afterStep(t);
      } else if (t === nextEvent) {
        this.event = events.shift()!;
        return Step.Event;
      } else if (t === cronAt) return Step.Cron;
      else if (t === this.nextWriteback) {
        this.nextWriteback += WRITEBACK_INTERVAL_MS;
        return Step.Writeback;
      } else {
        // A sample of the run's state, after everything else that happened at this instant.
        this.nextTrace += this.parts.traceEveryMs;
        return Step.Trace;
      }
    }
  }

  /** After an awaited step (not a pause). */
  stepDone(): void {
    this.parts.afterStep(this.t);
  }

  /** After a pause to let messages in. */
  breathed(): void {
    this.lastBreath = performance.now();
  }

  /** The awaited turn's replies arrived. */
  finishTurn(replies: Reply[]): void {
    this.repliesArrived(this.batch, replies);
    this.batch = [];
    this.turn = null;
  }

  /** serverCron ran at `t`. */
  cronRan(): void {
    // A cron the busy server missed runs once, late, as serverCron does.
    while (this.nextCron <= this.t) this.nextCron += CRON_INTERVAL_MS;
  }

  private repliesArrived(batch: readonly SentWrite<Client>[], replies: readonly Reply[]): void {
    const { server, clock, history, latency, pool } = this.parts;
    const repliedAt = Math.max(clock.now(), server.busyUntil);
    this.turns++;
    for (let i = 0; i < batch.length; i++) {
      const write = batch[i]!;
      if (replies[i]!.kind !== 'error') history.ack(write.argv, repliedAt);
      latency.record(repliedAt - write.arrivedAt);
      pool.replied(write.slot);
    }
    this.serverFreeAt = repliedAt;
  }
}
