// DEBUG DIGEST and DEBUG DIGEST-VALUE exactly as redis-server 7.0 computes them (debug.c): per key,
// SHA-1 "mix" of the name, the type and the value (order-free for sets, hashes and zsets), xored
// into a dataset digest that also mixes in each non-empty db's id. Every test compares datasets
// with it, against redis-server's own answer.
import type { Bin } from './bytes.js';
import type { Database } from './keyspace/database.js';
import { RawString, type RedisValue } from './keyspace/values.js';
import { formatDouble } from './util/numbers.js';
import { sha1Bin, sha1Bytes, toHex } from './util/sha1.js';

interface DigestTarget {
  readonly dbs: readonly Database[];
}

const scratch = new Uint8Array(20);

function xorDigest(digest: Uint8Array, data: Bin | Uint8Array): void {
  if (typeof data === 'string') sha1Bin(data, scratch);
  else sha1Bytes(data, scratch);
  for (let i = 0; i < 20; i++) digest[i]! ^= scratch[i]!;
}

function mixDigest(digest: Uint8Array, data: Bin | Uint8Array): void {
  xorDigest(digest, data);
  sha1Bytes(digest, digest);
}

function uint32be(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

function sha1Of(data: Bin | Uint8Array): Uint8Array {
  const out = new Uint8Array(20);
  if (typeof data === 'string') sha1Bin(data, out);
  else sha1Bytes(data, out);
  return out;
}

/** mixDigest with data whose SHA-1 is known: the xor, then the re-hash. */
function mixKnown(digest: Uint8Array, hash: Uint8Array): void {
  for (let i = 0; i < 20; i++) digest[i]! ^= hash[i]!;
  sha1Bytes(digest, digest);
}

const TYPE_NUMBER = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 } as const;
/** The SHA-1 of each type's 4-byte number: every key mixes one in, so it is hashed once here. */
const TYPE_HASH = Object.fromEntries(
  Object.entries(TYPE_NUMBER).map(([name, n]) => [name, sha1Of(uint32be(n))]),
) as Record<keyof typeof TYPE_NUMBER, Uint8Array>;
const EXPIRE_HASH = sha1Of('!!expire!!');

/** Redis's xorObjectDigest: the value (and the presence of an expiry) into `digest`. */
function xorValueDigest(digest: Uint8Array, value: RedisValue, hasExpire: boolean): void {
  if (typeof value === 'string' || value instanceof RawString) {
    mixKnown(digest, TYPE_HASH.string);
    mixDigest(digest, typeof value === 'string' ? value : value.value);
  } else if (value.type === 'list') {
    mixKnown(digest, TYPE_HASH.list);
    for (const item of value.items) mixDigest(digest, item);
  } else if (value.type === 'set') {
    mixKnown(digest, TYPE_HASH.set);
    for (const member of value.members) xorDigest(digest, member);
  } else if (value.type === 'zset') {
    mixKnown(digest, TYPE_HASH.zset);
    const element = new Uint8Array(20);
    for (const { member, score } of value.ordered()) {
      element.fill(0);
      mixDigest(element, member);
      mixDigest(element, formatDouble(score));
      xorDigest(digest, element);
    }
  } else if (value.type === 'stream') {
    // Entries only ("ms.seq", then each field and value): consumer groups are not digested.
    mixKnown(digest, TYPE_HASH.stream);
    for (const entry of value.range()) {
      mixDigest(digest, `${entry.id.ms}.${entry.id.seq}`);
      for (const item of entry.pairs) mixDigest(digest, item);
    }
  } else {
    mixKnown(digest, TYPE_HASH.hash);
    const element = new Uint8Array(20);
    for (const [field, fieldValue] of value.fields) {
      element.fill(0);
      mixDigest(element, field);
      mixDigest(element, fieldValue);
      xorDigest(digest, element);
    }
  }
  if (hasExpire) for (let i = 0; i < 20; i++) digest[i]! ^= EXPIRE_HASH[i]!;
}

/** The 40-hex DEBUG DIGEST of every database; all zeros for an empty dataset. */
export function datasetDigest(target: DigestTarget): string {
  const final = new Uint8Array(20);
  const keyDigest = new Uint8Array(20);
  for (const db of target.dbs) {
    if (db.dict.size === 0) continue;
    mixDigest(final, uint32be(db.id));
    for (const [key, value] of db.dict) {
      keyDigest.fill(0);
      mixDigest(keyDigest, key);
      xorValueDigest(keyDigest, value, db.expires.has(key));
      xorDigest(final, keyDigest);
    }
  }
  return toHex(final);
}

/** DEBUG DIGEST-VALUE for one key: zeros when the key does not exist (expired keys count). */
export function valueDigest(db: Database, key: Bin): string {
  const digest = new Uint8Array(20);
  const value = db.dict.get(key);
  if (value !== undefined) xorValueDigest(digest, value, db.expires.has(key));
  return toHex(digest);
}
