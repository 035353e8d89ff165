// Generators for hash commands in the differential suites.
import fc from 'fast-check';
import type { Reply } from '../../../src/engine/resp/reply.js';
import type { Rules } from '../../support/differential.js';
import { HUGE_COUNTS, HUGE_PAIR_COUNTS, keyArb, sortArray, sortPairs, valueArb, scanElements } from '../../support/differential.js';

const fieldArb = fc.oneof(fc.constantFrom('f1', 'f2', 'f3', 'n', ''), fc.constantFrom('x'.repeat(65)), valueArb);
const numberArb = fc.constantFrom('1', '-1', '10', '0.5', 'x', '9223372036854775807', '1e3', 'inf', '', '-0.1', '3.0e2');

/** HRANDFIELD's pick is random: both sides must agree on the shape and on membership. */
function checkRandomFields(argv: readonly string[], redisReply: Reply, labReply: Reply): string | void {
  if (redisReply.kind !== labReply.kind) return `different kinds: ${JSON.stringify([redisReply, labReply])}`;
  if (redisReply.kind === 'array' && labReply.kind === 'array' && redisReply.value?.length !== labReply.value?.length) {
    return `different counts for ${argv.join(' ')}`;
  }
  if (redisReply.kind === 'error' && JSON.stringify(redisReply) !== JSON.stringify(labReply)) return `different errors ${JSON.stringify([redisReply, labReply])}`;
}

export const hashCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom('HSET', 'HMSET'), keyArb, fc.array(fc.tuple(fieldArb, valueArb), { minLength: 1, maxLength: 4 })).map(([c, k, kv]) => [c, k, ...kv.flat()]),
  fc.tuple(keyArb, fieldArb, valueArb).map(([k, f, v]) => ['HSETNX', k, f, v]),
  fc.tuple(fc.constantFrom('HGET', 'HEXISTS', 'HSTRLEN'), keyArb, fieldArb).map(([c, k, f]) => [c, k, f]),
  fc.tuple(fc.constantFrom('HMGET', 'HDEL'), keyArb, fc.array(fieldArb, { minLength: 1, maxLength: 3 })).map(([c, k, fs]) => [c, k, ...fs]),
  fc.tuple(fc.constantFrom('HLEN', 'HGETALL', 'HKEYS', 'HVALS'), keyArb).map(([c, k]) => [c, k]),
  fc.tuple(keyArb, fieldArb, numberArb).map(([k, f, n]) => ['HINCRBY', k, f, n]),
  fc.tuple(keyArb, fieldArb, numberArb).map(([k, f, n]) => ['HINCRBYFLOAT', k, f, n]),
  fc.tuple(keyArb, fc.constantFrom<string[]>([], ['1'], ['-3'], ['0'], ['5', 'WITHVALUES'], ['-2', 'withvalues'], ['x'], ['1', 'FOO'], ['1', 'WITHVALUES', 'x'], ...HUGE_PAIR_COUNTS.map((n) => [n, 'WITHVALUES']), ...HUGE_COUNTS.map((n) => [n]))).map(([k, o]) => ['HRANDFIELD', k, ...o]),
  fc.tuple(keyArb, fc.constantFrom<string[]>(['0'], ['0', 'MATCH', 'f*'], ['0', 'COUNT', '100'], ['x'], ['0', 'TYPE', 'hash'])).map(([k, o]) => ['HSCAN', k, ...o]),
  fc.constantFrom<string[]>(['HSET', 'k1', 'f'], ['HMSET', 'k1', 'f', 'v', 'g']),
);

export const hashRules: Rules = {
  hgetall: { normalize: (_, r) => sortPairs(r) },
  hkeys: { normalize: (_, r) => sortArray(r) },
  hvals: { normalize: (_, r) => sortArray(r) },
  hscan: { reconcile: scanElements(true) },
  hrandfield: { reconcile: checkRandomFields },
};
