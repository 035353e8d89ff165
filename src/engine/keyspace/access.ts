// The 24-bit access field redis keeps on every value (robj->lru): under an LRU policy (or none)
// the LRU clock in seconds when the key was last touched; under an LFU policy the minute of the
// last decrement in the high 16 bits and a logarithmic access counter in the low 8 (evict.c).
// The counter's increment is random in redis; here it draws from the engine's Rng.
import { type Rng } from '../clock.js';

export const LRU_CLOCK_MAX = (1 << 24) - 1;
const LRU_CLOCK_RESOLUTION_MS = 1000;
export const LFU_INIT_VAL = 5;

/** getLRUClock: seconds, wrapping at 24 bits. */
export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / LRU_CLOCK_RESOLUTION_MS) & LRU_CLOCK_MAX;
}

/** LFUGetTimeInMinutes: minutes, wrapping at 16 bits. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60_000) & 65535;
}

/** estimateObjectIdleTime, in ms, from an LRU field. */
export function idleMs(field: number, nowMs: number): number {
  const clock = lruClock(nowMs);
  return clock >= field ? (clock - field) * LRU_CLOCK_RESOLUTION_MS : (clock + (LRU_CLOCK_MAX - field)) * LRU_CLOCK_RESOLUTION_MS;
}

function lfuTimeElapsed(lastMinutes: number, nowMs: number): number {
  const now = lfuMinutes(nowMs);
  return now >= lastMinutes ? now - lastMinutes : 65535 - lastMinutes + now;
}

/** LFUDecrAndReturn: the counter after the decay periods since its last decrement. */
export function lfuCounter(field: number, nowMs: number, decayTime: number): number {
  const counter = field & 255;
  const periods = decayTime ? Math.floor(lfuTimeElapsed(field >>> 8, nowMs) / decayTime) : 0;
  return periods ? (periods > counter ? 0 : counter - periods) : counter;
}

/** LFULogIncr: the counter grows with probability 1 / ((counter - 5) * factor + 1). */
export function lfuLogIncr(counter: number, logFactor: number, rng: Rng): number {
  if (counter === 255) return 255;
  // (double)rand()/RAND_MAX, which is in [0, 1].
  const r = rng.nextUint32() / 0xffffffff;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  return r < 1 / (base * logFactor + 1) ? counter + 1 : counter;
}

/**
 * What an RDB keeps of each key's access under an LRU or LFU maxmemory-policy
 * (rdbSaveKeyValuePair): IDLE seconds, or the LFU counter after its decay.
 */
export interface KeyAccessSave {
  readonly lfu: boolean;
  /** The field of a key that has no entry of its own (touched when tracking began). */
  readonly fallback: number;
  readonly decayTime: number;
}

/** A key's IDLE (whole seconds) or FREQ as an RDB records it at `nowMs`. */
export function savedAccess(field: number, save: KeyAccessSave, nowMs: number): number {
  return save.lfu ? lfuCounter(field, nowMs, save.decayTime) : Math.floor(idleMs(field, nowMs) / 1000);
}

export interface AccessPolicy {
  readonly lfu: boolean;
  readonly nowMs: number;
  readonly logFactor: number;
  readonly decayTime: number;
  readonly rng: Rng;
}

/** createObject's field for a value made now. */
export function freshAccess(policy: AccessPolicy): number {
  return policy.lfu ? (lfuMinutes(policy.nowMs) << 8) | LFU_INIT_VAL : lruClock(policy.nowMs);
}

/** lookupKey's update (updateLFU under LFU: decay, then a logarithmic increment). */
export function touchedAccess(field: number | undefined, policy: AccessPolicy): number {
  if (!policy.lfu) return lruClock(policy.nowMs);
  const decayed = field === undefined ? LFU_INIT_VAL : lfuCounter(field, policy.nowMs, policy.decayTime);
  return (lfuMinutes(policy.nowMs) << 8) | lfuLogIncr(decayed, policy.logFactor, policy.rng);
}
