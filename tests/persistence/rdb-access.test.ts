// Under an LRU or LFU maxmemory-policy an RDB keeps each key's access (rdbSaveKeyValuePair: an
// IDLE or FREQ record before the key) and a load restores it (objectSetLRUOrLFU), both ways
// against redis-server 7.0: what one writes, the other reads back to the same OBJECT FREQ or
// OBJECT IDLETIME.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { readChunks } from '../../src/engine/persistence/disk.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { loadRdb } from '../../src/engine/rdb/reader.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';
import { HeldChildStore } from '../support/held-child-store.js';
import { inChunks } from '../support/lab.js';
import { RedisServer } from '../support/redis-server.js';
import { useScratch } from '../support/scratch.js';

const { tempDir, servers } = useScratch('lab-rdb-access-');
const KEYS = ['str', 'list', 'hash', 'zset'];

function lab(policy: string, clock: Clock = systemClock): { engine: Engine; run: (...argv: string[]) => Reply } {
  const engine = new Engine({ clock });
  const client = engine.createClient();
  const run = (...argv: string[]) => engine.execute(client, argv);
  expect(run('CONFIG', 'SET', 'maxmemory-policy', policy).kind).toBe('status');
  return { engine, run };
}

function fill(run: (...argv: string[]) => unknown): void {
  run('SET', 'str', 'v');
  run('RPUSH', 'list', 'a', 'b');
  run('HSET', 'hash', 'f', 'v');
  run('ZADD', 'zset', '1', 'm');
}

const saved = (engine: Engine) => Buffer.concat(rdbCodec.snapshot(engine, { aofBase: false, compression: true, checksum: true }));

async function redisOn(bytes: Uint8Array, policy: string): Promise<RedisServer> {
  const dir = tempDir();
  writeFileSync(join(dir, 'dump.rdb'), bytes);
  const check = spawnSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' });
  expect(check.stdout).toContain('RDB looks OK');
  const redis = await RedisServer.start({ dir, args: ['--maxmemory-policy', policy] });
  servers.push(redis);
  return redis;
}

describe('key access in RDB files', () => {
  it("under allkeys-lfu: the lab's file carries each key's counter, and redis-server loads the same OBJECT FREQ", async () => {
    const { engine, run } = lab('allkeys-lfu');
    fill(run);
    // Counters grow at random: touch the keys unevenly, then read what the lab holds.
    for (let i = 0; i < 300; i++) run('GET', 'str');
    for (let i = 0; i < 40; i++) run('LLEN', 'list');
    const freqs = KEYS.map((k) => run('OBJECT', 'FREQ', k).value);
    expect(freqs[0]).toBeGreaterThan(freqs[3] as number);
    const redis = await redisOn(saved(engine), 'allkeys-lfu');
    expect(await redis.pipeline(KEYS.map((k) => ['OBJECT', 'FREQ', k]))).toEqual(freqs.map((value) => ({ kind: 'int', value })));
  });

  it("under allkeys-lru: the lab's file carries each key's idle seconds, and redis-server's OBJECT IDLETIME goes on from them", async () => {
    const clock = new VirtualClock(Date.now());
    const { engine, run } = lab('allkeys-lru', clock);
    fill(run);
    clock.advanceTo(clock.now() + 100_000);
    run('GET', 'str');
    clock.advanceTo(clock.now() + 20_000);
    const redis = await redisOn(saved(engine), 'allkeys-lru');
    const idle = (await redis.pipeline(KEYS.map((k) => ['OBJECT', 'IDLETIME', k]))).map((r) => r.value as number);
    // The lab says 20 and 120 s; redis's clock has moved on by the second or two it took to start.
    expect(idle[0]).toBeGreaterThanOrEqual(20);
    expect(idle[0]).toBeLessThanOrEqual(23);
    for (const seconds of idle.slice(1)) {
      expect(seconds).toBeGreaterThanOrEqual(120);
      expect(seconds).toBeLessThanOrEqual(123);
    }
  });

  it("redis-server's file under allkeys-lfu (and allkeys-lru) loads in the lab with redis's OBJECT FREQ (and IDLETIME)", async () => {
    const redis = await RedisServer.start({ args: ['--maxmemory-policy', 'allkeys-lfu'] });
    servers.push(redis);
    await redis.pipeline([['SET', 'str', 'v'], ['RPUSH', 'list', 'a', 'b'], ['HSET', 'hash', 'f', 'v'], ['ZADD', 'zset', '1', 'm']]);
    await redis.pipeline(Array.from({ length: 300 }, () => ['GET', 'str']));
    await redis.pipeline(Array.from({ length: 40 }, () => ['LLEN', 'list']));
    const freqs = await redis.pipeline(KEYS.map((k) => ['OBJECT', 'FREQ', k]));
    await redis.command('SAVE');
    const lfuFile = readFileSync(join(redis.dir, 'dump.rdb'));
    const lfu = lab('allkeys-lfu');
    await loadRdb(lfu.engine, inChunks(lfuFile, 64), {});
    expect(KEYS.map((k) => lfu.run('OBJECT', 'FREQ', k))).toEqual(freqs);

    // The same server under allkeys-lru: keys idle for 2 s (DEBUG SLEEP holds the server; the LRU clock moves on).
    await redis.pipeline([['FLUSHALL'], ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'], ['SET', 'str', 'v'], ['DEBUG', 'SLEEP', '2.2']]);
    // serverCron refreshes the LRU clock the save reads: let it run once.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [redisIdle] = await redis.pipeline([['OBJECT', 'IDLETIME', 'str'], ['SAVE']]);
    expect(redisIdle!.value).toBeGreaterThanOrEqual(2);
    const lru = lab('allkeys-lru');
    await loadRdb(lru.engine, inChunks(readFileSync(join(redis.dir, 'dump.rdb')), 64), {});
    const idle = lru.run('OBJECT', 'IDLETIME', 'str').value as number;
    expect(idle).toBeGreaterThanOrEqual(redisIdle!.value as number);
    expect(idle).toBeLessThanOrEqual((redisIdle!.value as number) + 1);
  });

  it("BGSAVE writes the counters of its fork instant, however the parent touches the keys while the child writes", async () => {
    const store = new HeldChildStore(0);
    const config = new Config();
    applyConfigText(config, 'appendonly no\nsave ""\nmaxmemory-policy allkeys-lfu');
    const clock = new VirtualClock();
    const { server } = await PersistentServer.start({ disk: store, config, clock, rdb: rdbCodec });
    const client = server.engine.createClient();
    fill((...argv: string[]) => server.execute(client, argv));
    for (let i = 0; i < 60; i++) await server.execute(client, ['HGET', 'hash', 'f']);
    const freq = async (key: string) => (await server.execute(client, ['OBJECT', 'FREQ', key])).value;
    const atFork = await Promise.all(KEYS.map(freq));
    expect(atFork[2]).toBeGreaterThan(5);
    await server.execute(client, ['BGSAVE']);
    // Touched, deleted, and swapped away while the child writes.
    for (let i = 0; i < 300; i++) await server.execute(client, ['GET', 'str']);
    expect(await freq('str')).toBeGreaterThan(atFork[0] as number);
    await server.execute(client, ['DEL', 'list']);
    await server.execute(client, ['SWAPDB', '0', '1']);
    await server.execute(client, ['SET', 'zset', 'replaced']);
    store.release();
    await server.job!.finished;
    clock.advanceTo(clock.now() + 1000);
    await server.cron();
    const loaded = lab('allkeys-lfu', new VirtualClock());
    await loadRdb(loaded.engine, readChunks(store, 'dump.rdb'), {});
    expect(KEYS.map((k) => loaded.run('OBJECT', 'FREQ', k).value)).toEqual(atFork);
  });
});
