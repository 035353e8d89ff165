// A seeded write workload against the live server, at a rate of real time. Each write goes in a
// MULTI/EXEC with INCR workload:acked, so after any crash the recovered counter says exactly how
// many of the acknowledged writes survived (the AOF keeps transactions whole).
import { seededRng } from '../engine/clock.js';
import type { Client } from '../engine/engine.js';
import type { PersistentServer } from '../engine/persistence/server.js';
import type { Workload } from '../scenario/scenario.js';
import { WorkloadGenerator } from '../sim/workload.js';

export const ACKED_KEY = 'workload:acked';
const TICK_MS = 10;

export interface WorkloadStatus {
  running: boolean;
  rate: number;
  /** The workload:acked counter as last acknowledged: every workload write ever acked. */
  acked: number;
}

export class LiveWorkload {
  private timer: ReturnType<typeof setInterval> | null = null;
  private generator: WorkloadGenerator | null = null;
  private owed = 0;
  private busy = false;
  acked = 0;
  rate = 0;

  constructor(
    private readonly server: PersistentServer,
    private readonly client: Client,
  ) {}

  start(spec: Workload, seed: number): void {
    this.stop();
    this.rate = spec.rate;
    this.generator = new WorkloadGenerator(spec, seededRng(seed));
    this.owed = 0;
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.owed += ((now - last) * this.rate) / 1000;
      last = now;
      if (!this.busy) void this.pump();
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  status(): WorkloadStatus {
    return { running: this.timer !== null, rate: this.rate, acked: this.acked };
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
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
        if (counter?.kind === 'int') this.acked = Number(counter.value);
      }
    } finally {
      this.busy = false;
    }
  }
}
