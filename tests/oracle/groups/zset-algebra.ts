// Generators for ZUNION / ZINTER / ZDIFF, their STORE forms, ZINTERCARD and ZRANGESTORE's edge
// cases: sets and sorted sets (and other types) on the same keys, weights and scores that make
// inf * 0 and inf + -inf, every option order and malformed argument, small listpack limits so the
// stored results cross the encoding thresholds, and the destinations' encodings afterwards.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { keyArb, valueArb } from '../../support/differential.js';

const memberArb = fc.oneof(fc.constantFrom('a', 'b', 'c', '1', '2', '-3', 'x'.repeat(70)), valueArb);
const scoreArb = fc.oneof(fc.integer({ min: -4, max: 4 }).map(String), fc.constantFrom('inf', '-inf', '0.5', '-0', '1e300', '3.0000000000000004', '-2.5'));
const goodWeightArb = fc.constantFrom('1', '2', '-1', '0', '0.5', 'inf', '-inf', '-0', '1e308', '3');
const badWeightArb = fc.constantFrom('nan', 'x', '', '1e400', ' 1');

/** numkeys, that many keys (now and then one fewer or more than promised), then options. */
function algebraArgs(store: boolean, diff: boolean): fc.Arbitrary<string[]> {
  const good: string[][] = [...(diff ? [] : [['AGGREGATE', 'SUM'], ['AGGREGATE', 'min'], ['AGGREGATE', 'MAX']]), ...(store ? [] : [['WITHSCORES']])];
  const badOption = fc.constantFrom<string[]>(['FOO'], ['LIMIT', '1'], ['AGGREGATE', 'avg'], ['AGGREGATE'], ['WITHSCORES', 'x']);
  const options = fc.oneof(
    { weight: 6, arbitrary: fc.constant<string[][]>([]) },
    { weight: good.length > 0 ? 5 : 0, arbitrary: fc.array(fc.constantFrom(...(good.length > 0 ? good : [[]])), { minLength: 1, maxLength: 2 }) },
    { weight: 1, arbitrary: badOption.map((o) => [o]) },
  );
  return fc
    .tuple(
      fc.array(keyArb, { minLength: 1, maxLength: 3 }),
      fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1) }),
      fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: diff ? 0 : 2, arbitrary: fc.constant(true) }),
      fc.array(fc.oneof({ weight: 10, arbitrary: goodWeightArb }, { weight: 1, arbitrary: badWeightArb }), { minLength: 3, maxLength: 3 }),
      options,
      fc.boolean(),
    )
    .map(([keys, skew, withWeights, weights, opts, weightsFirst]) => {
      const n = Math.max(0, keys.length + skew);
      const w = withWeights ? ['WEIGHTS', ...weights.slice(0, Math.max(1, n + (skew === 1 ? -1 : 0)))] : [];
      return [String(n), ...keys, ...(weightsFirst ? [...w, ...opts.flat()] : [...opts.flat(), ...w])];
    });
}

/** ZRANGESTORE's range: by rank, score or lex with bounds of that kind, or now and then a mix-up. */
const zrangeArgs: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('0', '-1', '1', '2', '-3'), fc.constantFrom('0', '-1', '2', '10', '-2'), fc.constantFrom<string[]>([], ['REV'])).map(([a, b, o]) => [a, b, ...o]) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('-inf', '0', '(0', '1', '(-1', '-2.5'), fc.constantFrom('+inf', 'inf', '2', '(2', '0', '1e300'), fc.constantFrom<string[]>([], ['REV'], ['LIMIT', '0', '1'], ['LIMIT', '1', '-1'], ['LIMIT', '-1', '2'], ['REV', 'LIMIT', '0', '2']))
      .map(([a, b, o]) => [a, b, 'BYSCORE', ...o]),
  },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['0', '-1', 'WITHSCORES'], ['0', '-1', 'LIMIT', '0', '1'], ['x', '1'], ['(1', '2'], ['a', 'b', 'BYLEX'], ['0', '1', 'BYSCORE', 'BYLEX']) },
);

/** Lex ranges mean something only when every score is equal: they read the "lex" key alone. */
const zrangeLexArgs: fc.Arbitrary<string[]> = fc
  .tuple(fc.constantFrom('-', '[a', '(a', '[1'), fc.constantFrom('+', '[c', '(b', '[x'), fc.constantFrom<string[]>([], ['REV'], ['LIMIT', '0', '2'], ['LIMIT', '1', '-1']))
  .map(([a, b, o]) => [a, b, 'BYLEX', ...o]);

export const zsetAlgebraCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(keyArb, fc.array(fc.tuple(scoreArb, memberArb), { minLength: 1, maxLength: 4 })).map(([k, pairs]) => ['ZADD', k, ...pairs.flat()]) },
  { weight: 3, arbitrary: fc.tuple(keyArb, fc.array(memberArb, { minLength: 1, maxLength: 4 })).map(([k, ms]) => ['SADD', k, ...ms]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('ZUNION', 'ZINTER'), algebraArgs(false, false)).map(([c, a]) => [c, ...a]) },
  { weight: 2, arbitrary: algebraArgs(false, true).map((a) => ['ZDIFF', ...a]) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('ZUNIONSTORE', 'ZINTERSTORE'), keyArb, algebraArgs(true, false)).map(([c, d, a]) => [c, d, ...a]) },
  { weight: 2, arbitrary: fc.tuple(keyArb, algebraArgs(true, true)).map(([d, a]) => ['ZDIFFSTORE', d, ...a]) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(keyArb, { minLength: 1, maxLength: 3 }), fc.oneof({ weight: 4, arbitrary: fc.constantFrom<string[]>([], ['LIMIT', '0'], ['LIMIT', '1'], ['LIMIT', '2']) }, { weight: 1, arbitrary: fc.constantFrom<string[]>(['LIMIT', '-1'], ['LIMIT', 'x'], ['LIMIT'], ['WITHSCORES']) }))
      .map(([keys, o]) => ['ZINTERCARD', String(keys.length), ...keys, ...o]),
  },
  { weight: 3, arbitrary: fc.tuple(keyArb, keyArb, zrangeArgs).map(([d, s, a]) => ['ZRANGESTORE', d, s, ...a]) },
  { weight: 1, arbitrary: fc.tuple(keyArb, zrangeLexArgs).map(([d, a]) => ['ZRANGESTORE', d, 'lex', ...a]) },
  { weight: 1, arbitrary: fc.array(memberArb, { minLength: 1, maxLength: 4 }).map((ms) => ['ZADD', 'lex', ...ms.flatMap((m) => ['0', m])]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('OBJECT', 'TYPE'), keyArb).map(([c, k]) => (c === 'OBJECT' ? ['OBJECT', 'ENCODING', k] : ['TYPE', k])) },
  { weight: 1, arbitrary: fc.tuple(keyArb, keyArb).map(([k, d]) => ['ZRANGE', k, '0', '-1', 'WITHSCORES', ...(d === k ? ['REV'] : [])]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('k3', 'caf\xc3\xa9'), valueArb).map(([k, v]) => ['SET', k, v]) },
  { weight: 1, arbitrary: keyArb.map((k) => ['EXPIRE', k, '100000']) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('zset-max-listpack-entries', 'zset-max-ziplist-entries', 'zset-max-listpack-value', 'set-max-intset-entries'), fc.constantFrom('0', '1', '2', '3', '128', '64')).map(([n, v]) => ['CONFIG', 'SET', n, v]) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['ZUNION'], ['ZUNIONSTORE', 'd', '1'], ['ZINTERCARD', '0', 'k1'], ['ZDIFF', '1'], ['ZUNIONSTORE', 'k1', '2', 'k1', 'k1', 'WEIGHTS', '1', '-1'], ['ZINTER', '2', 'k1', 'k1', 'WITHSCORES']) },
);

export const zsetAlgebraRules: Rules = {};
