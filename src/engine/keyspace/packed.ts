// Small collections kept the way redis keeps them: every element in one byte string (a
// listpack's job) instead of a JS Map or Set per key. A 10-field hash as a Map costs ~1 KB of
// heap and a dozen objects for the collector; packed it is one string of ~120 bytes. Lookups scan
// the string, as redis scans a listpack, so past PACKED_MAX_ENTRIES or PACKED_MAX_BYTES a hash
// or set spills into a KeyDict (key-dict.ts), the byte arena the databases use: a 100k-field hash
// is then a few typed arrays, not 200k strings for the collector to copy. The API is the Map's
// and the Set's, so commands need not know which form they hold. Sorted sets and quicklist nodes
// loaded from a file use the same packing (packScored, packElements) until a command changes them.
import { bytesToBin, type Bin } from '../bytes.js';
import { decimalDigits, writeDecimal } from '../util/numbers.js';
import { KeyDict } from './key-dict.js';

/** Redis's own listpack limit for hashes and zsets (hash-max-listpack-entries). */
export const PACKED_MAX_ENTRIES = 128;
/** Past this a scan or a rewrite of the string costs more than a hash lookup saves. */
export const PACKED_MAX_BYTES = 8192;

// Each element is a length prefix and its bytes: one byte for lengths below 0x80, else two
// (15 bits), which PACKED_MAX_BYTES keeps within reach.
const scratch = new Uint8Array(PACKED_MAX_BYTES + 4);

function encodedLength(element: Bin): number {
  return element.length + (element.length < 0x80 ? 1 : 2);
}

/** An element's length prefix at `at` of `bytes`; returns where its bytes go. */
export function writeLengthPrefix(bytes: Uint8Array, at: number, length: number): number {
  if (length < 0x80) bytes[at++] = length;
  else {
    bytes[at++] = 0x80 | (length >>> 8);
    bytes[at++] = length & 0xff;
  }
  return at;
}

function put(at: number, element: Bin): number {
  const n = element.length;
  at = writeLengthPrefix(scratch, at, n);
  for (let i = 0; i < n; i++) scratch[at++] = element.charCodeAt(i);
  return at;
}

/** The length of the element whose prefix starts at `at`. */
function lengthAt(packed: Bin, at: number): number {
  const first = packed.charCodeAt(at);
  return first < 0x80 ? first : ((first & 0x7f) << 8) | packed.charCodeAt(at + 1);
}

/** An element as the packed form keeps it, prefix and bytes, as a string. */
function encoded(element: Bin): Bin {
  const n = element.length;
  return (n < 0x80 ? String.fromCharCode(n) : String.fromCharCode(0x80 | (n >>> 8), n & 0xff)) + element;
}

function prefixLength(length: number): number {
  return length < 0x80 ? 1 : 2;
}

/** Offset of the prefix of the element equal to `element`, stepping `stride` elements, or -1. */
function find(packed: Bin, element: Bin, stride: 1 | 2): number {
  const wanted = element.length;
  let at = 0;
  while (at < packed.length) {
    const length = lengthAt(packed, at);
    const start = at + prefixLength(length);
    if (length === wanted && packed.startsWith(element, start)) return at;
    at = start + length;
    if (stride === 2) at = skip(packed, at);
  }
  return -1;
}

/** Offset just past the element whose prefix starts at `at`. */
function skip(packed: Bin, at: number): number {
  const length = lengthAt(packed, at);
  return at + prefixLength(length) + length;
}

function elementAt(packed: Bin, at: number): Bin {
  const length = lengthAt(packed, at);
  const start = at + prefixLength(length);
  return packed.slice(start, start + length);
}

/** Whether `elements` (already free of duplicates) fit the packed form. */
function fits(elements: readonly Bin[], entries: number): boolean {
  if (entries > PACKED_MAX_ENTRIES) return false;
  let bytes = 0;
  for (let i = 0; i < elements.length; i++) bytes += encodedLength(elements[i]!);
  return bytes <= PACKED_MAX_BYTES;
}

function pack(elements: readonly Bin[]): Bin {
  let at = 0;
  for (let i = 0; i < elements.length; i++) at = put(at, elements[i]!);
  return bytesToBin(scratch, 0, at);
}

/**
 * Whether any two of `elements[0]`, `elements[stride]`, `elements[2 * stride]`, … are equal
 * (pairwise for a few, else through a Set: 128 keys pairwise are 8k compares).
 */
export function hasDuplicate(elements: readonly Bin[], stride: 1 | 2): boolean {
  if (elements.length > 16 * stride) {
    const seen = new Set<Bin>();
    let keys = 0;
    for (let i = 0; i < elements.length; i += stride, keys++) seen.add(elements[i]!);
    return seen.size !== keys;
  }
  for (let i = 0; i < elements.length; i += stride) {
    for (let j = i + stride; j < elements.length; j += stride) if (elements[i] === elements[j]) return true;
  }
  return false;
}

/**
 * What BinMap and BinSet share: entries of `stride` elements (field and value, or a member)
 * packed in one string until they spill into a KeyDict (a set's members map to '').
 */
abstract class PackedEntries {
  protected packed: Bin | null = '';
  protected table: KeyDict | null = null;
  protected count = 0;
  protected abstract get stride(): 1 | 2;

  /**
   * Fills `into` with `elements` (whole entries) in one pass; null when a key repeats (loaders
   * report that as a corrupt file).
   */
  protected static built<T extends PackedEntries>(into: T, elements: readonly Bin[]): T | null {
    const stride = into.stride;
    const entries = stride === 2 ? elements.length >>> 1 : elements.length;
    if (fits(elements, entries)) {
      if (hasDuplicate(elements, stride)) return null;
      return into.hold(pack(elements), entries);
    }
    const table = new KeyDict();
    table.expect(entries);
    for (let i = 0; i + stride <= elements.length; i += stride) table.set(elements[i]!, stride === 2 ? elements[i + 1]! : '');
    return table.size === entries ? into.adopt(table) : null;
  }

  /** A collection over a string a PackedBuilder made of `entries` entries without repeats. */
  static fromPacked<T extends PackedEntries>(this: new () => T, packed: Bin, entries: number): T {
    return new this().hold(packed, entries);
  }

  get size(): number {
    return this.table ? this.table.size : this.count;
  }

  has(key: Bin): boolean {
    return this.table ? this.table.has(key) : find(this.packed!, key, this.stride) >= 0;
  }

  delete(key: Bin): boolean {
    if (this.table) return this.table.delete(key);
    const packed = this.packed!;
    const at = find(packed, key, this.stride);
    if (at < 0) return false;
    let end = skip(packed, at);
    if (this.stride === 2) end = skip(packed, end);
    this.packed = packed.slice(0, at) + packed.slice(end);
    this.count--;
    return true;
  }

  clear(): void {
    this.table = null;
    this.packed = '';
    this.count = 0;
  }

  /** Holds `table` (a KeyDict of the entries) from now on. */
  adopt(table: KeyDict): this {
    this.table = table;
    this.packed = null;
    this.count = 0;
    return this;
  }

  private hold(packed: Bin, entries: number): this {
    this.packed = packed;
    this.count = entries;
    return entries > PACKED_MAX_ENTRIES ? this.spill() : this;
  }

  protected spill(): this {
    const table = new KeyDict();
    const packed = this.packed!;
    for (let at = 0; at < packed.length; ) {
      const key = elementAt(packed, at);
      at = skip(packed, at);
      let value = '';
      if (this.stride === 2) {
        value = elementAt(packed, at);
        at = skip(packed, at);
      }
      table.set(key, value);
    }
    return this.adopt(table);
  }
}

/** A Map<Bin, Bin> that stays one packed string while it is small. */
export class BinMap extends PackedEntries implements Iterable<[Bin, Bin]> {
  protected get stride(): 2 {
    return 2;
  }

  /** A map of `pairs` (field, value, field, value, …), or null when a field repeats. */
  static fromPairs<T extends BinMap>(this: new () => T, pairs: readonly Bin[]): T | null {
    return PackedEntries.built(new this(), pairs);
  }

  get(field: Bin): Bin | undefined {
    if (this.table) return this.table.get(field) as Bin | undefined;
    const packed = this.packed!;
    const at = find(packed, field, 2);
    return at < 0 ? undefined : elementAt(packed, skip(packed, at));
  }

  set(field: Bin, value: Bin): this {
    if (this.table) {
      this.table.set(field, value);
      return this;
    }
    const packed = this.packed!;
    const at = find(packed, field, 2);
    if (at >= 0) {
      const valueAt = skip(packed, at);
      const end = skip(packed, valueAt);
      const grown = packed.length - (end - valueAt) + encodedLength(value);
      if (grown > PACKED_MAX_BYTES) return this.spill().set(field, value);
      // Strings joined, not bytes copied: the engine flattens them natively when next read.
      this.packed = packed.slice(0, valueAt) + encoded(value) + packed.slice(end);
      return this;
    }
    if (this.count + 1 > PACKED_MAX_ENTRIES || packed.length + encodedLength(field) + encodedLength(value) > PACKED_MAX_BYTES) {
      return this.spill().set(field, value);
    }
    this.packed = packed + encoded(field) + encoded(value);
    this.count++;
    return this;
  }

  *entries(): IterableIterator<[Bin, Bin]> {
    if (this.table) {
      yield* this.table.entries() as IterableIterator<[Bin, Bin]>;
      return;
    }
    const packed = this.packed!;
    for (let at = 0; at < packed.length; ) {
      const valueAt = skip(packed, at);
      yield [elementAt(packed, at), elementAt(packed, valueAt)];
      at = skip(packed, valueAt);
    }
  }

  *keys(): IterableIterator<Bin> {
    for (const [field] of this.entries()) yield field;
  }

  *values(): IterableIterator<Bin> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[Bin, Bin]> {
    return this.entries();
  }
}

/** A Set<Bin> that stays one packed string while it is small. */
export class BinSet extends PackedEntries implements Iterable<Bin> {
  protected get stride(): 1 {
    return 1;
  }

  /** A set of `members`, or null when a member repeats. */
  static fromMembers<T extends BinSet>(this: new () => T, members: readonly Bin[]): T | null {
    return PackedEntries.built(new this(), members);
  }

  add(member: Bin): this {
    if (this.table) {
      this.table.set(member, '');
      return this;
    }
    const packed = this.packed!;
    if (find(packed, member, 1) >= 0) return this;
    if (this.count + 1 > PACKED_MAX_ENTRIES || packed.length + encodedLength(member) > PACKED_MAX_BYTES) return this.spill().add(member);
    this.packed = packed + encoded(member);
    this.count++;
    return this;
  }

  *values(): IterableIterator<Bin> {
    if (this.table) {
      yield* this.table.keys();
      return;
    }
    const packed = this.packed!;
    for (let at = 0; at < packed.length; at = skip(packed, at)) yield elementAt(packed, at);
  }

  keys(): IterableIterator<Bin> {
    return this.values();
  }

  [Symbol.iterator](): IterableIterator<Bin> {
    return this.values();
  }
}

/** `elements` as one packed string (duplicates allowed), or null when they pass PACKED_MAX_BYTES. */
export function packElements(elements: readonly Bin[]): Bin | null {
  let bytes = 0;
  for (let i = 0; i < elements.length; i++) bytes += encodedLength(elements[i]!);
  return bytes <= PACKED_MAX_BYTES ? pack(elements) : null;
}

/** Calls `each` with every element of a string `packElements` made, in order. */
export function forEachPacked(packed: Bin, each: (element: Bin) => void): void {
  for (let at = 0; at < packed.length; at = skip(packed, at)) each(elementAt(packed, at));
}

// Sorted-set entries pack as member, then the score's 8 IEEE-754 bytes (exact, nothing to parse).
const score64 = new Float64Array(1);
const scoreBytes = new Uint8Array(score64.buffer);

/** A score element (its prefix and 8 IEEE bytes) at `at` of `bytes`; returns the position after it. */
export function writeScoreElement(bytes: Uint8Array, at: number, score: number): number {
  score64[0] = score;
  bytes[at++] = 8;
  for (let i = 0; i < 8; i++) bytes[at++] = scoreBytes[i]!;
  return at;
}

function scoreBin(score: number): Bin {
  score64[0] = score;
  return bytesToBin(scoreBytes);
}

function binScore(bin: Bin): number {
  for (let i = 0; i < 8; i++) scoreBytes[i] = bin.charCodeAt(i);
  return score64[0]!;
}

/**
 * Sorted-set entries, already in order and free of repeated members, as one packed string, or
 * null when they do not fit.
 */
export function packScored(entries: readonly { readonly member: Bin; readonly score: number }[]): Bin | null {
  if (entries.length > PACKED_MAX_ENTRIES) return null;
  const elements: Bin[] = [];
  for (let i = 0; i < entries.length; i++) elements.push(entries[i]!.member, scoreBin(entries[i]!.score));
  return packElements(elements);
}

/** Calls `each` with every (member, score) of a string `packScored` made, in order. */
export function forEachPackedScored(packed: Bin, each: (member: Bin, score: number) => void): void {
  let member: Bin | null = null;
  forEachPacked(packed, (element) => {
    if (member === null) member = element;
    else {
      each(member, binScore(element));
      member = null;
    }
  });
}

/**
 * Builds a packed string element by element straight from a file's bytes, so loading a small
 * collection makes one string instead of one per element. One builder at a time: it writes
 * into the module's scratch buffer.
 */
export class PackedBuilder {
  private at = 0;
  private overflow = false;
  /** Where each element's bytes start and end in the scratch buffer (for the duplicate check). */
  private readonly bounds = new Int32Array(2 * (PACKED_MAX_BYTES + 4));
  /** Entries of `bounds` in use (two per element). */
  private boundsUsed = 0;
  count = 0;

  reset(): this {
    this.at = 0;
    this.overflow = false;
    this.boundsUsed = 0;
    this.count = 0;
    return this;
  }

  bytes(source: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (!this.room(n)) return;
    const at = writeLengthPrefix(scratch, this.at, n);
    this.bound(at, at + n);
    for (let i = 0; i < n; i++) scratch[at + i] = source[start + i]!;
    this.at = at + n;
    this.count++;
  }

  text(element: Bin): void {
    if (!this.room(element.length)) return;
    const at = put(this.at, element);
    this.bound(at - element.length, at);
    this.at = at;
    this.count++;
  }

  /** An integer (a safe one) as its decimal text, without making the string. */
  integer(value: number): void {
    const magnitude = Math.abs(value);
    const n = decimalDigits(magnitude) + (value < 0 ? 1 : 0);
    if (!this.room(n)) return;
    let at = writeLengthPrefix(scratch, this.at, n);
    this.bound(at, at + n);
    if (value < 0) scratch[at++] = 45;
    this.at = writeDecimal(scratch, at, magnitude);
    this.count++;
  }

  /** A sorted-set score as packScored keeps it: its 8 IEEE-754 bytes. */
  score(value: number): void {
    if (!this.room(8)) return;
    const at = this.at;
    this.at = writeScoreElement(scratch, at, value);
    this.bound(at + 1, this.at);
    this.count++;
  }

  /** Byte order of elements `i` and `j` (0-based, as added): negative, 0 or positive. */
  compare(i: number, j: number): number {
    const b = this.bounds;
    return compareRanges(scratch, b[2 * i]!, b[2 * i + 1]!, b[2 * j]!, b[2 * j + 1]!);
  }

  /** Whether the elements passed PACKED_MAX_BYTES (then finish() gives null). */
  get overflowed(): boolean {
    return this.overflow;
  }

  /** The packed string, or null when the elements passed PACKED_MAX_BYTES. */
  finish(): Bin | null {
    return this.overflow ? null : bytesToBin(scratch, 0, this.at);
  }

  /** Whether any two of elements 0, stride, 2·stride, … have the same bytes. */
  hasDuplicate(stride: 1 | 2): boolean {
    return hasRepeatedRange(scratch, this.bounds, this.boundsUsed, 2 * stride);
  }

  private bound(start: number, end: number): void {
    this.bounds[this.boundsUsed++] = start;
    this.bounds[this.boundsUsed++] = end;
  }

  private room(length: number): boolean {
    if (this.overflow) this.count++;
    else if (this.at + length + 2 > PACKED_MAX_BYTES) {
      this.overflow = true;
      this.count++;
    }
    return !this.overflow;
  }
}

/** Byte order of bytes [aStart, aEnd) and [bStart, bEnd) of `bytes` (memcmp, then length). */
export function compareRanges(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  for (let k = 0; k < aLength && k < bLength; k++) {
    const d = bytes[aStart + k]! - bytes[bStart + k]!;
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

/** hasRepeatedRange's table, kept between calls. */
let seen = new Int32Array(64);

/**
 * Whether two of the byte ranges [bounds[i], bounds[i + 1]) of `bytes`, for i = 0, step,
 * 2·step, … below `used`, hold the same bytes. Past a few ranges they are hashed (128 members
 * pairwise would be 8,000 comparisons).
 */
export function hasRepeatedRange(bytes: Uint8Array, bounds: Int32Array, used: number, step: number): boolean {
  if (used <= 16 * step) {
    for (let i = 0; i < used; i += step) {
      for (let j = i + step; j < used; j += step) if (compareRanges(bytes, bounds[i]!, bounds[i + 1]!, bounds[j]!, bounds[j + 1]!) === 0) return true;
    }
    return false;
  }
  // Open addressing over bounds indices + 1, in a table at least twice the range count.
  let size = 64;
  while (size < (2 * used) / step) size *= 2;
  if (seen.length < size) seen = new Int32Array(size);
  else seen.fill(0, 0, size);
  const mask = size - 1;
  for (let i = 0; i < used; i += step) {
    const start = bounds[i]!;
    const end = bounds[i + 1]!;
    let h = 0x811c9dc5 | 0;
    for (let k = start; k < end; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
    for (let slot = (h ^ (h >>> 15)) & mask; ; slot = (slot + 1) & mask) {
      const other = seen[slot]!;
      if (other === 0) {
        seen[slot] = i + 1;
        break;
      }
      if (compareRanges(bytes, bounds[other - 1]!, bounds[other]!, start, end) === 0) return true;
    }
  }
  return false;
}

