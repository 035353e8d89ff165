// CONFIG GET/SET against redis-server 7.0: the same values for every persistence directive, and
// for random SETs (valid, invalid, immutable, several pairs at once) the same replies and the
// same resulting values.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { RedisServer } from '../support/redis-server.js';

const DIRECTIVES = [
  'appendonly', 'appendfsync', 'no-appendfsync-on-rewrite', 'aof-use-rdb-preamble', 'aof-load-truncated', 'aof-timestamp-enabled',
  'auto-aof-rewrite-percentage', 'auto-aof-rewrite-min-size', 'save', 'dbfilename', 'rdbcompression', 'rdbchecksum',
  'stop-writes-on-bgsave-error', 'appendfilename', 'appenddirname', 'databases', 'hz', 'hash-max-listpack-entries',
  'hash-max-ziplist-value', 'set-max-intset-entries', 'zset-max-listpack-entries', 'zset-max-listpack-value',
  'hll-sparse-max-bytes',
  'client-output-buffer-limit', 'list-max-listpack-size', 'list-max-ziplist-size', 'list-compress-depth', 'lazyfree-lazy-user-del',
  'lazyfree-lazy-server-del', 'lazyfree-lazy-user-flush', 'lazyfree-lazy-eviction', 'latency-tracking', 'busy-reply-threshold', 'lua-time-limit',
];
/** Compared by CONFIG GET only: setting them at random would cut off the test's own connection. */
const GET_ONLY = ['maxclients', 'timeout'];
const VALUES = ['yes', 'no', 'always', 'everysec', 'bogus', '0', '1', '100', '-1', '64mb', '1gb', '10k', '3600 1', '', '900 1 300 10', '1 2 3', 'abc', 'dump2.rdb',
  'normal 1mb 512kb 10', 'pubsub 0 0 0 replica 1gb 1gb 0', 'normal 1 2', 'master 1 1 1', 'normal x 0 0', 'normal 1 1 -1', 'NORMAL 0 0 0'];

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.stop();
});

async function lab() {
  const config = new Config();
  expect(applyConfigText(config, 'appendonly no\nsave ""')).toEqual([]);
  const { server } = await PersistentServer.start({ disk: new MemoryStore(), config, clock: new VirtualClock(), rdb: rdbCodec });
  return { server, client: server.engine.createClient() };
}

/** CONFIG GET replies as a name → value map (Redis's order is its dict's). */
function asMap(reply: Reply): Record<string, string> {
  const items = reply.kind === 'array' ? reply.value ?? [] : [];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < items.length; i += 2) out[items[i]!.value as string] = items[i + 1]!.value as string;
  return out;
}

describe('CONFIG vs redis-server', () => {
  it('reports the same value for every persistence directive, one by one and by pattern', async () => {
    const { server, client } = await lab();
    for (const name of [...DIRECTIVES, ...GET_ONLY, '*aof*', 'save', 'hash-max-*', 'lazyfree*']) {
      const [expected] = await redis.pipeline([['CONFIG', 'GET', name]]);
      const actual = await server.execute(client, ['CONFIG', 'GET', name]);
      if (name.includes('*')) {
        const mine = asMap(actual);
        for (const [k, v] of Object.entries(mine)) expect(asMap(expected!)[k], k).toBe(v);
      } else expect(asMap(actual), name).toEqual(asMap(expected!));
    }
  });

  it('answers random CONFIG SETs as redis-server does and ends with the same values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.tuple(fc.constantFrom(...DIRECTIVES, 'no-such-thing'), fc.constantFrom(...VALUES)), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }), async (sets) => {
        const defaults = new Config();
        applyConfigText(defaults, 'appendonly no\nsave ""');
        const settable = DIRECTIVES.filter((n) => !['rdbchecksum', 'appendfilename', 'appenddirname', 'databases', 'dbfilename'].includes(n));
        const [reset] = await redis.pipeline([['CONFIG', 'SET', ...settable.flatMap((n) => [n, defaults.get(n)])]]);
        expect(reset).toEqual({ kind: 'status', value: 'OK' });
        const { server, client } = await lab();
        for (const pairs of sets) {
          const argv = ['CONFIG', 'SET', ...pairs.flat()];
          const [expected] = await redis.pipeline([argv]);
          const actual = await server.execute(client, argv);
          expect(actual, argv.join(' ')).toEqual(expected);
        }
        const names = [...new Set(sets.flat().map(([n]) => n))].filter((n) => n !== 'no-such-thing');
        for (const name of names) {
          const [expected] = await redis.pipeline([['CONFIG', 'GET', name]]);
          expect(asMap(await server.execute(client, ['CONFIG', 'GET', name])), name).toEqual(asMap(expected!));
        }
        await server.shutdown();
      }),
      { numRuns: 150 },
    );
  });

  it('applies a CONFIG SET encoding threshold to the next write, as redis-server does', async () => {
    const { server, client } = await lab();
    const commands = [
      ['CONFIG', 'SET', 'hash-max-listpack-entries', '1', 'zset-max-listpack-value', '2', 'set-max-intset-entries', '2'],
      ['HSET', 'h', 'a', '1', 'b', '2'],
      ['ZADD', 'z', '1', 'abc'],
      ['SADD', 's', '1', '2', '3'],
      ['OBJECT', 'ENCODING', 'h'],
      ['OBJECT', 'ENCODING', 'z'],
      ['OBJECT', 'ENCODING', 's'],
    ];
    const expected = await redis.pipeline([['FLUSHALL'], ...commands, ['CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'zset-max-listpack-value', '64', 'set-max-intset-entries', '512']]);
    const actual = [];
    for (const argv of commands) actual.push(await server.execute(client, argv));
    expect(actual).toEqual(expected.slice(1, -1));
    expect(actual.slice(-3).map((r) => r.value)).toEqual(['hashtable', 'skiplist', 'hashtable']);
    await server.shutdown();
  });
});
