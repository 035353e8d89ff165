// The one telemetry stream: every tick the worker runs the live server's cron and the kernel's
// writeback (at the live clock's pace), then sends what panels show live — the server's numbers,
// the workload's acknowledgements and their latency, replication, the last rewrite, and now and
// then the files, the backups and the watched keyspace. Nothing on the page polls.
import type { Lab } from './api.js';
import { clockResolutionMs } from './clock-resolution.js';
import type { Telemetry, WorkloadTelemetry } from './protocol.js';

/** Ticks between the slower parts (files, keyspace): about once a second. */
const SLOW_EVERY = 10;
/** Keys whose memory one tick measures: ~4 ms here, so a million keys are measured in 5 s. */
const MEMORY_KEYS_PER_TICK = 20_000;

export class TelemetryTicker {
  private lastCommands = 0;
  private ticks = 0;
  private memoryBytes = 0;

  constructor(private readonly lab: Lab) {}

  async tick(): Promise<Telemetry> {
    const { live, files, backups, replication } = this.lab;
    const slow = this.ticks++ % SLOW_EVERY === 0;
    if (live.server && !live.clock?.paused) await live.tick();
    const server = live.server;
    let serverTelemetry: Telemetry['server'] = null;
    if (server) {
      const engine = server.engine;
      const commands = engine.stats.commandsProcessed;
      const durability = await live.durability();
      const counters = live.takeCounters();
      this.memoryBytes = engine.usedMemoryStep(MEMORY_KEYS_PER_TICK) ?? this.memoryBytes;
      serverTelemetry = {
        ops: Math.max(0, commands - this.lastCommands),
        keys: engine.dbs.reduce((sum, db) => sum + db.size, 0),
        memoryBytes: this.memoryBytes,
        unsyncedBytes: durability.unsyncedBytes,
        aofBytes: durability.aofBytes,
        rdbBytes: durability.rdbBytes,
        rewriteAtBytes: durability.rewriteAtBytes,
        ...counters,
        time: { now: live.clock!.now(), speed: live.clock!.speed, paused: live.clock!.paused },
      };
      this.lastCommands = commands;
    }
    const message: Telemetry = {
      type: 'telemetry',
      server: serverTelemetry,
      workload: this.workload(),
      replication: replication.telemetry(),
      lastRewrite: server?.status.lastRewrite ?? null,
      lastRewriteError: server?.status.lastRewriteError ?? null,
    };
    if (slow) {
      message.files = await files.list();
      const keyspace = live.keyspace();
      if (keyspace) message.keyspace = keyspace;
    }
    const changedBackups = await backups.changedList();
    if (changedBackups) message.backups = changedBackups;
    return message;
  }

  private workload(): WorkloadTelemetry {
    const stats = this.lab.live.workload?.take();
    const clock = clockResolutionMs();
    if (!stats) return { running: false, paused: false, acked: 0, ackedInTick: 0, latencyP50Ms: null, latencyP99Ms: null, clockResolutionMs: clock };
    return {
      running: stats.running,
      paused: stats.paused,
      acked: stats.acked,
      ackedInTick: stats.ackedSinceTake,
      latencyP50Ms: stats.latency.quantile(0.5),
      latencyP99Ms: stats.latency.quantile(0.99),
      clockResolutionMs: clock,
    };
  }
}
