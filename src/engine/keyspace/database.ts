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
   * Redis's per-value access field (see access.ts), kept only once the engine tracks access
   * (`accessField` set); a key without an entry counts as touched when tracking began.
   */
  readonly access = new Map<Bin, number>();
  /**
   * The field a value stored now gets (`replacing` an existing key, which under LFU keeps its
   * counter, as dbOverwrite does), or null while access is not tracked.
   */
  accessField: ((key: Bin, replacing: boolean) => number) | null = null;

  constructor(readonly id: number) {}

  get size(): number {
    return this.dict.size;
  }

  /** Sets the value and drops any expiry, as SET without KEEPTTL does. */
  setKey(key: Bin, value: RedisValue, keepTtl = false): void {
    if (this.accessField) this.access.set(key, this.accessField(key, this.dict.has(key)));
    this.dict.set(key, value);
    if (!keepTtl) this.expires.delete(key);
  }

  /** Replaces the value of an existing key with a new object, keeping its expiry. */
  overwrite(key: Bin, value: RedisValue): void {
    if (this.accessField) this.access.set(key, this.accessField(key, true));
    this.dict.set(key, value);
  }

  delete(key: Bin): boolean {
    this.expires.delete(key);
    if (this.access.size > 0) this.access.delete(key);
    return this.dict.delete(key);
  }

  clear(): void {
    this.dict.clear();
    this.expires.clear();
    this.access.clear();
  }

  /** Swaps contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    for (const field of ['dict', 'expires', 'access'] as const) {
      const mine = [...this[field]];
      this[field].clear();
      for (const [k, v] of other[field]) (this[field] as Map<Bin, unknown>).set(k, v);
      other[field].clear();
      for (const [k, v] of mine) (other[field] as Map<Bin, unknown>).set(k, v);
    }
  }
}
