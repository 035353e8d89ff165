// One database's keys and values, kept as bytes. Each key, and a string value of up to
// INLINE_MAX bytes, is copied into one growing byte arena; an open-addressing table of Int32s
// finds a key's slot. A million keys are then a few typed arrays instead of two million JS
// strings and a Map: loading them allocates almost nothing the garbage collector must copy, and
// they take less memory than redis-server's dictEntry + sds + robj. Other values (collections,
// long strings, strings written in place) are kept as objects beside the slot.
//
// It answers like a Map<Bin, RedisValue>, iterating in insertion order (a key set again keeps
// its place, a key deleted and added again goes last), so everything that read the Map reads it.
// Expiry times live here too (a column, allocated when the first key gets one): `expires` is a
// Map-like view of them.
import { bytesToBin, type Bin } from '../bytes.js';
import type { RedisValue } from './values.js';

/** An expiry in unix ms; beyond 2^53 it stays exact as a bigint (see database.ts). */
type UnixMs = number | bigint;

/** Longer string values are kept as JS strings: their bytes dominate, one object costs little. */
export const INLINE_MAX = 64;
/** valLen of a slot whose value is the object in `vals`. */
const IN_VALS = -1;
/** valLen of a deleted slot (kept until compaction, so iteration order is the Map's). */
const DELETED = -2;
const MIN_SLOTS = 16;
const UNKNOWN = -2;
/** Compaction is not worth it below this many arena bytes. */
const MIN_COMPACT_BYTES = 1 << 16;

/** FNV-1a over the bytes, then a final mix so that the low bits (the table index) vary. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The table's hash of a key: FNV-1a, then mixed (also used to scatter names over pages). */
export function hashBin(s: Bin): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return finish(h);
}

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return finish(h);
}

function grown<T extends Int32Array | Float64Array>(array: T, size: number, fill?: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  if (fill !== undefined) next.fill(fill, array.length);
  return next;
}

/** A fork child's slot columns are copied in chunks of this many slots (2^CHUNK_BITS). */
const CHUNK_BITS = 12;

interface Columns {
  keyOff: Int32Array;
  keyLen: Int32Array;
  valLen: Int32Array;
  expireAt: Float64Array | null;
}

/**
 * The slot columns a fork child reads, as they were at the fork. Each chunk is copied from the
 * parent's arrays the first time either side needs it: the child before reading it, the parent
 * before changing it, as the kernel copies a page on first write. So the fork itself copies
 * nothing, and a chunk nobody changes is copied once, by the child, in its own time.
 */
class LentColumns {
  /** The child's copies of the object-value column, by chunk. */
  readonly vals: (RedisValue | undefined)[][] = [];
  private readonly copied: Uint8Array;
  private left: number;

  constructor(
    private readonly from: Columns & { vals: (RedisValue | undefined)[] },
    private readonly to: Columns,
    /** Slots at the fork: later ones are the parent's alone. */
    readonly slots: number,
  ) {
    this.left = (slots + (1 << CHUNK_BITS) - 1) >>> CHUNK_BITS;
    this.copied = new Uint8Array(this.left);
  }

  /** Copies the chunk holding `slot` unless it is copied already. */
  ensure(slot: number): void {
    const chunk = slot >>> CHUNK_BITS;
    if (this.copied[chunk] === 1) return;
    this.copied[chunk] = 1;
    this.left--;
    const start = chunk << CHUNK_BITS;
    const end = Math.min(this.slots, start + (1 << CHUNK_BITS));
    const { from, to } = this;
    to.keyOff.set(from.keyOff.subarray(start, end), start);
    to.keyLen.set(from.keyLen.subarray(start, end), start);
    to.valLen.set(from.valLen.subarray(start, end), start);
    if (from.expireAt) to.expireAt!.set(from.expireAt.subarray(start, end), start);
    this.vals[chunk] = from.vals.slice(start, end);
  }

  /** Before the parent rewrites its columns wholesale (compaction). */
  ensureAll(): void {
    for (let chunk = 0; this.left > 0; chunk++) this.ensure(chunk << CHUNK_BITS);
  }

  valueAt(slot: number): RedisValue | undefined {
    return this.vals[slot >>> CHUNK_BITS]![slot & ((1 << CHUNK_BITS) - 1)];
  }

  /** The object-value column's entry at the fork, whether copied yet or not. */
  valueAtFork(slot: number): RedisValue | undefined {
    return this.copied[slot >>> CHUNK_BITS] === 1 ? this.valueAt(slot) : this.from.vals[slot];
  }

  /** Every object value the child holds (all chunks copied first). */
  objects(): Set<object> {
    this.ensureAll();
    const objects = new Set<object>();
    for (const chunk of this.vals) for (const value of chunk) if (typeof value === 'object') objects.add(value);
    return objects;
  }
}

export class KeyDict {
  private arena = new Uint8Array(1024);
  /** Arena bytes written, and how many of them no slot refers to any more. */
  private used = 0;
  private garbage = 0;
  private keyOff = new Int32Array(MIN_SLOTS);
  private keyLen = new Int32Array(MIN_SLOTS);
  /** The inline value's length, IN_VALS or DELETED. */
  private valLen = new Int32Array(MIN_SLOTS);
  private vals: (RedisValue | undefined)[] = [];
  /** Expiry per slot (NaN: none; ±Infinity: a bigint kept in `bigExpires`), once any is set. */
  private expireAt: Float64Array | null = null;
  private bigExpires: Map<Bin, bigint> | null = null;
  /** Slots handed out (live or deleted), live ones, and live ones with an expiry. */
  private slots = 0;
  private live = 0;
  private volatile = 0;
  /**
   * Per position: slot + 1 (0 for empty) and the key's hash, side by side, so a probe past
   * another key costs no look at its bytes. At most half the positions are used.
   */
  private table = new Int32Array(MIN_SLOTS * 4);
  private mask = MIN_SLOTS * 2 - 1;
  /** Changes when slots are renumbered (compaction), which iterators cannot follow. */
  private epoch = 0;
  /** How many keys a loader said are coming (RESIZEDB); 0 when nobody said. */
  private expected = 0;
  /** The last key hashed: a command looks its key up several times. */
  private lastKey: Bin | null = null;
  private lastHash = 0;
  /** Where the last key was found (-1: absent), until keys come or go; UNKNOWN when not looked up. */
  private lastSlot = UNKNOWN;
  /** An arena a fork child reads too: no byte before `used` may change while it does. */
  private arenaShared: Uint8Array | null = null;
  /** A frozen copy's replacements for object values the parent changed after the fork. */
  private substitutes: Map<object, RedisValue> | null = null;
  /** The columns a fork child reads: the parent copies a chunk before it changes it. */
  private lent: LentColumns | null = null;
  /** The object values a fork child holds, once a compaction renumbered the slots it lent. */
  private forkObjects: Set<object> | null = null;
  /** A frozen copy's columns, copied chunk by chunk from the parent's before they are read. */
  private borrowed: LentColumns | null = null;

  readonly expires = new ExpireView(this);

  get size(): number {
    return this.live;
  }

  /**
   * The table as it is now, for a fork child to read in order (entriesWithExpiry) while this one
   * goes on changing: the slot columns are lent (each chunk copied before either side touches
   * it, see LentColumns), the arena is shared (everything after this writes past its end or into
   * a new one, see `replace`), object values are shared and read through `substitutes`, the
   * child's copies of values changed since.
   */
  frozenCopy(substitutes: Map<object, RedisValue>): KeyDict {
    const copy = new KeyDict();
    const n = Math.max(this.slots, 1);
    copy.arena = this.arena;
    this.arenaShared = this.arena;
    copy.used = this.used;
    // Fresh arrays cost nothing until written: their pages are touched as chunks are copied in.
    copy.keyOff = new Int32Array(n);
    copy.keyLen = new Int32Array(n);
    copy.valLen = new Int32Array(n);
    copy.expireAt = this.expireAt ? new Float64Array(n) : null;
    this.lent?.ensureAll();
    this.forkObjects = null;
    this.lent = copy.borrowed = new LentColumns({ keyOff: this.keyOff, keyLen: this.keyLen, valLen: this.valLen, expireAt: this.expireAt, vals: this.vals }, { keyOff: copy.keyOff, keyLen: copy.keyLen, valLen: copy.valLen, expireAt: copy.expireAt }, this.slots);
    copy.bigExpires = this.bigExpires ? new Map(this.bigExpires) : null;
    copy.slots = this.slots;
    copy.live = this.live;
    copy.volatile = this.volatile;
    copy.substitutes = substitutes;
    // No table: a frozen copy is read in order, never looked up by key.
    copy.table = new Int32Array(0);
    return copy;
  }

  /** The fork child is done: the arena and the columns may be rewritten in place again. */
  endFork(): void {
    this.arenaShared = null;
    this.lent = null;
    this.forkObjects = null;
  }

  /**
   * Whether a fork child holds this very `value`, which `key` holds now: true when it was at
   * that key's place at the fork. (A value moved to another key since was copied when it moved:
   * RENAME and MOVE write the key they take it from.)
   */
  heldByFork(key: Bin, value: object): boolean {
    if (this.forkObjects !== null) return this.forkObjects.has(value);
    const lent = this.lent;
    if (lent === null) return false;
    const slot = this.find(key);
    return slot >= 0 && slot < lent.slots && lent.valueAtFork(slot) === value;
  }

  /** Before a change in place to `slot`'s columns: a fork child still reading it gets its copy. */
  private beforeSlotWrite(slot: number): void {
    if (this.lent !== null && slot < this.lent.slots) this.lent.ensure(slot);
  }

  /**
   * Before the columns are rewritten wholesale (compaction): a fork child gets all of its copy,
   * and which objects it holds is kept as a set, since slots no longer say.
   */
  private beforeColumnsChange(): void {
    if (this.lent === null) return;
    this.forkObjects = this.lent.objects();
    this.lent = null;
  }

  /**
   * A loader's word that about `keys` keys are coming. Growth jumps to that size once an eighth
   * of them has arrived (skipping the rehashes in between), so a file that claims more keys than
   * it holds allocates at most eight times what its keys need.
   */
  expect(keys: number): void {
    this.expected = keys;
  }

  /** The next capacity (in keys) when `current` is full. */
  private grownCapacity(current: number): number {
    return this.expected > current * 2 && this.live * 8 >= this.expected ? this.expected : current * 2;
  }

  get volatileCount(): number {
    return this.volatile;
  }

  private hashOf(key: Bin): number {
    if (key === this.lastKey) return this.lastHash;
    this.lastKey = key;
    this.lastSlot = UNKNOWN;
    return (this.lastHash = hashBin(key));
  }

  private keyEquals(slot: number, key: Bin): boolean {
    const n = key.length;
    if (this.keyLen[slot] !== n) return false;
    const a = this.arena;
    const off = this.keyOff[slot]!;
    for (let i = 0; i < n; i++) if (a[off + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private keyEqualsBytes(slot: number, b: Uint8Array, start: number, end: number): boolean {
    const n = end - start;
    if (this.keyLen[slot] !== n) return false;
    const a = this.arena;
    const off = this.keyOff[slot]!;
    for (let i = 0; i < n; i++) if (a[off + i] !== b[start + i]) return false;
    return true;
  }

  /** The key's place in insertion order (its slot; compaction renumbers), or -1 when absent. */
  orderOf(key: Bin): number {
    return this.find(key);
  }

  /** The place the next new key takes in insertion order. */
  get nextOrder(): number {
    return this.slots;
  }

  /** The slot holding `key`, or -1. */
  private find(key: Bin): number {
    if (key === this.lastKey && this.lastSlot !== UNKNOWN) return this.lastSlot;
    return (this.lastSlot = this.probe(key));
  }

  private probe(key: Bin): number {
    const table = this.table;
    const mask = this.mask;
    const hash = this.hashOf(key);
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const e = table[2 * i]!;
      if (e === 0) return -1;
      if (table[2 * i + 1] === hash && this.keyEquals(e - 1, key)) return e - 1;
    }
  }

  private position(slot: number, hash: number): number {
    const table = this.table;
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) if (table[2 * i] === slot + 1) return i;
  }

  keyAt(slot: number): Bin {
    const off = this.keyOff[slot]!;
    return bytesToBin(this.arena, off, off + this.keyLen[slot]!);
  }

  private valueAt(slot: number): RedisValue {
    const n = this.valLen[slot]!;
    if (n === IN_VALS) {
      if (this.substitutes === null) return this.vals[slot]!;
      const value = this.borrowed!.valueAt(slot)!;
      return this.substitutes.get(value as object) ?? value;
    }
    const off = this.keyOff[slot]! + this.keyLen[slot]!;
    return bytesToBin(this.arena, off, off + n);
  }

  get(key: Bin): RedisValue | undefined {
    const slot = this.find(key);
    return slot < 0 ? undefined : this.valueAt(slot);
  }

  has(key: Bin): boolean {
    return this.find(key) >= 0;
  }

  set(key: Bin, value: RedisValue): this {
    const slot = this.find(key);
    if (slot >= 0) this.replace(slot, key, value);
    else this.insert(key, value);
    return this;
  }

  /**
   * A loader's insert: the key is bytes [keyStart, keyEnd) of `src`, the value either given or
   * (when `value` is null) the string at [valueStart, valueEnd) of `src`, with an optional
   * expiry. False when the key is already there (nothing changes).
   */
  insertBytes(src: Uint8Array, keyStart: number, keyEnd: number, value: RedisValue | null, valueStart = 0, valueEnd = 0, expire: UnixMs | null = null): boolean {
    const hash = hashBytes(src, keyStart, keyEnd);
    const table = this.table;
    const mask = this.mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const e = table[2 * i]!;
      if (e === 0) break;
      if (table[2 * i + 1] === hash && this.keyEqualsBytes(e - 1, src, keyStart, keyEnd)) return false;
    }
    if (value === null && valueEnd - valueStart > INLINE_MAX) value = bytesToBin(src, valueStart, valueEnd);
    const inline = value === null || (typeof value === 'string' && value.length <= INLINE_MAX);
    const keyLength = keyEnd - keyStart;
    const valueLength = value === null ? valueEnd - valueStart : inline ? (value as Bin).length : 0;
    const slot = this.newSlot(hash, keyLength + valueLength);
    const off = this.used;
    const a = this.arena;
    for (let i = 0; i < keyLength; i++) a[off + i] = src[keyStart + i]!;
    if (value === null) for (let i = 0; i < valueLength; i++) a[off + keyLength + i] = src[valueStart + i]!;
    else if (inline) for (let i = 0; i < valueLength; i++) a[off + keyLength + i] = (value as Bin).charCodeAt(i);
    this.fill(slot, off, keyLength, inline ? null : value, valueLength);
    if (expire !== null) this.setExpireAt(slot, expire, null);
    return true;
  }

  private insert(key: Bin, value: RedisValue): void {
    const hash = this.hashOf(key);
    const inline = typeof value === 'string' && value.length <= INLINE_MAX;
    const keyLength = key.length;
    const slot = this.newSlot(hash, keyLength + (inline ? value.length : 0));
    const off = this.used;
    const a = this.arena;
    for (let i = 0; i < keyLength; i++) a[off + i] = key.charCodeAt(i);
    if (inline) {
      const v = value;
      for (let i = 0; i < v.length; i++) a[off + keyLength + i] = v.charCodeAt(i);
      this.fill(slot, off, keyLength, null, v.length);
    } else this.fill(slot, off, keyLength, value, 0);
  }

  private fill(slot: number, off: number, keyLength: number, value: RedisValue | null, valueLength: number): void {
    this.beforeSlotWrite(slot);
    this.keyOff[slot] = off;
    this.keyLen[slot] = keyLength;
    if (value === null) {
      this.valLen[slot] = valueLength;
      this.vals[slot] = undefined;
      this.used += keyLength + valueLength;
    } else {
      this.valLen[slot] = IN_VALS;
      this.vals[slot] = value;
      this.used += keyLength;
    }
    if (this.expireAt) this.expireAt[slot] = NaN;
    this.live++;
  }

  /** Room for one more slot and `bytes` arena bytes; returns the slot, already in the table. */
  private newSlot(hash: number, bytes: number): number {
    this.lastSlot = UNKNOWN;
    if (this.slots === this.keyOff.length) {
      if (this.slots - this.live > this.slots / 4) this.compact(0);
      if (this.slots === this.keyOff.length) {
        // New typed columns: a lending goes on for `vals`, which grows in place.
        const size = this.grownCapacity(this.keyOff.length);
        this.keyOff = grown(this.keyOff, size);
        this.keyLen = grown(this.keyLen, size);
        this.valLen = grown(this.valLen, size);
        if (this.expireAt) this.expireAt = grown(this.expireAt, size, NaN);
      }
    }
    this.reserve(bytes);
    if ((this.live + 1) * 2 > this.mask + 1) {
      let size = this.mask + 1;
      while (size < this.grownCapacity(this.live + 1) * 2) size *= 2;
      this.rebuildTable(size);
    }
    const slot = this.slots++;
    const table = this.table;
    let i = hash & this.mask;
    while (table[2 * i] !== 0) i = (i + 1) & this.mask;
    table[2 * i] = slot + 1;
    table[2 * i + 1] = hash;
    return slot;
  }

  /** Arena room for `bytes` more, compacting first when most of it is garbage. */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.arena.length) return;
    if (this.garbage > MIN_COMPACT_BYTES && this.garbage * 2 > this.used) this.compact(bytes);
    if (this.used + bytes <= this.arena.length) return;
    let size = this.arena.length * 2;
    // Once an eighth of the keys a loader announced are in, the arena grows to what all of them
    // should take at the bytes per key so far: each doubling would copy the arena again and
    // touch new memory, which costs more than the copy where pages are first touched (a VM).
    if (this.expected > this.live * 2 && this.live * 8 >= this.expected) size = Math.max(size, Math.ceil(((this.used / this.live) * this.expected * 9) / 8));
    while (size < this.used + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.arena.subarray(0, this.used));
    this.arena = next;
  }

  /** A table of `size` positions for the live slots (their hashes come from the old one). */
  private rebuildTable(size: number): void {
    const hashes = new Int32Array(this.slots);
    const old = this.table;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) hashes[old[i]! - 1] = old[i + 1]!;
    const table = new Int32Array(size * 2);
    const mask = size - 1;
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.valLen[slot] === DELETED) continue;
      const hash = hashes[slot]!;
      let i = hash & mask;
      while (table[2 * i] !== 0) i = (i + 1) & mask;
      table[2 * i] = slot + 1;
      table[2 * i + 1] = hash;
    }
    this.table = table;
    this.mask = mask;
  }

  /** Drops deleted slots and garbage bytes, keeping order; renumbers the slots. */
  private compact(extraBytes: number): void {
    this.beforeColumnsChange();
    this.lastSlot = UNKNOWN;
    const hashes = new Int32Array(this.slots);
    const old = this.table;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) hashes[old[i]! - 1] = old[i + 1]!;
    const live = this.used - this.garbage;
    let size = 1024;
    while (size < (live + extraBytes) * 1.5) size *= 2;
    const arena = new Uint8Array(size);
    let at = 0;
    let w = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const n = this.valLen[slot]!;
      if (n === DELETED) continue;
      const off = this.keyOff[slot]!;
      const bytes = this.keyLen[slot]! + (n > 0 ? n : 0);
      arena.set(this.arena.subarray(off, off + bytes), at);
      this.keyOff[w] = at;
      this.keyLen[w] = this.keyLen[slot]!;
      this.valLen[w] = n;
      this.vals[w] = this.vals[slot];
      if (this.expireAt) this.expireAt[w] = this.expireAt[slot]!;
      hashes[w] = hashes[slot]!;
      at += bytes;
      w++;
    }
    this.vals.length = w;
    this.arena = arena;
    this.used = at;
    this.garbage = 0;
    this.slots = w;
    this.epoch++;
    const table = new Int32Array(old.length);
    const mask = this.mask;
    for (let slot = 0; slot < w; slot++) {
      let i = hashes[slot]! & mask;
      while (table[2 * i] !== 0) i = (i + 1) & mask;
      table[2 * i] = slot + 1;
      table[2 * i + 1] = hashes[slot]!;
    }
    this.table = table;
  }

  /** A new value for the existing `key` in `slot`. */
  private replace(slot: number, key: Bin, value: RedisValue): void {
    this.beforeSlotWrite(slot);
    const old = this.valLen[slot]!;
    if (typeof value !== 'string' || value.length > INLINE_MAX) {
      if (old > 0) this.garbage += old;
      this.valLen[slot] = IN_VALS;
      this.vals[slot] = value;
      return;
    }
    const n = value.length;
    const keyLength = this.keyLen[slot]!;
    if (old < n || this.arena === this.arenaShared) {
      // The record moves to the arena's end, where the longer value has room after the key (and
      // a fork child still reads the old bytes).
      const epoch = this.epoch;
      this.reserve(keyLength + n);
      if (this.epoch !== epoch) slot = this.find(key);
      const from = this.keyOff[slot]!;
      this.arena.copyWithin(this.used, from, from + keyLength);
      this.garbage += keyLength + (old > 0 ? old : 0);
      this.keyOff[slot] = this.used;
      this.used += keyLength + n;
    } else this.garbage += old - n;
    const a = this.arena;
    const off = this.keyOff[slot]! + keyLength;
    for (let i = 0; i < n; i++) a[off + i] = value.charCodeAt(i);
    this.valLen[slot] = n;
    this.vals[slot] = undefined;
  }

  delete(key: Bin): boolean {
    const slot = this.find(key);
    if (slot < 0) return false;
    this.lastSlot = UNKNOWN;
    this.beforeSlotWrite(slot);
    this.removeFromTable(this.position(slot, this.hashOf(key)));
    const n = this.valLen[slot]!;
    this.garbage += this.keyLen[slot]! + (n > 0 ? n : 0);
    this.valLen[slot] = DELETED;
    this.vals[slot] = undefined;
    if (this.expireAt && !Number.isNaN(this.expireAt[slot]!)) {
      if (!Number.isFinite(this.expireAt[slot]!)) this.bigExpires!.delete(key);
      this.expireAt[slot] = NaN;
      this.volatile--;
    }
    this.live--;
    return true;
  }

  /** Linear probing's deletion: later entries of the cluster move back into the gap. */
  private removeFromTable(position: number): void {
    const table = this.table;
    const mask = this.mask;
    let gap = position;
    table[2 * gap] = 0;
    for (let j = (gap + 1) & mask; table[2 * j] !== 0; j = (j + 1) & mask) {
      const home = table[2 * j + 1]! & mask;
      // The entry may fill the gap unless its home lies cyclically in (gap, j].
      const stays = gap <= j ? gap < home && home <= j : gap < home || home <= j;
      if (stays) continue;
      table[2 * gap] = table[2 * j]!;
      table[2 * gap + 1] = table[2 * j + 1]!;
      table[2 * j] = 0;
      gap = j;
    }
  }

  clear(): void {
    // New arrays below: the child's originals are left as they are, to be copied as it reads,
    // and no value from now on is one the child holds.
    this.lent = null;
    this.forkObjects = null;
    this.arena = new Uint8Array(1024);
    this.used = 0;
    this.garbage = 0;
    this.keyOff = new Int32Array(MIN_SLOTS);
    this.keyLen = new Int32Array(MIN_SLOTS);
    this.valLen = new Int32Array(MIN_SLOTS);
    this.vals = [];
    this.expireAt = null;
    this.bigExpires = null;
    this.slots = 0;
    this.live = 0;
    this.volatile = 0;
    this.table = new Int32Array(MIN_SLOTS * 4);
    this.mask = MIN_SLOTS * 2 - 1;
    this.epoch++;
    this.lastKey = null;
    this.lastSlot = UNKNOWN;
    this.expected = 0;
  }

  /** Live slots in insertion order; entries added meanwhile are visited too, as with a Map. */
  private *liveSlots(): Generator<number> {
    const epoch = this.epoch;
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.epoch !== epoch) throw new Error('a database was compacted while being iterated');
      if (this.borrowed !== null && (slot & ((1 << CHUNK_BITS) - 1)) === 0) this.borrowed.ensure(slot);
      if (this.valLen[slot] !== DELETED) yield slot;
    }
  }

  *keys(): Generator<Bin> {
    for (const slot of this.liveSlots()) yield this.keyAt(slot);
  }

  *values(): Generator<RedisValue> {
    for (const slot of this.liveSlots()) yield this.valueAt(slot);
  }

  *entries(): Generator<[Bin, RedisValue]> {
    for (const slot of this.liveSlots()) yield [this.keyAt(slot), this.valueAt(slot)];
  }

  /** Each key with its value and expiry (undefined: none), in order: what an RDB file holds. */
  *entriesWithExpiry(): Generator<[Bin, RedisValue, UnixMs | undefined]> {
    for (const slot of this.liveSlots()) {
      const key = this.keyAt(slot);
      let expire: UnixMs | undefined;
      if (this.volatile > 0) {
        const when = this.expireAt![slot]!;
        if (!Number.isNaN(when)) expire = Number.isFinite(when) ? when : this.bigExpires!.get(key)!;
      }
      yield [key, this.valueAt(slot), expire];
    }
  }

  /** Each value kept as an object (collections, long strings), without making the others' strings. */
  forEachObject(each: (value: RedisValue) => void): void {
    for (let slot = 0; slot < this.slots; slot++) if (this.valLen[slot] === IN_VALS) each(this.vals[slot]!);
  }

  [Symbol.iterator](): Generator<[Bin, RedisValue]> {
    return this.entries();
  }

  // Expiry times (the `expires` view calls these).

  expireOf(key: Bin): UnixMs | undefined {
    if (this.volatile === 0) return undefined;
    const slot = this.find(key);
    if (slot < 0) return undefined;
    const when = this.expireAt![slot]!;
    if (Number.isNaN(when)) return undefined;
    return Number.isFinite(when) ? when : this.bigExpires!.get(key)!;
  }

  /** Sets the expiry of an existing key; false when there is no such key. */
  setExpire(key: Bin, when: UnixMs): boolean {
    const slot = this.find(key);
    if (slot < 0) return false;
    this.setExpireAt(slot, when, key);
    return true;
  }

  /** `key` is needed only for an expiry beyond 2^53 (made from the slot when not given). */
  private setExpireAt(slot: number, when: UnixMs, key: Bin | null): void {
    this.beforeSlotWrite(slot);
    if (!this.expireAt) {
      this.expireAt = new Float64Array(this.keyOff.length);
      this.expireAt.fill(NaN);
    }
    const before = this.expireAt[slot]!;
    if (Number.isNaN(before)) this.volatile++;
    else if (!Number.isFinite(before)) this.bigExpires!.delete(key ?? this.keyAt(slot));
    if (typeof when === 'bigint') {
      (this.bigExpires ??= new Map()).set(key ?? this.keyAt(slot), when);
      this.expireAt[slot] = when > 0n ? Infinity : -Infinity;
    } else this.expireAt[slot] = when;
  }

  clearExpire(key: Bin): boolean {
    if (this.volatile === 0) return false;
    const slot = this.find(key);
    if (slot < 0) return false;
    const before = this.expireAt![slot]!;
    if (Number.isNaN(before)) return false;
    this.beforeSlotWrite(slot);
    if (!Number.isFinite(before)) this.bigExpires!.delete(key);
    this.expireAt![slot] = NaN;
    this.volatile--;
    return true;
  }

  *volatileEntries(): Generator<[Bin, UnixMs]> {
    if (this.volatile === 0) return;
    for (const slot of this.liveSlots()) {
      const when = this.expireAt![slot]!;
      if (Number.isNaN(when)) continue;
      const key = this.keyAt(slot);
      yield [key, Number.isFinite(when) ? when : this.bigExpires!.get(key)!];
    }
  }
}

/** db.expires: the keys that have an expiry and when, read and written like a Map. */
export class ExpireView {
  constructor(private readonly dict: KeyDict) {}

  get size(): number {
    return this.dict.volatileCount;
  }

  get(key: Bin): UnixMs | undefined {
    return this.dict.expireOf(key);
  }

  has(key: Bin): boolean {
    return this.dict.expireOf(key) !== undefined;
  }

  /** Redis keeps expiries only for keys that exist: setting one for a missing key is a bug. */
  set(key: Bin, when: UnixMs): this {
    if (!this.dict.setExpire(key, when)) throw new Error('an expiry was set for a key that does not exist');
    return this;
  }

  delete(key: Bin): boolean {
    return this.dict.clearExpire(key);
  }

  *keys(): Generator<Bin> {
    for (const [key] of this.dict.volatileEntries()) yield key;
  }

  *values(): Generator<UnixMs> {
    for (const [, when] of this.dict.volatileEntries()) yield when;
  }

  entries(): Generator<[Bin, UnixMs]> {
    return this.dict.volatileEntries();
  }

  [Symbol.iterator](): Generator<[Bin, UnixMs]> {
    return this.dict.volatileEntries();
  }
}
