// DUMP and RESTORE both ways against redis-server 7.0: for values of every type and encoding
// (lists split into quicklist nodes by several list-max-listpack-size values, LINSERT's splits
// and merges, strings long enough for LZF, with rdbcompression on and off) the lab's DUMP is
// redis's byte for byte (hashtable hashes and sets list their entries in dict order: there the
// length is compared), redis's payload restores in the lab and the lab's in redis to the same
// value (DEBUG DIGEST-VALUE), encoding and DEBUG OBJECT line.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { RESET_CONFIG } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';
import { debugObjectShape } from './groups/copy-dump.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

const text = (r: Reply | undefined) => JSON.stringify(r);
const bulkValue = (r: Reply | undefined): string => (r?.kind === 'bulk' && r.value !== null ? r.value : '');

interface Both {
  engine: Engine;
  run(argv: string[]): Promise<[Reply, Reply]>;
}

async function both(setup: string[][]): Promise<Both> {
  await redis.pipeline([['CONFIG', 'SET', ...RESET_CONFIG.flat()], ['FLUSHALL']]);
  const engine = new Engine({ clock: systemClock });
  const client = engine.createClient();
  const run = async (argv: string[]): Promise<[Reply, Reply]> => {
    const [r] = await redis.pipeline([argv]);
    return [r!, engine.execute(client, argv)];
  };
  for (const argv of setup) {
    const [r, l] = await run(argv);
    expect(text(l), argv.join(' ')).toBe(text(r));
  }
  return { engine, run };
}

/** Compares DUMP of every key, then restores each side's payload on the other side. */
async function checkKeys(b: Both, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    const [redisDump, labDump] = await b.run(['DUMP', key]);
    const payload = bulkValue(redisDump);
    const type = payload.charCodeAt(0);
    if (type === 2 || type === 4) expect(bulkValue(labDump).length, key).toBe(payload.length);
    else expect(text(labDump), `DUMP ${key}`).toBe(text(redisDump));
    // Each side's payload restored on the other side (and on itself, under a second name).
    for (const [source, target] of [[payload, `from-redis:${key}`], [bulkValue(labDump), `from-lab:${key}`]] as const) {
      const [r, l] = await b.run(['RESTORE', target, '0', source]);
      expect(text(l), `RESTORE ${target}`).toBe(text(r));
      for (const probe of [['DEBUG', 'DIGEST-VALUE', key, target], ['OBJECT', 'ENCODING', target], ['DEBUG', 'OBJECT', target]]) {
        const [pr, pl] = await b.run(probe);
        expect(text(debugObjectShape(probe, pl)), probe.join(' ')).toBe(text(debugObjectShape(probe, pr)));
      }
    }
  }
  const [r, l] = await b.run(['DEBUG', 'DIGEST']);
  expect(text(l)).toBe(text(r));
}

const items = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

const DATASET: string[][] = [
  ['SET', 'int', '12345'],
  ['SET', 'bigint', '9223372036854775807'],
  ['SET', 'short', 'hello'],
  ['SET', 'lzf', 'abc'.repeat(40)],
  ['SET', 'random', items(60, (i) => String.fromCharCode((i * 97) % 256)).join('')],
  ['INCRBYFLOAT', 'float', '3.5'],
  ['RPUSH', 'list', ...items(20, (i) => (i % 3 ? `item-${i}` : String(i * 1000)))],
  ['RPUSH', 'biglist', ...items(3000, (i) => `element number ${i}`)],
  ['HSET', 'hash', 'a', '1', 'b', 'two', 'c', '3.0'],
  ['HSET', 'bighash', ...items(600, (i) => `f${i}`)],
  ['SADD', 'intset', '1', '-7', '70000', '5000000000'],
  ['SADD', 'set', 'a', 'b', 'c'],
  ['ZADD', 'zset', '1', 'a', '2.5', 'b', '-inf', 'c', '1e17', 'd', '0.1', 'e'],
  ['ZADD', 'bigzset', ...items(300, (i) => (i % 2 ? `m${i}` : String(i / 7)))],
  ['CONFIG', 'SET', 'list-max-listpack-size', '3'],
  ['RPUSH', 'ql3', ...items(11, (i) => `v${i}`)],
  ['LINSERT', 'ql3', 'AFTER', 'v4', 'inserted'],
  ['LINSERT', 'ql3', 'BEFORE', 'v0', 'first'],
  ['LREM', 'ql3', '0', 'v7'],
  ['CONFIG', 'SET', 'list-max-listpack-size', '-1'],
  ['RPUSH', 'ql4k', ...items(400, (i) => `entry-${i}-${'x'.repeat(i % 30)}`)],
  ['LPOP', 'ql4k', '3'],
  ['LSET', 'ql4k', '100', 'y'.repeat(500)],
  ['CONFIG', 'SET', 'list-max-listpack-size', '-2', 'list-compress-depth', '1'],
  ['RPUSH', 'compressed', ...items(2000, (i) => `compressible value ${i % 17}`)],
];
const KEYS = ['int', 'bigint', 'short', 'lzf', 'random', 'float', 'list', 'biglist', 'hash', 'bighash', 'intset', 'set', 'zset', 'bigzset', 'ql3', 'ql4k', 'compressed'];

describe('DUMP / RESTORE against redis-server', () => {
  it('writes redis’s payload for every type and encoding, and each side restores the other’s', async () => {
    await checkKeys(await both(DATASET), KEYS);
  });

  it('does so with rdbcompression off too (no LZF strings)', async () => {
    await checkKeys(await both([['CONFIG', 'SET', 'rdbcompression', 'no'], ...DATASET.filter((c) => !c.includes('list-compress-depth'))]), KEYS.filter((k) => k !== 'compressed'));
  });

  it('agrees on random lists, hashes, sets and sorted sets under random limits', async () => {
    const element = fc.oneof(fc.constantFrom('a', '1', '-1', '300', '70000', '5000000000', 'x'.repeat(70), ''), fc.string({ maxLength: 12 }), fc.integer().map(String));
    const limits = fc.record({
      list: fc.constantFrom('-2', '-1', '1', '2', '5'),
      entries: fc.constantFrom('2', '8', '128'),
      value: fc.constantFrom('4', '64'),
    });
    await fc.assert(
      fc.asyncProperty(limits, fc.array(fc.tuple(fc.constantFrom('RPUSH', 'LPUSH', 'SADD', 'HSET', 'ZADD', 'LINSERT'), fc.array(element, { minLength: 2, maxLength: 6 })), { minLength: 1, maxLength: 25 }), async (l, writes) => {
        const setup: string[][] = [['CONFIG', 'SET', 'list-max-listpack-size', l.list, 'hash-max-listpack-entries', l.entries, 'zset-max-listpack-entries', l.entries, 'set-max-intset-entries', l.entries, 'hash-max-listpack-value', l.value, 'zset-max-listpack-value', l.value]];
        for (const [command, args] of writes) {
          if (command === 'HSET') setup.push(['HSET', 'h', ...args.slice(0, args.length - (args.length % 2))]);
          else if (command === 'ZADD') setup.push(['ZADD', 'z', ...args.flatMap((a, i) => [String(i), a])]);
          else if (command === 'SADD') setup.push(['SADD', 's', ...args]);
          else if (command === 'LINSERT') setup.push(['LINSERT', 'l', 'AFTER', args[0]!, args[1]!]);
          else setup.push([command, 'l', ...args]);
        }
        const b = await both(setup);
        await checkKeys(b, ['l', 'h', 's', 'z'].filter((k) => b.engine.dbs[0]!.dict.has(k)));
      }),
      { numRuns: 60 },
    );
  });
});
