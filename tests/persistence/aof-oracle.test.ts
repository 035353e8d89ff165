// The multi-part AOF both ways against redis-server 7.0, with RESP bases and with RDB
// preambles: what the lab writes passes redis-check-aof and loads in redis-server with the same
// digest, and what redis-server writes (including an old single-file AOF) loads in the lab.
import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { applyConfigText, Config } from '../../src/engine/config.js';
import { datasetDigest } from '../../src/engine/digest.js';
import type { RdbCodec } from '../../src/engine/persistence/codec.js';
import { rdbCodec } from '../../src/engine/persistence/rdb-codec.js';
import { encodeCommand } from '../../src/engine/resp/encoder.js';
import { PersistentServer } from '../../src/engine/persistence/server.js';
import { NodeFsStore } from '../../src/storage/node-fs-store.js';
import { RedisServer } from '../support/redis-server.js';
import { useScratch } from '../support/scratch.js';

const WORKLOAD: string[][] = [
  ['SET', 'greeting', 'hello'],
  ['INCR', 'counter'],
  ['INCRBYFLOAT', 'float', '1.5'],
  ['RPUSH', 'list', 'a', 'b', 'c'],
  ['HSET', 'hash', 'f', 'v', 'g', 'w'],
  ['SADD', 'set', '1', '2', 'x'],
  ['ZADD', 'zset', '1', 'a', '2.5', 'b', 'inf', 'c'],
  ['SET', 'bin\r\nkey\x00', 'caf\xc3\xa9'],
  ['SETBIT', 'bitmap', '77', '1'],
  ['PFADD', 'hll', 'x', 'y', 'z'],
  ['EXPIRE', 'greeting', '100000'],
  ['SELECT', '3'],
  ['SET', 'in-db-3', 'x'],
  ['MULTI'],
  ['INCR', 'counter3'],
  ['LPUSH', 'list3', 'z'],
  ['EXEC'],
  ['SELECT', '0'],
  ['DEL', 'counter'],
  ['SPOP', 'set'],
];

const refuseRdb: RdbCodec = {
  snapshot() {
    throw new Error('this test uses RESP bases only');
  },
  snapshotOf() {
    throw new Error('this test uses RESP bases only');
  },
  load() {
    throw new Error('this test uses RESP bases only');
  },
};

const { tempDir, servers } = useScratch('lab-aof-');

function config(text: string): Config {
  const c = new Config();
  expect(applyConfigText(c, text)).toEqual([]);
  return c;
}

async function labServer(dir: string, text: string, rdb: RdbCodec = refuseRdb) {
  return PersistentServer.start({ disk: new NodeFsStore(dir), config: config(text), clock: systemClock, rdb });
}

async function runOnLab(server: PersistentServer, commands: string[][]): Promise<void> {
  const client = server.engine.createClient();
  for (const argv of commands) {
    const reply = await server.execute(client, argv);
    expect(reply.kind, `${argv.join(' ')} → ${JSON.stringify(reply)}`).not.toBe('error');
  }
}

function checkAof(manifestPath: string): { status: number | null; output: string } {
  const result = spawnSync('redis-check-aof', [manifestPath], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

const LAB_CONFIG = 'appendonly yes\naof-use-rdb-preamble no\nappendfsync always\nsave ""';

describe('lab → redis-server', () => {
  it('writes a multi-part AOF that redis-check-aof accepts and redis-server loads with the same digest', async () => {
    const dir = tempDir();
    const { server } = await labServer(dir, LAB_CONFIG);
    await runOnLab(server, WORKLOAD);
    const digest = datasetDigest(server.engine);
    await server.shutdown();
    expect(readdirSync(join(dir, 'appendonlydir')).sort()).toEqual(['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    expect(readFileSync(join(dir, 'appendonlydir/appendonly.aof.manifest'), 'latin1')).toBe(
      'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    const check = checkAof(join(dir, 'appendonlydir/appendonly.aof.manifest'));
    expect(check.output).toContain('is valid');
    expect(check.status).toBe(0);
    const redis = await RedisServer.start({ dir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'] });
    servers.push(redis);
    expect(await redis.command('DEBUG', 'DIGEST')).toEqual({ kind: 'status', value: digest });
  });

  it('rewrites into a new base and incr that redis-server loads, deleting the old files', async () => {
    const dir = tempDir();
    const { server } = await labServer(dir, LAB_CONFIG);
    await runOnLab(server, WORKLOAD);
    await runOnLab(server, [['BGREWRITEAOF']]);
    await runOnLab(server, [['SET', 'after-fork', '1'], ['RPUSH', 'list', 'd']]);
    await server.job!.finished;
    await server.cron();
    await runOnLab(server, [['SET', 'after-rewrite', '2']]);
    const digest = datasetDigest(server.engine);
    await server.shutdown();
    expect(readdirSync(join(dir, 'appendonlydir')).sort()).toEqual(['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    const base = readFileSync(join(dir, 'appendonlydir/appendonly.aof.2.base.aof'), 'latin1');
    expect(base).not.toContain('after-fork');
    expect(readFileSync(join(dir, 'appendonlydir/appendonly.aof.2.incr.aof'), 'latin1')).toMatch(/^\*2\r\n\$6\r\nSELECT\r\n\$1\r\n0\r\n.*after-fork/s);
    expect(checkAof(join(dir, 'appendonlydir/appendonly.aof.manifest')).status).toBe(0);
    const redis = await RedisServer.start({ dir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'] });
    servers.push(redis);
    expect(await redis.command('DEBUG', 'DIGEST')).toEqual({ kind: 'status', value: digest });
  });
});

describe('rewrite report', () => {
  it('reports the compaction: bytes before and after, the base format and keys per type', async () => {
    const dir = tempDir();
    const { server } = await labServer(dir, LAB_CONFIG);
    const churn = Array.from({ length: 400 }, () => ['INCR', 'counter']);
    await runOnLab(server, [...WORKLOAD, ...churn, ['SET', 'x', '1'], ['DEL', 'x']]);
    const aofBytes = (name: string) => readFileSync(join(dir, 'appendonlydir', name)).length;
    const before = aofBytes('appendonly.aof.1.base.aof') + aofBytes('appendonly.aof.1.incr.aof');
    await runOnLab(server, [['BGREWRITEAOF']]);
    await server.job!.finished;
    await server.cron();
    const report = server.status.lastRewrite!;
    expect(report).toMatchObject({ baseFormat: 'resp', keys: { string: 8, list: 2, set: 1, zset: 1, hash: 1, expires: 1 } });
    expect(report.commandsBefore).toEqual({ SET: 5, INCR: 402, RPUSH: 1, HSET: 1, SADD: 1, ZADD: 1, SETBIT: 1, PFADD: 1, PEXPIREAT: 1, MULTI: 1, LPUSH: 1, EXEC: 1, DEL: 2, SREM: 1 });
    expect(report.keys.string + report.keys.list + report.keys.set + report.keys.zset + report.keys.hash).toBe(server.engine.dbs.reduce((n, db) => n + db.size, 0));
    expect(report.bytesBefore).toBe(before);
    expect(report.bytesAfter).toBe(aofBytes('appendonly.aof.2.base.aof') + aofBytes('appendonly.aof.2.incr.aof'));
    expect(report.ratio).toBeCloseTo(report.bytesAfter / report.bytesBefore);
    expect(report.ratio).toBeLessThan(0.2);
    await server.shutdown();
  });
});

describe('redis-server → lab', () => {
  it('loads what redis-server wrote, before and after its rewrite, with the same digest', async () => {
    const dir = tempDir();
    const redis = await RedisServer.start({ dir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no', '--appendfsync', 'always'] });
    servers.push(redis);
    await redis.pipeline(WORKLOAD);
    const before = await redis.command('DEBUG', 'DIGEST');
    await redis.command('BGREWRITEAOF');
    await redis.waitForBackgroundJobs();
    await redis.pipeline([['SET', 'after', 'rewrite'], ['HSET', 'hash', 'h', 'x']]);
    const after = await redis.command('DEBUG', 'DIGEST');
    expect(after).not.toEqual(before);
    servers.splice(servers.indexOf(redis), 1);
    await redis.stop();
    const { server, report } = await labServer(dir, 'appendonly yes\naof-use-rdb-preamble no\nsave ""');
    expect(report.source).toBe('aof');
    expect(report.files.map((f) => f.name)).toEqual(['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof']);
    expect({ kind: 'status', value: datasetDigest(server.engine) }).toEqual(after);
    await server.shutdown();
  });

  it('cuts a torn tail of the last incr back to the last complete command, as redis does', async () => {
    const dir = tempDir();
    const { server } = await labServer(dir, LAB_CONFIG);
    await runOnLab(server, WORKLOAD);
    await server.shutdown();
    const incr = join(dir, 'appendonlydir/appendonly.aof.1.incr.aof');
    const intact = readFileSync(incr, 'latin1').length;
    const torn = '*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nval';
    appendFileSync(incr, torn, 'latin1');
    expect(readFileSync(incr, 'latin1').length).toBe(intact + torn.length);
    const redisDir = tempDir();
    spawnSync('cp', ['-r', join(dir, 'appendonlydir'), redisDir]);
    const redis = await RedisServer.start({ dir: redisDir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'] });
    servers.push(redis);
    const reloaded = await labServer(dir, 'appendonly yes\naof-use-rdb-preamble no\nsave ""');
    expect(reloaded.report.truncation).toMatchObject({ file: 'appendonly.aof.1.incr.aof', truncatedTo: intact, droppedBytes: torn.length });
    expect(readFileSync(incr, 'latin1').length).toBe(intact);
    expect(readFileSync(join(redisDir, 'appendonlydir/appendonly.aof.1.incr.aof'), 'latin1').length).toBe(intact);
    expect({ kind: 'status', value: datasetDigest(reloaded.server.engine) }).toEqual(await redis.command('DEBUG', 'DIGEST'));
    await reloaded.server.shutdown();
  });
});

describe('RDB preambles', () => {
  const PREAMBLE_CONFIG = 'appendonly yes\naof-use-rdb-preamble yes\nappendfsync always\nsave ""';

  it('lab → redis-server: a rewrite writes a .base.rdb that redis-check-aof accepts and redis-server loads', async () => {
    const dir = tempDir();
    const { server } = await labServer(dir, PREAMBLE_CONFIG, rdbCodec);
    await runOnLab(server, WORKLOAD);
    await runOnLab(server, [['BGREWRITEAOF']]);
    await server.job!.finished;
    await server.cron();
    await runOnLab(server, [['SET', 'after-rewrite', '2'], ['ZADD', 'zset', '-inf', 'low']]);
    const digest = datasetDigest(server.engine);
    await server.shutdown();
    expect(readdirSync(join(dir, 'appendonlydir')).sort()).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    expect(readFileSync(join(dir, 'appendonlydir/appendonly.aof.2.base.rdb'), 'latin1')).toMatch(/^REDIS0010.*aof-base\xc0\x01/s);
    const check = checkAof(join(dir, 'appendonlydir/appendonly.aof.manifest'));
    expect(check.output).toContain('is valid');
    const redis = await RedisServer.start({ dir, args: ['--appendonly', 'yes'] });
    servers.push(redis);
    expect(await redis.command('DEBUG', 'DIGEST')).toEqual({ kind: 'status', value: digest });
    const reloaded = await labServer(dir, PREAMBLE_CONFIG, rdbCodec);
    expect(datasetDigest(reloaded.server.engine)).toBe(digest);
    await reloaded.server.shutdown();
  });

  it("redis-server → lab: loads redis's .base.rdb and incr after its rewrite", async () => {
    const dir = tempDir();
    const redis = await RedisServer.start({ dir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'yes', '--appendfsync', 'always'] });
    servers.push(redis);
    await redis.pipeline(WORKLOAD);
    await redis.command('BGREWRITEAOF');
    await redis.waitForBackgroundJobs();
    await redis.pipeline([['SET', 'after', 'rewrite'], ['RPUSH', 'list', 'tail']]);
    const digest = await redis.command('DEBUG', 'DIGEST');
    servers.splice(servers.indexOf(redis), 1);
    await redis.stop();
    const { server, report } = await labServer(dir, PREAMBLE_CONFIG, rdbCodec);
    expect(report.files.map((f) => [f.name, f.format])).toEqual([['appendonly.aof.2.base.rdb', 'rdb'], ['appendonly.aof.2.incr.aof', 'resp']]);
    expect({ kind: 'status', value: datasetDigest(server.engine) }).toEqual(digest);
    await server.shutdown();
  });

  it('loads an old single-file appendonly.aof with an RDB preamble and a RESP tail, as redis-server 7.0 migrates it', async () => {
    const source = await labServer(tempDir(), 'save ""', rdbCodec);
    await runOnLab(source.server, WORKLOAD);
    const preamble = Buffer.concat(rdbCodec.snapshot(source.server.engine, { aofBase: true, compression: true, checksum: true }));
    const tail = Buffer.from(encodeCommand(['SELECT', '0']) + encodeCommand(['SET', 'tail', 'after preamble']) + encodeCommand(['DEL', 'greeting']), 'latin1');
    const dir = tempDir();
    writeFileSync(join(dir, 'appendonly.aof'), Buffer.concat([preamble, tail]));
    const redisDir = tempDir();
    writeFileSync(join(redisDir, 'appendonly.aof'), Buffer.concat([preamble, tail]));
    const redis = await RedisServer.start({ dir: redisDir, args: ['--appendonly', 'yes'] });
    servers.push(redis);
    const { server, report } = await labServer(dir, 'appendonly yes\nsave ""', rdbCodec);
    expect(report.migratedOldAof).toBe(true);
    expect(report.files[0]).toMatchObject({ name: 'appendonly.aof', format: 'rdb+resp' });
    expect({ kind: 'status', value: datasetDigest(server.engine) }).toEqual(await redis.command('DEBUG', 'DIGEST'));
    expect(server.engine.dbs[0]!.dict.has('tail')).toBe(true);
    await server.shutdown();
  });
});

describe('propagation', () => {
  // Writes whose AOF form differs from what the client sent, plus a transaction and db switches.
  const PROPAGATION_WORKLOAD: string[][] = [
    ['SET', 'a', '1', 'EX', '1000'],
    ['SETEX', 'b', '100', 'x'],
    ['PSETEX', 'c', '100000', 'y'],
    ['SET', 'd', 'v', 'KEEPTTL'],
    ['EXPIRE', 'd', '500'],
    ['PEXPIRE', 'd', '600000', 'GT'],
    ['PEXPIRE', 'd', '100000', 'GT'],
    ['EXPIREAT', 'a', '1'],
    ['GETEX', 'b', 'PERSIST'],
    ['GETEX', 'c', 'EX', '60'],
    ['INCRBYFLOAT', 'f', '1.25'],
    ['HINCRBYFLOAT', 'h', 'field', '0.5'],
    ['RPUSH', 'l', 'x', 'y', 'z'],
    ['RPOPLPUSH', 'l', 'l2'],
    ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
    ['SELECT', '5'],
    ['SET', 'in5', 'v'],
    ['MULTI'],
    ['INCR', 'n'],
    ['SET', 'e', 'v', 'PX', '1000000'],
    ['EXEC'],
    ['SELECT', '0'],
    ['GETDEL', 'd'],
    ['SET', 'gone', 'v'],
    ['PEXPIREAT', 'gone', '1'],
    ['ZADD', 'z', 'INCR', '2', 'm'],
    ['SETRANGE', 'r', '3', 'abc'],
    // Bit writes propagate as themselves, and only when a bit changed; BITFIELD with GETs only
    // never does, nor one whose only write failed (though it created the key).
    ['SETBIT', 'bits', '100', '1'],
    ['SETBIT', 'bits', '100', '1'],
    ['BITFIELD', 'bits', 'GET', 'u8', '0'],
    ['BITFIELD', 'bits', 'SET', 'u8', '0', '3', 'INCRBY', 'i5', '#3', '-7'],
    ['BITFIELD', 'failed', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '300'],
    ['BITOP', 'XOR', 'bits2', 'bits', 'r'],
    // PFCOUNT is a read that writes the cached cardinality: propagated when it recomputes it.
    ['PFADD', 'hll', 'a', 'b', 'c'],
    ['PFADD', 'hll', 'a'],
    ['PFCOUNT', 'hll'],
    ['PFCOUNT', 'hll'],
    ['PFCOUNT', 'hll', 'hll2'],
    ['PFMERGE', 'hll3', 'hll', 'hll2'],
    ['PFDEBUG', 'TODENSE', 'hll3'],
    ['PFDEBUG', 'TODENSE', 'hll3'],
    ['PFDEBUG', 'ENCODING', 'hll'],
    // GEOADD is propagated as the ZADD it makes (options as given); searches only with STORE.
    ['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
    ['GEOADD', 'geo', 'NX', '13.361389', '38.115556', 'Palermo'],
    ['geoadd', 'geo', 'CH', 'xx', '13.5', '38', 'Palermo'],
    ['GEORADIUS', 'geo', '15', '37', '200', 'km', 'ASC'],
    ['GEORADIUS', 'geo', '15', '37', '200', 'km', 'STORE', 'near'],
    ['GEOSEARCHSTORE', 'near2', 'geo', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '300', 'km', 'STOREDIST'],
    ['GEORADIUSBYMEMBER', 'nowhere', 'x', '1', 'km', 'STORE', 'near'],
    ['GEORADIUSBYMEMBER', 'nowhere', 'x', '1', 'km', 'STORE', 'near'],
    // GET is a read: the AOF gets the SET without it.
    ['SET', 'b', 'v3', 'GET'],
    ['SET', 'a', '6', 'XX', 'GET'],
    ['SET', 'b', 'v4', 'get', 'GET'],
    ['SET', 'p', 'v', 'PXAT', '4102444800000', 'NX', 'GET'],
    // A transaction straight after a SELECT: the SELECT comes before MULTI.
    ['SELECT', '6'],
    ['MULTI'],
    ['SET', 'm', '1'],
    ['INCR', 'm'],
    ['EXEC'],
    ['SELECT', '0'],
    ['MULTI'],
    ['SET', 'back-in-0', '1'],
    ['SET', 'again', '1'],
    ['EXEC'],
  ];

  /** Absolute ms in PEXPIREAT/PXAT arguments depend on when each server ran. */
  function normalize(aof: string): string {
    return aof.replace(/(\$(?:9|7|4)\r\n(?:PEXPIREAT|pexpireat|PXAT|pxat)\r\n(?:\$\d+\r\n[^\r]*\r\n)?)\$\d+\r\n\d{13}\r\n/g, '$1$<ms>\r\n<ms>\r\n');
  }

  it('writes the same commands to the incr file as redis-server 7.0, byte for byte', async () => {
    const redisDir = tempDir();
    const redis = await RedisServer.start({ dir: redisDir, args: ['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no'] });
    servers.push(redis);
    const replies = await redis.pipeline(PROPAGATION_WORKLOAD);
    expect(replies.filter((r) => r.kind === 'error')).toEqual([]);
    await redis.command('FLUSHALL');
    servers.splice(servers.indexOf(redis), 1);
    await redis.stop();
    const dir = tempDir();
    const { server } = await labServer(dir, LAB_CONFIG);
    await runOnLab(server, [...PROPAGATION_WORKLOAD, ['FLUSHALL']]);
    await server.shutdown();
    const incr = (d: string) => normalize(readFileSync(join(d, 'appendonlydir/appendonly.aof.1.incr.aof'), 'latin1'));
    expect(incr(dir)).toBe(incr(redisDir));
    expect(incr(dir)).toContain('<ms>');
  });
});

describe('CONFIG SET appendonly at runtime', () => {
  it('counts the rewrite that starts the AOF in INFO aof_rewrites, as redis-server does', async () => {
    const rewrites = (info: { kind: string; value: unknown }) => Number(/aof_rewrites:(\d+)/.exec(String(info.value))?.[1]);
    const redis = await RedisServer.start({ args: ['--appendonly', 'no'] });
    servers.push(redis);
    await redis.pipeline([['SET', 'a', '1'], ['CONFIG', 'SET', 'appendonly', 'yes']]);
    await redis.waitForBackgroundJobs();
    const { server } = await labServer(tempDir(), 'appendonly no\nsave ""', rdbCodec);
    await runOnLab(server, [['SET', 'a', '1'], ['CONFIG', 'SET', 'appendonly', 'yes']]);
    const client = server.engine.createClient();
    expect(rewrites(await server.execute(client, ['INFO', 'persistence']))).toBe(rewrites(await redis.command('INFO', 'persistence')));
    expect(rewrites(await server.execute(client, ['INFO', 'persistence']))).toBe(1);
    await server.shutdown();
  });

  it('starts an AOF from the live dataset, stops it, and starts again over the old files; redis-server loads the result', async () => {
    const dir = tempDir();
    const { server } = await labServer(dir, 'appendonly no\nsave ""\naof-use-rdb-preamble yes', rdbCodec);
    await runOnLab(server, [...WORKLOAD, ['CONFIG', 'SET', 'appendonly', 'yes'], ['SET', 'after-enable', '1']]);
    expect(readdirSync(join(dir, 'appendonlydir')).sort()).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    await runOnLab(server, [['CONFIG', 'SET', 'appendonly', 'no'], ['SET', 'while-off', '1'], ['CONFIG', 'SET', 'appendonly', 'yes'], ['SET', 'after-second-enable', '1']]);
    expect(readdirSync(join(dir, 'appendonlydir')).sort()).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    const digest = datasetDigest(server.engine);
    await server.shutdown();
    expect(checkAof(join(dir, 'appendonlydir/appendonly.aof.manifest')).status).toBe(0);
    const redis = await RedisServer.start({ dir, args: ['--appendonly', 'yes'] });
    servers.push(redis);
    expect(await redis.command('DEBUG', 'DIGEST')).toEqual({ kind: 'status', value: digest });
    expect(await redis.command('GET', 'while-off')).toEqual({ kind: 'bulk', value: '1' });
  });
});
