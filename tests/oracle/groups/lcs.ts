// Generators for LCS: strings over a small alphabet (so subsequences are long and ranges many),
// missing keys and keys of other types, every option (LEN, IDX, MINMATCHLEN, WITHMATCHLEN) and
// the malformed ones.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';

const textArb = fc.oneof(
  fc.constantFrom('ohmytext', 'mynewtext', '', 'a', 'abcabcabc', 'cba', 'x\x00y', 'caf\xc3\xa9', '12345', '1234'),
  fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 14 }),
  fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), minLength: 20, maxLength: 60 }),
);
const keyArb = fc.constantFrom('s1', 's2', 's3', 'missing', 'list');
const optionsArb = fc.oneof(
  { weight: 6, arbitrary: fc.subarray([['IDX'], ['WITHMATCHLEN'], ['MINMATCHLEN', '2']]).map((o) => o.flat()) },
  { weight: 2, arbitrary: fc.constantFrom<string[]>([], ['LEN'], ['len'], ['IDX', 'MINMATCHLEN', '0'], ['IDX', 'MINMATCHLEN', '-3'], ['IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'], ['idx', 'withmatchlen']) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['LEN', 'IDX'], ['IDX', 'LEN'], ['MINMATCHLEN'], ['MINMATCHLEN', 'x'], ['FOO'], ['LEN', 'MINMATCHLEN', '1']) },
);

export const lcsCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('s1', 's2', 's3'), textArb).map(([k, v]) => ['SET', k, v]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('s1', 's2'), textArb).map(([k, v]) => ['APPEND', k, v]) },
  { weight: 1, arbitrary: fc.constant<string[]>(['RPUSH', 'list', 'a']) },
  { weight: 6, arbitrary: fc.tuple(keyArb, keyArb, optionsArb).map(([a, b, o]) => ['LCS', a, b, ...o]) },
  { weight: 1, arbitrary: fc.constantFrom<string[]>(['LCS', 's1'], ['LCS']) },
);

export const lcsRules: Rules = {};
