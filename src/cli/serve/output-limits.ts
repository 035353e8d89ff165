// client-output-buffer-limit for the lab's clients (all of class normal): a client whose pending
// output reaches the hard limit is closed at once; one that stays at or above the soft limit for
// the soft seconds is closed then (networking.c checkClientOutputBufferLimits). Pending output is
// what the kernel has not taken from the socket yet — a client that does not read makes it grow.
import { type Config, type OutputBufferLimit, parseOutputBufferLimits } from '../../engine/index.js';
import type { Connection } from './connection.js';

export class OutputLimits {
  private limit: OutputBufferLimit;

  constructor(config: Config) {
    this.limit = parseOutputBufferLimits(config.get('client-output-buffer-limit')).normal;
    config.onChange((name, value) => {
      if (name === 'client-output-buffer-limit') this.limit = parseOutputBufferLimits(value).normal;
    });
  }

  /** Whether `conn`'s output reached the hard limit. */
  hardExceeded(conn: Connection): boolean {
    return this.limit.hard > 0 && conn.pendingOutput >= this.limit.hard;
  }

  /** Whether `conn` went over its limits and must be closed now. */
  exceeded(conn: Connection, now: number): boolean {
    const { hard, soft, softSeconds } = this.limit;
    if (hard === 0 && soft === 0) return false;
    const used = conn.pendingOutput;
    if (hard > 0 && used >= hard) return true;
    if (soft > 0 && used >= soft) {
      if (conn.softLimitSince === 0) {
        conn.softLimitSince = now;
        return false;
      }
      return now - conn.softLimitSince > softSeconds * 1000;
    }
    conn.softLimitSince = 0;
    return false;
  }
}
