// Streams in the AOF against redis-server 7.0: the lab appends the same commands redis appends
// (explicit IDs, "=" trims, XCLAIM … FORCE JUSTID LASTID for group reads and claims, XGROUP
// SETID for NOACK reads), a rewrite produces the same base, and each side loads the other's
// files to the same digest and the same XINFO.
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { datasetDigest } from '../../src/engine/digest.js';
import { AofCommandReader } from '../../src/engine/aof/command-reader.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import type { Reply } from '../../src/engine/resp/reply.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';
import { streamDataset, streamInspection } from '../support/datasets.js';
import { RedisServer } from '../support/redis-server.js';
import { useScratch } from '../support/scratch.js';

const { tempDir, servers } = useScratch('lab-stream-aof-');

const WORKLOAD: string[][] = [
  ...streamDataset(),
  ['XADD', 'stream:big', 'MAXLEN', '~', '150', '3000-0', 'f', 'v'],
  ['XTRIM', 'stream:big', 'MINID', '~', '1070'],
  ['XTRIM', 'stream:big', 'MAXLEN', '=', '120'],
  ['XADD', 'stream:big', 'MINID', '1080', '3000-1', 'f', 'w'],
  ['XAUTOCLAIM', 'stream:big', 'g1', 'frank', '0', '0', 'COUNT', '2'],
  ['XAUTOCLAIM', 'stream:big', 'g1', 'frank', '0', '0', 'JUSTID'],
  ['XCLAIM', 'stream:big', 'g1', 'gina', '0', '1080', '3000-0', 'FORCE', 'JUSTID', 'LASTID', '2500-0'],
  ['XGROUP', 'SETID', 'stream:big', 'g2', '1050-0'],
  ['XGROUP', 'DELCONSUMER', 'stream:big', 'g1', 'carol'],
  ['XGROUP', 'DESTROY', 'stream:big', 'g3'],
  ['XREADGROUP', 'GROUP', 'g1', 'alice', 'STREAMS', 'stream:big', '0'],
  ['XREADGROUP', 'GROUP', 'g2', 'new', 'NOACK', 'STREAMS', 'stream:big', '>'],
  ['XDEL', 'stream:big', '3000-0'],
  ['XACK', 'stream:big', 'g1', '3000-0', '1080-0'],
];

const CONFIG = 'appendonly yes\naof-use-rdb-preamble no\nappendfsync always\nsave ""';
const REDIS_ARGS = ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'];

async function labServer(dir: string) {
  const config = new Config();
  expect(applyConfigText(config, CONFIG)).toEqual([]);
  return (await PersistentServer.start({ disk: new NodeFsStore(dir), config, clock: systemClock, rdb: rdbCodec })).server;
}

async function runOnLab(server: PersistentServer, commands: readonly string[][]): Promise<Reply[]> {
  const client = server.engine.createClient();
  const replies: Reply[] = [];
  for (const argv of commands) replies.push(await server.execute(client, argv));
  return replies;
}

/** Delivery times (XCLAIM … TIME <ms>) depend on when each server ran. */
function normalize(aof: string): string {
  return aof.replace(/\$4\r\nTIME\r\n\$13\r\n\d{13}\r\n/g, '$4\r\nTIME\r\n$13\r\n<ms>\r\n');
}

const aofFile = (dir: string, name: string) => normalize(readFileSync(join(dir, 'appendonlydir', name), 'latin1'));

/** A RESP base as db → key → its commands: keys come in hash-table order, which differs. */
function rewriteByKey(text: string): Record<string, string[][]> {
  const reader = new AofCommandReader();
  reader.push(Buffer.from(text, 'latin1'));
  reader.finish();
  const out: Record<string, string[][]> = {};
  let db = '0';
  for (let r = reader.next(); r.kind === 'command'; r = reader.next()) {
    const argv = r.argv;
    if (argv[0] === 'SELECT') {
      db = argv[1]!;
      continue;
    }
    const key = `${db}/${argv[0] === 'XGROUP' ? argv[2] : argv[1]}`;
    (out[key] ??= []).push(argv);
  }
  return out;
}

async function redisRun(dir: string): Promise<RedisServer> {
  const redis = await RedisServer.start({ dir, args: REDIS_ARGS });
  servers.push(redis);
  const replies = await redis.pipeline(WORKLOAD);
  replies.forEach((reply, i) => expect(reply.kind, WORKLOAD[i]!.join(' ')).not.toBe('error'));
  return redis;
}

const inspection = streamInspection(streamDataset());

/** A consumer's seen-time is not in the AOF: replaying creates it at load time on each side. */
function withoutSeenTimes(replies: readonly Reply[]): Reply[] {
  const strip = (reply: Reply): Reply => {
    if (reply.kind !== 'array' || !reply.value) return reply;
    const items = reply.value.map(strip);
    for (let i = 0; i + 1 < items.length; i++) {
      const item = items[i]!;
      if (item.kind === 'bulk' && item.value === 'seen-time') items[i + 1] = { kind: 'int', value: 0 };
    }
    return { kind: 'array', value: items };
  };
  return replies.map(strip);
}

describe('streams in the AOF', () => {
  it('appends what redis-server appends for every stream write', async () => {
    const redisDir = tempDir();
    await redisRun(redisDir);
    const dir = tempDir();
    const lab = await labServer(dir);
    const replies = await runOnLab(lab, WORKLOAD);
    replies.forEach((reply, i) => expect(reply.kind, WORKLOAD[i]!.join(' ')).not.toBe('error'));
    await lab.shutdown();
    const incr = aofFile(dir, 'appendonly.aof.1.incr.aof');
    expect(incr).toContain('XCLAIM');
    expect(incr).toContain('$1\r\n=\r\n');
    expect(incr).toBe(aofFile(redisDir, 'appendonly.aof.1.incr.aof'));
  });

  it("rewrites a stream as redis does; each side loads the other's rewrite to the same digest, and both to the same XINFO", async () => {
    const redisDir = tempDir();
    const redis = await redisRun(redisDir);
    expect(await redis.command('BGREWRITEAOF')).toMatchObject({ kind: 'status' });
    await redis.waitForBackgroundJobs();
    const dir = tempDir();
    const lab = await labServer(dir);
    await runOnLab(lab, [...WORKLOAD, ['BGREWRITEAOF']]);
    await lab.job!.finished;
    await lab.cron();
    const labDigest = datasetDigest(lab.engine);
    await lab.shutdown();
    const base = rewriteByKey(aofFile(dir, 'appendonly.aof.2.base.aof'));
    expect(Object.keys(base).length).toBeGreaterThan(5);
    expect(base).toEqual(rewriteByKey(aofFile(redisDir, 'appendonly.aof.2.base.aof')));

    const redisDigest = await redis.command('DEBUG', 'DIGEST');
    servers.splice(servers.indexOf(redis), 1);
    await redis.stop();
    expect(redisDigest).toEqual({ kind: 'status', value: labDigest });
    // Each side's files, loaded by both: the same digest and the same streams (nodes, counters,
    // groups, pending entries with their times).
    for (const files of [dir, redisDir]) {
      const copy = tempDir();
      cpSync(files, copy, { recursive: true });
      const inRedis = await RedisServer.start({ dir: files, args: REDIS_ARGS });
      servers.push(inRedis);
      const inLab = await labServer(copy);
      expect({ kind: 'status', value: datasetDigest(inLab.engine) }).toEqual(await inRedis.command('DEBUG', 'DIGEST'));
      expect(withoutSeenTimes(await runOnLab(inLab, inspection))).toEqual(withoutSeenTimes(await inRedis.pipeline(inspection)));
    }
  });

  it('keeps streams in an RDB preamble both ways', async () => {
    const args = ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'yes'];
    const redisDir = tempDir();
    const redis = await RedisServer.start({ dir: redisDir, args });
    servers.push(redis);
    await redis.pipeline(WORKLOAD);
    await redis.command('BGREWRITEAOF');
    await redis.waitForBackgroundJobs();
    const redisDigest = await redis.command('DEBUG', 'DIGEST');
    servers.splice(servers.indexOf(redis), 1);
    await redis.stop();
    const config = new Config();
    expect(applyConfigText(config, 'appendonly yes\naof-use-rdb-preamble yes\nsave ""')).toEqual([]);
    const { server: fromRedis, report } = await PersistentServer.start({ disk: new NodeFsStore(redisDir), config, clock: systemClock, rdb: rdbCodec });
    expect(report.files.map((f) => f.format)).toContain('rdb');
    expect({ kind: 'status', value: datasetDigest(fromRedis.engine) }).toEqual(redisDigest);
    await runOnLab(fromRedis, [['BGREWRITEAOF']]);
    await fromRedis.job!.finished;
    await fromRedis.cron();
    await fromRedis.shutdown();
    const again = await RedisServer.start({ dir: redisDir, args });
    servers.push(again);
    expect(await again.command('DEBUG', 'DIGEST')).toEqual(redisDigest);
  });
});
