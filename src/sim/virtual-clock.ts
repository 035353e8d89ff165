// The one clock a simulated run lives on. Nothing advances it but the simulator, so a scenario
// and its seed give the same events on every machine.
import { type Clock } from '../engine/index.js';

/** 2027-01-15T08:00:00Z: a fixed start, so ctime fields and expiries repeat exactly. */
export const SIM_EPOCH_MS = 1_800_000_000_000;

export class VirtualClock implements Clock {
  private t: number;

  constructor(start = SIM_EPOCH_MS) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** Moves time forward (never back). */
  advanceTo(t: number): void {
    if (t > this.t) this.t = t;
  }
}
