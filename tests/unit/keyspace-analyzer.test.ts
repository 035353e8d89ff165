// The analysis tallies against a naive model that keeps every key: totals per type, database and
// prefix, the biggest keys, expiry buckets and filters agree for any keyspace, and once the prefix
// limit is reached the keys under new prefixes are counted apart rather than remembered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyspaceAnalyzer, memoryUsage, type AnalyzeOptions, type RedisValue, type TypeName } from '../../src/engine/index.js';
import { HashValue, SetValue } from '../../src/engine/keyspace/values.js';

interface Key {
  db: number;
  key: string;
  value: RedisValue;
  expire: number | null;
}

const NOW = 1_700_000_000_000;

const keyArb: fc.Arbitrary<Key> = fc.record({
  db: fc.integer({ min: 0, max: 3 }),
  key: fc.array(fc.constantFrom('a', 'b', 'user', '1', '2', ''), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(':')),
  value: fc.oneof(
    fc.string({ maxLength: 60 }).map((s): RedisValue => s.replace(/[^\x00-\xff]/g, '?')),
    fc.uniqueArray(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }).map((fields): RedisValue => {
      const hash = new HashValue();
      for (const f of fields) hash.fields.set(f.replace(/[^\x00-\xff]/g, '?'), 'v');
      return hash;
    }),
    fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 12 }).map((members): RedisValue => {
      const set = new SetValue(String(members[0]));
      for (const m of members) set.members.add(String(m));
      return set;
    }),
  ),
  expire: fc.option(fc.integer({ min: NOW - 1000, max: NOW + 40 * 86_400_000 }), { nil: null }),
});

function typeOfKey(k: Key): TypeName {
  return typeof k.value === 'string' ? 'string' : (k.value as HashValue | SetValue).type;
}

describe('KeyspaceAnalyzer', () => {
  it('agrees with a model that keeps every key', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(keyArb, { maxLength: 60, selector: (k) => `${k.db}/${k.key}` }),
        fc.record({ top: fc.integer({ min: 0, max: 5 }), depth: fc.integer({ min: 1, max: 3 }), maxPrefixes: fc.integer({ min: 1, max: 50 }) }),
        fc.record({ db: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), type: fc.option(fc.constantFrom<TypeName>('string', 'hash', 'set'), { nil: undefined }), prefix: fc.option(fc.constantFrom('a', 'user:'), { nil: undefined }) }),
        (keys, shape, filter) => {
          const options: AnalyzeOptions = { now: NOW, ...shape, ...filter };
          const analyzer = new KeyspaceAnalyzer(options);
          for (const k of keys) analyzer.add(k.db, k.key, k.value, k.expire);
          const report = analyzer.report();
          const kept = keys.filter((k) => (filter.db === undefined || k.db === filter.db) && (filter.type === undefined || typeOfKey(k) === filter.type) && (filter.prefix === undefined || k.key.startsWith(filter.prefix)));
          const bytes = (k: Key) => memoryUsage(k.key, k.value);
          const sum = (list: Key[]) => ({ keys: list.length, bytes: list.reduce((a, k) => a + bytes(k), 0) });
          expect(report.skipped).toBe(keys.length - kept.length);
          expect(report.total).toEqual(sum(kept));
          for (const type of new Set(kept.map(typeOfKey))) expect(report.byType[type]).toEqual(sum(kept.filter((k) => typeOfKey(k) === type)));
          for (const db of new Set(kept.map((k) => k.db))) {
            const inDb = kept.filter((k) => k.db === db);
            expect(report.byDb[String(db)]).toEqual({ ...sum(inDb), withExpiry: inDb.filter((k) => k.expire !== null).length });
          }
          expect(report.expiry.none).toEqual(sum(kept.filter((k) => k.expire === null)));
          expect(report.expiry.buckets[0]).toEqual({ label: 'expired', ...sum(kept.filter((k) => k.expire !== null && k.expire <= NOW)) });
          // The biggest: as many as asked, none smaller than any left out.
          expect(report.biggest.length).toBe(Math.min(shape.top, kept.length));
          const smallestListed = Math.min(...report.biggest.map((b) => b.bytes));
          const listed = new Set(report.biggest.map((b) => `${b.db}/${b.key}`));
          for (const k of kept) if (!listed.has(`${k.db}/${k.key}`) && report.biggest.length > 0) expect(bytes(k)).toBeLessThanOrEqual(smallestListed);
          // Prefixes: each remembered one counts its keys exactly, unless it came after the limit.
          expect(report.prefixes.length).toBeLessThanOrEqual(shape.maxPrefixes);
          expect(report.noPrefix).toEqual(sum(kept.filter((k) => !k.key.includes(':'))));
          for (const p of report.prefixes) {
            expect(p.prefix.split(':').length - 1).toBe(p.depth);
            expect(p.depth).toBeLessThanOrEqual(shape.depth);
            if (report.prefixOverflow.keys === 0) expect({ keys: p.keys, bytes: p.bytes }).toEqual(sum(kept.filter((k) => k.key.startsWith(p.prefix))));
          }
        },
      ),
    );
  });

  it('counts keys under prefixes beyond the limit apart instead of remembering them', () => {
    const analyzer = new KeyspaceAnalyzer({ now: NOW, maxPrefixes: 2, depth: 1 });
    for (const key of ['a:1', 'b:1', 'c:1', 'c:2', 'a:2', 'plain']) analyzer.add(0, key, 'v', null);
    const report = analyzer.report();
    expect(report.prefixes.map((p) => [p.prefix, p.keys])).toEqual([
      ['a:', 2],
      ['b:', 1],
    ]);
    expect(report.prefixOverflow.keys).toBe(2);
    expect(report.noPrefix.keys).toBe(1);
  });
});
