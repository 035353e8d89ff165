// SAVE, BGSAVE and BGREWRITEAOF inside MULTI against redis-server 7.0: SAVE is refused before it
// is queued (and fails the transaction), the background ones only schedule inside EXEC.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { RedisServer } from '../support/redis-server.js';
import { useScratch } from '../support/scratch.js';

const { servers } = useScratch('lab-multi-');

const SEQUENCES: string[][][] = [
  [['MULTI'], ['SET', 'a', '1'], ['SAVE'], ['SET', 'b', '2'], ['EXEC'], ['EXISTS', 'a', 'b']],
  [['MULTI'], ['SET', 'a', '1'], ['BGSAVE'], ['EXEC']],
  [['MULTI'], ['BGSAVE', 'SCHEDULE'], ['EXEC']],
  [['MULTI'], ['BGREWRITEAOF'], ['SET', 'c', '3'], ['EXEC']],
  [['MULTI'], ['BGSAVE', 'nonsense'], ['EXEC']],
];

async function onRedis(sequence: string[][]): Promise<Reply[]> {
  const redis = await RedisServer.start({ args: ['--appendonly', 'yes'] });
  servers.push(redis);
  const replies = await redis.pipeline(sequence);
  await redis.waitForBackgroundJobs();
  return replies;
}

async function onLab(sequence: string[][]): Promise<{ replies: Reply[]; server: PersistentServer }> {
  const config = new Config();
  expect(applyConfigText(config, 'appendonly yes\nsave ""')).toEqual([]);
  const { server } = await PersistentServer.start({ disk: new MemoryStore(), config, clock: systemClock, rdb: rdbCodec });
  const client = server.engine.createClient();
  const replies: Reply[] = [];
  for (const argv of sequence) replies.push(await server.execute(client, argv));
  return { replies, server };
}

describe('persistence commands inside MULTI, as redis-server 7.0', () => {
  it.each(SEQUENCES.map((s) => [s.map((argv) => argv.join(' ')).join(' ; '), s] as const))('%s', async (_, sequence) => {
    const { replies } = await onLab(sequence);
    expect(replies).toEqual(await onRedis(sequence));
  });

  it('runs what EXEC scheduled at the next serverCron', async () => {
    const { server } = await onLab([['MULTI'], ['SET', 'a', '1'], ['BGSAVE'], ['BGREWRITEAOF'], ['EXEC']]);
    expect(server.job).toBeNull();
    expect(server.status.bgsaveScheduled && server.rewriteScheduled).toBe(true);
    // The rewrite goes first (serverCron checks aof_rewrite_scheduled before the BGSAVE).
    await server.cron();
    expect(server.job?.kind).toBe('aof');
    await server.job!.finished;
    await server.cron();
    expect(server.job?.kind).toBe('rdb');
    await server.shutdown();
    expect(server.status).toMatchObject({ aofRewrites: 1, rdbSaves: 1, bgsaveScheduled: false });
  });
});
