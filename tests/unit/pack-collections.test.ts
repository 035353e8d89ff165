// Packing what commands built (src/engine/keyspace/pack-collections.ts, run after an AOF replay)
// changes how lists and small sorted sets are kept, never what they hold: two engines run the
// same random commands, one packed at a random point, and answer every command alike, with the
// same digest; an AOF loaded from disk comes back packed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { packCollections } from '../../src/engine/keyspace/pack-collections.js';
import { ListValue, ZSetValue } from '../../src/engine/keyspace/values.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { MemoryStore } from '../../src/storage/memory-store.js';

const keyArb = fc.constantFrom('l1', 'l2', 'z1', 'z2');
const elementArb = fc.oneof(fc.constantFrom('a', 'b', '', '10', '-3', 'x'.repeat(70), 'y'.repeat(900)), fc.string({ maxLength: 6 }));
const commandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom('RPUSH', 'LPUSH'), keyArb, fc.array(elementArb, { minLength: 1, maxLength: 40 })).map(([c, k, e]) => [c, k, ...e]),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP'), keyArb).map(([c, k]) => [c, k]),
  fc.tuple(keyArb, fc.constantFrom('BEFORE', 'AFTER'), elementArb, elementArb).map(([k, w, p, e]) => ['LINSERT', k, w, p, e]),
  fc.tuple(keyArb, fc.integer({ min: -30, max: 30 }), elementArb).map(([k, i, e]) => ['LSET', k, String(i), e]),
  fc.tuple(keyArb, fc.array(fc.tuple(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true })), elementArb), { minLength: 1, maxLength: 30 })).map(([k, pairs]) => ['ZADD', k, ...pairs.flatMap(([s, m]) => [String(s), m])]),
  fc.tuple(keyArb, elementArb).map(([k, m]) => ['ZREM', k, m]),
  fc.tuple(keyArb, elementArb).map(([k, m]) => ['ZINCRBY', k, '1.5', m]),
  fc.tuple(fc.constantFrom('LRANGE', 'ZRANGE'), keyArb).map(([c, k]) => (c === 'ZRANGE' ? [c, k, '0', '-1', 'WITHSCORES'] : [c, k, '0', '-1'])),
  // Reads by position, which walk the nodes by their lengths.
  fc.tuple(keyArb, fc.integer({ min: -300, max: 300 })).map(([k, i]) => ['LINDEX', k, String(i)]),
  fc.tuple(keyArb, fc.integer({ min: -300, max: 300 }), fc.integer({ min: -300, max: 300 })).map(([k, i, j]) => ['LRANGE', k, String(i), String(j)]),
  fc.tuple(keyArb, fc.integer({ min: -40, max: 40 }), fc.integer({ min: -40, max: 40 })).map(([k, i, j]) => ['ZRANGE', k, String(i), String(j)]),
  keyArb.map((k) => ['OBJECT', 'ENCODING', k]),
);

describe('packing the collections commands built', () => {
  it('changes no reply and no digest, wherever it happens', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 60 }), fc.nat(), (commands, at) => {
        const packed = new Engine({ clock: systemClock });
        const plain = new Engine({ clock: systemClock });
        const [a, b] = [packed.createClient(), plain.createClient()];
        const packAt = commands.length === 0 ? 0 : at % commands.length;
        commands.forEach((argv, i) => {
          if (i === packAt) packCollections(packed.dbs);
          expect(packed.execute(a, argv)).toEqual(plain.execute(b, argv));
        });
        packCollections(packed.dbs);
        expect(datasetDigest(packed)).toBe(datasetDigest(plain));
        for (const key of ['l1', 'l2', 'z1', 'z2']) {
          for (const argv of [['LRANGE', key, '0', '-1'], ['ZRANGE', key, '0', '-1', 'WITHSCORES'], ['OBJECT', 'ENCODING', key], ['MEMORY', 'USAGE', key]]) {
            expect(packed.execute(a, argv)).toEqual(plain.execute(b, argv));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a list of short items as one packed node, and a small sorted set packed', () => {
    const engine = new Engine({ clock: systemClock });
    const client = engine.createClient();
    engine.execute(client, ['RPUSH', 'queue', ...Array.from({ length: 250 }, (_, i) => `v${i}`)]);
    engine.execute(client, ['ZADD', 'board', ...Array.from({ length: 20 }, (_, i) => [String(i), `m${i}`]).flat()]);
    const list = engine.dbs[0]!.dict.get('queue') as ListValue;
    const zset = engine.dbs[0]!.dict.get('board') as ZSetValue;
    const packedNodes = () => list.nodeList().filter((node) => node.isPacked).length;
    expect(packedNodes()).toBe(0);
    packCollections(engine.dbs);
    expect(packedNodes()).toBe(list.nodeCount);
    expect(zset.isPacked).toBe(true);
    expect(engine.execute(client, ['LINDEX', 'queue', '249'])).toEqual({ kind: 'bulk', value: 'v249' });
    // A list of several nodes, each packed, is read by position across them.
    const items = Array.from({ length: 30 }, (_, i) => `${i}:`.padEnd(900, 'y'));
    engine.execute(client, ['RPUSH', 'long', ...items]);
    packCollections(engine.dbs);
    const long = engine.dbs[0]!.dict.get('long') as ListValue;
    expect(long.nodeCount).toBeGreaterThan(2);
    expect(long.nodeList().every((node) => node.isPacked)).toBe(true);
    // From the tail first: reading a node unpacks it, so each read must find its node by the
    // packed nodes' lengths.
    for (let i = 29; i >= -30; i--) expect(engine.execute(client, ['LINDEX', 'long', String(i)])).toEqual({ kind: 'bulk', value: items.at(i) });
    expect(engine.execute(client, ['ZSCORE', 'board', 'm7'])).toEqual({ kind: 'bulk', value: '7' });
  });

  it('leaves an AOF-loaded server with packed lists and small sorted sets, and the same data', async () => {
    const disk = new MemoryStore();
    const config = () => {
      const c = new Config();
      expect(applyConfigText(c, 'appendonly yes\naof-use-rdb-preamble no\nsave ""')).toEqual([]);
      return c;
    };
    const first = (await PersistentServer.start({ disk, config: config(), clock: systemClock, rdb: rdbCodec })).server;
    const client = first.engine.createClient();
    for (let i = 0; i < 300; i++) await first.execute(client, ['RPUSH', `list:${i % 3}`, `item-${i}`]);
    for (let i = 0; i < 60; i++) await first.execute(client, ['ZADD', `board:${i % 2}`, String(i * 1.5), `user-${i}`]);
    const digest = datasetDigest(first.engine);
    await first.shutdown();
    const second = (await PersistentServer.start({ disk, config: config(), clock: systemClock, rdb: rdbCodec })).server;
    expect(datasetDigest(second.engine)).toBe(digest);
    const dict = second.engine.dbs[0]!.dict;
    for (let k = 0; k < 3; k++) expect((dict.get(`list:${k}`) as ListValue).nodeList().every((node) => node.isPacked)).toBe(true);
    for (let k = 0; k < 2; k++) expect((dict.get(`board:${k}`) as ZSetValue).isPacked).toBe(true);
    const again = second.engine.createClient();
    expect(await second.execute(again, ['LPOP', 'list:0'])).toEqual({ kind: 'bulk', value: 'item-0' });
    expect(await second.execute(again, ['ZRANK', 'board:1', 'user-59'])).toEqual({ kind: 'int', value: 29 });
    await second.shutdown();
  });
});
