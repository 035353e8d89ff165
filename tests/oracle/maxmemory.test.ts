// maxmemory, the eviction policies and the access fields behind them, against redis-server 7.0:
// random sequences over limits both sides agree on (see groups/maxmemory.ts), and the parts of
// OBJECT FREQ / IDLETIME that are deterministic: a new key's counter is 5, with lfu-log-factor 0
// every access adds one, RESTORE's FREQ and IDLETIME set them, and each policy refuses the
// other's subcommand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBin } from '../../src/engine/bytes.js';
import { dumpPayload } from '../../src/engine/rdb/writer.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { assertDifferential, type LabHandle, runDifferential } from '../support/differential.js';
import { RedisServer } from '../support/redis-server.js';
import { allRules } from './groups/all.js';
import { maxmemoryCommandArb, maxmemoryRules } from './groups/maxmemory.js';

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.stop();
});

const payload = bytesToBin(dumpPayload('restored', true));

/** OBJECT IDLETIME reads an LRU clock redis refreshes ten times a second: one second of slack. */
const idleWithinASecond = {
  reconcile(_argv: readonly string[], redisReply: Reply, labReply: Reply, _lab: LabHandle): string | void {
    if (redisReply.kind === 'int' && labReply.kind === 'int' && Math.abs(Number(redisReply.value) - Number(labReply.value)) <= 1) return;
    if (JSON.stringify(redisReply) !== JSON.stringify(labReply)) return `redis ${JSON.stringify(redisReply)} lab ${JSON.stringify(labReply)}`;
  },
};

const CASES: Record<string, string[][]> = {
  'OBJECT FREQ without an LFU policy is an error, IDLETIME is not': [
    ['SET', 'k', 'value'],
    ['OBJECT', 'FREQ', 'k'],
    ['OBJECT', 'IDLETIME', 'k'],
    ['OBJECT', 'FREQ', 'missing'],
  ],
  'under LFU a new key counts 5, and with lfu-log-factor 0 each access adds one': [
    ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu', 'lfu-log-factor', '0'],
    ['SET', 'k', 'value'],
    ['OBJECT', 'FREQ', 'k'],
    ['GET', 'k'],
    ['OBJECT', 'FREQ', 'k'],
    ['GET', 'k'],
    ['APPEND', 'k', 'x'],
    ['EXISTS', 'k'],
    ['TYPE', 'k'],
    ['OBJECT', 'FREQ', 'k'],
    ['OBJECT', 'IDLETIME', 'k'],
    ['SET', 'k', 'overwritten'],
    ['OBJECT', 'FREQ', 'k'],
    ['SET', 'n', '100000'],
    ['INCR', 'n'],
    ['INCRBYFLOAT', 'n', '1.5'],
    ['OBJECT', 'FREQ', 'n'],
    ['RPUSH', 'l', 'a'],
    ['LRANGE', 'l', '0', '-1'],
    ['RPUSH', 'l', 'b'],
    ['OBJECT', 'FREQ', 'l'],
    ['RENAME', 'l', 'l2'],
    ['OBJECT', 'FREQ', 'l2'],
    ['COPY', 'l2', 'l3'],
    ['OBJECT', 'FREQ', 'l3'],
    ['TOUCH', 'l3', 'l2'],
    ['OBJECT', 'FREQ', 'l3'],
  ],
  'the first access of a new key always counts (a probability of 1)': [
    ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu'],
    ['SET', 'k', 'value'],
    ['GET', 'k'],
    ['OBJECT', 'FREQ', 'k'],
  ],
  'RESTORE … FREQ sets the counter under LFU, IDLETIME is ignored there': [
    ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
    ['RESTORE', 'a', '0', payload, 'FREQ', '42'],
    ['OBJECT', 'FREQ', 'a'],
    ['RESTORE', 'b', '0', payload, 'IDLETIME', '1000'],
    ['OBJECT', 'FREQ', 'b'],
    ['RESTORE', 'c', '0', payload, 'FREQ', '255'],
    ['OBJECT', 'FREQ', 'c'],
  ],
  'RESTORE … IDLETIME sets the idle time under LRU, FREQ is ignored there': [
    ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
    ['RESTORE', 'a', '0', payload, 'IDLETIME', '1000'],
    ['OBJECT', 'IDLETIME', 'a'],
    ['RESTORE', 'b', '0', payload, 'FREQ', '9'],
    ['OBJECT', 'IDLETIME', 'b'],
    ['OBJECT', 'FREQ', 'b'],
  ],
  'with maxmemory 1 every policy but noeviction empties what it may, then refuses writes': [
    ['SET', 'a', '1'],
    ['SET', 'b', '2', 'EX', '100'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-random', 'maxmemory', '1'],
    ['DBSIZE'],
    ['GET', 'b'],
    ['SET', 'c', '3'],
    ['DEL', 'a'],
    ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random'],
    ['SET', 'a', '1'],
    ['DBSIZE'],
    ['MULTI'],
    ['GET', 'a'],
    ['EXEC'],
    ['CONFIG', 'SET', 'maxmemory', '0'],
    ['MULTI'],
    ['SET', 'a', '1'],
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ['EXEC'],
    ['INFO', 'stats'],
  ],
};

describe('maxmemory and access fields against redis-server', () => {
  for (const [name, steps] of Object.entries(CASES)) {
    it(name, async () => {
      const result = await runDifferential(server, steps, { ...allRules, ...maxmemoryRules, object: idleWithinASecond });
      expect(result.message).toBe('');
    });
  }

  it('agree on random sequences of writes, reads, limits and policies', async () => {
    await assertDifferential(server, maxmemoryCommandArb, { runs: 200, minLength: 30, maxLength: 60, rules: { ...allRules, ...maxmemoryRules } });
  });
});
