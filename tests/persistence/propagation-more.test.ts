// What the newer writes propagate, compared with redis-server 7.0's own AOF byte for byte: the
// sorted-set algebra and ZRANGESTORE (an empty result deletes, and only then propagates), SORT …
// STORE (verbatim; a plain SORT not at all), RESTORE (a relative TTL becomes absolute plus
// ABSTTL, an already expired one a DEL), COPY and MOVE, LTRIM and SMOVE, and evictions (one DEL
// each, outside any MULTI).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesToBin } from '../../src/engine/bytes.js';
import { systemClock } from '../../src/engine/clock.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { dumpPayload } from '../../src/engine/rdb/writer.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';
import { RedisServer } from '../support/redis-server.js';
import { useScratch } from '../support/scratch.js';

const { tempDir, servers } = useScratch('lab-propagation-');

const payload = bytesToBin(dumpPayload('restored value', true));

const WORKLOAD: string[][] = [
  // The one key with a TTL is the one volatile-ttl can evict (the order of several is sampled).
  ['SET', 'e1', 'v', 'EX', '100'],
  ['SET', 'e2', 'v'],
  ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-ttl', 'maxmemory', '1'],
  ['SET', 'refused', 'v'],
  ['CONFIG', 'SET', 'maxmemory', '0'],
  ['ZADD', 'z1', '1', 'a', '2', 'b'],
  ['ZADD', 'z2', '3', 'b', '4', 'c'],
  ['SADD', 'set', 'b', 'x'],
  ['ZUNIONSTORE', 'u', '3', 'z1', 'z2', 'set', 'WEIGHTS', '1', '2', '0.5', 'AGGREGATE', 'MAX'],
  ['ZINTERSTORE', 'i', '2', 'z1', 'z2'],
  ['ZDIFFSTORE', 'd', '2', 'z1', 'z2'],
  ['ZINTERSTORE', 'u', '1', 'missing'],
  ['ZINTERSTORE', 'u', '1', 'missing'],
  ['ZRANGESTORE', 'r', 'z1', '0', '-1'],
  ['ZRANGESTORE', 'r', 'missing', '0', '-1'],
  ['ZUNION', '2', 'z1', 'z2'],
  ['ZINTERCARD', '2', 'z1', 'z2'],
  ['RPUSH', 'l', '3', '1', '2'],
  ['SORT', 'l', 'STORE', 'sorted'],
  ['SORT', 'l', 'DESC'],
  ['SORT_RO', 'l'],
  ['SADD', 's', 'b', 'a', 'c'],
  ['SORT', 's', 'BY', 'nosort', 'STORE', 'sorted-set'],
  ['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'sorted'],
  ['RESTORE', 'r1', '0', payload],
  ['RESTORE', 'r2', '100000', payload],
  ['RESTORE', 'r3', '4102444800000', payload, 'ABSTTL'],
  ['RESTORE', 'r1', '1', payload, 'ABSTTL', 'REPLACE'],
  ['RESTORE', 'r4', '1', payload, 'ABSTTL'],
  ['SET', 'src', 'v', 'PX', '500000'],
  ['COPY', 'src', 'dst', 'DB', '2'],
  ['COPY', 'src', 'src2', 'REPLACE'],
  ['MOVE', 'src', '3'],
  ['RPUSH', 'lt', 'a', 'b'],
  ['LTRIM', 'lt', '0', '-1'],
  ['LTRIM', 'lt', '1', '-1'],
  ['SADD', 'sm1', 'm'],
  ['SADD', 'sm2', 'm'],
  ['SMOVE', 'sm1', 'sm2', 'm'],
  ['LCS', 'r2', 'r3'],
  ['SET', 'after', 'v'],
];

/** Evictions of several keys: their order is random, each is a DEL of its own. */
const EVICTIONS: string[][] = [
  ['SET', 'a', '1'],
  ['SET', 'b', '2'],
  ['SELECT', '1'],
  ['SET', 'c', '3'],
  ['SELECT', '0'],
  ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random', 'maxmemory', '1'],
  ['SET', 'refused', 'v'],
  ['CONFIG', 'SET', 'maxmemory', '0'],
  ['SET', 'after', 'v'],
];

/** Absolute times (PEXPIREAT's, RESTORE's) depend on when each server ran. */
function normalize(aof: string): string {
  return aof
    .replace(/(\$(?:9|7|4)\r\n(?:PEXPIREAT|pexpireat|PXAT|pxat)\r\n(?:\$\d+\r\n[^\r]*\r\n)?)\$\d+\r\n\d{13}\r\n/g, '$1$<ms>\r\n<ms>\r\n')
    .replace(/(\$7\r\nRESTORE\r\n\$\d+\r\n[^\r]*\r\n)\$13\r\n\d{13}\r\n/g, '$1$<ms>\r\n<ms>\r\n');
}

/** Runs `workload` on redis-server and on the lab, both with an AOF; returns both incr files. */
async function incrFiles(workload: readonly string[][]): Promise<{ redis: string; lab: string }> {
  const redisDir = tempDir();
  const redis = await RedisServer.start({ dir: redisDir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--appendfsync', 'always'] });
  servers.push(redis);
  const expected = await redis.pipeline(workload);
  servers.splice(servers.indexOf(redis), 1);
  await redis.stop();

  const dir = tempDir();
  const config = new Config();
  expect(applyConfigText(config, 'appendonly yes\naof-use-rdb-preamble no\nappendfsync always\nsave ""')).toEqual([]);
  const { server } = await PersistentServer.start({ disk: new NodeFsStore(dir), config, clock: systemClock, rdb: rdbCodec });
  const client = server.engine.createClient();
  for (let i = 0; i < workload.length; i++) {
    const reply = await server.execute(client, workload[i]!);
    expect(reply, workload[i]!.join(' ')).toEqual(expected[i]);
  }
  await server.shutdown();
  const incr = (d: string) => normalize(readFileSync(join(d, 'appendonlydir/appendonly.aof.1.incr.aof'), 'latin1'));
  return { redis: incr(redisDir), lab: incr(dir) };
}

/**
 * The file as commands, where each run of DELs (and the SELECTs between them) becomes the sorted
 * list of the "db:key"s it deletes: evictions pick keys at random.
 */
function evictionsSorted(aof: string): string[] {
  const out: string[] = [];
  let run: string[] = [];
  let db = '0';
  const flush = () => {
    out.push(...run.sort());
    run = [];
  };
  for (const command of aof.split(/(?=\*\d+\r\n\$)/)) {
    const select = /^\*2\r\n\$6\r\nSELECT\r\n\$\d+\r\n(\d+)\r\n$/.exec(command);
    const del = /^\*2\r\n\$3\r\nDEL\r\n\$\d+\r\n([^\r]*)\r\n$/.exec(command);
    if (select) db = select[1]!;
    else if (del) run.push(`${db}:${del[1]}`);
    else {
      flush();
      out.push(`${db}: ${command}`);
    }
  }
  flush();
  return out;
}

describe('propagation of the newer commands', () => {
  it('writes the same commands to the incr file as redis-server 7.0, byte for byte', async () => {
    const { redis, lab } = await incrFiles(WORKLOAD);
    expect(lab).toBe(redis);
    expect(lab).toContain('ABSTTL');
    expect(lab).toContain('$3\r\nDEL\r\n$2\r\ne1\r\n');
  });

  it('propagates each eviction as a DEL of its own, not inside MULTI', async () => {
    const { redis, lab } = await incrFiles(EVICTIONS);
    expect(evictionsSorted(lab)).toEqual(evictionsSorted(redis));
    expect(lab).not.toContain('MULTI');
    expect(lab.match(/\$3\r\nDEL\r\n/g)).toHaveLength(3);
  });
});
