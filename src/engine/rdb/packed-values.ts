// Small collections loaded straight into their packed form (keyspace/packed.ts): a hash's
// listpack or a quicklist node's listpack becomes one string, with no string per element on the
// way. Anything too big to pack is left to the caller's decoding path.
import type { Bin } from '../bytes.js';
import type { EncodingLimits } from '../keyspace/limits.js';
import { PackedBuilder } from '../keyspace/packed.js';
import { QuicklistNode } from '../keyspace/quicklist.js';
import { HashValue } from '../keyspace/values.js';
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
