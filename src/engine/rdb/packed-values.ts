// Collections loaded straight into the form they are kept in (keyspace/packed.ts): a hash's or a
// quicklist node's listpack, an intset and a small set's members become one packed string, and a
// big hash's or set's elements go from the file's bytes into a KeyDict arena, with no JS string
// per element on the way. Sorted sets: packed-zsets.ts.
import { bytesToBin, type Bin } from '../bytes.js';
import { KeyDict } from '../keyspace/key-dict.js';
import type { EncodingLimits } from '../keyspace/limits.js';
import { PACKED_MAX_ENTRIES, PackedBuilder } from '../keyspace/packed.js';
import { QuicklistNode } from '../keyspace/quicklist.js';
import { HashValue, SetValue } from '../keyspace/values.js';
import { parseInt64 } from '../util/numbers.js';
import { decodeListpack, visitListpack } from './listpack.js';

const builder = new PackedBuilder();

/**
 * A quicklist node from its listpack blob (bytes [start, end) of `bytes`), or its elements when
 * they are too many bytes to pack. The node's size is the blob's, as redis takes node->sz from
 * lpBytes.
 */
export function listpackNode(bytes: Uint8Array, start: number, end: number, fail: (problem: string) => never): QuicklistNode | Bin[] {
  const problem = visitListpack(bytes, builder.reset(), start, end);
  if (problem !== null) fail(problem);
  const packed = builder.finish();
  if (packed !== null) return QuicklistNode.fromPacked(packed, builder.count, end - start);
  const items = decodeListpack(bytes.subarray(start, end));
  if (typeof items === 'string') fail(items);
  return items;
}

/**
 * A hash from its listpack blob (RDB_TYPE_HASH_LISTPACK, bytes [start, end) of `bytes`), judged
 * by its count alone as 7.0's loader judges it; null when it is empty, undefined when it is too
 * big to pack.
 */
export function listpackHash(bytes: Uint8Array, start: number, end: number, limits: EncodingLimits, fail: (problem: string) => never): HashValue | null | undefined {
  const problem = visitListpack(bytes, builder.reset(), start, end);
  if (problem !== null) fail(`Hash integrity check failed: ${problem}`);
  if (builder.count % 2 !== 0) fail('Hash has an odd number of entries');
  if (builder.count === 0) return null;
  const packed = builder.finish();
  if (packed === null) return undefined;
  if (builder.hasDuplicate(2)) fail('Hash with dup elements');
  const hash = HashValue.fromPacked(packed, builder.count / 2);
  if (hash.fields.size > limits.hashMaxListpackEntries) hash.encoding = 'hashtable';
  return hash;
}

/**
 * A small set from its intset blob (bytes [start, end) of `bytes`), its members' decimal text
 * packed without a string each; undefined when it is not the usual case (a malformed blob,
 * members not strictly ascending, more than a packed set holds), which the caller then decodes
 * the general way and judges.
 */
export function intsetSet(bytes: Uint8Array, start: number, end: number, limits: EncodingLimits): SetValue | undefined {
  if (end - start < 8) return undefined;
  const width = littleEndian32(bytes, start);
  const count = littleEndian32(bytes, start + 4) >>> 0;
  if ((width !== 2 && width !== 4) || count === 0 || count > PACKED_MAX_ENTRIES || 8 + count * width !== end - start) return undefined;
  builder.reset();
  let previous = -Infinity;
  for (let i = 0, at = start + 8; i < count; i++, at += width) {
    const value = width === 2 ? ((bytes[at]! | (bytes[at + 1]! << 8)) << 16) >> 16 : littleEndian32(bytes, at);
    if (value <= previous) return undefined;
    previous = value;
    builder.integer(value);
  }
  const packed = builder.finish();
  if (packed === null) return undefined;
  const set = SetValue.fromPacked(packed, count);
  set.encoding = count <= limits.setMaxIntsetEntries ? 'intset' : 'hashtable';
  return set;
}

/** The signed 32-bit little-endian integer at `at`. */
function littleEndian32(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/** The reader's cursor, as far as reading a big collection's strings needs it. */
export interface StringCursor {
  readonly buf: Uint8Array;
  readonly pos: number;
  /** Where a plain string's bytes start (they end at `pos`), or -1 for an encoded one. */
  plainString(what: string): number;
  string(what: string): Bin;
}
/**
 * A set of `n` members (RDB_TYPE_SET) few enough to pack, each member's bytes copied from the file
 * into the packed string; undefined, having read an unknown part of them, when they pass
 * PACKED_MAX_BYTES (the caller reads them again the general way).
 */
export function smallSet(c: StringCursor, n: number, limits: EncodingLimits, where: string, fail: (problem: string) => never): SetValue | undefined {
  builder.reset();
  let integers = n <= limits.setMaxIntsetEntries;
  for (let i = 0; i < n && !builder.overflowed; i++) {
    const start = c.plainString(where);
    if (start >= 0) {
      builder.bytes(c.buf, start, c.pos);
      if (integers && !isInt64Bytes(c.buf, start, c.pos)) integers = false;
    } else {
      const member = c.string(where);
      builder.text(member);
      if (integers && parseInt64(member) === null) integers = false;
    }
  }
  const packed = builder.finish();
  if (packed === null) return undefined;
  if (builder.hasDuplicate(1)) fail('Duplicate set members detected');
  const set = SetValue.fromPacked(packed, n);
  set.encoding = integers ? 'intset' : 'hashtable';
  return set;
}

/** Whether bytes [start, end) are a canonical int64, looking at the first byte before making a string. */
function isInt64Bytes(buf: Uint8Array, start: number, end: number): boolean {
  const first = buf[start];
  if (end <= start || end - start > 20 || first === undefined || !((first >= 48 && first <= 57) || first === 45)) return false;
  return parseInt64(bytesToBin(buf, start, end)) !== null;
}

/**
 * A set of `n` members (RDB_TYPE_SET) too many to pack: each member goes from the file's bytes
 * into the set's KeyDict without becoming a JS string. Encoded as 7.0's loader does: an intset
 * while every member is an integer and there are at most set-max-intset-entries of them.
 */
export function bigSet(c: StringCursor, n: number, limits: EncodingLimits, where: string, fail: (problem: string) => never): SetValue {
  const table = new KeyDict();
  table.expect(n);
  let integers = n <= limits.setMaxIntsetEntries;
  for (let i = 0; i < n; i++) {
    const start = c.plainString(where);
    let added: boolean;
    if (start >= 0) {
      added = table.insertBytes(c.buf, start, c.pos, '');
      if (integers && !isInt64Bytes(c.buf, start, c.pos)) integers = false;
    } else {
      const member = c.string(where);
      added = !table.has(member);
      table.set(member, '');
    }
    if (!added) fail('Duplicate set members detected');
  }
  const set = new SetValue().adopt(table);
  set.encoding = integers ? 'intset' : 'hashtable';
  return set;
}

/** A hash of `n` fields (RDB_TYPE_HASH) too many to pack, field and value bytes straight into its KeyDict. */
export function bigHash(c: StringCursor, n: number, limits: EncodingLimits, where: string, fail: (problem: string) => never): HashValue {
  const table = new KeyDict();
  table.expect(n);
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const fieldStart = c.plainString(where);
    const fieldEnd = c.pos;
    const field = fieldStart < 0 ? c.string(where) : null;
    const valueStart = c.plainString(where);
    const valueEnd = c.pos;
    const value = valueStart < 0 ? c.string(where) : null;
    longest = Math.max(longest, field === null ? fieldEnd - fieldStart : field.length, value === null ? valueEnd - valueStart : value.length);
    let added: boolean;
    if (field === null) added = table.insertBytes(c.buf, fieldStart, fieldEnd, value, valueStart, valueEnd);
    else {
      added = !table.has(field);
      table.set(field, value ?? bytesToBin(c.buf, valueStart, valueEnd));
    }
    if (!added) fail('Duplicate hash fields detected');
  }
  const hash = new HashValue().adopt(table);
  if (n > limits.hashMaxListpackEntries || longest > limits.hashMaxListpackValue) hash.encoding = 'hashtable';
  return hash;
}
