// Generators for the bitmap commands in the differential suites: SETBIT, GETBIT, BITCOUNT,
// BITPOS, BITOP, BITFIELD and BITFIELD_RO, mixed with the string commands that read or change the
// same bytes (GET, STRLEN, APPEND, SETRANGE, GETRANGE, OBJECT ENCODING), on the shared keys.
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { keyArb, valueArb } from '../../support/differential.js';

/** Offsets stay below a few kilobytes: a real 512 MB bitmap is no test of anything here. */
const offsetArb = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.integer({ min: 0, max: 5000 }).map(String),
  fc.constantFrom('-1', 'x', '', '1.5', '+1', '4294967296', '9223372036854775807', '-9223372036854775808'),
);
const bitArb = fc.constantFrom('0', '1', '0', '1', '2', '-1', 'x', '01');
const indexArb = fc.oneof(
  fc.integer({ min: -12, max: 12 }).map(String),
  fc.integer({ min: -100, max: 100 }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '-9223372036854775807', 'x', '1.0'),
);
const unitArb = fc.constantFrom<string[]>([], [], ['BYTE'], ['BIT'], ['bit'], ['FOO']);
const typeArb = fc.oneof(
  fc.tuple(fc.constantFrom('i', 'u'), fc.integer({ min: 1, max: 64 })).map(([s, n]) => `${s}${n}`),
  fc.constantFrom('u8', 'i8', 'u1', 'i64', 'u63', 'u64', 'i65', 'i0', 'x8', 'I8', 'u', 'i08', ''),
);
const fieldOffsetArb = fc.oneof(
  fc.integer({ min: 0, max: 70 }).map(String),
  fc.integer({ min: 0, max: 8 }).map((n) => `#${n}`),
  fc.constantFrom('-1', 'x', '#', '#-1', '#9223372036854775807', '4294967296'),
);
const fieldValueArb = fc.oneof(
  fc.integer({ min: -300, max: 300 }).map(String),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '4294967295', '-1', 'x', '1.5'),
);
const fieldOpArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.tuple(typeArb, fieldOffsetArb).map(([t, o]) => ['GET', t, o]), weight: 3 },
  { arbitrary: fc.tuple(fc.constantFrom('SET', 'INCRBY', 'set', 'incrby'), typeArb, fieldOffsetArb, fieldValueArb).map(([c, t, o, v]) => [c, t, o, v]), weight: 4 },
  { arbitrary: fc.constantFrom('WRAP', 'SAT', 'FAIL', 'fail', 'NOPE').map((t) => ['OVERFLOW', t]), weight: 2 },
  { arbitrary: fc.constantFrom<string[]>(['GET', 'u8'], ['SET', 'u8', '0'], ['OVERFLOW'], ['FOO', 'u8', '0']), weight: 1 },
);
const roOpArb = fc.oneof(
  { arbitrary: fc.tuple(typeArb, fieldOffsetArb).map(([t, o]) => ['GET', t, o]), weight: 6 },
  { arbitrary: fieldOpArb, weight: 1 },
);

export const bitmapCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.tuple(keyArb, offsetArb, bitArb).map(([k, o, b]) => ['SETBIT', k, o, b]), weight: 6 },
  { arbitrary: fc.tuple(keyArb, offsetArb).map(([k, o]) => ['GETBIT', k, o]), weight: 3 },
  { arbitrary: keyArb.map((k) => ['BITCOUNT', k]), weight: 1 },
  { arbitrary: fc.tuple(keyArb, indexArb, indexArb, unitArb).map(([k, s, e, u]) => ['BITCOUNT', k, s, e, ...u]), weight: 3 },
  { arbitrary: fc.tuple(keyArb, bitArb).map(([k, b]) => ['BITPOS', k, b]), weight: 1 },
  { arbitrary: fc.tuple(keyArb, bitArb, indexArb).map(([k, b, s]) => ['BITPOS', k, b, s]), weight: 1 },
  { arbitrary: fc.tuple(keyArb, bitArb, indexArb, indexArb, unitArb).map(([k, b, s, e, u]) => ['BITPOS', k, b, s, e, ...u]), weight: 3 },
  {
    arbitrary: fc.tuple(fc.constantFrom('AND', 'OR', 'XOR', 'NOT', 'and', 'FOO'), keyArb, fc.array(keyArb, { minLength: 1, maxLength: 3 })).map(([op, d, ks]) => ['BITOP', op, d, ...ks]),
    weight: 2,
  },
  { arbitrary: fc.tuple(keyArb, fc.array(fieldOpArb, { maxLength: 4 })).map(([k, ops]) => ['BITFIELD', k, ...ops.flat()]), weight: 5 },
  { arbitrary: fc.tuple(keyArb, fc.array(roOpArb, { maxLength: 3 })).map(([k, ops]) => ['BITFIELD_RO', k, ...ops.flat()]), weight: 2 },
  // The string commands that share the bytes.
  { arbitrary: fc.constantFrom('GET', 'STRLEN').chain((c) => keyArb.map((k) => [c, k])), weight: 2 },
  { arbitrary: fc.tuple(keyArb, valueArb).map(([k, v]) => ['APPEND', k, v]), weight: 1 },
  { arbitrary: fc.tuple(keyArb, fc.constantFrom('0', '1', '7', '30'), valueArb).map(([k, o, v]) => ['SETRANGE', k, o, v]), weight: 1 },
  { arbitrary: fc.tuple(keyArb, indexArb, indexArb).map(([k, s, e]) => ['GETRANGE', k, s, e]), weight: 1 },
  { arbitrary: fc.tuple(keyArb, valueArb).map(([k, v]) => ['SET', k, v]), weight: 1 },
  { arbitrary: keyArb.map((k) => ['OBJECT', 'ENCODING', k]), weight: 1 },
  { arbitrary: fc.constantFrom<string[]>(['SETBIT', 'k1', '0'], ['BITCOUNT', 'k1', '0'], ['BITCOUNT', 'k1', '0', '1', 'BIT', 'x'], ['BITPOS', 'k1'], ['BITPOS', 'k1', '1', '0', '1', 'BIT', 'x'], ['BITOP', 'NOT', 'k1'], ['BITFIELD']), weight: 1 },
);

export const bitmapRules: Rules = {};
