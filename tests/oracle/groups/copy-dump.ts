// Generators for COPY, MOVE, DUMP, RESTORE and DEBUG OBJECT: values of every type and encoding
// (with and without a TTL) copied or moved between databases, over existing targets, onto
// themselves; DUMP payloads compared byte for byte (hashtables, whose order is redis's hash
// table's, by type and length); RESTORE of payloads the lab wrote (valid, corrupted, of a newer
// RDB version, with a valid checksum over garbage) with REPLACE, ABSTTL, IDLETIME and FREQ.
import fc from 'fast-check';
import { bytesToBin, binToBytes } from '../../../src/engine/bytes.js';
import { HashValue, ListValue, SetValue, ZSetValue, type RedisValue } from '../../../src/engine/keyspace/values.js';
import { DEFAULT_LIMITS } from '../../../src/engine/keyspace/limits.js';
import { Crc64 } from '../../../src/engine/rdb/crc64.js';
import { dumpPayload } from '../../../src/engine/rdb/writer.js';
import type { Reply } from '../../../src/engine/resp/reply.js';
import type { Rules } from '../../support/differential.js';
import { valueArb } from '../../support/differential.js';

const keyArb = fc.constantFrom('a', 'b', 'c', 'big', 'caf\xc3\xa9');
const dbArb = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('0', '1', '2') }, { weight: 1, arbitrary: fc.constantFrom('16', '-1', 'x', '4294967296') });

function payload(value: RedisValue): string {
  return bytesToBin(dumpPayload(value, true));
}

function withChecksum(body: number[]): string {
  const bytes = Uint8Array.from(body);
  const crc = new Crc64();
  crc.update(bytes);
  return bytesToBin(bytes) + bytesToBin(crc.digestBytes());
}

function hash(pairs: [string, string][]): HashValue {
  const h = new HashValue();
  for (const [f, v] of pairs) h.fields.set(f, v);
  h.fit(DEFAULT_LIMITS, pairs.flat());
  return h;
}

function set(members: string[]): SetValue {
  const s = new SetValue(members[0]);
  for (const m of members) s.addMember(m, DEFAULT_LIMITS);
  return s;
}

function zset(pairs: [number, string][]): ZSetValue {
  const z = new ZSetValue();
  for (const [score, member] of pairs) z.set(member, score, DEFAULT_LIMITS);
  return z;
}

const GOOD = [
  payload('hello'),
  payload('12345'),
  payload('x'.repeat(100)),
  payload(new ListValue(['a', 'b', '1', 'c'.repeat(50)])),
  payload(set(['1', '2', '300000'])),
  payload(set(['a', 'b'])),
  payload(hash([['f', 'v'], ['n', '1']])),
  payload(zset([[1, 'a'], [2.5, 'b'], [-Infinity, 'c']])),
  payload(zset(Array.from({ length: 130 }, (_, i) => [i, `m${i}`] as [number, string]))),
];
const good = GOOD[0]!;
const BAD = [
  good.slice(0, -1) + String.fromCharCode(good.charCodeAt(good.length - 1) ^ 1),
  good.slice(0, 1) + 'X' + good.slice(2),
  good.slice(0, 4),
  '',
  // RDB version 11, checksum right: refused as redis 7.0 refuses it.
  withChecksum([...binToBytes(good.slice(0, -10)), 11, 0]),
  // A valid footer over bytes that are not a value.
  withChecksum([0x0e, 0x00, 10, 0]),
  withChecksum([0x08, 0x01, 0x61, 10, 0]),
  withChecksum([0x0b, 0x02, 0x00, 0x00, 10, 0]),
];
const payloadArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...GOOD) }, { weight: 1, arbitrary: fc.constantFrom(...BAD) });
// No small relative TTL: the key would expire between redis's run and the lab's.
const ttlArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('0', '100000', '5000000') }, { weight: 1, arbitrary: fc.constantFrom('-1', 'x', '4102444800000') });
const restoreOptionArb = fc.constantFrom<string[]>([], [], ['REPLACE'], ['ABSTTL'], ['REPLACE', 'ABSTTL'], ['IDLETIME', '10'], ['FREQ', '3'], ['IDLETIME', '-1'], ['FREQ', '256'], ['FREQ', 'x'], ['IDLETIME', '1', 'FREQ', '2'], ['FOO']);

export const copyDumpCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(keyArb, valueArb).map(([k, v]) => ['SET', k, v]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, valueArb).map(([k, v]) => ['SET', k, v, 'PX', '5000000']) },
  { weight: 1, arbitrary: fc.tuple(keyArb, fc.array(valueArb, { minLength: 1, maxLength: 4 })).map(([k, vs]) => ['RPUSH', k, ...vs]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, fc.array(valueArb, { minLength: 1, maxLength: 4 })).map(([k, vs]) => ['SADD', k, ...vs]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, fc.array(fc.tuple(valueArb, valueArb), { minLength: 1, maxLength: 3 })).map(([k, ps]) => ['HSET', k, ...ps.flat()]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, fc.array(fc.tuple(fc.constantFrom('1', '2.5', '-3', 'inf'), valueArb), { minLength: 1, maxLength: 3 })).map(([k, ps]) => ['ZADD', k, ...ps.flat()]) },
  { weight: 1, arbitrary: fc.constant<string[]>(['SADD', 'big', ...Array.from({ length: 600 }, (_, i) => String(i))]) },
  { weight: 1, arbitrary: keyArb.map((k) => ['EXPIRE', k, '100000']) },
  { weight: 4, arbitrary: fc.tuple(keyArb, keyArb, fc.subarray([['REPLACE'], ['DB', '1'], ['DB', '0']], { maxLength: 2 }), fc.constantFrom<string[]>([], [], ['DB', '2'], ['DB', 'x'], ['DB', '16'], ['DB'], ['FOO'])).map(([a, b, o, extra]) => ['COPY', a, b, ...o.flat(), ...extra]) },
  { weight: 3, arbitrary: fc.tuple(keyArb, dbArb).map(([k, db]) => ['MOVE', k, db]) },
  { weight: 1, arbitrary: dbArb.map((db) => ['SELECT', db]) },
  { weight: 3, arbitrary: keyArb.map((k) => ['DUMP', k]) },
  { weight: 4, arbitrary: fc.tuple(keyArb, ttlArb, payloadArb, restoreOptionArb).map(([k, t, p, o]) => ['RESTORE', k, t, p, ...o]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('PTTL', 'TYPE', 'EXISTS'), keyArb).map(([c, k]) => [c, k]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('ENCODING', 'REFCOUNT'), keyArb).map(([s, k]) => ['OBJECT', s, k]) },
  { weight: 2, arbitrary: keyArb.map((k) => ['DEBUG', 'OBJECT', k]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, fc.constantFrom(...GOOD), fc.constantFrom<string[]>(['ABSTTL'], ['ABSTTL', 'REPLACE'])).map(([k, p, o]) => ['RESTORE', k, '1', p, ...o]) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['DUMP'], ['RESTORE', 'a', '0'], ['DEBUG', 'OBJECT'], ['COPY', 'a'], ['MOVE', 'a'], ['CONFIG', 'SET', 'rdbcompression', 'no'], ['CONFIG', 'SET', 'rdbcompression', 'yes']) },
);

/** A DUMP of a hashtable hash (type 4) or set (type 2) lists its entries in dict order. */
function dumpShape(_argv: readonly string[], reply: Reply): Reply {
  if (reply.kind !== 'bulk' || reply.value === null) return reply;
  const type = reply.value.charCodeAt(0);
  return type === 2 || type === 4 ? { kind: 'status', value: `type ${type}, ${reply.value.length} bytes` } : reply;
}

/** DEBUG OBJECT: the address is each server's own, the LRU clock a matter of when it ran. */
export function debugObjectShape(_argv: readonly string[], reply: Reply): Reply {
  if (reply.kind !== 'status' || !reply.value.startsWith('Value at:')) return reply;
  return { kind: 'status', value: reply.value.replace(/^Value at:\S+ /, '').replace(/ lru:\d+ lru_seconds_idle:\d+/, '') };
}

export const copyDumpRules: Rules = {
  dump: { normalize: dumpShape },
  debug: { normalize: debugObjectShape },
};
