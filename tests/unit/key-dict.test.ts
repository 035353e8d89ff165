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

  it("a frozen copy reads the fork instant, chunk by chunk, while the parent writes, grows and compacts; the parent knows which values the child holds", () => {
    type Step = { kind: 'read'; n: number } | { kind: 'set'; key: number; value: 'short' | 'long' | 'object' } | { kind: 'delete'; key: number } | { kind: 'expire'; key: number } | { kind: 'persist'; key: number } | { kind: 'insert'; n: number } | { kind: 'deleteRange'; key: number; n: number };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), n: fc.integer({ min: 1, max: 5000 }) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), key: fc.nat(14_000), value: fc.constantFrom('short' as const, 'long' as const, 'object' as const) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.nat(14_000) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('expire' as const), key: fc.nat(14_000) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('persist' as const), key: fc.nat(14_000) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), n: fc.integer({ min: 1, max: 9000 }) }) },
      // Enough deleted slots that the next growth compacts instead.
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteRange' as const), key: fc.nat(12_000), n: fc.integer({ min: 1, max: 9000 }) }) },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12_000 }), fc.boolean(), fc.array(stepArb, { maxLength: 40 }), fc.boolean(), (keys, withExpiries, steps, compactAtEnd) => {
        const dict = new KeyDict();
        const model = new Map<string, RedisValue>();
        let made = 0;
        const valueOf = (kind: 'short' | 'long' | 'object'): RedisValue => {
          made++;
          if (kind === 'short') return `v${made}`;
          if (kind === 'long') return `${'L'.repeat(INLINE_MAX)}${made}`;
          const hash = new HashValue();
          hash.set('made', String(made));
          return hash;
        };
        for (let i = 0; i < keys; i++) {
          const value = valueOf((['short', 'long', 'object'] as const)[i % 3]!);
          dict.set(`k:${i}`, value);
          model.set(`k:${i}`, value);
          if (withExpiries && i % 5 === 0) dict.expires.set(`k:${i}`, 1_000_000 + i);
        }
        for (let i = 0; i < keys; i += 7) {
          dict.delete(`k:${i}`);
          model.delete(`k:${i}`);
        }
        const atFork = [...dict.entriesWithExpiry()];
        const objectsAtFork = new Set(atFork.map(([, value]) => value).filter((value) => typeof value === 'object'));
        // The parent asks before changing a value in place: does the child hold this very one?
        const heldAsAtFork = () => {
          for (const [key, value] of model) if (typeof value === 'object') expect(dict.heldByFork(key, value)).toBe(objectsAtFork.has(value));
        };
        const child = dict.frozenCopy(new Map()).entriesWithExpiry();
        const read: typeof atFork = [];
        let next = keys;
        for (const step of steps) {
          const key = 'key' in step ? `k:${step.key}` : '';
          if (step.kind === 'read') {
            for (let i = 0; i < step.n; i++) {
              const entry = child.next();
              if (entry.done) break;
              read.push(entry.value);
            }
          } else if (step.kind === 'set') {
            const value = valueOf(step.value);
            dict.set(key, value);
            model.set(key, value);
          } else if (step.kind === 'delete') {
            dict.delete(key);
            model.delete(key);
          } else if (step.kind === 'expire') {
            if (model.has(key)) dict.expires.set(key, 5);
          } else if (step.kind === 'persist') {
            dict.expires.delete(key);
          } else if (step.kind === 'deleteRange') {
            for (let i = step.key; i < step.key + step.n; i++) {
              dict.delete(`k:${i}`);
              model.delete(`k:${i}`);
            }
          } else {
            for (let i = 0; i < step.n; i++, next++) {
              dict.set(`k:${next}`, `new${next}`);
              model.set(`k:${next}`, `new${next}`);
            }
          }
          heldAsAtFork();
        }
        if (compactAtEnd) {
          // The oldest 40% deleted (so the later chunks are not copied for it), then enough new
          // keys to fill the table: it compacts in place, moving every later slot down.
          const oldest = [...model.keys()];
          for (const key of oldest.slice(0, Math.ceil(oldest.length * 0.4))) {
            dict.delete(key);
            model.delete(key);
          }
          for (let i = 0; i < keys + 20; i++, next++) {
            dict.set(`k:${next}`, `new${next}`);
            model.set(`k:${next}`, `new${next}`);
          }
        }
        heldAsAtFork();
        for (const entry of child) read.push(entry);
        expect(read.length).toBe(atFork.length);
        // Identity for object values: the child must hold the very value of the fork instant.
        for (let i = 0; i < read.length; i++) for (let j = 0; j < 3; j++) expect(read[i]![j]).toBe(atFork[i]![j]);
        expect([...dict.entries()]).toEqual([...model.entries()]);
      }),
      { numRuns: 40 },
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
