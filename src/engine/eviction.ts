// maxmemory: the lab's measure of used memory and performEvictions (evict.c). Used memory is
// redis's startup allocation plus what each key costs the allocator (its MEMORY USAGE, as redis
// computes it per encoding) and the keyspace dicts' bucket arrays: redis's used_memory without
// client buffers, the replication backlog or fragmentation. Eviction triggers on that figure. Victims are
// chosen as redis chooses them (a pool of sampled keys by idle time, LFU counter or TTL, or a
// random key per database in turn), with the engine's Rng for the randomness. They run before
// each command; CONFIG SET maxmemory only starts redis's eviction timer, which fires after the
// commands already received, so the lab's "before the next command" is when redis evicts too.
// Evicted keys propagate as lone DELs (UNLINK with lazyfree-lazy-eviction).
import type { Bin } from './bytes.js';
import { randomBelow } from './clock.js';
import type { Engine } from './engine.js';
import { idleMs, lfuCounter } from './keyspace/access.js';
import type { Database } from './keyspace/database.js';
import { dictTableBytes, EXPIRE_ENTRY_ALLOCATED, keyAllocated } from './keyspace/memory-usage.js';
import type { RedisValue } from './keyspace/values.js';

/** MEMORY STATS' startup.allocated of redis-server 7.0 here (x86-64, jemalloc), measured. */
export const STARTUP_BYTES = 876_160;
const EVPOOL_SIZE = 16;

/** What the estimate reads of a database: a live one, or a fork child's copy. */
export interface MeasuredTables {
  readonly size: number;
  readonly expires: { readonly size: number };
  readonly dict: Iterable<[Bin, RedisValue]>;
}

/** The keyspace dicts of every database: the main and expires tables' bucket arrays and expires entries. */
export function dictsBytes(dbs: readonly MeasuredTables[]): number {
  let bytes = 0;
  for (const db of dbs) bytes += dictTableBytes(db.size) + dictTableBytes(db.expires.size) + db.expires.size * EXPIRE_ENTRY_ALLOCATED;
  return bytes;
}

/** The estimate over the whole dataset, O(keys + elements). */
export function estimateMemory(dbs: readonly MeasuredTables[]): number {
  let bytes = STARTUP_BYTES + dictsBytes(dbs);
  for (const db of dbs) for (const [key, value] of db.dict) bytes += keyAllocated(key, value);
  return bytes;
}

/**
 * The same figure measured a slice of keys at a time, for a caller that must not stall on a big
 * dataset (the worker's once-a-second telemetry spent ~200 ms on a million keys in one go). A
 * pass reads each key once as it stands when reached; writes during the pass land in it or in
 * the next.
 */
export class UsedMemoryScan {
  private cursor: { db: number; entries: IterableIterator<[Bin, RedisValue]> } | null = null;
  private bytes = 0;

  constructor(private readonly dbs: readonly Database[]) {}

  /** Measures up to `budget` keys; returns the total when this step ended a pass, else null. */
  step(budget: number): number | null {
    this.cursor ??= { db: 0, entries: this.dbs[0]!.dict.entries() };
    let left = budget;
    while (left > 0) {
      const next = this.cursor.entries.next();
      if (!next.done) {
        this.bytes += keyAllocated(next.value[0], next.value[1]);
        left--;
        continue;
      }
      const db: number = this.cursor.db + 1;
      if (db < this.dbs.length) {
        this.cursor = { db, entries: this.dbs[db]!.dict.entries() };
        continue;
      }
      const total = STARTUP_BYTES + dictsBytes(this.dbs) + this.bytes;
      this.cursor = null;
      this.bytes = 0;
      return total;
    }
    return null;
  }
}

/**
 * The same estimate kept up to date incrementally while maxmemory is set: keys a command
 * changed are measured again, and a change of the key count it did not hear about (a load,
 * DEBUG POPULATE) makes it measure everything.
 */
export class MemoryMeter {
  private readonly sizes: Map<Bin, number>[];
  private readonly stale: Set<Bin>[];
  private keysTotal = 0;
  private bytes = 0;
  private valid = false;

  constructor(private readonly dbs: readonly Database[]) {
    this.sizes = dbs.map(() => new Map());
    this.stale = dbs.map(() => new Set());
  }

  /** A key of `db` may have changed. */
  invalidate(db: Database, key: Bin): void {
    if (this.valid) this.stale[db.id]!.add(key);
  }

  /** Everything may have changed (FLUSHALL, SWAPDB …). */
  reset(): void {
    this.valid = false;
  }

  used(): number {
    let keys = 0;
    for (const db of this.dbs) keys += db.size;
    if (!this.valid || keys !== this.keysTotal) this.rebuild();
    else {
      for (const db of this.dbs) {
        const stale = this.stale[db.id]!;
        if (stale.size === 0) continue;
        const sizes = this.sizes[db.id]!;
        for (const key of stale) {
          this.bytes -= sizes.get(key) ?? 0;
          const value = db.dict.get(key);
          if (value === undefined) sizes.delete(key);
          else {
            const size = keyAllocated(key, value);
            sizes.set(key, size);
            this.bytes += size;
          }
        }
        stale.clear();
      }
    }
    this.keysTotal = keys;
    return STARTUP_BYTES + this.bytes + dictsBytes(this.dbs);
  }

  private rebuild(): void {
    this.bytes = 0;
    for (const db of this.dbs) {
      const sizes = this.sizes[db.id]!;
      sizes.clear();
      this.stale[db.id]!.clear();
      for (const [key, value] of db.dict) {
        const size = keyAllocated(key, value);
        sizes.set(key, size);
        this.bytes += size;
      }
    }
    this.valid = true;
  }
}

type Policy = 'volatile-lru' | 'volatile-lfu' | 'volatile-random' | 'volatile-ttl' | 'allkeys-lru' | 'allkeys-lfu' | 'allkeys-random' | 'noeviction';

/** Keys of a database an eviction may pick from, drawn without repetition in O(1). */
class Candidates {
  private readonly keys: Bin[];

  constructor(db: Database, allKeys: boolean) {
    this.keys = [...(allKeys ? db.dict.keys() : db.expires.keys())];
  }

  get size(): number {
    return this.keys.length;
  }

  random(engine: Engine): Bin {
    return this.keys[randomBelow(engine.rng, this.keys.length)]!;
  }

  /** Up to `count` distinct keys (dictGetSomeKeys): all of them when there are no more. */
  sample(engine: Engine, count: number): Bin[] {
    const keys = this.keys;
    if (keys.length <= count) return [...keys];
    const out: Bin[] = [];
    const taken = new Set<number>();
    while (out.length < count) {
      const i = randomBelow(engine.rng, keys.length);
      if (taken.has(i)) continue;
      taken.add(i);
      out.push(keys[i]!);
    }
    return out;
  }

  remove(key: Bin): void {
    const i = this.keys.indexOf(key);
    if (i < 0) return;
    this.keys[i] = this.keys[this.keys.length - 1]!;
    this.keys.pop();
  }
}

/**
 * performEvictions before a command: 'ok' when used memory is within maxmemory (after evicting
 * keys if the policy allows), 'fail' when it is not and nothing more can be evicted.
 */
export function performEvictions(engine: Engine): 'ok' | 'fail' {
  const maxmemory = Number(engine.config.get('maxmemory'));
  if (maxmemory === 0 || engine.loading) return 'ok';
  const meter = engine.memoryMeter();
  let used = meter.used();
  if (used <= maxmemory) return 'ok';
  const policy = engine.config.get('maxmemory-policy') as Policy;
  if (policy === 'noeviction') return 'fail';
  const allKeys = policy.startsWith('allkeys');
  const candidates = engine.dbs.map((db) => new Candidates(db, allKeys));
  const lazy = engine.config.getBool('lazyfree-lazy-eviction');
  const toFree = used - maxmemory;
  let freed = 0;
  let result: 'ok' | 'fail' = 'ok';
  const pool: { db: number; key: Bin; idle: number }[] = [];
  while (freed < toFree) {
    const pick = policy.endsWith('random') ? randomPick(engine, candidates) : poolPick(engine, policy, candidates, pool);
    if (!pick) {
      result = 'fail';
      break;
    }
    const db = engine.dbs[pick.db]!;
    candidates[pick.db]!.remove(pick.key);
    db.delete(pick.key);
    engine.stats.evictedKeys++;
    engine.signalModifiedKey(db, pick.key);
    const after = meter.used();
    freed += used - after;
    used = after;
    engine.propagateAlone(db.id, [lazy ? 'UNLINK' : 'DEL', pick.key]);
  }
  return result;
}

function randomPick(engine: Engine, candidates: Candidates[]): { db: number; key: Bin } | null {
  const count = candidates.length;
  for (let i = 0; i < count; i++) {
    const j = (engine.evictionNextDb = (engine.evictionNextDb + 1) % count);
    const c = candidates[j]!;
    if (c.size > 0) return { db: j, key: c.random(engine) };
  }
  return null;
}

/** evictionPoolPopulate over every database, then the best (highest "idle") key in the pool. */
function poolPick(engine: Engine, policy: Policy, candidates: Candidates[], pool: { db: number; key: Bin; idle: number }[]): { db: number; key: Bin } | null {
  const samples = engine.config.getNumber('maxmemory-samples');
  const now = engine.commandTime || engine.clock.now();
  const decay = engine.config.getNumber('lfu-decay-time');
  for (;;) {
    let total = 0;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (c.size === 0) continue;
      total += c.size;
      const db = engine.dbs[i]!;
      for (const key of c.sample(engine, samples)) {
        if (pool.some((p) => p.db === i && p.key === key)) continue;
        let idle: number;
        if (policy === 'volatile-ttl') idle = -Number(db.expires.get(key) ?? 0);
        else if (policy.endsWith('lfu')) idle = 255 - lfuCounter(engine.keyAccess(db, key), now, decay);
        else idle = idleMs(engine.keyAccess(db, key), now);
        pool.push({ db: i, key, idle });
      }
    }
    if (total === 0) return null;
    pool.sort((a, b) => a.idle - b.idle);
    while (pool.length > EVPOOL_SIZE) pool.shift();
    while (pool.length > 0) {
      const best = pool.pop()!;
      const db = engine.dbs[best.db]!;
      if ((policy.startsWith('allkeys') ? db.dict : db.expires).has(best.key)) return best;
    }
  }
}
