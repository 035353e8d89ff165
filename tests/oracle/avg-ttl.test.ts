// INFO keyspace's avg_ttl: a running estimate fed by active expiry (expire.c), against
// redis-server for keys that all share one TTL, and exactly on a manual clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { RedisServer } from '../support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

function avgTtl(info: Reply, db = 0): number {
  const text = info.kind === 'bulk' ? info.value ?? '' : '';
  return Number(new RegExp(`db${db}:keys=\\d+,expires=\\d+,avg_ttl=(\\d+)`).exec(text)?.[1] ?? NaN);
}

const KEYS = Array.from({ length: 30 }, (_, i) => ['SET', `k${i}`, 'v', 'EX', '100']);

describe('avg_ttl', () => {
  it('follows the TTL left as redis-server reports it after a second of active expiry', async () => {
    // A fresh server: its estimate for db 0 starts from nothing.
    const redis = await RedisServer.start();
    const lab = new Engine({ clock: systemClock });
    const client = lab.createClient();
    try {
      await redis.pipeline(KEYS);
      for (const argv of KEYS) lab.execute(client, argv);
      // hz 10: serverCron's active expiry runs every 100 ms.
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 100));
        lab.activeExpireCycle();
      }
      const redisAvg = avgTtl(await redis.command('INFO', 'keyspace'));
      const labAvg = avgTtl(lab.execute(client, ['INFO', 'keyspace']));
      expect(redisAvg).toBeGreaterThan(98_000);
      expect(redisAvg).toBeLessThanOrEqual(100_000);
      // The two clocks and cron timers are not in step; a few cycles' worth of drift is allowed.
      expect(Math.abs(labAvg - redisAvg)).toBeLessThan(600);
    } finally {
      await redis.stop();
    }
  });

  it('is 0 with no volatile keys, after FLUSHALL, and before active expiry has sampled', async () => {
    await server.pipeline([['FLUSHALL'], ['SET', 'plain', '1']]);
    const lab = new Engine({ clock: systemClock });
    const client = lab.createClient();
    lab.execute(client, ['SET', 'plain', '1']);
    expect(avgTtl(lab.execute(client, ['INFO', 'keyspace']))).toBe(avgTtl(await server.command('INFO', 'keyspace')));
    expect(avgTtl(lab.execute(client, ['INFO', 'keyspace']))).toBe(0);
  });

  it('weighs each sample as expire.c does: the first taken whole, then 49/50 old and 1/50 new', () => {
    /** One loop's average weighed in (expire.c: avg_ttl = (avg_ttl/50)*49 + (avg/50)). */
    const weigh = (avg: number, sample: number) => Math.floor((avg === 0 ? sample : avg) / 50) * 49 + Math.floor(sample / 50);
    let now = 1_000_000;
    const lab = new Engine({ clock: { now: () => now } });
    const client = lab.createClient();
    for (const argv of KEYS) lab.execute(client, argv);
    lab.execute(client, ['SELECT', '1']);
    lab.execute(client, ['SET', 'other', 'v', 'PX', '5000']);
    now += 1_234;
    lab.activeExpireCycle();
    // db 0: a loop of 20 keys and one of 10, each with 98,766 ms left; db 1: one key, 3,766 ms.
    expect(lab.dbs[0]!.avgTtl).toBe(weigh(weigh(0, 98_766), 98_766));
    expect(lab.dbs[1]!.avgTtl).toBe(weigh(0, 3_766));
    now += 10_000;
    lab.activeExpireCycle();
    expect(lab.dbs[0]!.avgTtl).toBe(weigh(weigh(weigh(weigh(0, 98_766), 98_766), 88_766), 88_766));
    // db 1's only key had expired: deleted without a sample, and as more than 10% of what was
    // sampled had expired redis loops again over the db, finds it empty and resets the estimate.
    expect(lab.dbs[1]!.avgTtl).toBe(0);
    const db0 = lab.dbs[0]!.avgTtl;
    lab.execute(client, ['SWAPDB', '0', '1']);
    expect([lab.dbs[0]!.avgTtl, lab.dbs[1]!.avgTtl]).toEqual([0, db0]);
    lab.execute(client, ['FLUSHALL']);
    expect(lab.dbs[1]!.avgTtl).toBe(0);
  });
});
