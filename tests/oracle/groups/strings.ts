// Generators for string commands in the differential suites.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { keyArb, valueArb } from '../../support/differential.js';

const intArb = fc.oneof(
  fc.integer({ min: -100, max: 100 }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '9223372036854775808', '1.5', 'x', '', ' 1', '+1', '-0', '0'),
);
const floatArb = fc.oneof(
  fc.constantFrom('0.1', '-0.1', '1e3', '3.0e-5', '1.5', 'inf', '-inf', 'nan', '1e400', 'x', '', '0x10', '.5', '5.', ' 1', '10.5'),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String),
);
/** Relative expiries are long and absolute ones far away, so timing can never change a reply. */
const expireOptionArb = fc.oneof(
  fc.constant<string[]>([]),
  fc.constantFrom<string[]>(['EX', '1000'], ['PX', '100000000'], ['EXAT', '4102444800'], ['PXAT', '4102444800000'], ['KEEPTTL'], ['EX', '0'], ['EX', '-1'], ['PX', 'x'], ['EX', '9223372036854775807'], ['EXAT', '1'], ['PXAT', '1000']),
);
const setFlagArb = fc.subarray(['NX', 'XX', 'GET'], { maxLength: 2 });

export const stringCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  keyArb.map((k) => ['GET', k]),
  fc.tuple(keyArb, valueArb, expireOptionArb, setFlagArb).map(([k, v, e, f]) => ['SET', k, v, ...f, ...e]),
  fc.tuple(keyArb, valueArb, fc.constantFrom('EX', 'PX', 'KEEPTTL', 'NX', 'GET', 'FOO', 'EX EX')).map(([k, v, o]) => ['SET', k, v, ...o.split(' ')]),
  fc.tuple(keyArb, valueArb).map(([k, v]) => ['SETNX', k, v]),
  fc.tuple(keyArb, fc.constantFrom('1000', '0', '-5', 'x'), valueArb).map(([k, t, v]) => ['SETEX', k, t, v]),
  fc.tuple(keyArb, fc.constantFrom('1000000', '0', 'x'), valueArb).map(([k, t, v]) => ['PSETEX', k, t, v]),
  fc.array(keyArb, { minLength: 1, maxLength: 4 }).map((ks) => ['MGET', ...ks]),
  fc.array(fc.tuple(keyArb, valueArb), { minLength: 1, maxLength: 3 }).map((kv) => ['MSET', ...kv.flat()]),
  fc.array(fc.tuple(keyArb, valueArb), { minLength: 1, maxLength: 3 }).map((kv) => ['MSETNX', ...kv.flat()]),
  fc.constantFrom<string[]>(['MSET', 'k1'], ['MSET', 'k1', 'v', 'k2'], ['MSETNX', 'k1', 'v', 'k2']),
  fc.tuple(keyArb, valueArb).map(([k, v]) => ['GETSET', k, v]),
  keyArb.map((k) => ['GETDEL', k]),
  fc.tuple(keyArb, fc.constantFrom<string[]>([], ['EX', '1000'], ['PX', '1000000'], ['EXAT', '4102444800'], ['PXAT', '1'], ['PERSIST'], ['EX', '0'], ['KEEPTTL'], ['PERSIST', 'EX', '5'])).map(([k, o]) => ['GETEX', k, ...o]),
  fc.tuple(keyArb, valueArb).map(([k, v]) => ['APPEND', k, v]),
  keyArb.map((k) => ['STRLEN', k]),
  keyArb.map((k) => ['INCR', k]),
  keyArb.map((k) => ['DECR', k]),
  fc.tuple(keyArb, intArb).map(([k, n]) => ['INCRBY', k, n]),
  fc.tuple(keyArb, intArb).map(([k, n]) => ['DECRBY', k, n]),
  fc.tuple(keyArb, floatArb).map(([k, n]) => ['INCRBYFLOAT', k, n]),
  fc.tuple(keyArb, intArb, intArb).map(([k, a, b]) => ['GETRANGE', k, a, b]),
  fc.tuple(keyArb, fc.constantFrom('0', '1', '5', '-1', 'x', '20'), valueArb).map(([k, o, v]) => ['SETRANGE', k, o, v]),
  fc.constantFrom<string[]>(['SET', 'k1'], ['GET'], ['INCR', 'k1', 'x'], ['APPEND', 'k1']),
);

export const stringRules: Rules = {};
