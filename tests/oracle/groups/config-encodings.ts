// Generators for CONFIG SET of the encoding limits at run time (and their ziplist aliases):
// hashes, sets and sorted sets written across the new thresholds, lists built under small
// list-max-listpack-size values (entries or bytes) whose quicklist nodes DEBUG OBJECT counts and
// DUMP writes, OBJECT ENCODING throughout, and the directives redis refuses to change.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { copyDumpRules } from './copy-dump.js';

const limitArb = fc.oneof(
  fc.tuple(fc.constantFrom('hash-max-listpack-entries', 'hash-max-ziplist-entries', 'set-max-intset-entries', 'zset-max-listpack-entries', 'zset-max-ziplist-entries'), fc.constantFrom('0', '1', '2', '4', '512', '-1', 'x')),
  fc.tuple(fc.constantFrom('hash-max-listpack-value', 'hash-max-ziplist-value', 'zset-max-listpack-value', 'zset-max-ziplist-value'), fc.constantFrom('0', '3', '8', '64', '1k', '-1')),
  fc.tuple(fc.constantFrom('list-max-listpack-size', 'list-max-ziplist-size'), fc.constantFrom('1', '2', '3', '-1', '-2', '-5', '-6', '0', '40000')),
  fc.tuple(fc.constant('list-compress-depth'), fc.constantFrom('0', '1', '2', '-1')),
);
const fieldArb = fc.constantFrom('a', 'b', 'c', 'd', 'e', '1', '2', '300', 'long-field-name', 'x'.repeat(70));

export const configEncodingCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 3, arbitrary: limitArb.map(([name, value]) => ['CONFIG', 'SET', name, value]) },
  { weight: 1, arbitrary: fc.tuple(limitArb, limitArb).map(([a, b]) => ['CONFIG', 'SET', ...a, ...b]) },
  { weight: 1, arbitrary: limitArb.map(([name]) => ['CONFIG', 'GET', name]) },
  { weight: 3, arbitrary: fc.tuple(fieldArb, fieldArb).map(([f, v]) => ['HSET', 'h', f, v]) },
  { weight: 3, arbitrary: fieldArb.map((m) => ['SADD', 's', m]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('1', '2', '-1.5'), fieldArb).map(([sc, m]) => ['ZADD', 'z', sc, m]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('RPUSH', 'LPUSH'), fc.array(fieldArb, { minLength: 1, maxLength: 4 })).map(([c, items]) => [c, 'l', ...items]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('BEFORE', 'AFTER'), fieldArb, fieldArb).map(([w, p, v]) => ['LINSERT', 'l', w, p, v]) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['LPOP', 'l'], ['RPOP', 'l', '2'], ['LTRIM', 'l', '1', '-2'], ['LREM', 'l', '0', 'a'], ['LSET', 'l', '0', 'xyz']) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['SINTERSTORE', 's2', 's'], ['SUNIONSTORE', 's2', 's', 's'], ['ZUNIONSTORE', 'z2', '1', 'z'], ['ZRANGESTORE', 'z2', 'z', '0', '-1'], ['SORT', 'l', 'ALPHA', 'STORE', 'l2'], ['COPY', 'l', 'l3', 'REPLACE']) },
  { weight: 3, arbitrary: fc.constantFrom('h', 's', 'z', 'l', 's2', 'z2', 'l2', 'l3').map((k) => ['OBJECT', 'ENCODING', k]) },
  { weight: 2, arbitrary: fc.constantFrom('l', 'l2', 'l3', 'z', 'h').map((k) => ['DEBUG', 'OBJECT', k]) },
  { weight: 1, arbitrary: fc.constantFrom('l', 'l2', 'z', 'z2').map((k) => ['DUMP', k]) },
  { weight: 1, arbitrary: fc.constantFrom('h', 's', 'z', 'l').map((k) => ['DEL', k]) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<string[]>(
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
      ['CONFIG', 'SET', 'databases', '4'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '4', 'hash-max-ziplist-entries', '5'],
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '4', 'no-such-directive', '5'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '4', 'zset-max-listpack-value', 'bogus'],
    ),
  },
);

export const configEncodingRules: Rules = { ...copyDumpRules };
