// Collections loaded straight into the form they are kept in (keyspace/packed.ts): a hash's
// listpack or a quicklist node's listpack becomes one packed string, and a big hash's or set's
// elements go from the file's bytes into a KeyDict arena, with no JS string per element on the way.
import { bytesToBin, type Bin } from '../bytes.js';
import { KeyDict } from '../keyspace/key-dict.js';
import type { EncodingLimits } from '../keyspace/limits.js';
import { PackedBuilder } from '../keyspace/packed.js';
import { QuicklistNode } from '../keyspace/quicklist.js';
import { HashValue, SetValue } from '../keyspace/values.js';
import { parseInt64 } from '../util/numbers.js';
import { decodeListpack, visitListpack } from './listpack.js';

const builder = new PackedBuilder();

/**
 * A quicklist node from its listpack blob, or its elements when they are too many bytes to pack.
 * The node's size is the blob's, as redis takes node->sz from lpBytes.
 */
export function listpackNode(blob: Uint8Array, fail: (problem: string) => never): QuicklistNode | Bin[] {
  const problem = visitListpack(blob, builder.reset());
  if (problem !== null) fail(problem);
  const packed = builder.finish();
  if (packed !== null) return QuicklistNode.fromPacked(packed, builder.count, blob.length);
  const items = decodeListpack(blob);
  if (typeof items === 'string') fail(items);
  return items;
}

/**
 * A hash from its listpack blob (RDB_TYPE_HASH_LISTPACK), judged by its count alone as 7.0's
 * loader judges it; null when it is empty, undefined when it is too big to pack.
 */
export function listpackHash(blob: Uint8Array, limits: EncodingLimits, fail: (problem: string) => never): HashValue | null | undefined {
  const problem = visitListpack(blob, builder.reset());
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

/** The reader's cursor, as far as reading a big collection's strings needs it. */
export interface StringCursor {
  readonly buf: Uint8Array;
  readonly pos: number;
  /** Where a plain string's bytes start (they end at `pos`), or -1 for an encoded one. */
  plainString(what: string): number;
  string(what: string): Bin;
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
      if (integers && parseInt64(bytesToBin(c.buf, start, c.pos)) === null) integers = false;
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
