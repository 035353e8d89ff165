// The latest engine telemetry, smoothed into commands per second over the last second of ticks.
import type { Telemetry } from '../../worker/protocol.js';
import { TELEMETRY_INTERVAL_MS } from '../../worker/protocol.js';

const WINDOW_TICKS = Math.round(1000 / TELEMETRY_INTERVAL_MS);

export class TelemetryState {
  keys = $state(0);
  memoryBytes = $state(0);
  opsPerSecond = $state(0);
  unsyncedBytes = $state(0);
  aofBytes = $state(0);
  private recentOps: number[] = [];

  update(t: Telemetry): void {
    this.keys = t.keys;
    this.memoryBytes = t.memoryBytes;
    this.unsyncedBytes = t.unsyncedBytes;
    this.aofBytes = t.aofBytes;
    this.recentOps = [...this.recentOps, t.ops].slice(-WINDOW_TICKS);
    const total = this.recentOps.reduce((a, b) => a + b, 0);
    this.opsPerSecond = Math.round((total * 1000) / (this.recentOps.length * TELEMETRY_INTERVAL_MS));
  }
}
