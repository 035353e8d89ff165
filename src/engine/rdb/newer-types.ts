// The value types redis 7.2 and 7.4 added (RDB 11 and 12), read for files brought from newer
// servers. Values become what the lab's 7.0 model holds: a listpack set is an intset or a
// hashtable set by 7.0's rules; a hash with field TTLs (7.4's hash field expiration) becomes its
// fields and values, the TTLs counted for the caller to refuse or report.
import type { Bin } from '../bytes.js';
import type { EncodingLimits } from '../keyspace/limits.js';
import { HashValue, SetValue } from '../keyspace/values.js';
import { parseInt64 } from '../util/numbers.js';
import { TYPE } from './format.js';
import { decodeListpack } from './listpack.js';
import type { StreamRdbInput } from './stream-codec.js';

type RdbInput = Pick<StreamRdbInput, 'plainLength' | 'length64' | 'blob' | 'string' | 'view' | 'fail'>;

/** ebuckets.h EB_EXPIRE_TIME_MAX: the largest field expiry 7.4 accepts (48 bits of ms). */
const FIELD_EXPIRE_MAX = 0xffff_ffff_ffffn;

/**
 * A set as 7.0 builds one from loaded members (rdbLoadObject, RDB_TYPE_SET and _INTSET): an
 * intset while every member is an integer and there are at most set-max-intset-entries of them
 * (`integers`: the caller knows they all are, as an intset's members).
 */
export function setOf(members: readonly Bin[], limits: EncodingLimits, bad: (reason: string) => never, integers = false): SetValue {
  const set = SetValue.fromMembers(members);
  if (!set) bad('Duplicate set members detected');
  const intset = members.length <= limits.setMaxIntsetEntries && (integers || members.every((m) => parseInt64(m) !== null));
  set.encoding = intset ? 'intset' : 'hashtable';
  return set;
}

/**
 * A hash from field/value pairs as 7.0's loader encodes it: a hashtable past
 * hash-max-listpack-entries, or (when `checkValues`, as for RDB_TYPE_HASH) when a field or value
 * is longer than hash-max-listpack-value; listpack blobs are judged by their count alone.
 */
export function hashOf(pairs: readonly Bin[], limits: EncodingLimits, checkValues: boolean, bad: (reason: string) => never): HashValue {
  const hash = HashValue.fromPairs(pairs);
  if (!hash) bad('Hash with dup elements');
  if (hash.size > limits.hashMaxListpackEntries || (checkValues && pairs.some((p) => p.length > limits.hashMaxListpackValue))) hash.encoding = 'hashtable';
  return hash;
}

/** RDB_TYPE_SET_LISTPACK (7.2 rdbLoadObject): one string holding a listpack of the members. */
export function readSetListpack(c: RdbInput, limits: EncodingLimits, at: number): SetValue | null {
  const members = decodeListpack(c.blob('a set listpack'));
  if (typeof members === 'string') c.fail(`Set listpack integrity check failed: ${members}`, at);
  if (members.length === 0) return null;
  return setOf(members, limits, (reason) => c.fail(reason, at));
}

export interface HashWithFieldTtls {
  hash: HashValue | null;
  /** Fields that carry an expiry. */
  fieldTtls: number;
}

/**
 * Types 22–25 (7.4 rdbLoadObject). HASH_METADATA: a minimum field expiry (8 bytes, ms, little
 * endian), the field count, then per field a length-encoded TTL (0: none; else expiry − min + 1),
 * the field and the value. HASH_LISTPACK_EX: the minimum expiry, then a listpack of field, value,
 * expiry (0: none) triplets. The PRE_GA forms have no minimum, and the metadata TTLs are absolute.
 * 7.4.1 loads fields already past their expiry (they expire afterwards), so they are kept here.
 */
export function readHashWithFieldTtls(c: RdbInput, type: number, limits: EncodingLimits, at: number): HashWithFieldTtls {
  const where = 'a hash with field expiration';
  const bad = (reason: string): never => c.fail(reason, at);
  let minExpire = 0n;
  if (type === TYPE.hashMetadata || type === TYPE.hashListpackEx) minExpire = c.view(8, 'a minimum field expiry').getBigUint64(0, true);
  const pairs: Bin[] = [];
  let fieldTtls = 0;
  if (type === TYPE.hashListpackEx || type === TYPE.hashListpackExPreGa) {
    const flat = decodeListpack(c.blob(where));
    if (typeof flat === 'string') bad(`Hash listpack integrity check failed: ${flat}`);
    if (flat.length % 3 !== 0) bad('Hash listpack integrity check failed.');
    for (let i = 0; i < flat.length; i += 3) {
      pairs.push(flat[i]!, flat[i + 1]!);
      const expiry = parseInt64(flat[i + 2]!);
      if (expiry === null || expiry < 0n || expiry > FIELD_EXPIRE_MAX) bad(`Hash listpack integrity check failed: field expiry ${flat[i + 2]!}`);
      if (expiry !== 0n) fieldTtls++;
    }
    return { hash: pairs.length === 0 ? null : hashOf(pairs, limits, false, bad), fieldTtls };
  }
  // rdbLoadMillisecondTime reads a signed time; anything past EB_EXPIRE_TIME_INVALID is refused.
  if (minExpire > FIELD_EXPIRE_MAX + 1n) bad('Hash read invalid minExpire value');
  const n = c.plainLength(where);
  for (let i = 0; i < n; i++) {
    const ttl = c.length64('a hash field TTL');
    const expireAt = ttl === 0n ? 0n : type === TYPE.hashMetadata ? ttl + minExpire - 1n : ttl;
    if (expireAt > FIELD_EXPIRE_MAX) bad(`invalid expireAt time: ${expireAt}`);
    if (expireAt !== 0n) fieldTtls++;
    pairs.push(c.string(where), c.string(where));
  }
  return { hash: n === 0 ? null : hashOf(pairs, limits, true, bad), fieldTtls };
}
