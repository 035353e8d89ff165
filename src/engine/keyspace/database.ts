// One of the 16 numbered databases: the key → value dictionary and the key → expiry (unix ms)
// table, kept apart as redis does so that most keys carry no expiry cost.
import type { Bin } from '../bytes.js';
import type { RedisValue } from './values.js';

/**
 * An expiry in unix ms. Redis accepts any int64; the few beyond 2^53 stay exact as bigint, and
 * JavaScript compares the two kinds with each other correctly.
 */
export type UnixMs = number | bigint;

export function unixMs(ms: bigint): UnixMs {
  return ms <= BigInt(Number.MAX_SAFE_INTEGER) && ms >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(ms) : ms;
}

export class Database {
  readonly dict = new Map<Bin, RedisValue>();
  readonly expires = new Map<Bin, UnixMs>();
  /**
   * INFO keyspace's avg_ttl: a running estimate of the TTL left, fed by active expiry's samples
   * (0 when nothing has been sampled or the db has no volatile keys).
   */
  avgTtl = 0;

  constructor(readonly id: number) {}

  /** One active-expiry loop's average TTL, weighed in as expire.c does (2% new, 98% old). */
  recordTtlSample(average: number): void {
    if (this.avgTtl === 0) this.avgTtl = average;
    this.avgTtl = Math.floor(this.avgTtl / 50) * 49 + Math.floor(average / 50);
  }

  get size(): number {
    return this.dict.size;
  }

  /** Sets the value and drops any expiry, as SET without KEEPTTL does. */
  setKey(key: Bin, value: RedisValue, keepTtl = false): void {
    this.dict.set(key, value);
    if (!keepTtl) this.expires.delete(key);
  }

  /** Replaces the value of an existing key in place, keeping its expiry. */
  overwrite(key: Bin, value: RedisValue): void {
    this.dict.set(key, value);
  }

  delete(key: Bin): boolean {
    this.expires.delete(key);
    return this.dict.delete(key);
  }

  clear(): void {
    this.dict.clear();
    this.expires.clear();
    this.avgTtl = 0;
  }

  /** Swaps contents with another database (SWAPDB), its TTL estimate included. */
  swapWith(other: Database): void {
    const dict = [...this.dict];
    const expires = [...this.expires];
    const [mine, theirs] = [this.avgTtl, other.avgTtl];
    this.clear();
    for (const [k, v] of other.dict) this.dict.set(k, v);
    for (const [k, v] of other.expires) this.expires.set(k, v);
    other.clear();
    for (const [k, v] of dict) other.dict.set(k, v);
    for (const [k, v] of expires) other.expires.set(k, v);
    this.avgTtl = theirs;
    other.avgTtl = mine;
  }
}
