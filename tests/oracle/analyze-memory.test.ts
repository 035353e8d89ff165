// `analyze` streams an RDB and sizes each key as redis's MEMORY USAGE does. Against redis-server
// 7.0 itself, on keys of every encoding (each kind of string, quicklists of one and many nodes,
// listpack and hashtable hashes, intsets of each width and hashtable sets, listpack and skiplist
// sorted sets, streams with and without consumer groups, short and long key names) after redis
// has reloaded them from the same dump.rdb: each key within 10% of MEMORY USAGE … SAMPLES 0,
// with the encoding OBJECT ENCODING reports, and the expiry and per-type totals as redis counts.
// The lab engine that loaded that file answers MEMORY USAGE the same way, and its used_memory
// (what the Dataset panel shows and maxmemory evicts on) is redis's within 10% empty and with
// 100,000 small keys. (On this small mix redis's used_memory is dominated by what the lab has no
// model of: a connection's buffers, ~110 KB, and what DEBUG RELOAD leaves allocated, ~75 KB.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { analyzeRdb, readChunks, type AnalysisReport } from '../../src/engine/index.js';
import { loadRdb } from '../../src/engine/rdb/reader.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';
import { inChunks, labWith } from '../support/lab.js';
import { RedisServer } from '../support/redis-server.js';

const range = (n: number, f: (i: number) => string[]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();

/** One command per key (or a few), named for the encoding they make. */
const FIXTURE: string[][] = [
  ['SET', 'str:int:shared', '123'],
  ['SET', 'str:int:big', '12345678901234'],
  ['SET', 'str:embstr', 'hello world'],
  ['SET', 'str:embstr:44', 'e'.repeat(44)],
  ['SET', 'str:raw:45', 'r'.repeat(45)],
  ['SET', 'str:raw:1000', 'r'.repeat(1000)],
  ['SET', 'str:raw:100k', 'r'.repeat(100_000)],
  ['SET', `long:key:${'k'.repeat(40)}`, 'v'],
  ['SET', `long:key:${'k'.repeat(300)}`, 'v'],
  ['RPUSH', 'list:small', 'a', 'bb', '3'],
  ['RPUSH', 'list:nodes', ...range(2000, (i) => [`element-${i}`])],
  ['RPUSH', 'list:big-elements', ...range(300, (i) => [`${i}:${'x'.repeat(200)}`])],
  ['HSET', 'hash:listpack', ...range(10, (i) => [`field${i}`, `value${i}`])],
  ['HSET', 'hash:hashtable:many', ...range(1000, (i) => [`field${i}`, `value${i}`])],
  ['HSET', 'hash:hashtable:long', 'f', 'x'.repeat(100), 'g', 'y'],
  ['SADD', 'set:intset:16', ...range(50, (i) => [String(i * 100)])],
  ['SADD', 'set:intset:32', ...range(50, (i) => [String(i * 100_000)])],
  ['SADD', 'set:intset:64', ...range(50, (i) => [String(i * 10_000_000_000)])],
  ['SADD', 'set:hashtable', ...range(20, (i) => [`member-${i}`])],
  ['SADD', 'set:hashtable:many', ...range(5000, (i) => [`m${i}`])],
  ['ZADD', 'zset:listpack', ...range(20, (i) => [String(i * 1.5), `member${i}`])],
  ['ZADD', 'zset:listpack:thirds', ...range(20, (i) => [String(i / 3), `m${i}`])],
  // Integral scores past 2^52: a listpack holds them as integers up to 2^62 (zzlInsertAt's double2ll).
  ['ZADD', 'zset:listpack:wide', ...range(20, (i) => [String(2 ** 60 + i * 1024), `w${i}`])],
  ['ZADD', 'zset:skiplist', ...range(3000, (i) => [String(i), `member-${i}`])],
  ['ZADD', 'zset:skiplist:long', '1', 'x'.repeat(100), '2', 'y'],
  ...Array.from({ length: 10 }, (_, i) => ['XADD', 'stream:small', `${i + 1}-0`, 'field', `value${i}`]),
  ...Array.from({ length: 3000 }, (_, i) => ['XADD', 'stream:big', `${i + 1}-0`, 'temperature', String(i % 40), 'city', `c${i % 7}`]),
  ...Array.from({ length: 50 }, (_, i) => ['XADD', 'stream:groups', `${i + 1}-0`, 'f', `v${i}`]),
  ['XGROUP', 'CREATE', 'stream:groups', 'g1', '0'],
  ['XGROUP', 'CREATE', 'stream:groups', 'g2', '0'],
  ['XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '20', 'STREAMS', 'stream:groups', '>'],
  ['XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '10', 'STREAMS', 'stream:groups', '>'],
  ['SET', 'ttl:soon', 'x', 'EX', '30'],
  ['SET', 'ttl:later', 'y', 'EX', '86000'],
  ['SELECT', '3'],
  ['SET', 'db3:key', 'in another database'],
];

let redis: RedisServer;
let report: AnalysisReport;
const usage = new Map<string, number>();
const encoding = new Map<string, string>();

beforeAll(async () => {
  redis = await RedisServer.start();
  for (let from = 0; from < FIXTURE.length; from += 200) {
    const replies = await redis.pipeline(FIXTURE.slice(from, from + 200));
    replies.forEach((reply, i) => {
      if (reply.kind === 'error') throw new Error(`${FIXTURE[from + i]!.join(' ').slice(0, 80)}: ${reply.value}`);
    });
  }
  await redis.command('SELECT', '0');
  // Sized as redis holds them after loading this very file.
  await redis.command('SAVE');
  expect((await redis.command('DEBUG', 'RELOAD')).kind).toBe('status');
  const keys = ((await redis.command('KEYS', '*')).value as readonly { value: unknown }[]).map((r) => r.value as string);
  const usages = await redis.pipeline(keys.map((key) => ['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
  const encodings = await redis.pipeline(keys.map((key) => ['OBJECT', 'ENCODING', key]));
  keys.forEach((key, i) => {
    usage.set(key, usages[i]!.value as number);
    encoding.set(key, encodings[i]!.value as string);
  });
  report = await analyzeRdb(readChunks(new NodeFsStore(redis.dir), 'dump.rdb'), { now: Date.now(), top: 1000, db: 0 });
}, 120_000);

afterAll(async () => {
  await redis?.stop();
});

describe('cli analyze memory per key vs redis-server MEMORY USAGE', () => {
  it('covers every encoding redis 7.0 has', () => {
    expect(new Set(encoding.values())).toEqual(new Set(['int', 'embstr', 'raw', 'quicklist', 'listpack', 'hashtable', 'intset', 'skiplist', 'stream']));
  });

  it('sizes each key within 10% of redis, with the encoding redis reports', () => {
    const seen = new Map(report.biggest.map((b) => [b.key, b]));
    expect([...seen.keys()].sort()).toEqual([...usage.keys()].sort());
    const off: string[] = [];
    for (const [key, bytes] of usage) {
      const mine = seen.get(key)!;
      expect(mine.encoding, key).toBe(encoding.get(key));
      if (Math.abs(mine.bytes - bytes) > bytes * 0.1) off.push(`${key.slice(0, 40)} (${mine.encoding}): lab ${mine.bytes}, redis ${bytes}`);
    }
    expect(off).toEqual([]);
  });

  it('totals per type and expiry as redis counts them, the filtered database left out', async () => {
    const total = [...usage.values()].reduce((a, b) => a + b, 0);
    expect(Math.abs(report.total.bytes - total)).toBeLessThan(total * 0.1);
    expect(report.total.keys).toBe(usage.size);
    expect(report.skipped).toBe(1);
    const types: Record<string, number> = {};
    for (const key of usage.keys()) {
      const type = (await redis.command('TYPE', key)).value as string;
      types[type] = (types[type] ?? 0) + 1;
    }
    expect(Object.fromEntries(Object.entries(report.byType).map(([t, v]) => [t, v.keys]))).toEqual(types);
    expect(report.expiry.none.keys).toBe(usage.size - 2);
    expect(report.expiry.buckets.find((b) => b.label === '<= 1 min')!.keys).toBe(1);
    expect(report.expiry.buckets.find((b) => b.label === '<= 1 day')!.keys).toBe(1);
  });
});

/** INFO memory's used_memory less what clients' buffers hold (the lab has no sockets). */
async function redisUsedWithoutClients(server: RedisServer): Promise<number> {
  const stats = (await server.command('MEMORY', 'STATS')).value as readonly Reply[];
  const field = (name: string) => Number(stats[stats.findIndex((r) => r.value === name) + 1]!.value);
  return field('total.allocated') - field('clients.normal');
}

function labUsedMemory(engine: Engine): number {
  const info = engine.execute(engine.createClient(), ['INFO', 'memory']);
  return Number(/used_memory:(\d+)/.exec(String(info.value))![1]);
}

describe('the lab engine sizes memory as redis-server does', () => {
  it('MEMORY USAGE of each key within 10% of redis, after loading the same dump.rdb', async () => {
    const engine = new Engine({ clock: systemClock });
    await loadRdb(engine, inChunks(readFileSync(join(redis.dir, 'dump.rdb')), 64 * 1024), { keepExpired: true });
    const client = engine.createClient();
    const off: string[] = [];
    for (const [key, bytes] of usage) {
      const mine = Number(engine.execute(client, ['MEMORY', 'USAGE', key]).value);
      if (Math.abs(mine - bytes) > bytes * 0.1) off.push(`${key.slice(0, 40)}: lab ${mine}, redis ${bytes}`);
    }
    expect(off).toEqual([]);
  });

  it('used_memory of 100,000 small keys (DEBUG POPULATE) within 10% of redis, and of an empty server', async () => {
    const server = await RedisServer.start();
    try {
      const empty = await redisUsedWithoutClients(server);
      expect(Math.abs(labUsedMemory(labWith([])) - empty)).toBeLessThan(empty * 0.1);
      const populate = ['DEBUG', 'POPULATE', '100000', 'key', '10'];
      expect((await server.command(...populate)).kind).toBe('status');
      const used = await redisUsedWithoutClients(server);
      const lab = labUsedMemory(labWith([populate]));
      expect(Math.abs(lab - used), `lab ${lab}, redis ${used}`).toBeLessThan(used * 0.1);
    } finally {
      await server.stop();
    }
  });
});
