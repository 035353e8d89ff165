// The recovery analysis folds each acknowledged write into a key's fingerprint and reads a
// recovered value's fingerprint from the value itself: the two must agree whenever the value is
// what the writes made, or a run would call consistent data inconsistent (and the reverse).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, rdbCodec, seededRng } from '../../src/engine/index.js';
import { ABSENT, KeyPrints, recoveredPrint } from '../../src/sim/key-prints.js';
import { WorkloadGenerator } from '../../src/sim/workload.js';
import type { Workload } from '../../src/scenario/scenario.js';

const clock = { now: () => 1_700_000_000_000 };

describe('key fingerprints', () => {
  it('from the writes equal those read from the values they made, before and after an RDB round trip', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 40 }), async (seed, keys, writes, valueSize) => {
        const workload: Workload = { rate: 100, keys, distribution: seed % 2 === 0 ? 'uniform' : 'zipf', valueSize, mix: { set: 3, incr: 2, list: 2, hash: 2, sadd: 2, zadd: 2, del: 1 } };
        const generator = new WorkloadGenerator(workload, seededRng(seed));
        const engine = new Engine({ clock });
        const client = engine.createClient();
        const prints = new KeyPrints();
        const last = new Map<string, number>();
        for (let i = 0; i < writes; i++) {
          const argv = generator.next();
          const reply = engine.execute(client, argv);
          expect(reply.kind, argv.join(' ')).not.toBe('error');
          last.set(argv[1]!, prints.apply(argv));
          // Now and then mid-run, every key at once: a print must hold at every length of history.
          if (i % 97 === 0) for (const [key, print] of last) expect(recoveredPrint(engine, key), key).toBe(print);
        }
        const reloaded = new Engine({ clock });
        const parts = rdbCodec.snapshot(engine, { aofBase: false, compression: true, checksum: true });
        await rdbCodec.load(reloaded, 'dump.rdb', (async function* () {
          yield* parts;
        })(), {});
        for (const [key, print] of last) {
          expect(recoveredPrint(engine, key), key).toBe(print);
          expect(recoveredPrint(reloaded, key), key).toBe(print);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('tell a changed value, a missing key, an expired key and a key of another type apart', () => {
    let now = clock.now();
    const engine = new Engine({ clock: { now: () => now } });
    const client = engine.createClient();
    const prints = new KeyPrints();
    const write = (...argv: string[]) => {
      engine.execute(client, argv);
      return prints.apply(argv);
    };
    const listPrint = write('RPUSH', 'list:1', 'a', 'b');
    expect(recoveredPrint(engine, 'list:1')).toBe(listPrint);
    // The same elements in another order are another list.
    engine.execute(client, ['DEL', 'list:1']);
    engine.execute(client, ['RPUSH', 'list:1', 'b', 'a']);
    expect(recoveredPrint(engine, 'list:1')).not.toBe(listPrint);
    const hashPrint = write('HSET', 'hash:1', 'f1', 'v1');
    engine.execute(client, ['HSET', 'hash:1', 'f1', 'v2']);
    expect(recoveredPrint(engine, 'hash:1')).not.toBe(hashPrint);
    const zsetPrint = write('ZADD', 'zset:1', '3', 'm1');
    engine.execute(client, ['ZADD', 'zset:1', '4', 'm1']);
    expect(recoveredPrint(engine, 'zset:1')).not.toBe(zsetPrint);
    const setPrint = write('SADD', 'set:1', 'm1');
    engine.execute(client, ['SADD', 'set:1', 'm2']);
    expect(recoveredPrint(engine, 'set:1')).not.toBe(setPrint);
    expect(recoveredPrint(engine, 'str:9')).toBe(ABSENT);
    // A key whose time has passed reads as missing, as TYPE or GET would find it.
    const stringPrint = write('SET', 'str:1', 'v1');
    engine.execute(client, ['PEXPIREAT', 'str:1', String(now + 10)]);
    expect(recoveredPrint(engine, 'str:1')).toBe(stringPrint);
    now += 11;
    expect(engine.dbs[0]!.dict.has('str:1')).toBe(true);
    expect(recoveredPrint(engine, 'str:1')).toBe(ABSENT);
    // A set and a list of the same single member differ by their type.
    engine.execute(client, ['RPUSH', 'list:2', 'm1']);
    engine.execute(client, ['SADD', 'set:2', 'm1']);
    expect(recoveredPrint(engine, 'list:2')).not.toBe(recoveredPrint(engine, 'set:2'));
  });
});
