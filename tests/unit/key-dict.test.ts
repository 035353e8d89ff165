// The byte-arena dictionary behind every database answers exactly as the Map it replaced: the
// same values, sizes, expiries, and iteration in insertion order, through any mix of sets,
// overwrites (shorter, longer, object values), deletes, expiries and clears, across table
// growth and compaction; and a loader's byte inserts refuse duplicates as the RDB loader needs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binToBytes } from '../../src/engine/bytes.js';
import { INLINE_MAX, KeyDict } from '../../src/engine/keyspace/key-dict.js';
import { HashValue, type RedisValue } from '../../src/engine/keyspace/values.js';

type Op =
  | { kind: 'set'; key: string; value: string | 'object' }
  | { kind: 'delete'; key: string }
  | { kind: 'expire'; key: string; when: number | bigint }
  | { kind: 'persist'; key: string }
  | { kind: 'bytes'; key: string; value: string }
  | { kind: 'clear' };

const keyArb = fc.oneof(fc.constantFrom('a', 'b', 'key:1', ''), fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x00-\xff]/g, '?')));
const valueArb = fc.oneof(fc.string({ maxLength: 10 }), fc.string({ minLength: INLINE_MAX - 2, maxLength: INLINE_MAX + 3 }), fc.constant('object' as const)).map((v) => (v === 'object' ? v : v.replace(/[^\x00-\xff]/g, '?')));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), key: keyArb, value: valueArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expire' as const), key: keyArb, when: fc.oneof(fc.integer(), fc.constant(2n ** 62n), fc.constant(-(2n ** 62n))) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('persist' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bytes' as const), key: keyArb, value: fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x00-\xff]/g, '?')) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('KeyDict', () => {
  it('behaves as a Map of values plus a Map of expiries, iteration order included', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
        const dict = new KeyDict();
        const values = new Map<string, RedisValue>();
        const expires = new Map<string, number | bigint>();
        for (const op of ops) {
          if (op.kind === 'set') {
            const value = op.value === 'object' ? new HashValue() : op.value;
            dict.set(op.key, value);
            values.set(op.key, value);
          } else if (op.kind === 'delete') {
            expect(dict.delete(op.key)).toBe(values.delete(op.key));
            expires.delete(op.key);
          } else if (op.kind === 'expire') {
            if (values.has(op.key)) {
              dict.expires.set(op.key, op.when);
              expires.set(op.key, op.when);
            } else expect(() => dict.expires.set(op.key, op.when)).toThrow();
          } else if (op.kind === 'persist') {
            expect(dict.expires.delete(op.key)).toBe(expires.delete(op.key));
          } else if (op.kind === 'bytes') {
            const src = binToBytes(`xx${op.key}${op.value}`);
            const inserted = dict.insertBytes(src, 2, 2 + op.key.length, null, 2 + op.key.length, src.length);
            expect(inserted).toBe(!values.has(op.key));
            if (inserted) values.set(op.key, op.value);
          } else {
            dict.clear();
            values.clear();
            expires.clear();
          }
          expect(dict.size).toBe(values.size);
          expect(dict.expires.size).toBe(expires.size);
        }
        expect([...dict.entries()]).toEqual([...values.entries()]);
        for (const [key, value] of values) {
          expect(dict.has(key)).toBe(true);
          expect(dict.get(key)).toEqual(value);
          expect(dict.expires.get(key)).toBe(expires.get(key));
        }
        expect(new Map(dict.expires.entries())).toEqual(expires);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps 300,000 keys and finds each of them after growth and deletes', () => {
    const dict = new KeyDict();
    for (let i = 0; i < 200_000; i++) dict.set(`key:${i}`, `value:${i}`);
    for (let i = 0; i < 200_000; i += 2) dict.delete(`key:${i}`);
    for (let i = 200_000; i < 300_000; i++) dict.set(`key:${i}`, i % 3 ? `v${i}` : new HashValue());
    expect(dict.size).toBe(200_000);
    for (let i = 1; i < 200_000; i += 2) expect(dict.get(`key:${i}`)).toBe(`value:${i}`);
    for (let i = 0; i < 200_000; i += 2) expect(dict.has(`key:${i}`)).toBe(false);
    const order = [...dict.keys()];
    expect(order[0]).toBe('key:1');
    expect(order.at(-1)).toBe('key:299999');
  });
});
