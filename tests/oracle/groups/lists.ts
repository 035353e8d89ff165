// Generators for list commands in the differential suites.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { keyArb, valueArb } from '../../support/differential.js';

const itemArb = fc.oneof(fc.constantFrom('a', 'b', 'c', '1', ''), valueArb);
const indexArb = fc.oneof(fc.integer({ min: -6, max: 6 }).map(String), fc.constantFrom('x', '9223372036854775807', '-9223372036854775808', '1.5'));
const endArb = fc.constantFrom('LEFT', 'RIGHT', 'left', 'UP');

export const listCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom('LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX'), keyArb, fc.array(itemArb, { minLength: 1, maxLength: 5 })).map(([c, k, items]) => [c, k, ...items]),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP'), keyArb, fc.constantFrom<string[]>([], [], ['1'], ['2'], ['0'], ['10'], ['-1'], ['x'], ['1', '2'])).map(([c, k, n]) => [c, k, ...n]),
  keyArb.map((k) => ['LLEN', k]),
  fc.tuple(keyArb, indexArb, indexArb).map(([k, a, b]) => ['LRANGE', k, a, b]),
  fc.tuple(keyArb, indexArb).map(([k, i]) => ['LINDEX', k, i]),
  fc.tuple(keyArb, indexArb, itemArb).map(([k, i, v]) => ['LSET', k, i, v]),
  fc.tuple(keyArb, indexArb, itemArb).map(([k, n, v]) => ['LREM', k, n, v]),
  fc.tuple(keyArb, indexArb, indexArb).map(([k, a, b]) => ['LTRIM', k, a, b]),
  fc.tuple(keyArb, fc.constantFrom('BEFORE', 'AFTER', 'after', 'NEAR'), itemArb, itemArb).map(([k, w, p, v]) => ['LINSERT', k, w, p, v]),
  fc.tuple(keyArb, itemArb, fc.constantFrom<string[]>([], ['RANK', '1'], ['RANK', '-1'], ['RANK', '2'], ['RANK', '0'], ['COUNT', '0'], ['COUNT', '2'], ['COUNT', '-1'], ['MAXLEN', '2'], ['MAXLEN', '-1'], ['RANK', '-2', 'COUNT', '0', 'MAXLEN', '3'], ['RANK'], ['FOO', '1'], ['RANK', '-9223372036854775808'])).map(([k, v, o]) => ['LPOS', k, v, ...o]),
  fc.tuple(keyArb, keyArb, endArb, endArb).map(([a, b, f, t]) => ['LMOVE', a, b, f, t]),
  fc.tuple(keyArb, keyArb).map(([a, b]) => ['RPOPLPUSH', a, b]),
);

export const listRules: Rules = {};
