// The live server's clock: it starts at the real time and then runs `speed` times as fast, so
// hour-long save points and writeback show in seconds; it can be paused and stepped.
import type { Clock } from '../engine/index.js';

export class LiveClock implements Clock {
  private base = Date.now();
  private anchor = Date.now();
  paused = false;

  constructor(private rate = 1) {}

  get speed(): number {
    return this.rate;
  }

  now(): number {
    return this.paused ? this.base : this.base + Math.round((Date.now() - this.anchor) * this.rate);
  }

  /** Changes speed from this instant on. */
  setSpeed(rate: number): void {
    this.base = this.now();
    this.anchor = Date.now();
    this.rate = rate;
  }

  setPaused(paused: boolean): void {
    this.base = this.now();
    this.anchor = Date.now();
    this.paused = paused;
  }

  /** While paused: time jumps forward by `ms`. */
  step(ms: number): void {
    this.base += ms;
  }
}
