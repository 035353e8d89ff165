// Generators for sorted-set commands in the differential suites. Lex ranges assume equal scores
// (Redis's skiplist search gives arbitrary answers otherwise), so BYLEX commands run on their own
// key, "lex", whose members all have score 0.
import fc from 'fast-check';
import type { Reply } from '../../../src/engine/resp/reply.js';
import type { Rules } from '../../support/differential.js';
import { HUGE_COUNTS, HUGE_PAIR_COUNTS, keyArb, valueArb, scanElements } from '../../support/differential.js';

const memberArb = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', 'm', ''), fc.constantFrom('x'.repeat(65)), valueArb);
const scoreArb = fc.oneof(
  fc.integer({ min: -5, max: 5 }).map(String),
  fc.constantFrom('0.1', '1.5', '-2.5', 'inf', '-inf', '+inf', '1e3', 'nan', 'x', '', ' 1', '1e400', '-0', '3.0000000000000004', '0x10'),
);
const boundArb = fc.constantFrom('-inf', '+inf', '0', '1', '(1', '(0', '2.5', '(-inf', 'x', '', '(', '-1', '1e3', 'inf');
const lexBoundArb = fc.constantFrom('-', '+', '[a', '(a', '[c', '(m', '[', '(', 'a', '', '+x', '[\xff');
const indexArb = fc.oneof(fc.integer({ min: -4, max: 4 }).map(String), fc.constantFrom('x', '9223372036854775807', '-9223372036854775808'));
const flagsArb = fc.subarray(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'], { maxLength: 3 });
const rangeOptionArb = fc.constantFrom<string[]>([], ['WITHSCORES'], ['REV'], ['LIMIT', '0', '2'], ['LIMIT', '1', '-1'], ['LIMIT', '-1', '2'], ['REV', 'WITHSCORES', 'LIMIT', '0', '1'], ['FOO'], ['LIMIT', 'x', '1'], ['LIMIT', '0']);

function sameShape(a: Reply, b: Reply): string | void {
  if (a.kind !== b.kind) return `different kinds: ${JSON.stringify([a, b])}`;
  if (a.kind === 'array' && b.kind === 'array' && a.value?.length !== b.value?.length) return 'different counts';
  if (a.kind === 'error' && JSON.stringify(a) !== JSON.stringify(b)) return `different errors ${JSON.stringify([a, b])}`;
}

export const zsetCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(keyArb, flagsArb, fc.array(fc.tuple(scoreArb, memberArb), { minLength: 1, maxLength: 3 })).map(([k, f, pairs]) => ['ZADD', k, ...f, ...pairs.flat()]),
  fc.tuple(keyArb, fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }).map(String), memberArb), { minLength: 1, maxLength: 4 })).map(([k, pairs]) => ['ZADD', k, ...pairs.flat()]),
  fc.tuple(keyArb, scoreArb, memberArb).map(([k, s, m]) => ['ZINCRBY', k, s, m]),
  fc.tuple(fc.constantFrom('ZREM', 'ZMSCORE'), keyArb, fc.array(memberArb, { minLength: 1, maxLength: 3 })).map(([c, k, ms]) => [c, k, ...ms]),
  fc.tuple(fc.constantFrom('ZSCORE', 'ZRANK', 'ZREVRANK'), keyArb, memberArb).map(([c, k, m]) => [c, k, m]),
  keyArb.map((k) => ['ZCARD', k]),
  fc.tuple(keyArb, boundArb, boundArb).map(([k, a, b]) => ['ZCOUNT', k, a, b]),
  fc.tuple(keyArb, indexArb, indexArb, rangeOptionArb).map(([k, a, b, o]) => ['ZRANGE', k, a, b, ...o]),
  fc.tuple(keyArb, boundArb, boundArb, rangeOptionArb).map(([k, a, b, o]) => ['ZRANGE', k, a, b, 'BYSCORE', ...o]),
  fc.tuple(keyArb, indexArb, indexArb, fc.constantFrom<string[]>([], ['WITHSCORES'], ['REV'])).map(([k, a, b, o]) => ['ZREVRANGE', k, a, b, ...o]),
  fc.tuple(fc.constantFrom('ZRANGEBYSCORE', 'ZREVRANGEBYSCORE'), keyArb, boundArb, boundArb, rangeOptionArb).map(([c, k, a, b, o]) => [c, k, a, b, ...o]),
  fc.tuple(keyArb, indexArb, indexArb).map(([k, a, b]) => ['ZREMRANGEBYRANK', k, a, b]),
  fc.tuple(keyArb, boundArb, boundArb).map(([k, a, b]) => ['ZREMRANGEBYSCORE', k, a, b]),
  fc.tuple(fc.constantFrom('ZPOPMIN', 'ZPOPMAX'), keyArb, fc.constantFrom<string[]>([], ['1'], ['2'], ['0'], ['-1'], ['x'], ['10'], ['1', '2'])).map(([c, k, o]) => [c, k, ...o]),
  fc.tuple(keyArb, keyArb, indexArb, indexArb, fc.constantFrom<string[]>([], ['REV'], ['BYSCORE'], ['WITHSCORES'], ['BYSCORE', 'LIMIT', '0', '1'])).map(([d, s, a, b, o]) => ['ZRANGESTORE', d, s, a, b, ...o]),
  fc.tuple(keyArb, fc.constantFrom<string[]>([], ['1'], ['-3'], ['0'], ['2', 'WITHSCORES'], ['x'], ['1', 'FOO'], ...HUGE_PAIR_COUNTS.map((n) => [n, 'WITHSCORES']), ...HUGE_COUNTS.map((n) => [n]))).map(([k, o]) => ['ZRANDMEMBER', k, ...o]),
  fc.tuple(keyArb, fc.constantFrom<string[]>(['0'], ['0', 'MATCH', 'a*'], ['0', 'COUNT', '100'], ['x'])).map(([k, o]) => ['ZSCAN', k, ...o]),
  // Lex commands on the equal-score key.
  fc.array(memberArb, { minLength: 1, maxLength: 4 }).map((ms) => ['ZADD', 'lex', ...ms.flatMap((m) => ['0', m])]),
  fc.tuple(lexBoundArb, lexBoundArb).map(([a, b]) => ['ZLEXCOUNT', 'lex', a, b]),
  fc.tuple(fc.constantFrom('ZRANGEBYLEX', 'ZREVRANGEBYLEX'), lexBoundArb, lexBoundArb, fc.constantFrom<string[]>([], ['LIMIT', '0', '2'], ['LIMIT', '1', '-1'], ['WITHSCORES'])).map(([c, a, b, o]) => [c, 'lex', a, b, ...o]),
  fc.tuple(lexBoundArb, lexBoundArb, fc.constantFrom<string[]>([], ['REV'], ['LIMIT', '1', '1'], ['WITHSCORES'])).map(([a, b, o]) => ['ZRANGE', 'lex', a, b, 'BYLEX', ...o]),
  fc.tuple(lexBoundArb, lexBoundArb).map(([a, b]) => ['ZREMRANGEBYLEX', 'lex', a, b]),
  fc.constantFrom<string[]>(['ZRANGE', 'lex', '0', '-1'], ['ZADD', 'k1', '1'], ['ZADD', 'k1', 'NX', 'XX', '1', 'a'], ['ZADD', 'k1', 'INCR', '1', 'a', '2', 'b'], ['ZLEXCOUNT', 'k1', '-', '+']),
);

export const zsetRules: Rules = {
  zrandmember: { reconcile: (_, a, b) => sameShape(a, b) },
  zscan: { reconcile: scanElements(true) },
};
