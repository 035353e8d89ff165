// The packed small collections (src/engine/keyspace/packed.ts) against JS's own Map and Set:
// whatever the operations — binary members, lengths on both sides of the one/two-byte prefix,
// growth past the entry and byte limits into a real table — they hold the same entries in the
// same order. Sorted-set packing round-trips every double, -0 and infinities included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinMap, BinSet, forEachPackedScored, PACKED_MAX_BYTES, PACKED_MAX_ENTRIES, packScored } from '../../src/engine/keyspace/packed.js';
import { ZSetValue, compareZEntry, type ZEntry } from '../../src/engine/keyspace/values.js';

const binArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('', 'a', 'b', 'f1', '10', '\x00', '\xff\x80') },
  { weight: 4, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 140 }).map((codes) => String.fromCharCode(...codes)) },
  { weight: 1, arbitrary: fc.nat({ max: 3000 }).map((n) => 'v'.repeat(n)) },
  // Both sides of the one-byte length prefix.
  { weight: 1, arbitrary: fc.integer({ min: 126, max: 130 }).map((n) => 'p'.repeat(n)) },
);

type MapOp = { kind: 'set'; key: string; value: string } | { kind: 'delete' | 'get'; key: string } | { kind: 'clear' };
const mapOpArb: fc.Arbitrary<MapOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), key: binArb, value: binArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'get' as const), key: binArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const) }) },
);

describe('BinMap', () => {
  it('holds what a Map holds, in the same order, packed or spilled', () => {
    fc.assert(
      fc.property(fc.array(mapOpArb, { maxLength: 300 }), (ops) => {
        const map = new BinMap();
        const model = new Map<string, string>();
        for (const op of ops) {
          if (op.kind === 'set') {
            map.set(op.key, op.value);
            model.set(op.key, op.value);
          } else if (op.kind === 'delete') expect(map.delete(op.key)).toBe(model.delete(op.key));
          else if (op.kind === 'get') {
            expect(map.get(op.key)).toBe(model.get(op.key));
            expect(map.has(op.key)).toBe(model.has(op.key));
          } else {
            map.clear();
            model.clear();
          }
          expect(map.size).toBe(model.size);
        }
        expect([...map]).toEqual([...model]);
        expect([...map.keys()]).toEqual([...model.keys()]);
        expect([...map.values()]).toEqual([...model.values()]);
      }),
    );
  });

  it('spills into a table past the entry limit and keeps every entry', () => {
    const map = new BinMap();
    for (let i = 0; i <= PACKED_MAX_ENTRIES; i++) map.set(`f${i}`, `v${i}`);
    expect(map.size).toBe(PACKED_MAX_ENTRIES + 1);
    expect(map.get('f0')).toBe('v0');
    expect(map.get(`f${PACKED_MAX_ENTRIES}`)).toBe(`v${PACKED_MAX_ENTRIES}`);
    const big = new BinMap();
    big.set('a', 'x'.repeat(PACKED_MAX_BYTES));
    big.set('b', '1');
    expect([...big]).toEqual([['a', 'x'.repeat(PACKED_MAX_BYTES)], ['b', '1']]);
  });

  it('is built from pairs in one pass, and refuses a repeated field', () => {
    fc.assert(
      fc.property(fc.uniqueArray(binArb, { maxLength: 200 }), (fields) => {
        const pairs = fields.flatMap((f, i) => [f, `value ${i}`]);
        expect([...BinMap.fromPairs(pairs)!]).toEqual(fields.map((f, i) => [f, `value ${i}`]));
        if (fields.length > 0) expect(BinMap.fromPairs([...pairs, fields[0]!, 'again'])).toBeNull();
      }),
    );
  });
});

describe('BinSet', () => {
  it('holds what a Set holds, in the same order, packed or spilled', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ add: fc.boolean(), member: binArb }), { maxLength: 300 }), (ops) => {
        const set = new BinSet();
        const model = new Set<string>();
        for (const { add, member } of ops) {
          if (add) {
            set.add(member);
            model.add(member);
          } else expect(set.delete(member)).toBe(model.delete(member));
          expect(set.has(member)).toBe(model.has(member));
          expect(set.size).toBe(model.size);
        }
        expect([...set]).toEqual([...model]);
      }),
    );
  });

  it('is built from members in one pass, and refuses a repeated member', () => {
    fc.assert(
      fc.property(fc.uniqueArray(binArb, { maxLength: 300 }), (members) => {
        expect([...BinSet.fromMembers(members)!]).toEqual(members);
        if (members.length > 0) expect(BinSet.fromMembers([...members, members.at(-1)!])).toBeNull();
      }),
    );
  });
});

describe('packed sorted sets', () => {
  const scoreArb = fc.oneof(fc.double(), fc.constantFrom(0, -0, Infinity, -Infinity, 1.5, 2 ** 53));

  it('round-trip every score bit for bit', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ member: binArb, score: scoreArb }), { maxLength: 60 }), (entries) => {
        const packed = packScored(entries);
        if (packed === null) return;
        const back: ZEntry[] = [];
        forEachPackedScored(packed, (member, score) => back.push({ member, score }));
        expect(back.map((e) => e.member)).toEqual(entries.map((e) => e.member));
        back.forEach((e, i) => expect(Object.is(e.score, entries[i]!.score)).toBe(true));
      }),
    );
  });

  it('a loaded listpack zset reads and changes as one built by commands', () => {
    const entryArb = fc.record({ member: binArb, score: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true })) });
    fc.assert(
      fc.property(fc.uniqueArray(entryArb, { selector: (e) => e.member, maxLength: 40 }), fc.array(entryArb, { maxLength: 10 }), (entries, later) => {
        const limits = { zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 } as Parameters<ZSetValue['set']>[2];
        const loaded = ZSetValue.fromEntries(entries.map((e) => ({ ...e })), 'listpack');
        const built = new ZSetValue();
        for (const e of entries) built.set(e.member, e.score, limits);
        const plain = (z: ZSetValue) => z.ordered().map((e) => [e.member, e.score === 0 ? 0 : e.score]);
        expect(loaded.size).toBe(entries.length);
        expect(plain(loaded)).toEqual(plain(built));
        for (let i = 1; i < loaded.ordered().length; i++) {
          const [a, b] = [loaded.ordered()[i - 1]!, loaded.ordered()[i]!];
          expect(compareZEntry(a.score, a.member, b.score, b.member)).toBeLessThan(0);
        }
        for (const e of later) expect(loaded.set(e.member, e.score, limits)).toBe(built.set(e.member, e.score, limits));
        expect(plain(loaded)).toEqual(plain(built));
        expect(loaded.rank(entries[0]?.member ?? '')).toBe(built.rank(entries[0]?.member ?? ''));
      }),
    );
  });
});
