// Generators for the HyperLogLog commands in the differential suites: PFADD (now and then enough
// elements to go dense), PFCOUNT of one key (the cached cardinality) and of several, PFMERGE,
// PFDEBUG, and the string commands that read the HLL's bytes or change them under it (GET, SET
// of hand-made and corrupt HLLs, SETBIT on the cache-invalid bit, SETRANGE, APPEND).
import fc from 'fast-check';
import type { Rules } from '../../support/differential.js';
import { keyArb, valueArb } from '../../support/differential.js';

const elementArb = fc.oneof(fc.constantFrom('a', 'b', 'c', 'foo', '', '1', 'x'.repeat(40)), valueArb);

/** "HYLL", the encoding byte, three unused bytes and the cached cardinality (little endian). */
function header(encoding: number, card: number[] = [0, 0, 0, 0, 0, 0, 0, 0]): string {
  return 'HYLL' + String.fromCharCode(encoding, 0, 0, 0, ...card);
}
const INVALID_CACHE = [0, 0, 0, 0, 0, 0, 0, 0x80];
/** HLL strings made by hand: valid, with a stale or huge cached value, and corrupt ones. */
const craftedArb = fc.constantFrom(
  header(1) + '\x7f\xff', // empty sparse
  header(1, [5, 0, 0, 0, 0, 0, 0, 0]) + '\x7f\xff', // a cached 5 that the registers do not back
  header(1, INVALID_CACHE) + '\x40\x09\x84\x7f\xf4', // XZERO 10, VAL 2, XZERO 16373
  header(1, INVALID_CACHE) + '\x7f\xfe', // covers 16383 registers only
  header(1, INVALID_CACHE) + '\x7f\xff\x80', // a VAL past the last register
  header(1, INVALID_CACHE) + '\x7f', // XZERO cut short
  header(1, INVALID_CACHE), // no opcodes at all
  header(1, [1, 2, 3, 4, 5, 6, 7, 0x7f]) + '\x7f\xff', // a cached value near 2^63
  header(0, INVALID_CACHE) + '\x00'.repeat(12288), // empty dense
  header(0, INVALID_CACHE) + '\x41'.repeat(12288), // dense, every register non-zero
  header(0) + '\x00'.repeat(100), // dense of the wrong length
  header(2) + '\x7f\xff', // unknown encoding
  'HYLL', // shorter than the header
  'HYLX' + '\x01'.repeat(14),
);

export const hyperloglogCommandArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.tuple(keyArb, fc.array(elementArb, { maxLength: 5 })).map(([k, es]) => ['PFADD', k, ...es]), weight: 12 },
  {
    // Runs of distinct elements: a few on one key pass hll-sparse-max-bytes (3000) and go dense.
    arbitrary: fc.tuple(keyArb, fc.integer({ min: 50, max: 800 }), fc.integer({ min: 0, max: 3000 })).map(([k, n, from]) => [
      'PFADD',
      k,
      ...Array.from({ length: n }, (_, i) => `e${from + i}`),
    ]),
    weight: 1,
  },
  { arbitrary: keyArb.map((k) => ['PFCOUNT', k]), weight: 5 },
  { arbitrary: fc.array(keyArb, { minLength: 2, maxLength: 3 }).map((ks) => ['PFCOUNT', ...ks]), weight: 2 },
  { arbitrary: fc.tuple(keyArb, fc.array(keyArb, { maxLength: 3 })).map(([d, ks]) => ['PFMERGE', d, ...ks]), weight: 3 },
  // GETREG replies 16384 integers: rarer than the others.
  { arbitrary: fc.tuple(fc.constantFrom('ENCODING', 'ENCODING', 'DECODE', 'DECODE', 'TODENSE', 'todense', 'NOPE', 'GETREG'), keyArb).map(([s, k]) => ['PFDEBUG', s, k]), weight: 3 },
  { arbitrary: keyArb.map((k) => ['GET', k]), weight: 3 },
  { arbitrary: fc.tuple(keyArb, craftedArb).map(([k, v]) => ['SET', k, v]), weight: 2 },
  // Byte 15's top bit (bit 120) marks the cached cardinality invalid.
  { arbitrary: fc.tuple(keyArb, fc.constantFrom('120', '120', '127', '130', '39'), fc.constantFrom('0', '1')).map(([k, o, b]) => ['SETBIT', k, o, b]), weight: 2 },
  { arbitrary: fc.tuple(keyArb, fc.constantFrom('8', '15', '16', '17')).map(([k, o]) => ['SETRANGE', k, o, '\x00']), weight: 1 },
  { arbitrary: fc.tuple(keyArb, fc.constantFrom('\x80', '\x00', 'x')).map(([k, v]) => ['APPEND', k, v]), weight: 1 },
  { arbitrary: keyArb.map((k) => ['OBJECT', 'ENCODING', k]), weight: 1 },
  { arbitrary: fc.constantFrom<string[]>(['PFADD'], ['PFCOUNT'], ['PFMERGE'], ['PFDEBUG', 'ENCODING'], ['PFDEBUG', 'ENCODING', 'k1', 'k2']), weight: 1 },
);

export const hyperloglogRules: Rules = {};
